package app

import (
	"image/color"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// sectionListWidth is the narrowest the section list gets: wide enough for
// the longest English section name with its count.
const sectionListWidth = 230

// headerKey is the saver's key for the visit's header (inspectors,
// departments, weather, summary); answers use their item keys.
const headerKey = "\x00header"

// visitData is what opening a visit reads, in one background call.
type visitData struct {
	in      sv.Visit
	tmpl    sv.Template
	project sv.Project
	active  []sv.Finding // the project's active findings
	units   []string
	// drafts are findings typed in this visit and not saved (formKeeper).
	drafts []storage.FormDraft
	// prev is the visit this one follows, with its answers; hasPrev is
	// false on a project's first visit (see sv.PreviousVisit).
	prev    sv.Visit
	hasPrev bool
}

// pane is one page of the checklist's left-hand navigation: the visit's
// header, a section of the template, or the re-check of open findings.
type pane struct {
	title   string
	section int // index into the template's sections, or -1
	kind    string
	box     *fyne.Container
	// view is box as shown, made on the first visit to the page and then
	// kept, hidden while another page shows (see showPane).
	view *fyne.Container
	// scroll scrolls the page, so a jump to an item brings it into view.
	scroll *container.Scroll
	// wheel holds scroll; view shows it, inside muted while the visit is
	// submitted (see pageContent).
	wheel fyne.CanvasObject
	muted bool
}

// pageContent is what a page's view shows: its scroll, inside muted while
// the visit is submitted, so that its values, shown in disabled fields,
// read in daylight. A draft's page has no override: its hints and counts
// are textLabels, and an override costs, since every refresh of one makes
// Fyne measure each text in the window again.
func pageContent(p *pane) fyne.CanvasObject {
	if p.muted {
		return muted(p.wheel)
	}
	return p.wheel
}

// shadePages mutes the pages made so far when the visit is submitted, and
// unmutes them when it is a draft again.
func (v *visitScreen) shadePages(ro bool) {
	for i := range v.panes {
		p := &v.panes[i]
		if p.view == nil || p.muted == ro {
			continue
		}
		p.muted = ro
		v.shadeButtons(p)
		p.view.Objects[0] = pageContent(p)
		p.view.Refresh()
	}
}

// shadeButtons gives the buttons of page p the look its shading asks for
// (see buttonRow).
func (v *visitScreen) shadeButtons(p *pane) {
	switch p.kind {
	case paneHeader:
		v.siteRow.shade(p.muted)
	case paneSection:
		for _, it := range v.tmpl.Sections[p.section].Items {
			v.fields[it.Key].actions.shade(p.muted)
		}
	}
}

const (
	paneHeader  = "header"
	paneSection = "section"
	paneRecheck = "recheck"
)

// visitScreen is one visit: the checklist section by section, saved as it
// is typed, then submitted and read-only.
type visitScreen struct {
	env *screenEnv
	id  string

	in      sv.Visit // as the inspector sees it, answers included
	tmpl    sv.Template
	project sv.Project
	active  []sv.Finding
	units   []string
	loaded  bool
	// last is the visit before this one, whose answers each item shows
	// and the carried items start from (carry.go).
	last    sv.Visit
	hasLast bool

	fields  map[string]*itemField
	panes   []pane
	current int
	saver   *saver
	failed  map[string]string // key → message of the last failed write
	// recount is true while the status bar's count of changes waiting is
	// due to be read again, once the writes queued now are done.
	recount bool
	alerted bool          // a dialog already told of the failing saves
	form    *findingForm  // the finding form last opened, for tests
	offer   dialog.Dialog // the last "re-check or new finding?" question, for tests
	recheck *recheckPane
	gaps    []sv.Gap     // what the last submit attempt found missing
	gapList *widget.List // the list of gaps shown, for tests

	title     *widget.Label
	state     *widget.Label // 草稿 / 已提交
	progress  *widget.Label
	bar       *progressLine
	saved     *textLabel
	submit    *widget.Button
	amend     *widget.Button
	discard   *widget.Button
	nav       *widget.List
	body      *fyne.Container
	prev      *widget.Button
	next      *widget.Button
	inspector *widget.Entry
	depts     *widget.Entry
	weather   *widget.SelectEntry
	summary   *widget.Entry
	// sitePhotos counts the photos of the whole visit; addPhoto adds one.
	sitePhotos *widget.Label
	// photoState says where the visit's photos are: all on the portal,
	// some waiting to upload, some not downloaded yet.
	photoState *textLabel
	// drafts offers the findings typed here and never saved, after a crash
	// or a flat battery; hidden when there are none.
	drafts   *widget.Button
	addPhoto *widget.Button
	// siteRow holds sitePhotos, the button that shows them, and addPhoto.
	siteRow *buttonRow
	// readOnly says why nothing on a submitted visit can be changed, and
	// what to do instead.
	readOnly *widget.Label
	top      *fyne.Container  // title and status; re-laid out when its texts change
	split    *container.Split // the section list | the page
	content  fyne.CanvasObject
	// navWidth holds the section list open: at least sectionListWidth,
	// and as wide as its longest name with its count once they are known.
	navWidth *canvas.Rectangle
	// navSelected is the row the section list has selected, -1 for none.
	navSelected int
}

func newVisitScreen(env *screenEnv, id string) *visitScreen {
	v := &visitScreen{env: env, id: id, fields: map[string]*itemField{}, failed: map[string]string{}}
	v.saver = newSaver(env.bg, v.written)
	v.title = widget.NewLabelWithStyle(t0("dashboard.loading"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.title.Truncation = fyne.TextTruncateEllipsis
	v.state = widget.NewLabel("")
	v.progress = widget.NewLabel("")
	v.bar = newProgressLine()
	v.saved = newTextLabel("")
	v.saved.Importance = widget.LowImportance
	v.submit = widget.NewButtonWithIcon(t0("visit.submit"), theme.ConfirmIcon(), v.trySubmit)
	v.submit.Importance = widget.HighImportance
	v.amend = widget.NewButtonWithIcon(t0("visit.amend"), theme.DocumentCreateIcon(), v.startAmendment)
	v.discard = widget.NewButtonWithIcon(t0("visit.discard"), theme.DeleteIcon(), v.confirmDiscard)
	for _, b := range []*widget.Button{v.submit, v.amend, v.discard} {
		b.Hide()
	}
	v.nav = widget.NewList(func() int { return len(v.panes) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			if i >= len(v.panes) {
				return
			}
			// The list sets up every row on each refresh; a row whose
			// name and weight are as before is left alone, since a
			// label's refresh shapes its text again.
			l := o.(*widget.Label)
			text, bold := v.paneLabel(i), i == v.current
			if l.Text == text && l.TextStyle.Bold == bold {
				return
			}
			l.Text, l.TextStyle.Bold = text, bold
			l.Refresh()
		})
	v.navSelected = -1
	v.nav.OnSelected = func(i widget.ListItemID) {
		v.navSelected = i
		// showPane selects the page it shows, which calls back here.
		if i != v.current {
			v.showPane(i)
		}
	}
	v.body = container.NewStack()
	v.prev = widget.NewButtonWithIcon(t0("visit.prev_section"), theme.NavigateBackIcon(), func() { v.showPane(v.current - 1) })
	v.next = widget.NewButtonWithIcon(t0("visit.next_section"), theme.NavigateNextIcon(), func() { v.showPane(v.current + 1) })
	v.next.IconPlacement = widget.ButtonIconTrailingText
	v.photoState = newTextLabel("")
	v.photoState.Wrapping = fyne.TextWrapWord
	v.photoState.Importance = widget.LowImportance
	v.photoState.Hide()

	v.drafts = widget.NewButtonWithIcon("", theme.WarningIcon(), nil)
	v.drafts.Importance = widget.WarningImportance
	v.drafts.Hide()
	status := container.NewHBox(v.drafts, v.state, v.progress, v.saved, v.discard, v.amend, v.submit)
	v.top = container.NewBorder(nil, nil, env.backButton(), status, v.title)
	top := v.top
	bottom := container.NewBorder(nil, nil, v.prev, v.next)
	v.readOnly = widget.NewLabelWithStyle(t0("visit.read_only"), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	v.readOnly.Wrapping = fyne.TextWrapWord
	v.readOnly.Importance = widget.WarningImportance
	v.readOnly.Hide()
	right := container.NewBorder(v.readOnly, bottom, nil, nil, v.body)
	// The section list keeps a width where its names read ("Dust and
	// site order 3/5", not "Dust and site orc") however the window or
	// the divider is sized.
	v.navWidth = canvas.NewRectangle(color.Transparent)
	v.navWidth.SetMinSize(fyne.NewSize(sectionListWidth, 0))
	// The section list stays outside muted: inside a theme override
	// every refresh of a list (each change of page) made Fyne empty its
	// caches of text sizes and icons, and every label in the window was
	// measured again. Its rows use no colour that muted changes.
	v.split = container.NewHSplit(container.NewStack(v.navWidth, container.NewBorder(nil, container.NewVBox(v.photoState, v.bar), nil, nil, v.nav)), right)
	split := v.split
	split.SetOffset(0.24)
	v.content = container.NewBorder(top, nil, nil, nil, split)
	return v
}

// load reads the visit, its template, its project and the project's open
// findings off the UI goroutine.
func (v *visitScreen) load() {
	data := v.env.data
	fetchIn(v.env, func() (visitData, error) {
		var d visitData
		var err error
		if d.in, err = data.Visit(v.id); err != nil {
			return d, err
		}
		if d.tmpl, err = data.Template(d.in.TemplateID, d.in.TemplateVersion); err != nil {
			return d, err
		}
		if d.project, err = data.Project(d.in.ProjectID); err != nil {
			return d, err
		}
		if d.active, err = data.ActiveFindings(d.in.ProjectID); err != nil {
			return d, err
		}
		if d.units, err = data.ResponsibleUnits(); err != nil {
			return d, err
		}
		if d.prev, d.hasPrev, err = previousVisit(data, d.in); err != nil {
			return d, err
		}
		d.drafts, err = data.FormDrafts(v.draftPrefix())
		return d, err
	}, func(d visitData, err error) {
		if err != nil {
			v.env.dialogs.showError(err)
			return
		}
		v.build(d)
		v.showFormDrafts(d.drafts)
		v.loadPhotoState()
	})
}

// draftPrefix begins the keys of the finding forms of this visit.
func (v *visitScreen) draftPrefix() string { return newFindingDraftKey(v.id, "") }

// showFormDrafts offers the first finding typed in this visit and not
// saved: the button opens its form, which puts the typing back.
func (v *visitScreen) showFormDrafts(drafts []storage.FormDraft) {
	// The header is laid out now rather than at the next frame (see
	// markSample).
	defer v.top.Refresh()
	if len(drafts) == 0 || !v.editable() {
		v.drafts.Hide()
		return
	}
	v.drafts.SetText(t("visit.form_drafts", len(drafts)))
	what := strings.TrimPrefix(drafts[0].Key, v.draftPrefix())
	v.drafts.OnTapped = func() {
		switch kind := sv.FindingKind(what); kind {
		case sv.KindProblem, sv.KindRequest:
			v.recheck.newFinding(kind)
		default:
			f := v.fields[what]
			if f == nil {
				return // the checklist no longer has that item
			}
			v.goTo(what)
			f.raiseFinding()
		}
		v.drafts.Hide()
		v.top.Refresh()
		// Once that form is closed, saved or not, offer the next one.
		form := v.form
		form.dlg.SetOnClosed(func() {
			form.keep.saver.whenIdle(func() { v.env.do(v.reloadFormDrafts) })
		})
	}
	v.drafts.Show()
}

func (v *visitScreen) reloadFormDrafts() {
	data := v.env.data
	prefix := v.draftPrefix()
	fetchIn(v.env, func() ([]storage.FormDraft, error) { return data.FormDrafts(prefix) }, func(ds []storage.FormDraft, err error) {
		if err == nil {
			v.showFormDrafts(ds)
		}
	})
}

// loadPhotoState recounts where the visit's photos are, off the UI
// goroutine.
func (v *visitScreen) loadPhotoState() {
	data := v.env.data
	id := v.id
	fetchIn(v.env, func() (map[string]storage.PhotoState, error) {
		return data.VisitPhotoStates(id)
	}, func(states map[string]storage.PhotoState, err error) {
		text := photoStateText(states[id])
		if err != nil {
			text = v.env.message(err)
		}
		v.photoState.SetText(text)
		v.photoState.Importance = widget.LowImportance
		if st := states[id]; st.Waiting > 0 || st.NotDownloaded > 0 || st.NotUploaded > 0 {
			v.photoState.Importance = widget.WarningImportance
		}
		v.photoState.Hidden = text == ""
		v.photoState.Refresh()
	})
}

// build makes the widgets of every item once; switching sections only
// swaps which box is shown, so what was typed stays.
func (v *visitScreen) build(d visitData) {
	v.in, v.tmpl, v.project, v.active, v.units = d.in, d.tmpl, d.project, d.active, d.units
	v.last, v.hasLast = d.prev, d.hasPrev
	if v.in.Answers == nil {
		v.in.Answers = map[string]sv.Answer{}
	}
	v.loaded = true
	lang := v.env.lang
	v.title.SetText(t("visit.title", v.project.Name, v.env.date(v.in.StartedAt)))
	v.panes = []pane{{title: t0("visit.header"), section: -1, kind: paneHeader, box: v.buildHeader()}}
	for si, s := range v.tmpl.Sections {
		// The box is made with all its items at once: each Add lays the
		// box out again, measuring every item above (wrapped hints at
		// length), which made a long section quadratic.
		objs := []fyne.CanvasObject{heading(s.DisplayTitle(lang))}
		for _, it := range s.Items {
			f := newItemField(v, it, v.in.Answers[it.Key])
			v.fields[it.Key] = f
			objs = append(objs, f.box)
		}
		box := container.NewVBox(objs...)
		v.panes = append(v.panes, pane{title: s.DisplayTitle(lang), section: si, kind: paneSection, box: box})
	}
	v.recheck = newRecheckPane(v)
	v.panes = append(v.panes, pane{title: t0("visit.recheck"), section: -1, kind: paneRecheck, box: v.recheck.box})
	v.applyState()
	// A fresh visit opens on its header so the inspectors are filled in;
	// a draft being resumed opens where answers are still missing.
	start := 0
	if answered, _ := v.in.Progress(v.tmpl); answered > 0 {
		start = v.firstIncompletePane()
	}
	v.showPane(start)
}

func (v *visitScreen) buildHeader() *fyne.Container {
	v.inspector = widget.NewEntry()
	v.inspector.SetText(joinNames(v.in.Inspectors))
	v.inspector.SetPlaceHolder(t0("visit.inspectors_placeholder"))
	v.depts = widget.NewEntry()
	v.depts.SetText(joinNames(v.in.DepartmentsPresent))
	v.depts.SetPlaceHolder(t0("visit.departments_placeholder"))
	v.weather = widget.NewSelectEntry(strings.Split(t0("visit.weather_options"), "|"))
	v.weather.SetText(v.in.Weather)
	v.summary = widget.NewMultiLineEntry()
	v.summary.Wrapping = fyne.TextWrapWord
	v.summary.SetMinRowsVisible(4)
	v.summary.SetText(v.in.Summary)
	v.summary.SetPlaceHolder(t0("visit.summary_placeholder"))
	for _, e := range []*widget.Entry{v.inspector, v.depts, v.summary} {
		e.OnChanged = func(string) { v.headerChanged() }
	}
	v.weather.OnChanged = func(string) { v.headerChanged() }
	form := widget.NewForm(
		widget.NewFormItem(t0("visit.inspectors"), v.inspector),
		widget.NewFormItem(t0("visit.departments"), v.depts),
		widget.NewFormItem(t0("visit.weather"), v.weather),
		widget.NewFormItem(t0("visit.summary"), v.summary),
	)
	info := newTextLabel(t("visit.template", v.tmpl.Title, v.tmpl.Version))
	info.Importance = widget.LowImportance
	// Photos of the site as a whole, not of one item.
	v.sitePhotos = widget.NewLabel(t("item.photos", len(v.in.Photos)))
	v.addPhoto = widget.NewButtonWithIcon(t0("item.add_photo"), theme.FileImageIcon(), func() {
		choosePhoto(v.env, func(path string) { v.attachSitePhotos([]string{path}) })
	})
	v.siteRow = newButtonRow([]fyne.CanvasObject{v.sitePhotos, viewPhotosButton(func() { v.showSitePhotos() }), v.addPhoto}, 2)
	form.Append(t0("visit.site_photos"), v.siteRow.box)
	return container.NewVBox(heading(t0("visit.header")), info, form)
}

// attachSitePhotos imports photos of the visit as a whole.
func (v *visitScreen) attachSitePhotos(paths []string) {
	attachPhotos(v.env, sv.PhotoLink{VisitID: v.id}, paths, func(res photoImport) {
		v.in.Photos = addHashes(v.in.Photos, res.hashes...)
		v.sitePhotos.SetText(t("item.photos", len(v.in.Photos)))
	})
}

// headerChanged saves the header as typed.
func (v *visitScreen) headerChanged() {
	if !v.editable() {
		return
	}
	v.in.Inspectors = splitNames(v.inspector.Text)
	v.in.DepartmentsPresent = splitNames(v.depts.Text)
	v.in.Weather = strings.TrimSpace(v.weather.Text)
	v.in.Summary = v.summary.Text
	// The next visit starts with the same people.
	v.env.prefs.SetString(prefInspectors, joinNames(v.in.Inspectors))
	in := v.in
	data := v.env.data
	v.saving()
	v.saver.put(headerKey, func() error { return data.UpdateVisit(in) })
}

// answerChanged records an item's new answer and saves it at once.
func (v *visitScreen) answerChanged(f *itemField) {
	if !v.editable() {
		return
	}
	a := f.observed()
	a.ItemKey = f.item.Key
	a.AnsweredAt = v.env.now()
	a.AnsweredBy = firstOr(v.in.Inspectors, "")
	v.in.Answers[a.ItemKey] = a
	v.updateProgress()
	data := v.env.data
	id := v.id
	v.saving()
	v.saver.put(a.ItemKey, func() error { return data.SaveAnswer(id, a) })
	f.showPast()
}

func (v *visitScreen) saving() {
	v.saved.SetText(t0("visit.saving"))
	v.saved.Importance = widget.LowImportance
	v.saved.Refresh()
}

// written is the saver's report of one write, off the UI goroutine.
func (v *visitScreen) written(key string, err error) {
	v.env.do(func() {
		if err != nil {
			v.failed[key] = v.env.message(err)
		} else {
			delete(v.failed, key)
		}
		v.showSaveState()
		v.recountWhenIdle()
	})
}

// recountWhenIdle has the status bar count what waits to be sent once the
// writes queued are done: once per burst of typing, not per keystroke, and
// never a count that lags behind what the screen shows as saved.
func (v *visitScreen) recountWhenIdle() {
	if v.recount || v.env.refreshWaiting == nil {
		return
	}
	v.recount = true
	v.saver.whenIdle(func() {
		v.env.do(func() {
			v.recount = false
			v.env.syncWaiting()
		})
	})
}

// showSaveState says "saved" quietly, or loudly what could not be saved.
func (v *visitScreen) showSaveState() {
	if n := v.invalidFields(); n > 0 && len(v.failed) == 0 {
		v.saved.SetText(t("visit.invalid_values", n))
		v.saved.Importance = widget.DangerImportance
		v.saved.Refresh()
		v.top.Refresh()
		return
	}
	if len(v.failed) == 0 {
		v.alerted = false
		v.saved.SetText(t("visit.saved", v.env.now().Format("15:04:05")))
		v.saved.Importance = widget.SuccessImportance
		v.saved.Refresh()
		v.top.Refresh()
		return
	}
	var msgs []string
	for key, m := range v.failed {
		if f := v.fields[key]; f != nil {
			f.showProblem(t("visit.not_saved", m))
		}
		msgs = append(msgs, m)
	}
	v.saved.SetText(t("visit.save_failed", len(v.failed)))
	v.saved.Importance = widget.DangerImportance
	v.saved.Refresh()
	v.top.Refresh()
	// One dialog when saving starts to fail, not one per keystroke.
	if !v.alerted {
		v.alerted = true
		v.env.dialogs.inform(t0("visit.save_failed_title"), strings.Join(msgs, "\n"))
	}
}

// editable reports whether the visit is a draft that may change.
func (v *visitScreen) editable() bool { return v.loaded && v.in.Editable() }

// applyState shows the visit as a draft, or read-only once submitted.
func (v *visitScreen) applyState() {
	ro := !v.in.Editable()
	for _, f := range v.fields {
		f.setReadOnly(ro)
		f.updateRaise()
	}
	v.shadePages(ro)
	for _, e := range []*widget.Entry{v.inspector, v.depts, v.summary} {
		if ro {
			e.Disable()
		} else {
			e.Enable()
		}
	}
	if ro {
		v.addPhoto.Disable()
		v.weather.Disable()
		v.state.SetText(t("visit.submitted_at", v.in.Status.Label(v.env.lang), v.env.date(v.in.FinishedAt)))
		v.state.Importance = widget.SuccessImportance
		v.submit.Hide()
		v.discard.Hide()
		v.amend.Show()
		v.readOnly.Show()
	} else {
		v.addPhoto.Enable()
		v.weather.Enable()
		v.state.SetText(v.in.Status.Label(v.env.lang))
		v.state.Importance = widget.WarningImportance
		v.submit.Show()
		v.discard.Show()
		v.amend.Hide()
		v.readOnly.Hide()
	}
	if v.in.Replaces != "" {
		v.state.SetText(v.state.Text + " · " + t0("visit.amendment"))
	}
	v.state.Refresh()
	v.recheck.refresh()
	v.updateProgress()
}

// updateProgress shows answered / total, always in view.
func (v *visitScreen) updateProgress() {
	answered, total := v.in.Progress(v.tmpl)
	v.progress.SetText(t("visit.progress", answered, total))
	if total > 0 {
		v.bar.SetValue(float64(answered) / float64(total))
	}
	v.nav.Refresh()
	v.fitNav()
	// Fyne does not lay a container out again when a label's text grows.
	v.top.Refresh()
}

// fitNav widens the section list to its longest name with its count
// ("Land, power, water, finance, labour 0/5" in English), so that none
// is cut however narrow the window.
func (v *visitScreen) fitNav() {
	w := float32(sectionListWidth)
	for i := range v.panes {
		w = max(w, fyne.MeasureText(v.paneLabel(i), theme.TextSize(), fyne.TextStyle{Bold: true}).Width+2*theme.InnerPadding()+2*theme.Padding())
	}
	if w != v.navWidth.MinSize().Width {
		v.navWidth.SetMinSize(fyne.NewSize(w, 0))
		v.split.Refresh()
	}
}

func (v *visitScreen) refreshNav() { v.nav.Refresh() }

// paneLabel names a page of the navigation with its own progress.
func (v *visitScreen) paneLabel(i int) string {
	p := v.panes[i]
	switch p.kind {
	case paneSection:
		s := v.tmpl.Sections[p.section]
		done := 0
		for _, it := range s.Items {
			if a, ok := v.in.Answers[it.Key]; ok && a.IsAnswered(it.Kind) {
				done++
			}
		}
		return t("visit.section_progress", p.title, done, len(s.Items))
	case paneRecheck:
		return t("visit.recheck_count", p.title, len(v.earlierFindings()))
	}
	return p.title
}

// firstIncompletePane is the first section with a required item unanswered.
func (v *visitScreen) firstIncompletePane() int {
	for i, p := range v.panes {
		if p.kind != paneSection {
			continue
		}
		for _, it := range v.tmpl.Sections[p.section].Items {
			if a, ok := v.in.Answers[it.Key]; !ok || !a.IsAnswered(it.Kind) {
				return i
			}
		}
	}
	return 1
}

// showPane swaps the right-hand side to page i.
func (v *visitScreen) showPane(i int) {
	if i < 0 || i >= len(v.panes) {
		return
	}
	v.current = i
	// Each page is made into its view once and then hidden and shown:
	// refreshing a page's whole tree measured every text and recoloured
	// every icon again, and the re-check page, with its findings, took a
	// second to appear. A page also keeps where it was scrolled to.
	for j := range v.panes {
		if j != i && v.panes[j].view != nil {
			v.panes[j].view.Hide()
		}
	}
	if p := &v.panes[i]; p.view == nil {
		wheel := newWheelScroll(container.NewPadded(p.box))
		p.scroll = wheel.Scroll
		p.wheel = wheel
		p.muted = !v.in.Editable()
		v.shadeButtons(p)
		p.view = container.NewStack(pageContent(p))
		v.body.Add(p.view)
	} else {
		p.view.Show()
	}
	canvas.Refresh(v.body)
	if i == 0 {
		v.prev.Disable()
	} else {
		v.prev.Enable()
	}
	if i == len(v.panes)-1 {
		v.next.Disable()
	} else {
		v.next.Enable()
	}
	// Selecting a new row refreshes the list (the new page's name in
	// bold); a row the user clicked is selected already, and was
	// refreshed before v.current said it is the one shown.
	if v.navSelected != i {
		v.nav.Select(i)
	} else {
		v.nav.Refresh()
	}
	v.focusFirst()
}

// focusFirst puts the cursor in the first field of the page shown, so the
// keyboard can fill a section from top to bottom with Tab.
func (v *visitScreen) focusFirst() {
	if v.env.win.Canvas().Overlays().Top() != nil {
		return
	}
	// No field of the page left behind keeps the keyboard: a choice there
	// would open its list on Space, out of sight.
	v.env.win.Canvas().Unfocus()
	if !v.editable() {
		return
	}
	p := v.panes[v.current]
	switch p.kind {
	case paneHeader:
		v.env.win.Canvas().Focus(v.inspector)
		// The names are prefilled from the last visit: typing replaces
		// them, an arrow key keeps them.
		v.inspector.TypedShortcut(&fyne.ShortcutSelectAll{})
	case paneSection:
		if items := v.tmpl.Sections[p.section].Items; len(items) > 0 {
			if f := v.fields[items[0].Key]; f != nil && f.focusTarget() != nil {
				v.env.win.Canvas().Focus(f.focusTarget())
			}
		}
	}
}

// paneOf returns the page that holds an item.
func (v *visitScreen) paneOf(itemKey string) int {
	for i, p := range v.panes {
		if p.kind != paneSection {
			continue
		}
		for _, it := range v.tmpl.Sections[p.section].Items {
			if it.Key == itemKey {
				return i
			}
		}
	}
	return 0
}

// goTo shows an item's section, scrolled to the item, and puts the
// cursor on it.
func (v *visitScreen) goTo(itemKey string) {
	v.showPane(v.paneOf(itemKey))
	if f := v.fields[itemKey]; f != nil {
		v.scrollTo(f.box)
		if w := f.focusTarget(); w != nil {
			v.env.win.Canvas().Focus(w)
		}
	} else if itemKey == "" {
		v.env.win.Canvas().Focus(v.inspector)
	}
}

// scrollTo scrolls the page shown so that o, one of its items, is in
// view with a little of the item before it above.
func (v *visitScreen) scrollTo(o fyne.CanvasObject) {
	p := v.panes[v.current]
	if p.scroll == nil {
		return
	}
	// The page was perhaps just made: lay it out at its size first, so
	// the item's position is known.
	p.scroll.Refresh()
	p.box.Resize(fyne.NewSize(p.box.Size().Width, p.box.MinSize().Height))
	y := o.Position().Y - theme.Padding()*4
	max := p.box.MinSize().Height + 2*theme.Padding() - p.scroll.Size().Height
	if y > max {
		y = max
	}
	if y < 0 {
		y = 0
	}
	p.scroll.ScrollToOffset(fyne.NewPos(0, y))
}

// raisedFor returns the findings raised from an item during this visit.
func (v *visitScreen) raisedFor(itemKey string) []sv.Finding {
	var out []sv.Finding
	for _, f := range v.active {
		if f.VisitID == v.id && f.ItemKey == itemKey {
			out = append(out, f)
		}
	}
	return out
}

// earlierFindings are the project's active findings raised before this visit.
func (v *visitScreen) earlierFindings() []sv.Finding {
	var out []sv.Finding
	for _, f := range v.active {
		if f.VisitID != v.id {
			out = append(out, f)
		}
	}
	return out
}

// unitChoices offers the project's own units first (contractor, owner,
// supervisor, lead department: see sv.Project.Units), then, sorted, every
// other unit named on findings so far.
func (v *visitScreen) unitChoices() []string {
	return unitChoices(v.project, v.units)
}

// unitChoices is the project's units, then the others sorted.
func unitChoices(p sv.Project, others []string) []string {
	out := p.Units()
	seen := map[string]bool{}
	for _, u := range out {
		seen[u] = true
	}
	var rest []string
	for _, u := range others {
		if u != "" && !seen[u] {
			seen[u] = true
			rest = append(rest, u)
		}
	}
	slices.Sort(rest)
	return append(out, rest...)
}

// sectionOf returns the section that holds an item.
func (v *visitScreen) sectionOf(itemKey string) sv.Section {
	for _, s := range v.tmpl.Sections {
		for _, it := range s.Items {
			if it.Key == itemKey {
				return s
			}
		}
	}
	return sv.Section{}
}

// trySubmit lists what is missing, or asks for confirmation and submits.
func (v *visitScreen) trySubmit() {
	if !v.editable() {
		return
	}
	gaps := v.in.Gaps(v.tmpl)
	if len(gaps) > 0 {
		v.showGaps(gaps)
		return
	}
	v.env.dialogs.confirmAction(t0("visit.submit_title"), v.submitWarnings()+t0("visit.submit_confirm"), t0("visit.submit_do"), func(ok bool) {
		if ok {
			v.submitNow()
		}
	})
}

// submitNow waits for pending writes, then submits in the background.
func (v *visitScreen) submitNow() {
	v.submit.Disable()
	data := v.env.data
	id := v.id
	v.saver.whenIdle(func() {
		in, err := data.SubmitVisit(id)
		v.env.do(func() {
			v.submit.Enable()
			if err != nil {
				v.env.dialogs.showError(err)
				return
			}
			answers := v.in.Answers
			v.in = in
			if v.in.Answers == nil {
				v.in.Answers = answers
			}
			v.applyState()
			sub := submittedVisit{id: in.ID, project: v.project.DisplayName(), started: in.StartedAt}
			v.env.reports.visitSubmitted(sub)
			v.showSubmitted(sub)
		})
	})
}

// showGaps lists what stops the visit from being submitted; choosing a
// line goes to the item.
func (v *visitScreen) showGaps(gaps []sv.Gap) {
	var d dialog.Dialog
	list := widget.NewList(func() int { return len(gaps) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			g := gaps[i]
			if v.env.lang == sv.English {
				o.(*widget.Label).SetText(g.En)
			} else {
				o.(*widget.Label).SetText(g.Zh)
			}
		})
	list.OnSelected = func(i widget.ListItemID) {
		d.Hide()
		v.goTo(gaps[i].ItemKey)
	}
	intro := widget.NewLabel(t("visit.gaps_intro", len(gaps)))
	intro.Wrapping = fyne.TextWrapWord
	content := container.NewBorder(intro, nil, nil, nil, list)
	d = dialog.NewCustom(t0("visit.gaps_title"), t0("common.close"), content, v.env.win)
	d.Resize(fyne.NewSize(560, 420))
	v.env.dialogs.showKeyed(d, d.Hide)
	v.gapList = list
	v.gaps = gaps
}

// startAmendment makes a draft correction of the submitted visit and opens it.
func (v *visitScreen) startAmendment() {
	v.env.dialogs.confirmAction(strings.TrimSuffix(t0("visit.amend"), "…"), t0("visit.amend_confirm"), t0("visit.amend_do"), func(ok bool) {
		if !ok {
			return
		}
		data := v.env.data
		fetchIn(v.env, func() (sv.Visit, error) {
			return data.AmendVisit(v.id)
		}, func(am sv.Visit, err error) {
			if err != nil {
				v.env.dialogs.showError(err)
				return
			}
			v.env.nav.openVisit(am.ID, true)
		})
	})
}

// confirmDiscard deletes a draft started by mistake, after asking.
func (v *visitScreen) confirmDiscard() {
	v.env.dialogs.confirmLoss(t0("visit.discard"), t0("visit.discard_confirm"), t0("visit.discard"), func(ok bool) {
		if !ok {
			return
		}
		data := v.env.data
		id := v.id
		v.saver.whenIdle(func() {
			err := data.DeleteDraft(id)
			v.env.do(func() {
				if err != nil {
					v.env.dialogs.showError(err)
					return
				}
				v.env.nav.goBack()
			})
		})
	})
}

// showSubmitted says the visit is submitted and offers its report, the
// next thing an inspector does with it.
func (v *visitScreen) showSubmitted(sub submittedVisit) {
	msg := widget.NewLabel(t("visit.submitted_body", v.project.DisplayName(), v.env.date(v.in.StartedAt)))
	msg.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	report := widget.NewButtonWithIcon(t0("visit.make_report"), theme.DocumentPrintIcon(), func() {
		d.Hide()
		v.env.reports.makeVisitReport(sub)
	})
	report.Importance = widget.HighImportance
	closeB := widget.NewButton(t0("common.close"), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(t0("visit.submitted_title"),
		container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), closeB, report), nil, nil, msg), v.env.win)
	d.Resize(fyne.NewSize(480, 200))
	v.env.dialogs.showKeyed(d, report.OnTapped)
}
