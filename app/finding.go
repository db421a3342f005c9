package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// moveLabel is the text of a move's button. Going back from "awaiting
// verification" to "in progress" means the check failed, so it reads so;
// a leader closing a fix no one verified yet verifies it too.
func moveLabel(from, to sv.Status) string {
	switch {
	case from == sv.StatusFixed && to == sv.StatusInProgress:
		return t0("finding.move.reopen")
	case from == sv.StatusVerified && to == sv.StatusInProgress:
		return t0("finding.move.send_back")
	case from == sv.StatusVerified && to == sv.StatusClosed:
		return t0("finding.move.close")
	}
	switch to {
	case sv.StatusInProgress:
		return t0("finding.move.in_progress")
	case sv.StatusFixed:
		return t0("finding.move.fixed")
	case sv.StatusVerified:
		return t0("finding.move.verified")
	case sv.StatusClosed:
		return t0("finding.move.closed")
	case sv.StatusWithdrawn:
		return t0("finding.move.withdrawn")
	}
	return to.Label(sv.Chinese)
}

// role is what the person at this laptop may do in the workflow: the role
// the portal gave at sign-in; a laptop never signed in acts as an
// inspector, and the portal checks every move again.
func (ui *mainUI) role() sv.Role {
	if ui.sync != nil && ui.sync.st.SignedIn && sv.Role(ui.sync.st.Role).Valid() {
		return sv.Role(ui.sync.st.Role)
	}
	return sv.RoleInspector
}

// actingName is the name a move or note is prefilled with: the signed-in
// user's, which the portal records as its author anyway, else fallback.
func (ui *mainUI) actingName(fallback string) string {
	if ui.sync != nil && ui.sync.st.SignedIn {
		if st := ui.sync.st; st.DisplayName != "" {
			return st.DisplayName
		} else if st.User != "" {
			return st.User
		}
	}
	return fallback
}

// verifies reports whether moving from → to records a verification.
func verifies(from, to sv.Status) bool {
	return to == sv.StatusVerified || (from == sv.StatusFixed && to == sv.StatusClosed)
}

// findingActions returns the buttons for the moves the rulebook allows
// this person from the finding's status (and only those), and one to add a
// note. visitID ties the moves to the visit they are made in, if any;
// who is the default name of the person acting.
//
// verifiers, when it names someone, is who a verification defaults to: on
// site, the visit's inspectors verify together, whoever holds the laptop.
// It is asked when the form opens, so names typed since count.
func findingActions(env *screenEnv, f sv.Finding, visitID, who string, verifiers func() string, changed func(sv.Finding)) *fyne.Container {
	box := container.NewHBox()
	for _, to := range f.MovesFor(env.role()) {
		b := widget.NewButton(moveLabel(f.Status, to), func() {
			by := who
			if v := verifiers(); verifies(f.Status, to) && v != "" {
				by = v
			}
			showMoveForm(env, f, to, visitID, by, changed)
		})
		if to == sv.StatusClosed || to == sv.StatusVerified {
			b.Importance = widget.HighImportance
		}
		box.Add(b)
	}
	box.Add(widget.NewButtonWithIcon(t0("finding.add_note"), theme.DocumentCreateIcon(), func() {
		showNoteForm(env, f, who, changed)
	}))
	return box
}

// moveForm asks what a workflow move needs: a note (the evidence of a fix,
// the verification, the reason to withdraw) and, to close, who verified.
type moveForm struct {
	env     *screenEnv
	f       sv.Finding
	to      sv.Status
	note    *widget.Entry
	by      *widget.Entry
	problem *widget.Label
	confirm *widget.Button
	keep    *formKeeper
	dlg     dialog.Dialog
	changed func(sv.Finding)
	visitID string
	// evidence are photos attached as evidence of the fix or the check.
	evidence []string
	photos   *widget.Label // how many
}

func showMoveForm(env *screenEnv, f sv.Finding, to sv.Status, visitID, who string, changed func(sv.Finding)) *moveForm {
	m := &moveForm{env: env, f: f, to: to, changed: changed, visitID: visitID}
	m.note = widget.NewMultiLineEntry()
	m.note.Wrapping = fyne.TextWrapWord
	m.note.SetMinRowsVisible(3)
	m.note.SetPlaceHolder(noteHint(f.Status, to))
	m.by = widget.NewEntry()
	m.by.SetText(who)
	m.problem = widget.NewLabel("")
	m.problem.Importance = widget.DangerImportance
	m.problem.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{widget.NewFormItem(t0("finding.note"), m.note)}
	if to == sv.StatusFixed || verifies(f.Status, to) {
		// A photo of the rectified site is evidence as good as a note.
		m.photos = widget.NewLabel(t("item.photos", 0))
		add := widget.NewButtonWithIcon(t0("item.add_photo"), theme.FileImageIcon(), func() {
			choosePhoto(env, func(path string) { m.attach([]string{path}) })
		})
		items = append(items, widget.NewFormItem(t0("finding.evidence"), container.NewHBox(m.photos, add)))
	}
	switch {
	case verifies(f.Status, to):
		items = append(items, widget.NewFormItem(t0("finding.verified_by"), m.by))
	case to == sv.StatusClosed:
		items = append(items, widget.NewFormItem(t0("finding.closed_by"), m.by))
	default:
		items = append(items, widget.NewFormItem(t0("finding.by"), m.by))
	}
	desc := widget.NewLabel(t("finding.move_intro", sv.Shorten(f.Description, 60), f.Status.Label(env.lang), to.Label(env.lang)))
	desc.Wrapping = fyne.TextWrapWord
	m.confirm = widget.NewButton(moveLabel(f.Status, to), m.submit)
	m.confirm.Importance = widget.HighImportance
	cancel := widget.NewButton(t0("common.cancel"), func() { m.keep.cancel(m.dlg.Hide) })
	fields := map[string]formField{"note": entryField(m.note), "by": entryField(m.by)}
	if m.photos != nil {
		fields["evidence"] = listField(&m.evidence, func() { m.photos.SetText(t("item.photos", len(m.evidence))) })
	}
	m.keep = keepForm(env, moveDraftKey(f.ID, to), fields)
	typed := func(string) { m.keep.changed() }
	m.note.OnChanged, m.by.OnChanged = typed, typed
	content := container.NewBorder(container.NewVBox(desc, m.keep.note), container.NewVBox(m.problem, container.NewHBox(layout.NewSpacer(), cancel, m.confirm)), nil, nil,
		widget.NewForm(items...))
	m.dlg = dialog.NewCustomWithoutButtons(moveLabel(f.Status, to), content, env.win)
	m.dlg.Resize(fyne.NewSize(600, 380))
	m.dlg.Show()
	env.win.Canvas().Focus(m.note)
	return m
}

// noteHint says what the note of a move should contain.
func noteHint(from, to sv.Status) string {
	switch {
	case to == sv.StatusVerified:
		return t0("finding.hint.verified")
	case verifies(from, to):
		return t0("finding.hint.closed")
	case to == sv.StatusClosed:
		return t0("finding.hint.close")
	case to == sv.StatusInProgress && (from == sv.StatusFixed || from == sv.StatusVerified):
		return t0("finding.hint.send_back")
	case to == sv.StatusFixed:
		return t0("finding.hint.fixed")
	case to == sv.StatusWithdrawn:
		return t0("finding.hint.withdrawn")
	}
	return t0("finding.hint.other")
}

// attach imports photos as "after" evidence of the finding; they are
// passed with the move.
func (m *moveForm) attach(paths []string) {
	link := sv.PhotoLink{FindingID: m.f.ID, Role: sv.RoleAfter}
	attachPhotos(m.env, link, paths, func(res photoImport) {
		m.evidence = addHashes(m.evidence, res.hashes...)
		m.photos.SetText(t("item.photos", len(m.evidence)))
		m.keep.changed()
	})
}

// submit checks the move with the domain's rules on a copy, so the person
// sees why a move is refused before anything is written, then applies it.
func (m *moveForm) submit() {
	mv := sv.Move{To: m.to, By: strings.TrimSpace(m.by.Text), Role: m.env.role(), Note: strings.TrimSpace(m.note.Text),
		Evidence: m.evidence, VisitID: m.visitID, At: m.env.now()}
	trial := m.f
	trial.History = append([]sv.StatusChange(nil), m.f.History...)
	if err := trial.Apply(mv); err != nil {
		m.problem.SetText(m.env.message(err))
		return
	}
	m.confirm.Disable()
	applyMove(m.env, m.f.ID, mv, func(f sv.Finding, err error) {
		m.confirm.Enable()
		if err != nil {
			m.problem.SetText(m.env.message(err))
			return
		}
		m.keep.end()
		m.dlg.Hide()
		if m.changed != nil {
			m.changed(f)
		}
	})
}

// applyMove writes a move in the background. The store applies the
// domain's rules again on the stored finding, which may have changed
// since it was shown; a refused move comes back as an error to show.
func applyMove(env *screenEnv, id string, mv sv.Move, done func(sv.Finding, error)) {
	data := env.data
	fetchIn(env, func() (sv.Finding, error) { return data.MoveFinding(id, mv) }, done)
}

// noteForm adds a note ("still open: …") without moving the finding.
type noteForm struct {
	text    *widget.Entry
	by      *widget.Entry
	problem *widget.Label
	add     *widget.Button
	keep    *formKeeper
	dlg     dialog.Dialog
}

func showNoteForm(env *screenEnv, f sv.Finding, who string, changed func(sv.Finding)) *noteForm {
	n := &noteForm{}
	n.text = widget.NewMultiLineEntry()
	n.text.Wrapping = fyne.TextWrapWord
	n.text.SetMinRowsVisible(3)
	n.text.SetPlaceHolder(t0("finding.note_placeholder"))
	n.by = widget.NewEntry()
	n.by.SetText(who)
	n.problem = widget.NewLabel("")
	n.problem.Importance = widget.DangerImportance
	n.add = widget.NewButton(t0("finding.add_note"), func() {
		note := sv.Note{By: strings.TrimSpace(n.by.Text), Text: strings.TrimSpace(n.text.Text), At: env.now()}
		if note.Text == "" {
			n.problem.SetText(t0("finding.note_empty"))
			return
		}
		n.add.Disable()
		data := env.data
		fetchIn(env, func() (sv.Finding, error) { return data.AddFindingNote(f.ID, note) },
			func(f sv.Finding, err error) {
				n.add.Enable()
				if err != nil {
					n.problem.SetText(env.message(err))
					return
				}
				n.keep.end()
				n.dlg.Hide()
				if changed != nil {
					changed(f)
				}
			})
	})
	n.add.Importance = widget.HighImportance
	cancel := widget.NewButton(t0("common.cancel"), func() { n.keep.cancel(n.dlg.Hide) })
	n.keep = keepForm(env, noteDraftKey(f.ID), map[string]formField{"note": entryField(n.text), "by": entryField(n.by)})
	typed := func(string) { n.keep.changed() }
	n.text.OnChanged, n.by.OnChanged = typed, typed
	form := widget.NewForm(widget.NewFormItem(t0("finding.note"), n.text), widget.NewFormItem(t0("finding.by"), n.by))
	content := container.NewBorder(n.keep.note, container.NewVBox(n.problem, container.NewHBox(layout.NewSpacer(), cancel, n.add)), nil, nil, form)
	n.dlg = dialog.NewCustomWithoutButtons(t0("finding.add_note"), content, env.win)
	n.dlg.Resize(fyne.NewSize(520, 280))
	n.dlg.Show()
	env.win.Canvas().Focus(n.text)
	return n
}

// findingDetail is a finding with its whole history and notes, and the
// moves it allows.
type findingDetail struct {
	project sv.Project    // the finding's project, read with it
	pending *widget.Label // names its forms typed into and not saved
	form    *findingForm  // the edit form last opened, for tests
	box     *fyne.Container
	actions *fyne.Container
	// bar holds the actions under the scrolled facts and history, so
	// they are in view however long the history grows.
	bar *fyne.Container
	dlg dialog.Dialog
}

// showFindingDetail reads a finding and shows it in a dialog. changed runs
// after every move or note, so the screen behind can reload.
func showFindingDetail(env *screenEnv, id, visitID string, changed func()) *findingDetail {
	d := &findingDetail{box: container.NewVBox(widget.NewLabel(t0("dashboard.loading"))), bar: container.NewVBox()}
	d.dlg = dialog.NewCustom(t0("finding.detail_title"), t0("common.close"),
		container.NewBorder(nil, d.bar, nil, nil, container.NewVScroll(d.box)), env.win)
	d.dlg.Resize(fyne.NewSize(720, 560))
	env.dialogs.showKeyed(d.dlg, d.dlg.Hide)
	data := env.data
	var reload func()
	show := func(f sv.Finding) {
		d.fill(env, f, visitID, func(nf sv.Finding) {
			reload()
			if changed != nil {
				changed()
			}
		})
	}
	reload = func() {
		type read struct {
			f       sv.Finding
			project sv.Project
			drafts  []storage.FormDraft
		}
		fetchIn(env, func() (read, error) {
			var r read
			var err error
			if r.f, err = data.Finding(id); err != nil {
				return r, err
			}
			if r.project, err = data.Project(r.f.ProjectID); err != nil {
				return r, err
			}
			for _, prefix := range []string{editDraftKey(id), noteDraftKey(id), moveDraftKey(id, "")} {
				ds, err := data.FormDrafts(prefix)
				if err != nil {
					return r, err
				}
				r.drafts = append(r.drafts, ds...)
			}
			return r, nil
		}, func(r read, err error) {
			if err != nil {
				d.box.Objects = []fyne.CanvasObject{widget.NewLabel(env.message(err))}
				d.box.Refresh()
				return
			}
			d.project = r.project
			d.pending = widget.NewLabel(draftForms(r.f, r.drafts))
			d.pending.Wrapping = fyne.TextWrapWord
			d.pending.Importance = widget.WarningImportance
			show(r.f)
		})
	}
	reload()
	return d
}

// draftForms says which of f's forms hold typing not saved, so the
// inspector opens that form again and finds it there; "" when none.
func draftForms(f sv.Finding, drafts []storage.FormDraft) string {
	var names []string
	for _, dr := range drafts {
		switch to, move := strings.CutPrefix(dr.Key, moveDraftKey(f.ID, "")); {
		case dr.Key == editDraftKey(f.ID):
			names = append(names, strings.TrimSuffix(t0("finding.edit"), "…"))
		case dr.Key == noteDraftKey(f.ID):
			names = append(names, t0("finding.add_note"))
		case move:
			names = append(names, moveLabel(f.Status, sv.Status(to)))
		}
	}
	if len(names) == 0 {
		return ""
	}
	return t("finding.drafts", strings.Join(names, t0("common.name_sep")))
}

func (d *findingDetail) fill(env *screenEnv, f sv.Finding, visitID string, changed func(sv.Finding)) {
	lang := env.lang
	desc := widget.NewLabelWithStyle(f.Description, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	desc.Wrapping = fyne.TextWrapWord
	status := f.Status.Label(lang)
	if late := f.DaysLate(env.now()); late > 0 {
		status += " · " + t("finding.days_late", late)
	}
	statusLabel := newTextLabel(status)
	statusLabel.Importance = env.findingImportance(f)
	facts := widget.NewForm(
		widget.NewFormItem(t0("findings.col.project"), widget.NewLabel(d.project.Name)),
		widget.NewFormItem(t0("finding.status"), statusLabel),
		widget.NewFormItem(t0("finding.category"), widget.NewLabel(f.Category.Label(lang))),
		widget.NewFormItem(t0("finding.severity"), widget.NewLabel(f.Severity.Label(lang))),
		widget.NewFormItem(t0("finding.unit"), widget.NewLabel(f.ResponsibleUnit)),
		widget.NewFormItem(t0("finding.deadline"), widget.NewLabel(string(f.Deadline))),
		widget.NewFormItem(t0("finding.created"), widget.NewLabel(t("finding.created_by", env.date(f.CreatedAt), f.CreatedBy))),
	)
	// 类型 beside 类别 read as the same thing twice: the kind is shown
	// only when the record is not a problem (a company's request).
	if f.Kind != sv.KindProblem {
		facts.Append(t0("finding.kind"), widget.NewLabel(f.Kind.Label(lang)))
	}
	if f.VerifiedBy != "" {
		facts.Append(t0("finding.verified_by"), widget.NewLabel(t("finding.created_by", env.date(verifiedAt(f)), f.VerifiedBy)))
	}
	objs := []fyne.CanvasObject{desc, facts}
	if d.pending.Text != "" {
		objs = append(objs, d.pending)
	}
	objs = append(objs, heading(t0("finding.history")))
	if len(f.History) == 0 {
		objs = append(objs, widget.NewLabel(t0("finding.no_history")))
	}
	for _, h := range f.History {
		line := t("finding.history_row", env.date(h.At), h.By, h.From.Label(lang), h.To.Label(lang))
		if h.Note != "" {
			line += "：" + h.Note
		}
		l := widget.NewLabel(line)
		l.Wrapping = fyne.TextWrapWord
		objs = append(objs, l)
	}
	objs = append(objs, heading(t0("finding.notes")))
	if len(f.Notes) == 0 {
		objs = append(objs, widget.NewLabel(t0("finding.no_notes")))
	}
	for _, n := range f.Notes {
		l := widget.NewLabel(t("finding.note_row", env.date(n.At), n.By, n.Text))
		l.Wrapping = fyne.TextWrapWord
		objs = append(objs, l)
	}
	last := splitNames(env.prefs.String(prefInspectors))
	who := env.actingName(firstOr(last, ""))
	verifiers := func() string {
		if visitID == "" {
			return ""
		}
		// Opened from a visit: its inspectors, remembered as they were
		// typed, verify.
		return joinNames(last)
	}
	d.actions = findingActions(env, f, visitID, who, verifiers, changed)
	if f.CheckEdit() == nil {
		units := d.project.Units()
		d.actions.Add(widget.NewButtonWithIcon(t0("finding.edit"), theme.DocumentCreateIcon(), func() {
			d.form = showFindingEdit(env, f, units, changed)
		}))
	}
	d.actions.Add(findingPhotosButton(env, d.dlg, f, func() { changed(f) }))
	d.bar.Objects = []fyne.CanvasObject{widget.NewSeparator(), d.actions}
	d.bar.Refresh()
	d.box.Objects = objs
	d.box.Refresh()
}

// verifiedAt is when the finding's current verification was recorded.
func verifiedAt(f sv.Finding) time.Time {
	for i := len(f.History) - 1; i >= 0; i-- {
		if verifies(f.History[i].From, f.History[i].To) {
			return f.History[i].At
		}
	}
	return f.ClosedAt
}

// recheckPane is the page of a visit that re-checks the project's findings
// still open from earlier visits (carry-forward), and lists the ones raised
// in this visit.
type recheckPane struct {
	v     *visitScreen
	box   *fyne.Container
	cards map[string]*fyne.Container // finding id → its action buttons
}

func newRecheckPane(v *visitScreen) *recheckPane {
	r := &recheckPane{v: v, box: container.NewVBox(), cards: map[string]*fyne.Container{}}
	return r
}

// refresh rebuilds the cards; there are at most a few dozen.
func (r *recheckPane) refresh() {
	v := r.v
	lang := v.env.lang
	r.cards = map[string]*fyne.Container{}
	objs := []fyne.CanvasObject{heading(t0("visit.recheck"))}
	intro := widget.NewLabel(t0("visit.recheck_intro"))
	if !v.editable() {
		// A submitted visit cannot change; what is listed is the
		// project's findings as they stand now.
		intro.SetText(t0("visit.recheck_intro_readonly"))
	}
	intro.Wrapping = fyne.TextWrapWord
	objs = append(objs, intro)
	earlier := v.earlierFindings()
	if len(earlier) == 0 {
		objs = append(objs, widget.NewLabel(t0("visit.recheck_none")))
	}
	who := v.env.actingName(firstOr(v.in.Inspectors, ""))
	for _, f := range earlier {
		title := widget.NewLabelWithStyle(f.Description, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		title.Wrapping = fyne.TextWrapWord
		info := t("finding.card_info", f.Status.Label(lang), f.ResponsibleUnit, string(f.Deadline), f.Severity.Label(lang))
		if late := f.DaysLate(v.env.now()); late > 0 {
			info += " · " + t("finding.days_late", late)
		}
		infoLabel := newTextLabel(info)
		infoLabel.Importance = v.env.findingImportance(f)
		card := []fyne.CanvasObject{title, infoLabel}
		if n := len(f.Notes); n > 0 {
			last := newTextLabel(t("finding.last_note", f.Notes[n-1].Text))
			last.Wrapping = fyne.TextWrapWord
			last.Importance = widget.LowImportance
			card = append(card, last)
		}
		id := f.ID
		details := widget.NewButtonWithIcon(t0("finding.details"), theme.InfoIcon(), func() {
			// What is changed in the detail shows on the card too.
			showFindingDetail(v.env, id, v.id, func() {
				data := v.env.data
				fetchIn(v.env, func() (sv.Finding, error) { return data.Finding(id) }, func(f sv.Finding, err error) {
					if err == nil {
						r.changed(f)
					}
				})
			})
		})
		if v.editable() && f.Status.Active() {
			actions := findingActions(v.env, f, v.id, who, func() string { return joinNames(v.in.Inspectors) }, r.changed)
			actions.Add(details)
			r.cards[f.ID] = actions
			card = append(card, actions)
		} else {
			card = append(card, container.NewHBox(details))
		}
		card = append(card, widget.NewSeparator())
		objs = append(objs, card...)
	}
	var raised []sv.Finding
	for _, f := range v.active {
		if f.VisitID == v.id {
			raised = append(raised, f)
		}
	}
	objs = append(objs, heading(t("visit.raised_here", len(raised))))
	if v.editable() {
		// Findings not tied to a failed item: a problem seen on site, or
		// something the company asks of the committee (企业诉求).
		objs = append(objs, container.NewHBox(
			widget.NewButtonWithIcon(t0("visit.new_problem"), theme.ContentAddIcon(), func() { r.newFinding(sv.KindProblem) }),
			widget.NewButtonWithIcon(t0("visit.new_request"), theme.ContentAddIcon(), func() { r.newFinding(sv.KindRequest) })))
	}
	for _, f := range raised {
		l := widget.NewLabel(v.env.findingLine(f))
		l.Wrapping = fyne.TextWrapWord
		objs = append(objs, l)
	}
	r.box.Objects = objs
	r.box.Refresh()
}

// changed takes a finding back after a move or a note and redraws.
func (r *recheckPane) changed(f sv.Finding) {
	v := r.v
	for i := range v.active {
		if v.active[i].ID == f.ID {
			v.active[i] = f
		}
	}
	r.refresh()
	v.refreshNav()
	// The item's line names its open finding: it may be closed now.
	if it := v.fields[f.ItemKey]; it != nil {
		it.showOpen()
	}
}

// newFinding opens an empty finding form of the given kind for this visit.
func (r *recheckPane) newFinding(kind sv.FindingKind) {
	v := r.v
	now := v.env.now()
	who := v.env.actingName(firstOr(v.in.Inspectors, ""))
	draft := sv.NewFinding(sv.NewID(now), v.in.ProjectID, v.id, kind, who, now)
	// A company's request goes to the lead department; a problem seen on
	// site is usually the contractor's.
	draft.ResponsibleUnit = v.project.LeadDepartment
	if kind == sv.KindProblem {
		draft.ResponsibleUnit = v.project.UnitFor(sv.UnitContractor)
	}
	v.form = showFindingForm(v.env, draft, v.unitChoices(), func(saved sv.Finding) {
		v.active = append(v.active, saved)
		r.refresh()
		v.refreshNav()
	})
}
