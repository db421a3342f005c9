package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	sv "fieldbrief/supervision"
)

// itemField is one checklist item on screen: its title and marks, the
// widget for its kind, the message beside it, and a note. It keeps the
// answer as the inspector sees it and hands every change to the visit,
// which saves it at once.
type itemField struct {
	v    *visitScreen
	item sv.Item
	ans  sv.Answer

	// setting is true while the screen fills the widgets from a stored
	// answer, so that their change callbacks do not save it back.
	setting bool
	// invalid is true while a number field shows text that was refused: the
	// store then holds no number for the item, the item does not count as
	// answered, and the visit's saved state says a value is not saved.
	invalid bool

	title *widget.Label
	marks *widget.Label
	msg   *textLabel // the bounds, or what is wrong with the value
	// value is the widget of the item's kind (itemkinds.go); nil for a
	// kind this version does not know.
	value  itemValue
	note   *widget.Entry
	raise  *widget.Button // raise a finding from a fail
	photo  *widget.Button // attach a photo
	photos *textLabel     // how many photos the item has
	raised *widget.Label  // findings raised from this item in this visit
	// actions holds raise, photos and photo, beside the note.
	actions *buttonRow
	box     *fyne.Container
	// What the item said last visit, and its findings still open from
	// earlier visits (carry.go).
	past
}

func newItemField(v *visitScreen, it sv.Item, a sv.Answer) *itemField {
	f := &itemField{v: v, item: it, ans: a}
	lang := v.env.lang
	f.title = widget.NewLabelWithStyle(it.DisplayTitle(lang), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	f.title.Wrapping = fyne.TextWrapWord
	var marks []string
	if it.Required {
		marks = append(marks, t0("item.required"))
	}
	if it.PhotoRequired {
		marks = append(marks, t0("item.photo_required"))
	}
	f.marks = widget.NewLabel(strings.Join(marks, " · "))
	f.marks.Importance = widget.WarningImportance
	f.msg = newTextLabel("")
	f.msg.Wrapping = fyne.TextWrapWord
	f.setMessage(nil)
	f.raised = widget.NewLabel("")
	f.raised.Wrapping = fyne.TextWrapWord
	f.raised.Importance = widget.WarningImportance
	f.raised.Hide()

	var input fyne.CanvasObject = widget.NewLabel(t0("item.unknown_kind"))
	if f.value = newItemValue(f); f.value != nil {
		input = f.value.object()
	}
	// Every kind has a note except a text item: its value is already free
	// text, and a second box beside it would leave the inspector unsure
	// where to write (the report prints a long text in the note column
	// anyway). A note stored on one, from the portal, is kept untouched.
	if it.Kind != sv.KindText {
		f.note = widget.NewEntry()
		f.note.SetPlaceHolder(notePlaceholder(it.Kind))
		f.note.OnChanged = func(s string) {
			if f.setting {
				return
			}
			f.ans.Note = s
			f.changed()
		}
	}
	f.raise = widget.NewButtonWithIcon(t0("item.raise"), theme.WarningIcon(), f.offerRaise)
	f.raise.Hide()
	f.photo = widget.NewButtonWithIcon(t0("item.add_photo"), theme.FileImageIcon(), f.choosePhoto)
	f.photos = newTextLabel("")
	head := container.NewBorder(nil, nil, nil, f.marks, f.title)
	parts := []fyne.CanvasObject{head}
	if h := it.DisplayHint(lang); h != "" {
		hint := newTextLabel(h)
		hint.Wrapping = fyne.TextWrapWord
		hint.Importance = widget.LowImportance
		parts = append(parts, hint)
	}
	parts = append(parts, input, f.msg)
	// The note and the photo buttons share one line under the value, the
	// note first, so Tab goes value → note → photos → next item. Every
	// kind offers photos: an inspector photographs whatever they measure.
	f.actions = newButtonRow([]fyne.CanvasObject{f.raise, f.photos, viewPhotosButton(func() { f.showPhotos() }), f.photo}, 0, 3)
	if f.note != nil {
		parts = append(parts, container.NewBorder(nil, nil, nil, f.actions.box, f.note))
	} else {
		parts = append(parts, container.NewBorder(nil, nil, nil, f.actions.box))
	}
	// Last visit's answer comes under the note, so Tab still goes from
	// the value to its note; its confirm button is last of the item.
	parts = append(parts, f.newPast(), f.raised, f.newOpen())
	f.box = container.NewVBox(append(parts, widget.NewSeparator())...)
	f.show(f.startingAnswer(a))
	return f
}

// notePlaceholder says what a note is for: on a pass/fail item, what
// failed; on a value, where it was taken and why it is what it is.
func notePlaceholder(kind sv.ItemKind) string {
	if kind == sv.KindPassFail {
		return t0("item.note_placeholder")
	}
	return t0("item.note_placeholder_value")
}

// hint is what the message line says while the value is fine.
func (f *itemField) hint() string {
	it := f.item
	switch it.Kind {
	case sv.KindNumber:
		switch {
		case it.Min != nil && it.Max != nil:
			return t("item.range", sv.FormatNumber(*it.Min, ""), sv.FormatNumber(*it.Max, ""), it.Unit)
		case it.Min != nil:
			return t("item.at_least", sv.FormatNumber(*it.Min, ""), it.Unit)
		case it.Max != nil:
			return t("item.at_most", sv.FormatNumber(*it.Max, ""), it.Unit)
		}
	case sv.KindMultiChoice:
		return t0("item.multi_hint")
	case sv.KindDate:
		return t0("item.date_hint")
	}
	return ""
}

// show fills the widgets from a stored answer without saving it again.
func (f *itemField) show(a sv.Answer) {
	f.setting = true
	defer func() { f.setting = false }()
	f.ans = a
	if f.value != nil {
		f.value.show(a)
	}
	if f.note != nil {
		f.note.SetText(a.Note)
	}
	f.showPhotoCount()
	f.updateRaise()
}

// showPhotoCount says how many photos the item has; a required photo
// still missing is flagged.
func (f *itemField) showPhotoCount() {
	n := len(f.ans.Photos)
	f.photos.SetText(t("item.photos", n))
	f.photos.Importance = widget.LowImportance
	if n == 0 && f.item.PhotoRequired && f.ans.Verdict != sv.NotApplicable {
		f.photos.Importance = widget.WarningImportance
	}
	f.photos.Refresh()
}

// choosePhoto imports a photo for this item. The answer's photo list is
// then saved through the same queue as every other change, so a change
// typed meanwhile cannot drop it.
func (f *itemField) choosePhoto() {
	choosePhoto(f.v.env, func(path string) { f.attach([]string{path}) })
}

// attach imports files as photos of this item.
func (f *itemField) attach(paths []string) {
	attachPhotos(f.v.env, sv.PhotoLink{VisitID: f.v.id, ItemKey: f.item.Key}, paths, f.photosAdded)
}

// photosAdded records photos stored for this item.
func (f *itemField) photosAdded(res photoImport) {
	if len(res.hashes) == 0 {
		return
	}
	f.ans.Photos = addHashes(append([]string(nil), f.ans.Photos...), res.hashes...)
	f.showPhotoCount()
	f.changed()
}

// setReadOnly disables or enables every input of the item.
func (f *itemField) setReadOnly(ro bool) {
	var inputs []fyne.Disableable
	if f.value != nil {
		inputs = f.value.inputs()
	}
	if f.note != nil {
		inputs = append(inputs, f.note)
	}
	for _, w := range append(inputs, f.raise, f.photo) {
		if ro {
			w.Disable()
		} else {
			w.Enable()
		}
	}
}

// focusTarget is the widget the keyboard lands on when the visit jumps to
// this item, or nil (see itemValue).
func (f *itemField) focusTarget() fyne.Focusable {
	if f.value == nil {
		return nil
	}
	return f.value.focusTarget()
}

// noteTarget is the note as a focus target, nil for a kind without one.
func (f *itemField) noteTarget() fyne.Focusable {
	if f.note == nil {
		return nil
	}
	return f.note
}

// parsedText is the value a number item holds, written as the documents
// print it (= 129,272 万元), so what is saved is what the inspector sees.
func (f *itemField) parsedText() string {
	if f.item.Kind != sv.KindNumber || f.ans.Number == nil || f.invalid {
		return ""
	}
	return "= " + sv.FormatNumber(*f.ans.Number, f.item.Unit)
}

// submitWarnings lists, before the confirmation, the template's checks
// that are warnings and that the answers break (年度累计完成 above 1.5
// times the plan), against the project's figures as the visit shows them.
func (v *visitScreen) submitWarnings() string {
	inv := v.project.Investment
	figures := map[sv.Figure]float64{}
	if inv.AnnualPlan > 0 {
		figures[sv.FigureAnnualPlan] = inv.AnnualPlan
		figures[sv.FigureInvestmentTotal] = inv.Total
	}
	_, warnings := v.in.CheckFigures(v.tmpl, figures)
	if len(warnings) == 0 {
		return ""
	}
	lines := make([]string, len(warnings))
	for i, w := range warnings {
		lines[i] = "· " + w.Zh
		if v.env.lang == sv.English {
			lines[i] = "· " + w.En
		}
	}
	return t0("visit.submit_warnings") + "\n" + strings.Join(lines, "\n") + "\n\n"
}

// invalidFields counts the number fields of the visit that show a refused
// value, which the saved state reports as not saved.
func (v *visitScreen) invalidFields() int {
	n := 0
	for _, f := range v.fields {
		if f.invalid {
			n++
		}
	}
	return n
}

// setMessage shows err beside the field, or the hint when err is nil; an
// item without a hint shows no empty line.
func (f *itemField) setMessage(err error) {
	if err != nil {
		f.showProblem(f.v.env.message(err))
		return
	}
	f.msg.Text = f.hint()
	if p := f.parsedText(); p != "" {
		f.msg.Text = strings.TrimSpace(p + "    " + f.msg.Text)
	}
	f.msg.Importance = widget.LowImportance
	if f.msg.Text == "" {
		f.msg.Hide()
	} else {
		f.msg.Show()
	}
	f.msg.Refresh()
}

// showProblem shows what is wrong with the value, in red, beside the field.
func (f *itemField) showProblem(text string) {
	f.msg.Text = text
	f.msg.Importance = widget.DangerImportance
	f.msg.Show()
	f.msg.Refresh()
}

// changed hands the answer to the visit to save.
func (f *itemField) changed() {
	f.v.answerChanged(f)
}

// updateRaise offers "raise a finding" on a failed item that raises one,
// and lists the findings already raised from it.
func (f *itemField) updateRaise() {
	if f.raise == nil {
		return
	}
	raised := f.v.raisedFor(f.item.Key)
	if len(raised) > 0 {
		lines := make([]string, len(raised))
		for i, r := range raised {
			lines[i] = t("item.raised", sv.Shorten(r.Description, 40), r.ResponsibleUnit, string(r.Deadline))
		}
		f.raised.SetText(strings.Join(lines, "\n"))
		f.raised.Show()
	} else {
		f.raised.Hide()
	}
	if f.ans.Verdict == sv.Fail && f.v.editable() {
		f.raise.Show()
	} else {
		f.raise.Hide()
	}
	f.showOpen()
}

// raiseFinding opens the finding form prefilled from the failed item.
func (f *itemField) raiseFinding() {
	v := f.v
	now := v.env.now()
	fd := sv.FindingFromFail(sv.NewID(now), v.in, f.item, f.ans, firstOr(v.in.Inspectors, ""), now)
	// The unit that usually answers for the section: the contractor for
	// safety, the owner for permits; the lead department otherwise.
	fd.ResponsibleUnit = v.project.UnitFor(v.sectionOf(f.item.Key).Answers)
	v.form = showFindingForm(v.env, fd, v.unitChoices(), func(saved sv.Finding) {
		v.active = append(v.active, saved)
		f.updateRaise()
		v.refreshNav()
	})
	v.form.setItem(f.item.Title)
}

// firstOr returns the first non-empty string of list, or def.
func firstOr(list []string, def string) string {
	for _, s := range list {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return def
}
