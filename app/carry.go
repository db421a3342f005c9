package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	sv "fieldbrief/supervision"
)

// previousVisit reads the visit in follows, with its answers: what each
// item of in says it answered last time, and where carried items start.
func previousVisit(data Data, in sv.Visit) (sv.Visit, bool, error) {
	visits, err := data.ProjectVisits(in.ProjectID)
	if err != nil {
		return sv.Visit{}, false, err
	}
	prev, ok := sv.PreviousVisit(visits, in)
	if !ok {
		return sv.Visit{}, false, nil
	}
	prev, err = data.Visit(prev.ID)
	return prev, err == nil, err
}

// past is what an item shows of the project's history: last visit's
// answer, the value carried from it while not yet confirmed, and the
// findings raised from the item on earlier visits and still open.
type past struct {
	// proposal is the carried answer shown in the widgets; carrying is
	// true while the inspector has neither confirmed nor changed it, and
	// the value is then not saved as this visit's (see observed).
	proposal sv.Answer
	carrying bool

	pastLine *textLabel
	confirm  *widget.Button // 确认沿用
	pastRow  *fyne.Container

	openLine *widget.Label
	recheck  *widget.Button // opens the open finding
	openRow  *fyne.Container
	openIDs  []string
}

// newPast makes the line under the value that tells last visit's answer.
func (f *itemField) newPast() fyne.CanvasObject {
	f.pastLine = newTextLabel("")
	f.pastLine.Wrapping = fyne.TextWrapWord
	f.pastLine.Importance = widget.LowImportance
	f.confirm = widget.NewButtonWithIcon(t0("item.carry_confirm"), theme.ConfirmIcon(), f.confirmCarried)
	f.confirm.Hide()
	f.pastRow = container.NewBorder(nil, nil, nil, f.confirm, f.pastLine)
	f.pastRow.Hide()
	return f.pastRow
}

// startingAnswer is what the item shows when the visit opens: its own
// answer, or on a draft with none, the value carried from the last visit.
func (f *itemField) startingAnswer(a sv.Answer) sv.Answer {
	v := f.v
	if !v.hasLast || !v.in.Editable() || a.IsAnswered(f.item.Kind) {
		return a
	}
	p, ok := sv.CarriedAnswer(f.item, v.last, v.in.StartedAt)
	if !ok {
		return a
	}
	// Whatever the answer already holds (a note, photos) stays.
	p.Note, p.Photos, p.AnsweredAt, p.AnsweredBy = a.Note, a.Photos, a.AnsweredAt, a.AnsweredBy
	f.proposal, f.carrying = p, true
	return p
}

// observed is the answer to save: while a carried value is neither
// confirmed nor changed, it is left out, so it does not count as seen on
// this visit (progress and submission still ask for it).
func (f *itemField) observed() sv.Answer {
	if f.carrying && f.sameValue(f.ans, f.proposal) {
		a := f.ans
		a.Verdict, a.Number, a.Text, a.Choices, a.Date = "", nil, "", nil, ""
		return a
	}
	f.carrying = false
	return f.ans
}

// sameValue compares the values of two answers to this item.
func (f *itemField) sameValue(a, b sv.Answer) bool {
	return f.item.AnswerText(a, sv.Chinese) == f.item.AnswerText(b, sv.Chinese) && a.IsAnswered(f.item.Kind) == b.IsAnswered(f.item.Kind)
}

// confirmCarried takes the carried value as this visit's observation.
func (f *itemField) confirmCarried() {
	if !f.carrying || !f.v.editable() {
		return
	}
	f.carrying = false
	f.changed()
}

// showPast says what the item was last visit; on a carried value not yet
// confirmed, it asks for the confirmation.
func (f *itemField) showPast() {
	if f.pastRow == nil {
		return
	}
	v := f.v
	prev := ""
	if v.hasLast {
		prev = f.item.AnswerText(v.last.Answers[f.item.Key], v.env.lang)
	}
	switch {
	case f.carrying && v.editable():
		f.pastLine.SetText(t("item.carried", v.env.date(v.last.StartedAt)))
		f.pastLine.Importance = widget.WarningImportance
		f.confirm.Show()
	case prev != "":
		f.pastLine.SetText(t("item.last_visit", v.env.date(v.last.StartedAt), sv.Shorten(prev, 80)))
		f.pastLine.Importance = widget.LowImportance
		f.confirm.Hide()
	default:
		f.pastRow.Hide()
		return
	}
	f.pastLine.Refresh()
	f.pastRow.Show()
	f.pastRow.Refresh()
}

// newOpen makes the line that names the item's findings still open from
// earlier visits.
func (f *itemField) newOpen() fyne.CanvasObject {
	f.openLine = widget.NewLabel("")
	f.openLine.Wrapping = fyne.TextWrapWord
	f.recheck = widget.NewButtonWithIcon(t0("item.recheck"), theme.SearchIcon(), func() {
		if len(f.openIDs) > 0 {
			f.recheckFinding(f.openIDs[0])
		}
	})
	f.openRow = container.NewBorder(nil, nil, nil, f.recheck, f.openLine)
	f.openRow.Hide()
	return f.openRow
}

// openEarlier are the item's findings raised on earlier visits and still
// open, most overdue first as the project's findings are read.
func (f *itemField) openEarlier() []sv.Finding {
	var out []sv.Finding
	for _, fd := range f.v.earlierFindings() {
		if fd.ItemKey == f.item.Key && fd.Status.Active() {
			out = append(out, fd)
		}
	}
	return out
}

// showOpen names the item's open findings from earlier visits, with how
// late they are, so a fail seen again is known to be old news.
func (f *itemField) showOpen() {
	if f.openRow == nil {
		return
	}
	f.showPast()
	open := f.openEarlier()
	f.openIDs = f.openIDs[:0]
	if len(open) == 0 {
		f.openRow.Hide()
		return
	}
	now := f.v.env.now()
	fd := open[0]
	text := t("item.open_finding", sv.Shorten(fd.Description, 40), fd.Status.Label(f.v.env.lang), string(fd.Deadline))
	if late := fd.DaysLate(now); late > 0 {
		text += t0("common.sep") + t("finding.days_late", late)
	}
	if len(open) > 1 {
		text += t0("common.sep") + t("item.open_more", len(open)-1)
	}
	for _, o := range open {
		f.openIDs = append(f.openIDs, o.ID)
	}
	f.openLine.SetText(text)
	f.openLine.Importance = f.v.env.findingImportance(fd)
	f.openLine.Refresh()
	f.openRow.Show()
	f.openRow.Refresh()
}

// recheckFinding opens an earlier finding of the item with its moves and
// notes, tied to this visit: what the inspector finds is recorded there.
func (f *itemField) recheckFinding(id string) {
	v := f.v
	showFindingDetail(v.env, id, v.id, func() {
		data := v.env.data
		fetchIn(v.env, func() (sv.Finding, error) { return data.Finding(id) }, func(fd sv.Finding, err error) {
			if err == nil {
				v.recheck.changed(fd)
			}
		})
	})
}

// offerRaise records a fail as a finding: when the item already has one
// open from an earlier visit, it asks first whether this is that finding
// seen again (re-check it) or a new one, naming the one that exists.
func (f *itemField) offerRaise() {
	v := f.v
	open := f.openEarlier()
	if len(open) == 0 || !v.editable() {
		f.raiseFinding()
		return
	}
	fd := open[0]
	text := t("item.open_finding", fd.Description, fd.Status.Label(v.env.lang), string(fd.Deadline))
	if late := fd.DaysLate(v.env.now()); late > 0 {
		text += t0("common.sep") + t("finding.days_late", late)
	}
	q := widget.NewLabel(t("item.fail_again", f.item.DisplayTitle(v.env.lang), text))
	q.Wrapping = fyne.TextWrapWord
	var d dialog.Dialog
	recheck := widget.NewButtonWithIcon(t0("item.recheck_it"), theme.SearchIcon(), func() {
		d.Hide()
		f.recheckFinding(fd.ID)
	})
	recheck.Importance = widget.HighImportance
	raise := widget.NewButton(t0("item.raise_new"), func() {
		d.Hide()
		f.raiseFinding()
	})
	cancel := widget.NewButton(t0("common.cancel"), func() { d.Hide() })
	buttons := container.NewHBox(layout.NewSpacer(), cancel, raise, recheck)
	d = dialog.NewCustomWithoutButtons(t0("item.fail_again_title"), container.NewBorder(nil, buttons, nil, nil, q), v.env.win)
	d.Resize(fyne.NewSize(560, 260))
	v.offer = d
	// Enter re-checks: the choice that makes no duplicate.
	v.env.dialogs.showKeyed(d, recheck.OnTapped)
}
