package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image/jpeg"
	"os"
	"os/signal"
	"regexp"
	"strconv"
	"strings"
	"time"

	"fieldbrief/assets"
	"fieldbrief/printing"
	"fieldbrief/report"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

func runReport(c *ctx, args []string) error {
	for i, a := range args {
		switch a {
		case "visit", "brief", "tour":
			return runReportKind(c, a, append(append([]string(nil), args[:i]...), args[i+1:]...))
		}
	}
	fmt.Fprintln(c.Stdout, c.pick(
		"用法：\n  fieldbrief report visit --data 文件夹 --id 督查编号 --out 文件.pdf\n  fieldbrief report brief --data 文件夹 --period YYYY-MM --out 文件.pdf   （截至该月的两个月）\n  fieldbrief report tour --data 文件夹 --quarter YYYYQn --out 文件.pdf [--order p03,p01,…]\n选项：--lang zh|en  --size A4|A3  --date YYYY-MM-DD（固定生成日期，输出可重复）  --print [--printer 打印机]（生成后打印）",
		"Usage:\n  fieldbrief report visit --data FOLDER --id VISIT --out FILE.pdf\n  fieldbrief report brief --data FOLDER --period YYYY-MM --out FILE.pdf   (the two months ending then)\n  fieldbrief report tour --data FOLDER --quarter YYYYQn --out FILE.pdf [--order p03,p01,...]\nOptions: --lang zh|en  --size A4|A3  --date YYYY-MM-DD (fixed generation date, reproducible output)  --print [--printer NAME] (print once written)"))
	if len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
		return flag.ErrHelp
	}
	return usageError{msg: c.pick("请指定 visit、brief 或 tour。", "Say visit, brief or tour.")}
}

var quarterRE = regexp.MustCompile(`^(\d{4})[Qq]([1-4])$`)

func runReportKind(c *ctx, kind string, args []string) error {
	usage := map[string][2]string{
		"visit": {"--id 督查编号 --out 文件.pdf", "--id VISIT --out FILE.pdf"},
		"brief": {"--period YYYY-MM --out 文件.pdf", "--period YYYY-MM --out FILE.pdf"},
		"tour":  {"--quarter YYYYQn --out 文件.pdf [--order 项目编号,…]", "--quarter YYYYQn --out FILE.pdf [--order ID,...]"},
	}[kind]
	fs, data := c.flags("report "+kind, usage[0]+" [--size A4|A3] [--date YYYY-MM-DD] [--print [--printer 打印机]]",
		usage[1]+" [--size A4|A3] [--date YYYY-MM-DD] [--print [--printer NAME]]")
	out := fs.String("out", "", c.pick("PDF 文件的路径", "path of the PDF file"))
	size := fs.String("size", "A4", c.pick("纸张：A4 或 A3", "paper: A4 or A3"))
	date := fs.String("date", "", c.pick("固定的生成日期（输出可逐字节重复）", "fixed generation date (byte-identical output)"))
	id := fs.String("id", "", c.pick("督查编号（visit）", "visit id (visit)"))
	period := fs.String("period", "", c.pick("简报期末月份，如 2026-10（brief）", "last month of the period, e.g. 2026-10 (brief)"))
	quarter := fs.String("quarter", "", c.pick("季度，如 2026Q4（tour）", "quarter, e.g. 2026Q4 (tour)"))
	order := fs.String("order", "", c.pick("拉练顺序：逗号分隔的项目编号；默认按位置", "visiting order: comma-separated project ids; default by location"))
	doPrint := fs.Bool("print", false, c.pick("生成后送到打印机打印", "print the PDF once written"))
	printer := fs.String("printer", "", c.pick("打印机名称（默认为系统默认打印机；隐含 --print）", "printer name (default: the system's default printer; implies --print)"))
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
	opt := report.Options{Size: pageSize, Lang: report.Chinese}
	if c.lang == sv.English {
		opt.Lang = report.English
	}
	now := c.Now()
	if *date != "" {
		d, err := time.ParseInLocation(time.DateOnly, *date, now.Location())
		if err != nil {
			return usageError{msg: c.pick("--date 格式应为 2026-11-26。", "Write --date as 2026-11-26.")}
		}
		opt.Time, opt.Deterministic = d.Add(9*time.Hour), true
		now = opt.Time
	}

	s, err := c.open(*data, true)
	if err != nil {
		return err
	}
	defer s.Close()
	projects, err := s.Projects()
	if err != nil {
		return err
	}
	templates, err := s.Templates()
	if err != nil {
		return err
	}
	inspections, err := s.InspectionsWithAnswers()
	if err != nil {
		return err
	}
	findings, err := s.Findings(storage.FindingFilter{})
	if err != nil {
		return err
	}
	lookup := photoLookup(s, pageSize)
	fonts, err := report.NewFonts(assets.FontRegular(), assets.FontBold())
	if err != nil {
		return reportError(err)
	}

	var buf bytes.Buffer
	var res report.Result
	switch kind {
	case "visit":
		if *id == "" {
			return usageError{msg: c.pick("请用 --id 指定督查记录。", "Name the visit with --id.")}
		}
		if _, err := s.Inspection(*id); err != nil {
			return err
		}
		in, err := report.NewVisitInput(*id, projects, templates, inspections, findings, lookup)
		if err != nil {
			return reportError(err)
		}
		res, err = report.Visit(&buf, fonts, in, opt)
		if err != nil {
			return reportError(err)
		}
	case "brief":
		end, err := time.ParseInLocation("2006-01", *period, now.Location())
		if err != nil {
			return usageError{msg: c.pick("请用 --period 指定期末月份，如 2026-10。", "Give the period's last month with --period, e.g. 2026-10.")}
		}
		in := report.NewBriefInput(end, now, projects, inspections, findings, lookup)
		res, err = report.Brief(&buf, fonts, in, opt)
		if err != nil {
			return reportError(err)
		}
	case "tour":
		m := quarterRE.FindStringSubmatch(*quarter)
		if m == nil {
			return usageError{msg: c.pick("请用 --quarter 指定季度，如 2026Q4。", "Give the quarter with --quarter, e.g. 2026Q4.")}
		}
		year, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		var ids []string
		if *order != "" {
			known := map[string]bool{}
			for _, p := range projects {
				known[p.ID] = true
			}
			for _, p := range strings.Split(*order, ",") {
				p = strings.TrimSpace(p)
				if !known[p] {
					return sv.Errorf(sv.ENotFound, "拉练顺序中的项目 %s 不存在。", "Project %s in the order does not exist.", p)
				}
				ids = append(ids, p)
			}
		}
		in, err := report.NewTourInput(year, q, now, ids, projects, inspections, findings, lookup)
		if err != nil {
			return reportError(err)
		}
		res, err = report.Tour(&buf, fonts, in, opt)
		if err != nil {
			return reportError(err)
		}
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		return err
	}
	c.say("已生成 %s：%d 页，%.1f MB。", "Wrote %s: %d pages, %.1f MB.", *out, res.Pages, float64(buf.Len())/1e6)
	if len(res.Missing) > 0 {
		c.say("注意：%d 个字符无法用字体打印，已用 □ 代替：%s", "Note: %d characters cannot be printed with the font and show as □: %s",
			len(res.Missing), quoteRunes(res.Missing))
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(c.Stdout, c.pick("注意：", "Note: ")+w)
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

// photoLookup gives the reports each photo's upright print copy, which
// they embed without decoding, when it is large enough for the paper: it is
// made for A4, so A3 and photos imported before print copies existed get
// the display copy, which the report reduces itself.
func photoLookup(s *storage.Store, size report.PageSize) report.PhotoLookup {
	bw, bh := report.PhotoBox(size)
	return func(hash string) (report.Photo, bool) {
		meta, err := s.Photo(hash)
		if err != nil {
			return report.Photo{}, false
		}
		orient := report.RotationOrientation(meta.Rotation)
		p := report.Photo{Caption: meta.Caption, Taken: meta.SortTime(), Orientation: orient}
		if b, err := s.PhotoBlob(hash, storage.BlobPrint); err == nil && coversBox(b, orient, bw, bh) {
			p.JPEG = b
		} else if b, err := s.PhotoBlob(hash, storage.BlobDisplay); err == nil {
			p.JPEG = b
		}
		return p, true
	}
}

// coversBox reports whether the JPEG, turned by orient, is within 5 % of
// filling a bw×bh box — the report's own slack — reading its header only.
func coversBox(b []byte, orient, bw, bh int) bool {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return false
	}
	w, h := cfg.Width, cfg.Height
	if orient >= 5 {
		w, h = h, w
	}
	// The scale that fits the picture to the box must not enlarge it by
	// more than 5 %.
	return float64(w)*1.05 >= float64(bw) || float64(h)*1.05 >= float64(bh)
}

func quoteRunes(rs []rune) string {
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		parts = append(parts, fmt.Sprintf("U+%04X", r))
	}
	return strings.Join(parts, " ")
}

// reportError turns a failure inside the report package into a message for
// a person; the cause stays attached for the logs.
func reportError(err error) error {
	var e *sv.Error
	if errors.As(err, &e) {
		return err
	}
	return sv.Wrap(err, sv.EInternal, "报告生成失败，数据未受影响。请重试；如反复出现，请运行 fieldbrief check 并反馈。",
		"The report could not be made; the data is not affected. Try again; if it repeats, run fieldbrief check and report it.")
}
