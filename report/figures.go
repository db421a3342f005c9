package report

import (
	"fmt"
	"time"

	"fieldbrief/supervision"
)

// asOfNote says, after a figure, where it came from and as of when
// (截至11月督查 / 截至平台 11月30日数据), so two documents that print a
// project's figures as of different dates can be told apart.
func (l printLang) asOfNote(inv supervision.Investment) string {
	p := supervision.InvestmentProvenance(inv, l.Lang())
	if p == "" {
		return ""
	}
	return " " + p
}

// imageProgress prints a project's 形象进度 as the completed investment is
// printed, the percentage rounded in the one place and where it came from
// after it (62.0% 截至11月督查); 未填写 when no submitted visit observed
// it, since the register carries none.
func (l printLang) imageProgress(ip *supervision.ImageProgress) string {
	if ip == nil {
		return l.missing()
	}
	return supervision.FormatPercent(ip.Pct, 100) + " " + ip.Provenance(l.Lang())
}

// milestoneFact prints the next milestone not reached; one whose planned
// day has passed by the document's date says by how many days (已超期 N
// 天), in red, rather than reading as if it were still ahead.
func (l printLang) milestoneFact(m supervision.Milestone, asOf time.Time) Fact {
	f := Fact{Label: l.t("report.fact.next_milestone"), Value: m.Name + " · " + l.day(m.Planned)}
	if _, late := supervision.MilestoneDue(m, supervision.DateOf(asOf)); late > 0 {
		f.Value += l.paren(supervision.MilestoneStatus(m, supervision.DateOf(asOf), l.Lang()))
		f.Tone = ToneAlert
	}
	return f
}

// latestProgress is the last thing that happened to a finding up to asOf,
// as a 最新进展 line: a note as written, or a 再次督办 worded from the
// deadlines it moved, so no stored sentence carries a count of days that
// goes stale. Empty when nothing happened after the finding was raised.
func (l printLang) latestProgress(f supervision.Finding, asOf time.Time) string {
	var text string
	var at time.Time
	for _, n := range f.Notes {
		if !n.At.After(asOf) && !n.At.Before(at) {
			text, at = n.Text, n.At
		}
	}
	for _, h := range f.History {
		if !h.IsRedispatch() || h.At.After(asOf) || h.At.Before(at) {
			continue
		}
		on := l.date(h.At)
		prev := l.day(h.PreviousDeadline)
		if l.Lang() == supervision.English {
			// Short: it is set in a table's narrow column.
			on = h.At.In(asOf.Location()).Format("2 Jan")
			if p, ok := h.PreviousDeadline.Time(asOf.Location()); ok {
				if d, ok := h.Deadline.Time(asOf.Location()); ok && p.Year() == d.Year() {
					prev = p.Format("2 Jan")
				}
			}
		}
		text = fmt.Sprintf(l.t("report.text.redispatched"), on, prev, l.day(h.Deadline))
		if n := h.Note; n != "" {
			text += n
		}
		at = h.At
	}
	return text
}

// visitTime is when the visit took place: start and end, or 进行中 while a
// draft has not ended, never a dash standing for a time.
func (l printLang) visitTime(in supervision.Visit) string {
	start := l.clock(in.StartedAt)
	if in.FinishedAt.IsZero() {
		return fmt.Sprintf(l.t("report.text.visit_in_progress"), start)
	}
	return start + " — " + l.clock(in.FinishedAt)
}

// correctsText names the visit an amendment corrects by its day and who
// made it, as a reader can look it up; a visit not in the store is named
// only as an earlier record.
func (l printLang) correctsText(replaced supervision.Visit) string {
	if replaced.ID == "" {
		return l.t("report.text.corrects_an_earlier_record")
	}
	return fmt.Sprintf(l.t("report.text.corrects_the_record_of"), l.date(replaced.StartedAt), l.joinList(replaced.Inspectors))
}
