package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	sv "fieldbrief/supervision"
)

// itemValue is the widget of one item kind, holding the item's value: a
// verdict, a number, a text, a choice, a pair of buttons, ticks or a day.
// The itemField around it keeps what every kind shares (title, message,
// note, photos, findings). Each kind is its own small type, so a new kind,
// or a change to one, touches no other (decision 0043).
type itemValue interface {
	// object is the widget to place under the title.
	object() fyne.CanvasObject
	// show fills the widget from a stored answer; the field's setting
	// flag is on meanwhile, so the widget's callbacks save nothing.
	show(a sv.Answer)
	// inputs are what a read-only visit disables.
	inputs() []fyne.Disableable
	// focusTarget is the widget the keyboard lands on when the visit
	// jumps to the item, or nil when its widgets take focus only through
	// Tab (radio buttons and check boxes are focused one by one).
	focusTarget() fyne.Focusable
}

// newItemValue returns the widget for the field's item kind; nil for a
// kind this version does not know.
func newItemValue(f *itemField) itemValue {
	switch f.item.Kind {
	case sv.KindPassFail:
		return newVerdictValue(f)
	case sv.KindNumber:
		return newNumberValue(f)
	case sv.KindText:
		return newTextValue(f)
	case sv.KindSingleChoice:
		if len(f.item.Options) <= 2 {
			return newPairValue(f)
		}
		return newChoiceValue(f)
	case sv.KindMultiChoice:
		return newTicksValue(f)
	case sv.KindDate:
		return newDateValue(f)
	}
	return nil
}

// verdictValue is a pass/fail item: 符合 / 不符合 / 不适用.
type verdictValue struct {
	f     *itemField
	radio *widget.RadioGroup
}

func newVerdictValue(f *itemField) *verdictValue {
	v := &verdictValue{f: f}
	lang := f.v.env.lang
	v.radio = widget.NewRadioGroup([]string{sv.Pass.Label(lang), sv.Fail.Label(lang), sv.NotApplicable.Label(lang)}, v.changed)
	v.radio.Horizontal = true
	return v
}

func (v *verdictValue) object() fyne.CanvasObject   { return v.radio }
func (v *verdictValue) inputs() []fyne.Disableable  { return []fyne.Disableable{v.radio} }
func (v *verdictValue) focusTarget() fyne.Focusable { return v.f.noteTarget() }

func (v *verdictValue) show(a sv.Answer) {
	if a.Verdict != "" {
		v.radio.SetSelected(a.Verdict.Label(v.f.v.env.lang))
	} else {
		v.radio.SetSelected("")
	}
}

func (v *verdictValue) changed(label string) {
	f := v.f
	if f.setting {
		return
	}
	lang := f.v.env.lang
	f.ans.Verdict = ""
	for _, verdict := range []sv.Verdict{sv.Pass, sv.Fail, sv.NotApplicable} {
		if label != "" && verdict.Label(lang) == label {
			f.ans.Verdict = verdict
		}
	}
	f.changed()
	f.showPhotoCount()
	f.updateRaise()
	if f.ans.Verdict == sv.Fail && f.item.FailRaisesFinding && len(f.v.raisedFor(f.item.Key)) == 0 {
		f.offerRaise()
	}
}

// numberValue is a figure with its unit, checked against the item's
// bounds as it is typed.
type numberValue struct {
	f     *itemField
	entry *widget.Entry
	row   fyne.CanvasObject
}

func newNumberValue(f *itemField) *numberValue {
	n := &numberValue{f: f, entry: widget.NewEntry()}
	n.entry.SetPlaceHolder(t0("item.number_placeholder"))
	n.entry.OnChanged = n.changed
	n.row = container.NewBorder(nil, nil, nil, widget.NewLabel(f.item.Unit), n.entry)
	return n
}

func (n *numberValue) object() fyne.CanvasObject   { return n.row }
func (n *numberValue) inputs() []fyne.Disableable  { return []fyne.Disableable{n.entry} }
func (n *numberValue) focusTarget() fyne.Focusable { return n.entry }

func (n *numberValue) show(a sv.Answer) {
	n.f.invalid = false
	if a.Number != nil {
		n.entry.SetText(sv.FormatNumber(*a.Number, ""))
	} else {
		n.entry.SetText("")
	}
	n.f.setMessage(nil)
}

func (n *numberValue) changed(s string) {
	f := n.f
	if f.setting {
		return
	}
	if strings.TrimSpace(s) == "" {
		f.invalid = false
		f.ans.Number = nil
		f.setMessage(nil)
		f.changed()
		return
	}
	num, err := sv.ParseNumber(s, f.item.Unit)
	if err == nil {
		err = f.item.Check(sv.Answer{ItemKey: f.item.Key, Number: &num})
	}
	if err != nil {
		// The refused text stays on screen to be corrected. The store must
		// not keep a number other than the one shown, so the item's number
		// is cleared (its note and photos stay) and it no longer counts as
		// answered until a valid value is typed (decision 0033).
		f.invalid = true
		f.ans.Number = nil
		f.showProblem(f.v.env.message(err) + t0("item.not_saved"))
		f.changed()
		return
	}
	f.invalid = false
	f.ans.Number = &num
	f.setMessage(nil)
	f.changed()
}

// textValue is free text over a few lines.
type textValue struct {
	f     *itemField
	entry *widget.Entry
	// box is the entry as laid out: the widget Tab leaves (input.go).
	box fyne.CanvasObject
}

func newTextValue(f *itemField) *textValue {
	t := &textValue{f: f}
	t.entry, t.box = newTabLeavingEntry()
	t.entry.SetMinRowsVisible(2)
	t.entry.OnChanged = t.changed
	return t
}

func (t *textValue) object() fyne.CanvasObject   { return t.box }
func (t *textValue) inputs() []fyne.Disableable  { return []fyne.Disableable{t.entry} }
func (t *textValue) focusTarget() fyne.Focusable { return t.box.(fyne.Focusable) }
func (t *textValue) show(a sv.Answer)            { t.entry.SetText(a.Text) }

func (t *textValue) changed(s string) {
	if t.f.setting {
		return
	}
	t.f.ans.Text = s
	t.f.changed()
}

// choiceValue is one choice of several, from a list.
type choiceValue struct {
	f      *itemField
	choice *widget.Select
}

func newChoiceValue(f *itemField) *choiceValue {
	c := &choiceValue{f: f}
	c.choice = widget.NewSelect(f.item.OptionLabels(f.v.env.lang), f.choiceChanged)
	c.choice.PlaceHolder = t0("item.choose")
	return c
}

func (c *choiceValue) object() fyne.CanvasObject   { return c.choice }
func (c *choiceValue) inputs() []fyne.Disableable  { return []fyne.Disableable{c.choice} }
func (c *choiceValue) focusTarget() fyne.Focusable { return c.choice }

func (c *choiceValue) show(a sv.Answer) {
	if len(a.Choices) > 0 {
		c.choice.SetSelected(c.f.item.OptionLabel(a.Choices[0], c.f.v.env.lang))
	} else {
		c.choice.ClearSelected()
	}
}

// pairValue is a single choice of two (是 / 否): two buttons, one click.
type pairValue struct {
	f    *itemField
	pair *widget.RadioGroup
}

func newPairValue(f *itemField) *pairValue {
	p := &pairValue{f: f}
	p.pair = widget.NewRadioGroup(f.item.OptionLabels(f.v.env.lang), f.choiceChanged)
	p.pair.Horizontal = true
	return p
}

func (p *pairValue) object() fyne.CanvasObject   { return p.pair }
func (p *pairValue) inputs() []fyne.Disableable  { return []fyne.Disableable{p.pair} }
func (p *pairValue) focusTarget() fyne.Focusable { return p.f.noteTarget() }

func (p *pairValue) show(a sv.Answer) {
	if len(a.Choices) > 0 {
		p.pair.SetSelected(p.f.item.OptionLabel(a.Choices[0], p.f.v.env.lang))
	} else {
		p.pair.SetSelected("")
	}
}

// choiceChanged stores the option chosen, in Chinese whatever the
// language shown (see sv.Item.OptionsEn).
func (f *itemField) choiceChanged(label string) {
	if f.setting {
		return
	}
	f.ans.Choices = nil
	if o, ok := f.item.OptionFor(label, f.v.env.lang); ok {
		f.ans.Choices = []string{o}
	}
	f.changed()
}

// ticksValue is several choices, ticked.
type ticksValue struct {
	f      *itemField
	checks *widget.CheckGroup
}

func newTicksValue(f *itemField) *ticksValue {
	t := &ticksValue{f: f}
	t.checks = widget.NewCheckGroup(f.item.OptionLabels(f.v.env.lang), t.changed)
	t.checks.Horizontal = fitsInARow(f.item.OptionLabels(f.v.env.lang))
	return t
}

func (t *ticksValue) object() fyne.CanvasObject   { return t.checks }
func (t *ticksValue) inputs() []fyne.Disableable  { return []fyne.Disableable{t.checks} }
func (t *ticksValue) focusTarget() fyne.Focusable { return nil }

func (t *ticksValue) show(a sv.Answer) {
	labels := make([]string, len(a.Choices))
	for i, c := range a.Choices {
		labels[i] = t.f.item.OptionLabel(c, t.f.v.env.lang)
	}
	t.checks.SetSelected(labels)
}

func (t *ticksValue) changed(sel []string) {
	f := t.f
	if f.setting {
		return
	}
	// Keep the template's order, whatever order they were ticked in.
	var ordered []string
	for _, o := range f.item.Options {
		for _, s := range sel {
			if s == f.item.OptionLabel(o, f.v.env.lang) {
				ordered = append(ordered, o)
			}
		}
	}
	f.ans.Choices = ordered
	f.changed()
}

// dateValue is a day, typed or picked from a calendar.
type dateValue struct {
	f     *itemField
	entry *widget.Entry
	pick  *widget.Button
	row   fyne.CanvasObject
}

func newDateValue(f *itemField) *dateValue {
	d := &dateValue{f: f, entry: widget.NewEntry()}
	d.entry.SetPlaceHolder(t0("item.date_placeholder"))
	d.entry.OnChanged = d.changed
	d.pick = widget.NewButtonWithIcon("", theme.CalendarIcon(), d.showCalendar)
	d.row = container.NewBorder(nil, nil, nil, d.pick, d.entry)
	return d
}

func (d *dateValue) object() fyne.CanvasObject   { return d.row }
func (d *dateValue) inputs() []fyne.Disableable  { return []fyne.Disableable{d.entry, d.pick} }
func (d *dateValue) focusTarget() fyne.Focusable { return d.entry }
func (d *dateValue) show(a sv.Answer)            { d.entry.SetText(string(a.Date)) }

func (d *dateValue) changed(s string) {
	f := d.f
	if f.setting {
		return
	}
	if strings.TrimSpace(s) == "" {
		f.ans.Date = ""
		f.setMessage(nil)
		f.changed()
		return
	}
	day, ok := parseDate(s)
	if !ok {
		f.showProblem(t0("item.bad_date") + t0("item.not_saved"))
		return
	}
	f.ans.Date = day
	f.setMessage(nil)
	f.changed()
}

// parseDate reads a day written as 2026-03-15, 2026/3/15 or 2026.3.15.
func parseDate(s string) (sv.Date, bool) {
	s = strings.TrimSpace(strings.NewReplacer("/", "-", ".", "-", "年", "-", "月", "-", "日", "").Replace(s))
	t, err := time.Parse("2006-1-2", s)
	if err != nil {
		return "", false
	}
	return sv.DateOf(t), true
}

func (d *dateValue) showCalendar() {
	start := d.f.v.env.now()
	if day, ok := d.f.ans.Date.Time(start.Location()); ok {
		start = day
	}
	showCalendarUnder(d.entry, start)
}
