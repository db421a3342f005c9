package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"time"

	"fieldbrief/briefing"
	"fieldbrief/portal"
	"fieldbrief/printing"
	"fieldbrief/report"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/syncer"
)

func runReport(c *ctx, args []string) error {
	for i, a := range args {
		switch a {
		case "verify":
			return runReportVerify(c, append(append([]string(nil), args[:i]...), args[i+1:]...))
		case "visit", "brief", "tour":
			return runReportKind(c, a, append(append([]string(nil), args[:i]...), args[i+1:]...))
		}
	}
	fmt.Fprintln(c.Stdout, c.pick(
		"用法：\n  fieldbrief report visit --data 文件夹 --id 督查编号 --out 文件.pdf\n  fieldbrief report brief --data 文件夹 --period YYYY-MM [--as-of YYYY-MM-DD] --out 文件.pdf   （截至该月的两个月）\n  fieldbrief report verify --data 文件夹 文件.pdf   （核对打印的督查报告、简报或拉练资料与记录是否一致）\n  fieldbrief report tour --data 文件夹 --quarter YYYYQn --out 文件.pdf [--order p03,p01,…]\n选项：--lang zh|en  --size A4|A3  --date YYYY-MM-DD（固定生成日期，输出可重复）  --print [--printer 打印机]（生成后打印）",
		"Usage:\n  fieldbrief report visit --data FOLDER --id VISIT --out FILE.pdf\n  fieldbrief report brief --data FOLDER --period YYYY-MM [--as-of YYYY-MM-DD] --out FILE.pdf   (the two months ending then)\n  fieldbrief report verify --data FOLDER FILE.pdf   (check a printed visit report, brief or tour pack against the records)\n  fieldbrief report tour --data FOLDER --quarter YYYYQn --out FILE.pdf [--order p03,p01,...]\nOptions: --lang zh|en  --size A4|A3  --date YYYY-MM-DD (fixed generation date, reproducible output)  --print [--printer NAME] (print once written)"))
	if len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
		return flag.ErrHelp
	}
	return usageError{msg: c.pick("请指定 visit、brief 或 tour。", "Say visit, brief or tour.")}
}

var quarterRE = regexp.MustCompile(`^(\d{4})[Qq]([1-4])$`)

func runReportKind(c *ctx, kind string, args []string) error {
	usage := map[string][2]string{
		"visit": {"--id 督查编号 --out 文件.pdf", "--id VISIT --out FILE.pdf"},
		"brief": {"--period YYYY-MM --out 文件.pdf [--issue 期号] [--issuer 编发单位] [--next-steps 下步工作] [--report-to 报] [--copy-to 送] [--send-to 发]",
			"--period YYYY-MM --out FILE.pdf [--issue N] [--issuer NAME] [--next-steps TEXT] [--report-to TEXT] [--copy-to TEXT] [--send-to TEXT]"},
		"tour": {"--quarter YYYYQn --out 文件.pdf [--order 项目编号,…]", "--quarter YYYYQn --out FILE.pdf [--order ID,...]"},
	}[kind]
	fs, data := c.flags("report "+kind, usage[0]+" [--size A4|A3] [--date YYYY-MM-DD] [--print [--printer 打印机]] [--offline]",
		usage[1]+" [--size A4|A3] [--date YYYY-MM-DD] [--print [--printer NAME]] [--offline]")
	out := fs.String("out", "", c.pick("PDF 文件的路径", "path of the PDF file"))
	size := fs.String("size", "A4", c.pick("纸张：A4 或 A3", "paper: A4 or A3"))
	date := fs.String("date", "", c.pick("固定的生成日期（输出可逐字节重复）", "fixed generation date (byte-identical output)"))
	asOf := fs.String("as-of", "", c.pick("简报的数据截至日期（默认为期末；brief）", "the date a brief's figures are as of (default: the period's end; brief)"))
	id := fs.String("id", "", c.pick("督查编号（visit）", "visit id (visit)"))
	period := fs.String("period", "", c.pick("简报期末月份，如 2026-10（brief）", "last month of the period, e.g. 2026-10 (brief)"))
	quarter := fs.String("quarter", "", c.pick("季度，如 2026Q4（tour）", "quarter, e.g. 2026Q4 (tour)"))
	order := fs.String("order", "", c.pick("拉练顺序：逗号分隔的项目编号；默认按位置", "visiting order: comma-separated project ids; default by location"))
	issue := fs.Int("issue", 0, c.pick("期号（brief；默认按双月期次编号）", "issue number (brief; default: the two-month period's number in the year)"))
	issuer := fs.String("issuer", "", c.pick("编发单位（brief；默认 "+report.DefaultIssuer+"）", "issuing body (brief; default: "+report.DefaultIssuer+")"))
	nextSteps := fs.String("next-steps", "", c.pick("下步工作中另加的事项，每行一项，\\n 换行（brief）", "items added to the next steps, one a line; \\n starts a line (brief)"))
	reportTo := fs.String("report-to", "", c.pick("版记“报”（brief）", "the colophon's To line (brief)"))
	copyTo := fs.String("copy-to", "", c.pick("版记“送”（brief）", "the colophon's Copy line (brief)"))
	sendTo := fs.String("send-to", "", c.pick("版记“发”（brief）", "the colophon's Distribution line (brief)"))
	doPrint := fs.Bool("print", false, c.pick("生成后送到打印机打印", "print the PDF once written"))
	printer := fs.String("printer", "", c.pick("打印机名称（默认为系统默认打印机；隐含 --print）", "printer name (default: the system's default printer; implies --print)"))
	offline := fs.Bool("offline", false, c.pick("不从平台下载其他电脑拍摄的照片", "do not download photos taken on other laptops from the portal"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{msg: c.pick("请用 --out 指定 PDF 文件。", "Name the PDF file with --out.")}
	}
	pageSize, err := report.ParsePageSize(*size)
	if err != nil {
		return usageError{msg: c.pick("--size 应为 A4 或 A3。", "--size must be A4 or A3.")}
	}
	var fixed time.Time // the generation time when --date is given
	now := c.Now()
	if *date != "" {
		d, err := time.ParseInLocation(time.DateOnly, *date, now.Location())
		if err != nil {
			return usageError{msg: c.pick("--date 格式应为 2026-11-26。", "Write --date as 2026-11-26.")}
		}
		fixed = d.Add(9 * time.Hour)
		now = fixed
	}

	req := briefing.Request{Kind: briefing.Kind(kind), VisitID: *id, Size: pageSize, Lang: c.lang, Time: fixed, Deterministic: !fixed.IsZero()}
	switch req.Kind {
	case briefing.Visit:
		if *id == "" {
			return usageError{msg: c.pick("请用 --id 指定督查记录。", "Name the visit with --id.")}
		}
	case briefing.Brief:
		end, err := time.ParseInLocation("2006-01", *period, now.Location())
		if err != nil {
			return usageError{msg: c.pick("请用 --period 指定期末月份，如 2026-10。", "Give the period's last month with --period, e.g. 2026-10.")}
		}
		req.PeriodEnd = end
		if *asOf != "" {
			d, err := time.ParseInLocation(time.DateOnly, *asOf, now.Location())
			if err != nil {
				return usageError{msg: c.pick("--as-of 格式应为 2026-11-30。", "Write --as-of as 2026-11-30.")}
			}
			req.AsOf = d
		}
		if *issue < 0 {
			return usageError{msg: c.pick("--issue 应为正整数。", "--issue must be a positive number.")}
		}
		req.Form = report.BriefForm{IssueNo: *issue, Issuer: *issuer, NextSteps: strings.ReplaceAll(*nextSteps, `\n`, "\n"),
			To: *reportTo, Copy: *copyTo, Send: *sendTo}
	case briefing.Tour:
		m := quarterRE.FindStringSubmatch(*quarter)
		if m == nil {
			return usageError{msg: c.pick("请用 --quarter 指定季度，如 2026Q4。", "Give the quarter with --quarter, e.g. 2026Q4.")}
		}
		req.Year, _ = strconv.Atoi(m[1])
		req.Quarter, _ = strconv.Atoi(m[2])
		if *order != "" {
			for _, p := range strings.Split(*order, ",") {
				req.Order = append(req.Order, strings.TrimSpace(p))
			}
		}
	}
	dir, err := dataDir(*data)
	if err != nil {
		return err
	}
	// Signed in, the report downloads the colleagues' photos it prints,
	// which needs the store open for writing; otherwise it only reads.
	cred, credErr := syncer.LoadCredentials(dir)
	download := !*offline && credErr == nil && c.Now().Before(cred.ExpiresAt)
	s, err := storage.Open(dir, storage.Options{ReadOnly: !download, Now: c.Now})
	if err != nil {
		return err
	}
	defer s.Close()
	var src briefing.Source = s
	var dl *briefing.Downloading
	if download {
		client, err := portal.NewClient(cred.Portal, portalHTTP(), cred.Token)
		if err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		eng := syncer.New(s, client, syncer.Options{Now: c.Now})
		dl = briefing.NewDownloading(s, func(hash string) error { return eng.FetchPhoto(ctx, hash, true) }, syncer.Unreachable)
		src = dl
	}
	maker, err := briefing.NewMaker()
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	res, err := maker.Make(src, req, &buf)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		return err
	}
	c.say("已生成 %s：%d 页，%.1f MB。", "Wrote %s (pages: %d, %.1f MB).", *out, res.Pages, float64(buf.Len())/1e6)
	if len(res.Missing) > 0 {
		c.say("注意：%d 个字符无法用字体打印，已用 □ 代替：%s", "Note: characters the font cannot print, shown as □: %d (%s)",
			len(res.Missing), quoteRunes(res.Missing))
	}
	if dl != nil && dl.Downloaded() > 0 {
		c.say("已从平台下载 %d 张其他电脑拍摄的照片。", "Downloaded %d photo(s) taken on other laptops from the portal.", dl.Downloaded())
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(c.Stdout, c.pick("注意：", "Note: ")+w)
	}
	if dl != nil && dl.GaveUp() {
		c.say("平台现在连不上，缺少的照片没有下载；联网后重新生成即可补上。", "The portal cannot be reached now, so the missing photos were not downloaded; make the report again once online to include them.")
	}
	if *doPrint || *printer != "" {
		return c.printReport(*out, *printer)
	}
	return nil
}

// printReport sends the written PDF to printer ("" for the default). The
// PDF stays written whatever happens, and the message says so, so that a
// missing printer never looks like a failed report.
func (c *ctx) printReport(file, printer string) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	job, err := printing.Print(ctx, file, printer)
	if err != nil {
		var e *sv.Error
		if !errors.As(err, &e) {
			e = sv.Wrap(err, sv.EInternal, "打印失败。", "Printing failed.")
		}
		return &sv.Error{Code: e.Code, Err: e.Err,
			Zh: e.Zh + "PDF 已保存：" + file,
			En: e.En + " The PDF is saved: " + file}
	}
	if job.ID != "" {
		c.say("已送到打印机 %s（任务 %s）。", "Sent to printer %s (job %s).", job.Printer, job.ID)
	} else {
		c.say("已送到打印机 %s。", "Sent to printer %s.", job.Printer)
	}
	return nil
}

func quoteRunes(rs []rune) string {
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("U+%04X", r))
	}
	return strings.Join(parts, " ")
}
