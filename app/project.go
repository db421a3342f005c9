package app

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// projectData is what the project page shows, read in one background call.
type projectData struct {
	project  sv.Project
	visits   []sv.Visit     // newest first, without answers
	findings []sv.Finding   // active first, then by deadline
	photos   []projectPhoto // newest first
	// photoStates says per visit where its photos are.
	photoStates map[string]storage.PhotoState
}

// projectPhoto is a photo with its thumbnail, read with the page.
type projectPhoto struct {
	photo sv.Photo
	thumb []byte
}

// maxProjectPhotos bounds the photos a project page shows: the newest.
const maxProjectPhotos = 24

// projectPage shows one project: key facts, milestones, visit history and
// findings, and starts or resumes its monthly visit.
type projectPage struct {
	env *screenEnv
	id  string

	data  projectData
	draft string // id of a draft visit to resume, if any
	// startOnLoad starts or resumes the visit as soon as the page knows
	// whether a draft exists (Ctrl+N, or the project picker, from the
	// dashboard opens the page and asks for the visit at once).
	startOnLoad bool
	replaced    map[string]bool // visits corrected by a submitted amendment
	// starting is true while a new visit is being written: a second
	// Ctrl+N meanwhile must not start a second one.
	starting bool

	title    *widget.Label
	facts    *widget.Form
	miles    *fyne.Container
	visits   *widget.List
	findings *widget.List
	start    *widget.Button
	status   *widget.Label
	left     *fyne.Container
	photos   *fyne.Container
	content  fyne.CanvasObject
}

func newProjectPage(e *screenEnv, id string) *projectPage {
	p := &projectPage{env: e, id: id}
	p.title = widget.NewLabelWithStyle(t0("dashboard.loading"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.title.Truncation = fyne.TextTruncateEllipsis
	p.start = widget.NewButtonWithIcon(t0("project.start_visit"), theme.ContentAddIcon(), p.startOrResume)
	p.start.Importance = widget.HighImportance
	p.start.Disable()
	p.status = widget.NewLabel("")
	p.facts = widget.NewForm()
	p.miles = container.NewVBox()
	p.photos = container.NewGridWrap(fyne.NewSize(120, 110))

	p.visits = widget.NewList(func() int { return len(p.data.visits) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(p.data.visits) {
				return
			}
			v := p.data.visits[i]
			l := o.(*widget.Label)
			text := p.env.visitLine(v)
			if v.Replaces != "" {
				text += " · " + t0("visit.amendment")
			}
			if p.replaced[v.ID] {
				text += " · " + t0("project.replaced")
			}
			if photos := photoStateText(p.data.photoStates[v.ID]); photos != "" {
				text += " · " + photos
			}
			l.SetText(text)
			l.Importance = widget.MediumImportance
			if v.Status == sv.Draft {
				l.Importance = widget.WarningImportance
			}
			l.Refresh()
		})
	p.visits.OnSelected = func(i widget.ListItemID) {
		p.visits.UnselectAll()
		if i < len(p.data.visits) {
			p.env.nav.openVisit(p.data.visits[i].ID, true)
		}
	}
	p.findings = widget.NewList(func() int { return len(p.data.findings) },
		func() fyne.CanvasObject {
			l := newTextLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(p.data.findings) {
				return
			}
			f := p.data.findings[i]
			l := o.(*textLabel)
			l.Text = p.env.findingLine(f)
			l.Importance = p.env.findingImportance(f)
			l.Refresh()
		})
	p.findings.OnSelected = func(i widget.ListItemID) {
		p.findings.UnselectAll()
		if i < len(p.data.findings) {
			p.env.dialogs.showFinding(p.data.findings[i].ID, "", p.load)
		}
	}
	all := widget.NewButton(t0("project.all_findings"), func() {
		p.env.nav.openFindings(storage.FindingFilter{ProjectID: p.id}, true)
	})
	top := container.NewBorder(nil, nil, p.env.backButton(), p.start, p.title)
	p.left = container.NewVBox(
		heading(t0("project.facts")), p.status, p.facts,
		heading(t0("project.milestones")), p.miles,
		heading(t0("project.photos")), p.photos)
	left := container.NewVScroll(p.left)
	visits := container.NewBorder(heading(t0("project.visits")), nil, nil, nil, p.visits)
	findings := container.NewBorder(container.NewHBox(heading(t0("project.findings")), layout.NewSpacer(), all), nil, nil, nil, p.findings)
	right := container.NewVSplit(visits, findings)
	split := container.NewHSplit(left, right)
	split.SetOffset(0.42)
	p.content = container.NewBorder(top, nil, nil, nil, split)
	return p
}

// heading is a bold section title.
func heading(s string) *widget.Label {
	return widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// load reads the project, its visits and findings off the UI goroutine.
func (p *projectPage) load() {
	data := p.env.data
	fetchIn(p.env, func() (projectData, error) {
		var d projectData
		var err error
		if d.project, err = data.Project(p.id); err != nil {
			return d, err
		}
		// The same figures the documents print, as of today (decision 0033).
		figures, err := data.FiguresAsOf(p.id, sv.DateOf(p.env.now()))
		if err != nil {
			return d, err
		}
		d.project = figures.Apply(d.project)
		if d.visits, err = data.ProjectVisits(p.id); err != nil {
			return d, err
		}
		if d.findings, err = data.Findings(storage.FindingFilter{ProjectID: p.id}); err != nil {
			return d, err
		}
		if d.photoStates, err = data.VisitPhotoStates(visitIDs(d.visits)...); err != nil {
			return d, err
		}
		photos, err := data.ProjectPhotos(p.id, maxProjectPhotos)
		if err != nil {
			return d, err
		}
		for _, ph := range photos {
			// A photo whose bytes are still on another laptop shows its
			// name without a picture.
			thumb, _ := data.PhotoBlob(ph.Hash, storage.BlobThumbnail)
			d.photos = append(d.photos, projectPhoto{photo: ph, thumb: thumb})
		}
		return d, nil
	}, func(d projectData, err error) {
		if err != nil {
			p.env.dialogs.showError(err)
			return
		}
		p.show(d)
	})
}

// visitIDs lists the visits' ids.
func visitIDs(visits []sv.Visit) []string {
	ids := make([]string, len(visits))
	for i, v := range visits {
		ids[i] = v.ID
	}
	return ids
}

// loadPhotoStates recounts where each listed visit's photos are, after a
// sync sent or brought some.
func (p *projectPage) loadPhotoStates() {
	if p.data.project.ID == "" {
		return // still loading: the load reads them
	}
	data := p.env.data
	ids := visitIDs(p.data.visits)
	fetchIn(p.env, func() (map[string]storage.PhotoState, error) {
		return data.VisitPhotoStates(ids...)
	}, func(states map[string]storage.PhotoState, err error) {
		if err != nil {
			p.env.dialogs.showError(err)
			return
		}
		p.data.photoStates = states
		p.visits.Refresh()
	})
}

func (p *projectPage) show(d projectData) {
	p.data = d
	pr := d.project
	lang := p.env.lang
	p.title.SetText(pr.Name)
	inv := pr.Investment
	rows := [][2]string{
		{t0("project.light"), orNotRecorded(pr.Light.Label(lang))},
		{t0("project.phase"), orNotRecorded(pr.Phase.Label(lang))},
		{t0("project.industry"), orNotRecorded(pr.Industry.Label(lang))},
		{t0("project.leader"), orNotRecorded(pr.Leader)},
		{t0("project.lead_department"), orNotRecorded(pr.LeadDepartment)},
		{t0("project.address"), orNotRecorded(pr.Address)},
		{t0("project.period"), plannedPeriod(pr.PlannedStart, pr.PlannedFinish)},
		{t0("project.total"), wanOrNotRecorded(inv.Total)},
		{t0("project.annual_plan"), wanOrNotRecorded(inv.AnnualPlan)},
		{t0("project.completed"), completedLine(inv, lang)},
		{t0("project.image_progress"), imageProgressLine(pr.ImageProgress, lang)},
	}
	p.facts.Items = nil
	for _, r := range rows {
		l := widget.NewLabel(r[1])
		l.Wrapping = fyne.TextWrapWord
		p.facts.Append(r[0], l)
	}
	p.facts.Refresh()
	p.miles.Objects = nil
	for _, m := range pr.Milestones {
		text := t("project.milestone_planned", orNotRecorded(m.Name), orNotRecorded(string(m.Planned)))
		imp := widget.MediumImportance
		switch {
		case m.Actual != "":
			text = t("project.milestone_done", m.Name, string(m.Planned), string(m.Actual))
			if m.Actual > m.Planned {
				imp = widget.WarningImportance
			}
		case sv.DaysLate(m.Planned, p.env.now()) > 0:
			text = t("project.milestone_late", m.Name, string(m.Planned), sv.DaysLate(m.Planned, p.env.now()))
			imp = widget.DangerImportance
		}
		l := widget.NewLabel(text)
		l.Importance = imp
		l.Wrapping = fyne.TextWrapWord
		p.miles.Add(l)
	}
	p.miles.Refresh()
	p.showPhotos(d.photos)
	p.replaced = map[string]bool{}
	for _, v := range d.visits {
		if v.Replaces != "" && v.Status == sv.Submitted {
			p.replaced[v.Replaces] = true
		}
	}
	p.draft = ""
	for _, v := range d.visits {
		if v.Status == sv.Draft {
			p.draft = v.ID
			break
		}
	}
	switch {
	case p.draft != "":
		p.start.SetText(t0("project.resume_visit"))
	case len(sv.SameMonthVisits(d.visits, p.env.now())) > 0:
		// The month's visit is done: a second one is possible, after a
		// question, but the button does not invite it.
		p.start.SetText(t0("project.visit_again"))
		p.start.Importance = widget.MediumImportance
	default:
		p.start.SetText(t0("project.start_visit"))
	}
	p.start.Enable()
	active := 0
	for _, f := range d.findings {
		if f.Status.Active() {
			active++
		}
	}
	p.status.SetText(t("project.counts", len(d.visits), active))
	p.visits.Refresh()
	p.findings.Refresh()
	// The facts and milestones changed size: lay the page out again.
	p.left.Refresh()
	p.content.Refresh()
	if p.startOnLoad {
		p.startOnLoad = false
		p.startOrResume()
	}
}

// startOrResume opens the project's draft visit, or starts a new one. A
// project visited this month already is asked about first, naming the
// visits that exist: a second visit in a month is usually a slip of
// Ctrl+N, and it would count twice in the month's figures.
func (p *projectPage) startOrResume() {
	if p.draft != "" {
		p.env.nav.openVisit(p.draft, true)
		return
	}
	if p.data.project.ID == "" || p.starting {
		return // still loading, or starting: the button is disabled until then
	}
	if same := sv.SameMonthVisits(p.data.visits, p.env.now()); len(same) > 0 {
		lines := make([]string, len(same))
		for i, v := range same {
			lines[i] = p.env.visitLine(v)
		}
		p.env.dialogs.confirmAction(t0("project.second_visit_title"),
			t("project.second_visit_question", strings.Join(lines, "\n")),
			t0("project.second_visit_start"), func(ok bool) {
				if ok {
					p.startNew()
				}
			})
		return
	}
	p.startNew()
}

// startNew starts a new visit with the newest checklist and the
// inspectors who worked last.
func (p *projectPage) startNew() {
	if p.starting {
		return
	}
	p.starting = true
	p.start.Disable()
	inspectors := splitNames(p.env.prefs.String(prefInspectors))
	data := p.env.data
	fetchIn(p.env, func() (sv.Visit, error) {
		return data.StartVisit(p.id, inspectors)
	}, func(in sv.Visit, err error) {
		p.starting = false
		p.start.Enable()
		if err != nil {
			p.env.dialogs.showError(err)
			return
		}
		p.env.nav.openVisit(in.ID, true)
	})
}

// startOrResumeWhenLoaded is startOrResume once the page has read the
// project's visits: before that, a draft to resume is not yet known, and
// starting blind would leave a second draft.
func (p *projectPage) startOrResumeWhenLoaded() {
	if p.data.project.ID != "" {
		p.startOrResume()
		return
	}
	p.startOnLoad = true
}

// visitLine is a visit in one line: day, status and inspectors.
func (e *screenEnv) visitLine(v sv.Visit) string {
	parts := []string{e.date(v.StartedAt), v.Status.Label(e.lang)}
	// A draft may have no inspectors filled in yet.
	if names := joinNames(v.Inspectors); names != "" {
		parts = append(parts, names)
	}
	return strings.Join(parts, " · ")
}

// findingLine is a finding in one line: status, deadline and how late,
// description, unit. The deadline comes before the description so that a
// line cut at the edge of a narrow list still says how late it is.
func (e *screenEnv) findingLine(f sv.Finding) string {
	due := string(f.Deadline)
	if late := f.DaysLate(e.now()); late > 0 {
		due = t("finding.due_late", due, t("finding.days_late", late))
	}
	return t("finding.line", f.Status.Label(e.lang), due, sv.Shorten(f.Description, 40), f.ResponsibleUnit)
}

// findingImportance colours overdue findings red and finished ones grey.
func (e *screenEnv) findingImportance(f sv.Finding) widget.Importance {
	switch {
	case f.Overdue(e.now()):
		return widget.DangerImportance
	case !f.Status.Active():
		return widget.LowImportance
	}
	return widget.MediumImportance
}

// formatWan writes an amount of 万元 with thousands separators.
func formatWan(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// joinNames writes a list of names as the language separates them.
func joinNames(names []string) string { return strings.Join(names, t0("common.name_sep")) }

// splitNames reads a list of names separated by commas, 、 or spaces.
func splitNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\u3000'
	})
}

// showPhotos fills the photo strip with thumbnails and capture dates.
func (p *projectPage) showPhotos(photos []projectPhoto) {
	p.photos.Objects = nil
	if len(photos) == 0 {
		p.photos.Add(widget.NewLabel(t0("project.no_photos")))
	}
	for _, ph := range photos {
		var img fyne.CanvasObject = widget.NewIcon(theme.FileImageIcon())
		if len(ph.thumb) > 0 {
			ci := canvas.NewImageFromResource(fyne.NewStaticResource(ph.photo.Hash+".jpg", ph.thumb))
			ci.FillMode = canvas.ImageFillContain
			img = ci
		}
		caption := widget.NewLabel(p.env.date(ph.photo.SortTime()))
		caption.Alignment = fyne.TextAlignCenter
		p.photos.Add(container.NewBorder(nil, caption, nil, nil, img))
	}
	p.photos.Refresh()
}

// orNotRecorded is how the window shows a value nobody filled in: in words
// (未填写), as the documents print it, never a bare dash or an empty cell
// that reads as if the page had not loaded.
func orNotRecorded(s string) string {
	if strings.TrimSpace(s) == "" {
		return t0("value.not_recorded")
	}
	return s
}

// plannedPeriod is the planned start and finish; with neither recorded it
// is one 未填写, not a pair of them around a dash.
func plannedPeriod(start, finish sv.Date) string {
	if start == "" && finish == "" {
		return t0("value.not_recorded")
	}
	return orNotRecorded(string(start)) + " — " + orNotRecorded(string(finish))
}

// wanOrNotRecorded is an amount in 万元; a register record leaves an
// amount it does not know at zero, and no project is planned at 0 万元.
func wanOrNotRecorded(wan float64) string {
	if wan == 0 {
		return t0("value.not_recorded")
	}
	return t("project.wan", formatWan(wan))
}

// completedLine is this year's completed investment with its share of the
// plan and where it came from; with nothing observed (no as-of and no
// amount) it is 未填写, not "0 万元（…0.0%，）".
func completedLine(inv sv.Investment, lang sv.Lang) string {
	if inv.AsOf == "" && inv.Completed == 0 {
		return t0("value.not_recorded")
	}
	if inv.AnnualPlan == 0 {
		return wanOrNotRecorded(inv.Completed)
	}
	return t("project.completed_pct", formatWan(inv.Completed), sv.FormatPercent(inv.Completed, inv.AnnualPlan), orNotRecorded(sv.InvestmentProvenance(inv, lang)))
}

// imageProgressLine is the project's 形象进度 with where it came from, as
// the documents print it (62.0%（截至11月督查）); 未填写 when no submitted
// visit observed it (the register carries none).
func imageProgressLine(ip *sv.ImageProgress, lang sv.Lang) string {
	if ip == nil {
		return t0("value.not_recorded")
	}
	return t("project.image_progress_pct", sv.FormatPercent(ip.Pct, 100), ip.Provenance(lang))
}
