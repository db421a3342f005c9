package app

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/pinyinsearch"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// findingForm is the dialog that records a new finding, prefilled from a
// failed item: the inspector checks the description, picks or types the
// responsible unit, and sets the deadline and severity.
type findingForm struct {
	env   *screenEnv
	draft sv.Finding
	units []string // offered in the unit's drop-down; free text is allowed
	// offered are the units the drop-down lists now, those matching what
	// is typed.
	offered []string
	// itemTitle is the checklist item the finding was raised from; the
	// saved description always names it (see value), and item shows it.
	itemTitle string
	item      *widget.Label
	pick      *widget.Button // the deadline's calendar

	desc     *widget.Entry
	category *widget.Select
	severity *widget.RadioGroup
	unit     *widget.SelectEntry
	deadline *widget.Entry
	problem  *widget.Label // why it cannot be saved yet
	save     *widget.Button
	cancel   *widget.Button
	dlg      dialog.Dialog
	keep     *formKeeper
	onSaved  func(sv.Finding)
	// edit is true when the form changes a stored finding rather than
	// recording a new one.
	edit bool
}

// showFindingForm opens the form for draft; onSaved runs once it is stored.
func showFindingForm(env *screenEnv, draft sv.Finding, units []string, onSaved func(sv.Finding)) *findingForm {
	return openFindingForm(env, draft, units, false, onSaved)
}

// showFindingEdit opens the form on a stored, active finding to change its
// description, unit, deadline, category or severity.
func showFindingEdit(env *screenEnv, f sv.Finding, units []string, onSaved func(sv.Finding)) *findingForm {
	return openFindingForm(env, f, units, true, onSaved)
}

func openFindingForm(env *screenEnv, draft sv.Finding, units []string, edit bool, onSaved func(sv.Finding)) *findingForm {
	lang := env.lang
	ff := &findingForm{env: env, draft: draft, units: units, onSaved: onSaved, edit: edit}
	ff.desc = widget.NewMultiLineEntry()
	ff.desc.Wrapping = fyne.TextWrapWord
	ff.desc.SetMinRowsVisible(3)
	ff.desc.SetText(draft.Description)
	var cats []string
	for _, c := range sv.Categories() {
		cats = append(cats, c.Label(lang))
	}
	ff.category = widget.NewSelect(cats, nil)
	ff.category.SetSelected(draft.Category.Label(lang))
	var sevs []string
	for _, s := range sv.Severities() {
		sevs = append(sevs, s.Label(lang))
	}
	ff.severity = widget.NewRadioGroup(sevs, nil)
	ff.severity.Horizontal = true
	ff.severity.Required = true
	ff.severity.SetSelected(draft.Severity.Label(lang))
	ff.offered = unitOptions(units, "")
	ff.unit = widget.NewSelectEntry(ff.offered)
	ff.unit.SetText(draft.ResponsibleUnit)
	ff.unit.SetPlaceHolder(t0("finding.unit_placeholder"))
	ff.deadline = widget.NewEntry()
	ff.deadline.SetText(string(draft.Deadline))
	ff.deadline.SetPlaceHolder(t0("item.date_placeholder"))
	ff.problem = widget.NewLabel("")
	ff.problem.Importance = widget.DangerImportance
	ff.problem.Wrapping = fyne.TextWrapWord
	// Typed dates are still taken; the calendar saves typing one.
	ff.pick = widget.NewButtonWithIcon("", theme.CalendarIcon(), func() {
		start := env.now()
		if d, ok := parseDate(ff.deadline.Text); ok {
			if tm, ok := d.Time(start.Location()); ok {
				start = tm
			}
		}
		showCalendarUnder(ff.deadline, start)
	})
	ff.item = widget.NewLabel("")
	ff.item.Importance = widget.LowImportance
	ff.item.Hide()
	form := widget.NewForm(
		widget.NewFormItem(t0("finding.description"), ff.desc),
		widget.NewFormItem(t0("finding.category"), ff.category),
		widget.NewFormItem(t0("finding.severity"), ff.severity),
		widget.NewFormItem(t0("finding.unit"), ff.unit),
		widget.NewFormItem(t0("finding.deadline"), container.NewBorder(nil, nil, nil, ff.pick, ff.deadline)),
	)
	ff.save = widget.NewButton(t0("finding.save"), ff.submit)
	ff.save.Importance = widget.HighImportance
	ff.cancel = widget.NewButton(t0("common.cancel"), func() { ff.keep.cancel(ff.dlg.Hide) })
	intro := widget.NewLabel(t0("finding.form_intro"))
	switch {
	case edit:
		intro.SetText(t0("finding.form_intro_edit"))
	case draft.ItemKey == "":
		intro.SetText(t0("finding.form_intro_free"))
	}
	intro.Wrapping = fyne.TextWrapWord
	key := newFindingDraftKey(draft.VisitID, cmp.Or(draft.ItemKey, string(draft.Kind)))
	if edit {
		key = editDraftKey(draft.ID)
	}
	ff.keep = keepForm(env, key, map[string]formField{
		"description": entryField(ff.desc), "category": selectField(ff.category), "severity": radioField(ff.severity),
		"unit": entryField(&ff.unit.Entry), "deadline": entryField(ff.deadline),
	})
	changed := func(string) { ff.keep.changed() }
	ff.desc.OnChanged, ff.category.OnChanged, ff.severity.OnChanged, ff.deadline.OnChanged = changed, changed, changed, changed
	// The drop-down offers the units that match what is typed (characters
	// or pinyin initials), so the list never covers the window.
	ff.unit.OnChanged = func(s string) {
		ff.offered = unitOptions(ff.units, s)
		ff.unit.SetOptions(ff.offered)
		changed(s)
	}
	buttons := container.NewHBox(layout.NewSpacer(), ff.cancel, ff.save)
	content := container.NewBorder(container.NewVBox(intro, ff.item, ff.keep.note), container.NewVBox(ff.problem, buttons), nil, nil, form)
	title := t0("finding.form_title")
	switch {
	case edit:
		title = t0("finding.edit")
		ff.save.SetText(t0("finding.save_edit"))
	case draft.Kind == sv.KindRequest:
		title = t0("visit.new_request")
	}
	ff.dlg = dialog.NewCustomWithoutButtons(title, content, env.win)
	ff.dlg.Resize(fyne.NewSize(640, 460))
	ff.dlg.Show()
	env.win.Canvas().Focus(ff.desc)
	// The cursor goes to the end of the prefilled description, where the
	// inspector adds what was seen; SetText clamps a cursor past the end
	// to the end, in the rows as the shown dialog wraps them.
	ff.desc.CursorRow, ff.desc.CursorColumn = math.MaxInt32, math.MaxInt32
	ff.desc.SetText(ff.desc.Text)
	return ff
}

// setItem names the checklist item the finding is raised from.
func (ff *findingForm) setItem(title string) {
	ff.itemTitle = title
	ff.item.SetText(t("finding.from_item", title))
	ff.item.Show()
}

// showCalendarUnder opens a calendar under entry that writes the day
// chosen into it.
func showCalendarUnder(entry *widget.Entry, start time.Time) {
	c := fyne.CurrentApp().Driver().CanvasForObject(entry)
	if c == nil {
		return
	}
	var pop *widget.PopUp
	cal := widget.NewCalendar(start, func(day time.Time) {
		entry.SetText(string(sv.DateOf(day)))
		pop.Hide()
	})
	pop = widget.NewPopUp(cal, c)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(entry)
	pop.ShowAtPosition(pos.AddXY(0, entry.Size().Height))
}

// value reads the form into a finding.
func (ff *findingForm) value() sv.Finding {
	f := ff.draft
	lang := ff.env.lang
	f.Description = strings.TrimSpace(ff.desc.Text)
	if ff.itemTitle != "" && f.Description != "" && !strings.Contains(f.Description, ff.itemTitle) {
		// Rewritten from scratch, the description would no longer say
		// which item failed; the lists show only the description.
		f.Description = ff.itemTitle + "：" + f.Description
	}
	for _, c := range sv.Categories() {
		if c.Label(lang) == ff.category.Selected {
			f.Category = c
		}
	}
	for _, s := range sv.Severities() {
		if s.Label(lang) == ff.severity.Selected {
			f.Severity = s
		}
	}
	f.ResponsibleUnit = strings.TrimSpace(ff.unit.Text)
	if d, ok := parseDate(ff.deadline.Text); ok {
		f.Deadline = d
	} else {
		f.Deadline = sv.Date(strings.TrimSpace(ff.deadline.Text))
	}
	return f
}

// submit checks the finding and stores it; the dialog stays open with
// the reason when it cannot be saved.
func (ff *findingForm) submit() {
	f := ff.value()
	if err := f.Validate(); err != nil {
		ff.problem.SetText(ff.env.message(err))
		return
	}
	ff.save.Disable()
	data := ff.env.data
	edit := ff.edit
	fetchIn(ff.env, func() (sv.Finding, error) {
		if edit {
			return data.EditFinding(f.ID, storage.FindingEdit{Description: f.Description, ResponsibleUnit: f.ResponsibleUnit,
				Deadline: f.Deadline, Severity: f.Severity, Category: f.Category})
		}
		return f, data.CreateFinding(f)
	}, func(f sv.Finding, err error) {
		ff.save.Enable()
		if err != nil {
			ff.problem.SetText(ff.env.message(err))
			return
		}
		ff.keep.end()
		ff.dlg.Hide()
		if ff.onSaved != nil {
			ff.onSaved(f)
		}
	})
}

// isLatin reports whether s is typed in Latin letters (pinyin), not
// Chinese: Chinese is matched as it is written.
func isLatin(s string) bool {
	for _, r := range s {
		if r > 0x7f {
			return false
		}
	}
	return true
}

// maxUnitOptions bounds the unit drop-down: a list taller than the form
// covers the window.
const maxUnitOptions = 12

// unitOptions are the units offered for what is typed: all of them in
// order when nothing is, else those it matches (pinyin initials work);
// the project's own come first, as units lists them.
func unitOptions(units []string, typed string) []string {
	typed = strings.TrimSpace(typed)
	if slices.Contains(units, typed) {
		typed = "" // one was chosen: the others are offered to change it
	}
	var out []string
	for _, u := range units {
		if len(out) == maxUnitOptions {
			break
		}
		if typed == "" || strings.Contains(u, typed) || (isLatin(typed) && pinyinsearch.Matches(u, typed)) {
			out = append(out, u)
		}
	}
	if len(out) == 0 && typed != "" {
		// A new unit is typed in full: offer the list again to pick from.
		return unitOptions(units, "")
	}
	return out
}
