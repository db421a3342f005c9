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
	"fieldbrief/translate"
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
	fmt.Fprintln(c.Stdout, c.t(
		"cli.report.usage_fieldbrief_report_visit_data"))
	if len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
		return flag.ErrHelp
	}
	return usageError{msg: c.t("cli.report.say_visit_brief_or_tour")}
}

var quarterRE = regexp.MustCompile(`^(\d{4})[Qq]([1-4])$`)

func runReportKind(c *ctx, kind string, args []string) error {
	fs, data := c.flags("report "+kind, "cli.args.report_"+kind)
	out := fs.String("out", "", c.t("cli.report.path_of_the_pdf_file"))
	size := fs.String("size", "A4", c.t("cli.report.paper_a4_or_a3"))
	date := fs.String("date", "", c.t("cli.report.fixed_generation_date_byte_identical"))
	asOf := fs.String("as-of", "", c.t("cli.report.the_date_a_briefs_figures"))
	id := fs.String("id", "", c.t("cli.report.visit_id_visit"))
	period := fs.String("period", "", c.t("cli.report.last_month_of_the_period"))
	quarter := fs.String("quarter", "", c.t("cli.report.quarter_e_g_2026q4_tour"))
	order := fs.String("order", "", c.t("cli.report.visiting_order_comma_separated_project"))
	issue := fs.Int("issue", 0, c.t("cli.report.issue_number_brief_default_the"))
	issuer := fs.String("issuer", "", c.t("cli.report.issuer", report.DefaultIssuer))
	nextSteps := fs.String("next-steps", "", c.t("cli.report.items_added_to_the_next"))
	reportTo := fs.String("report-to", "", c.t("cli.report.the_colophons_to_line_brief"))
	copyTo := fs.String("copy-to", "", c.t("cli.report.the_colophons_copy_line_brief"))
	sendTo := fs.String("send-to", "", c.t("cli.report.the_colophons_distribution_line_brief"))
	doPrint := fs.Bool("print", false, c.t("cli.report.print_the_pdf_once_written"))
	printer := fs.String("printer", "", c.t("cli.report.printer_name_default_the_systems"))
	offline := fs.Bool("offline", false, c.t("cli.report.do_not_download_photos_taken"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{msg: c.t("cli.report.name_the_pdf_file_with")}
	}
	pageSize, err := report.ParsePageSize(*size)
	if err != nil {
		return usageError{msg: c.t("cli.report.size_must_be_a4_or")}
	}
	var fixed time.Time // the generation time when --date is given
	now := c.Now()
	if *date != "" {
		d, err := time.ParseInLocation(time.DateOnly, *date, now.Location())
		if err != nil {
			return usageError{msg: c.t("cli.report.write_date_as_2026_11")}
		}
		fixed = d.Add(9 * time.Hour)
		now = fixed
	}

	req := briefing.Request{Kind: briefing.Kind(kind), VisitID: *id, Size: pageSize, Lang: c.lang, Time: fixed, Deterministic: !fixed.IsZero()}
	switch req.Kind {
	case briefing.Visit:
		if *id == "" {
			return usageError{msg: c.t("cli.report.name_the_visit_with_id")}
		}
	case briefing.Brief:
		end, err := time.ParseInLocation("2006-01", *period, now.Location())
		if err != nil {
			return usageError{msg: c.t("cli.report.give_the_periods_last_month")}
		}
		req.PeriodEnd = end
		if *asOf != "" {
			d, err := time.ParseInLocation(time.DateOnly, *asOf, now.Location())
			if err != nil {
				return usageError{msg: c.t("cli.report.write_as_of_as_2026")}
			}
			req.AsOf = d
		}
		if *issue < 0 {
			return usageError{msg: c.t("cli.report.issue_must_be_a_positive")}
		}
		req.Form = report.BriefForm{IssueNo: *issue, Issuer: *issuer, NextSteps: strings.ReplaceAll(*nextSteps, `\n`, "\n"),
			To: *reportTo, Copy: *copyTo, Send: *sendTo}
	case briefing.Tour:
		m := quarterRE.FindStringSubmatch(*quarter)
		if m == nil {
			return usageError{msg: c.t("cli.report.give_the_quarter_with_quarter")}
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
		client, err := portal.NewClient(cred.Portal, syncer.PortalHTTP(), cred.Token)
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
	c.say("cli.report.wrote_pages_mb", *out, res.Pages, float64(buf.Len())/1e6)
	if len(res.Missing) > 0 {
		c.say("cli.report.note_characters_the_font_cannot",
			len(res.Missing), quoteRunes(res.Missing))
	}
	if dl != nil && dl.Downloaded() > 0 {
		c.say("cli.report.downloaded_photo_s_taken_on", dl.Downloaded())
	}
	for _, w := range res.Warnings {
		fmt.Fprintln(c.Stdout, c.t("cli.report.note")+w)
	}
	if dl != nil && dl.GaveUp() {
		c.say("cli.report.the_portal_cannot_be_reached")
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
			e = translate.Wrap(err, sv.EInternal, "cli.error.printing_failed")
		}
		why := func(l sv.Lang) string { return translate.Message(e, l) }
		saved := translate.Errorf(e.Code, "cli.error.print_failed_pdf_saved", translate.PerLanguage(why), file)
		saved.Err = e.Err
		return saved
	}
	if job.ID != "" {
		c.say("cli.report.sent_to_printer_job", job.Printer, job.ID)
	} else {
		c.say("cli.report.sent_to_printer", job.Printer)
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
