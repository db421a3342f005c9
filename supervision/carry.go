package supervision

import (
	"strconv"
	"strings"
	"time"
)

// PreviousVisit returns the visit a new or draft visit follows: the
// project's newest submitted visit started before it, other than the one it
// corrects, and not itself corrected by a submitted amendment (the
// amendment is then the record). visits may be in any order; ok is false on
// a project's first visit.
func PreviousVisit(visits []Visit, of Visit) (prev Visit, ok bool) {
	replaced := map[string]bool{}
	for _, v := range visits {
		if v.Replaces != "" && v.Status == Submitted {
			replaced[v.Replaces] = true
		}
	}
	for _, v := range visits {
		if v.ID == of.ID || v.ID == of.Replaces || v.Status != Submitted || replaced[v.ID] ||
			v.ProjectID != of.ProjectID || !v.StartedAt.Before(of.StartedAt) {
			continue
		}
		if !ok || v.StartedAt.After(prev.StartedAt) {
			prev, ok = v, true
		}
	}
	return prev, ok
}

// CarriedAnswer is the answer a new visit starts from for a carried item
// (Item.Carry): the previous visit's value, without its note, photos or
// time, which belong to that visit. It is a proposal: it counts as this
// visit's observation only once the inspector confirms it and it is saved.
// A year-to-date figure is not carried into a new year, nor anything the
// previous visit left unanswered.
func CarriedAnswer(it Item, prev Visit, at time.Time) (Answer, bool) {
	a, ok := prev.Answers[it.Key]
	if !it.Carry || !ok || !a.IsAnswered(it.Kind) {
		return Answer{}, false
	}
	if it.YearToDate && prev.StartedAt.In(at.Location()).Year() != at.Year() {
		return Answer{}, false
	}
	out := Answer{ItemKey: it.Key, Verdict: a.Verdict, Text: a.Text, Date: a.Date}
	if a.Number != nil {
		n := *a.Number
		out.Number = &n
	}
	out.Choices = append([]string(nil), a.Choices...)
	if it.Check(out) != nil {
		return Answer{}, false // the checklist changed since: a stale value is not proposed
	}
	return out, true
}

// AnswerText writes an answer's value as it reads on screen, in the given
// language; empty when the answer holds no value for the item's kind.
func (it Item) AnswerText(a Answer, lang Lang) string {
	if !a.IsAnswered(it.Kind) {
		return ""
	}
	switch it.Kind {
	case KindPassFail:
		return a.Verdict.Label(lang)
	case KindNumber:
		s := strconv.FormatFloat(*a.Number, 'f', -1, 64)
		if it.Unit == "" {
			return s
		}
		if lang == English {
			return s + " " + it.Unit
		}
		return s + it.Unit
	case KindSingleChoice, KindMultiChoice:
		labels := make([]string, len(a.Choices))
		for i, c := range a.Choices {
			labels[i] = it.OptionLabel(c, lang)
		}
		if lang == English {
			return strings.Join(labels, ", ")
		}
		return strings.Join(labels, "、")
	case KindDate:
		return string(a.Date)
	}
	return strings.Join(strings.Fields(a.Text), " ")
}

// SameMonthVisits returns the project's visits started in the same
// calendar month as at (in at's zone), newest first as given, leaving out
// amendments: a second visit in a month is usually started by mistake, so
// the window asks first and names the ones that exist.
func SameMonthVisits(visits []Visit, at time.Time) []Visit {
	var out []Visit
	for _, v := range visits {
		s := v.StartedAt.In(at.Location())
		if v.Replaces == "" && s.Year() == at.Year() && s.Month() == at.Month() {
			out = append(out, v)
		}
	}
	return out
}
