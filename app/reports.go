package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	fynestorage "fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/briefing"
	"fieldbrief/printing"
	"fieldbrief/report"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Printer opens and prints finished PDFs; the app uses the operating
// system's viewer and print queue (package printing). Tests pass their own.
type Printer interface {
	Open(ctx context.Context, file string) error
	Print(ctx context.Context, file, printer string) (printing.Job, error)
}

// osPrinter is the operating system's viewer and print queue.
type osPrinter struct{}

func (osPrinter) Open(ctx context.Context, file string) error { return printing.Open(ctx, file) }
func (osPrinter) Print(ctx context.Context, file, printer string) (printing.Job, error) {
	return printing.Print(ctx, file, printer)
}

// reportsMenu offers the three briefs, and checking a printed one.
func (ui *mainUI) reportsMenu() *fyne.Menu {
	return fyne.NewMenu(t0("reports.menu"),
		fyne.NewMenuItem(t0("reports.visit"), ui.askVisitReport),
		fyne.NewMenuItem(t0("reports.brief"), ui.askBrief),
		fyne.NewMenuItem(t0("reports.tour"), ui.askTour),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(t0("reports.verify"), ui.askVerify))
}

// askVerify lets the user pick the PDF of a printed report, brief or tour
// pack and says whether it still matches the records (decision 0034).
func (ui *mainUI) askVerify() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			ui.showError(err)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		r.Close()
		ui.verifyPrinted(path)
	}, ui.window)
	d.SetFilter(fynestorage.NewExtensionFileFilter([]string{".pdf", ".PDF"}))
	if dir, err := fynestorage.ListerForURI(fynestorage.NewFileURI(ui.reportsDir())); err == nil {
		d.SetLocation(dir)
	}
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// verifyPrinted checks the PDF at path against the store, and, signed in
// and online, against the portal's copy too (a visit's record, or the
// portal's rebuild of a brief's or tour pack's data), off the UI
// goroutine, then shows the verdict in the user's language.
func (ui *mainUI) verifyPrinted(path string) {
	var ask briefing.Portal
	if read := ui.sync.portalCopy(); read != nil {
		ask.Visit = func(id string) (sv.Visit, bool, []string, error) {
			pv, err := read(id)
			return pv.Visit, pv.Found, pv.Unsent, err
		}
	}
	if rebuild := ui.sync.portalSnapshot(); rebuild != nil {
		ask.Snapshot = func(st report.Stamp) (briefing.PortalDigests, error) {
			resp, unsent, err := rebuild(briefing.SnapshotRequest(st))
			return briefing.PortalDigests{Digest: resp.Digest, Projects: resp.Projects, Unsent: unsent}, err
		}
	}
	data := ui.cfg.Data
	progress := dialog.NewCustomWithoutButtons(t0("reports.verifying"), widget.NewProgressBarInfinite(), ui.window)
	progress.Show()
	fetch(ui, func() (briefing.Verdict, error) {
		pdf, err := os.ReadFile(path)
		if err != nil {
			return briefing.Verdict{}, translate.Wrap(err, sv.ENotFound, "reports.error.cannot_read_file", path)
		}
		return briefing.Verify(data, pdf, ask)
	}, func(v briefing.Verdict, err error) {
		progress.Hide()
		if err != nil {
			ui.showError(err)
			return
		}
		title := t0("reports.verify_ok")
		if !v.OK {
			title = t0("reports.verify_failed")
		}
		text := widget.NewLabel(filepath.Base(path) + "\n\n" + v.Text(ui.lang))
		text.Wrapping = fyne.TextWrapWord
		d := dialog.NewCustom(title, t0("common.close"), text, ui.window)
		d.Resize(fyne.NewSize(560, 300))
		ui.showKeyed(d, d.Hide)
	})
}

// submittedVisit is what the Reports menu needs of the visit last
// submitted: its report is made from the store.
type submittedVisit struct {
	id      string
	project string
	started time.Time
}

// askVisitReport makes the report of the visit on screen or, with none
// open, of the visit just submitted.
func (ui *mainUI) askVisitReport() {
	if s, ok := ui.current.(visitShown); ok {
		if sub, ok := s.shownVisit(); ok {
			ui.makeVisitReport(sub)
			return
		}
	}
	if ui.submitted != nil {
		ui.makeVisitReport(*ui.submitted)
		return
	}
	ui.inform(t0("reports.visit"), t0("reports.open_visit_first"))
}

// makeVisitReport makes a visit's report.
func (ui *mainUI) makeVisitReport(sub submittedVisit) {
	name := fmt.Sprintf("%s-%s-%s", t0("reports.file_visit"), safeName(sub.project), sv.DateOf(sub.started.In(ui.cfg.Now().Location())))
	ui.makeReport(briefing.Request{Kind: briefing.Visit, VisitID: sub.id, Size: report.A4, Lang: ui.lang}, name)
}

// paperChoice is the A4/A3 selector shared by the dialogs.
func paperChoice() *widget.RadioGroup {
	r := widget.NewRadioGroup([]string{"A4", "A3"}, nil)
	r.Horizontal = true
	r.SetSelected("A4")
	return r
}

func paperOf(r *widget.RadioGroup) report.PageSize {
	if r.Selected == "A3" {
		return report.A3
	}
	return report.A4
}

// askBrief lets the user pick the two-month period of a dispatch brief:
// the current one and the five before it.
func (ui *mainUI) askBrief() {
	now := ui.cfg.Now()
	var ends []time.Time
	end := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	if end.Month()%2 == 1 {
		end = end.AddDate(0, 1, 0)
	}
	for i := 0; i < 6; i++ {
		ends = append(ends, end.AddDate(0, -2*i, 0))
	}
	labels := make([]string, len(ends))
	for i, e := range ends {
		from, _ := sv.DispatchPeriod(e)
		labels[i] = t("reports.period", from.Year(), int(from.Month()), int(e.Month()))
	}
	period := widget.NewSelect(labels, nil)
	period.SetSelectedIndex(0)
	paper := paperChoice()
	form := []*widget.FormItem{
		widget.NewFormItem(t0("reports.period_label"), period),
		widget.NewFormItem(t0("reports.paper"), paper),
	}
	d := dialog.NewForm(strings.TrimSuffix(t0("reports.brief"), "…"), t0("reports.make"), t0("common.cancel"), form, func(ok bool) {
		if !ok {
			return
		}
		e := ends[period.SelectedIndex()]
		from, _ := sv.DispatchPeriod(e)
		name := fmt.Sprintf("%s-%04d-%02d~%02d", t0("reports.file_brief"), from.Year(), int(from.Month()), int(e.Month()))
		ui.makeReport(briefing.Request{Kind: briefing.Brief, PeriodEnd: e, Size: paperOf(paper), Lang: ui.lang}, name)
	}, ui.window)
	// Wide enough for the whole period, "2026年11—12月", not "2026年11—…".
	d.Resize(fyne.NewSize(max(d.MinSize().Width, 460), d.MinSize().Height))
	d.Show()
}

// askTour lets the user pick the quarter of a tour pack and the visiting
// order: the order by location to start with, or the one used last time,
// which the user can change and cut down to the sites this tour visits.
func (ui *mainUI) askTour() {
	type register struct {
		projects []sv.Project
		byPlace  []string
	}
	fetch(ui, func() (register, error) {
		ps, err := ui.cfg.Data.Projects()
		return register{ps, briefing.LocationOrder(ps)}, err
	}, func(r register, err error) {
		if err != nil {
			ui.showError(err)
			return
		}
		ui.showTourDialog(r.projects, r.byPlace)
	})
}

func (ui *mainUI) showTourDialog(projects []sv.Project, byPlace []string) {
	now := ui.cfg.Now()
	type quarter struct{ year, q int }
	var qs []quarter
	y, q := now.Year(), (int(now.Month())-1)/3+1
	for i := 0; i < 4; i++ {
		qs = append(qs, quarter{y, q})
		if q--; q == 0 {
			y, q = y-1, 4
		}
	}
	labels := make([]string, len(qs))
	for i, x := range qs {
		labels[i] = t("reports.quarter", x.year, x.q)
	}
	sel := widget.NewSelect(labels, nil)
	sel.SetSelectedIndex(0)
	paper := paperChoice()
	prefs := ui.app.Preferences()
	order := newTourOrder(projects, byPlace, prefs.String(prefTourOrder))
	form := []*widget.FormItem{
		widget.NewFormItem(t0("reports.quarter_label"), sel),
		widget.NewFormItem(t0("reports.paper"), paper),
		widget.NewFormItem(t0("reports.order_label"), order.content),
	}
	dialog.ShowForm(strings.TrimSuffix(t0("reports.tour"), "…"), t0("reports.make"), t0("common.cancel"), form, func(ok bool) {
		if !ok {
			return
		}
		ids := order.order()
		if len(ids) == 0 {
			ui.inform(strings.TrimSuffix(t0("reports.tour"), "…"), t0("reports.order_empty"))
			return
		}
		prefs.SetString(prefTourOrder, order.saved())
		req := briefing.Request{Kind: briefing.Tour, Size: paperOf(paper), Lang: ui.lang}
		x := qs[sel.SelectedIndex()]
		req.Year, req.Quarter = x.year, x.q
		if !order.byLocation() {
			req.Order = ids
		}
		name := fmt.Sprintf("%s-%04dQ%d", t0("reports.file_tour"), x.year, x.q)
		ui.makeReport(req, name)
	}, ui.window)
}

// reportsDir is where the window saves briefs: beside the data file, so a
// backup of the folder keeps them and the inspector always finds them.
func (ui *mainUI) reportsDir() string { return ui.env.reportsDir() }

// makeReport makes the document off the UI goroutine, with a progress
// dialog, saves it in the reports folder and offers to open or print it.
func (ui *mainUI) makeReport(req briefing.Request, name string) {
	req.Time = ui.cfg.Now()
	src := ui.briefSource()
	progress := dialog.NewCustomWithoutButtons(t0("reports.making"), widget.NewProgressBarInfinite(), ui.window)
	progress.Show()
	type made struct {
		file string
		res  report.Result
	}
	fetch(ui, func() (made, error) {
		maker, err := ui.maker()
		if err != nil {
			return made{}, err
		}
		var buf bytes.Buffer
		res, err := maker.Make(src, req, &buf)
		if err != nil {
			return made{}, err
		}
		file, err := saveUnique(ui.reportsDir(), name, buf.Bytes())
		return made{file, res}, err
	}, func(m made, err error) {
		progress.Hide()
		if err != nil {
			ui.showError(err)
			return
		}
		ui.showMadeReport(req.Kind, m.file, m.res)
	})
}

// showMadeReport says what was made and offers to open or print it.
func (ui *mainUI) showMadeReport(kind briefing.Kind, file string, res report.Result) {
	lines := []string{t("reports.made", filepath.Base(file), res.Pages), t("reports.saved_in", filepath.Dir(file))}
	if len(res.Missing) > 0 {
		lines = append(lines, t("reports.placeholders", len(res.Missing)))
	}
	lines = append(lines, res.Warnings...)
	status := widget.NewLabel("")
	status.Wrapping = fyne.TextWrapWord
	info := widget.NewLabel(strings.Join(lines, "\n"))
	info.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	printer := ui.cfg.Printer
	open := widget.NewButton(t0("reports.open"), func() {
		ui.cfg.Background(func() {
			err := printer.Open(context.Background(), file)
			ui.do(func() {
				if err != nil {
					status.SetText(ui.message(err))
				}
			})
		})
	})
	print := widget.NewButton(t0("reports.print"), nil)
	print.OnTapped = func() {
		print.Disable()
		status.SetText(t0("reports.printing"))
		ui.cfg.Background(func() {
			job, err := printer.Print(context.Background(), file, "")
			ui.do(func() {
				print.Enable()
				// printing's messages already say what to do, including
				// where no printer is set up.
				switch {
				case err != nil:
					status.SetText(ui.message(err))
				case job.Printer != "":
					status.SetText(t("reports.printed_on", job.Printer))
				default:
					status.SetText(t0("reports.printed"))
				}
			})
		})
	}
	content := container.NewVBox(info, container.NewHBox(open, print), status)
	d = dialog.NewCustom(madeTitle(kind), t0("common.close"), content, ui.window)
	d.Resize(fyne.NewSize(520, 240))
	ui.showKeyed(d, d.Hide)
}

// madeTitle names the kind of document in the dialog that says it is made.
func madeTitle(kind briefing.Kind) string {
	switch kind {
	case briefing.Visit:
		return t0("reports.done_visit")
	case briefing.Tour:
		return t0("reports.done_tour")
	}
	return t0("reports.done")
}

// saveUnique writes data to dir/name.pdf, or name-2.pdf … when that exists,
// so a second printing never overwrites a document someone may have sent.
func saveUnique(dir, name string, data []byte) (string, error) {
	return saveUniqueExt(dir, name, ".pdf", data)
}

// saveUniqueExt is saveUnique for a file of another kind (ext with its dot).
func saveUniqueExt(dir, name, ext string, data []byte) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", translate.Wrap(err, sv.EUnavailable, "error.cannot_create_the_reports_folder", dir)
	}
	for i := 1; ; i++ {
		file := filepath.Join(dir, name+ext)
		if i > 1 {
			file = filepath.Join(dir, fmt.Sprintf("%s-%d%s", name, i, ext))
		}
		f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if os.IsExist(err) {
			continue
		}
		if err == nil {
			_, err = f.Write(data)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			os.Remove(file)
			return "", translate.Wrap(err, sv.EUnavailable, "error.saving_the_report_failed_check_the")
		}
		return file, nil
	}
}

// safeName keeps a project name usable as a file name on every system.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`<>:"/\|?*`, r) || r < 32 {
			return '_'
		}
		return r
	}, s)
}
