package report

import (
	"time"

	"fieldbrief/supervision"
)

// asOfNote says, after a figure, where it came from and as of when
// (截至11月督查 / 截至平台 11月30日数据), so two documents that print a
// project's figures as of different dates can be told apart.
func (l Lang) asOfNote(inv supervision.Investment) string {
	p := supervision.InvestmentProvenance(inv, l.sv())
	if p == "" {
		return ""
	}
	return " " + p
}

// milestoneFact prints the next milestone not reached; one whose planned
// day has passed by the document's date says by how many days (已超期 N
// 天), in red, rather than reading as if it were still ahead.
func (l Lang) milestoneFact(m supervision.Milestone, asOf time.Time) Fact {
	f := Fact{Label: l.t("下一节点"), Value: m.Name + " · " + l.day(m.Planned)}
	if _, late := supervision.MilestoneDue(m, supervision.DateOf(asOf)); late > 0 {
		f.Value += l.paren(supervision.MilestoneStatus(m, supervision.DateOf(asOf), l.sv()))
		f.Tone = ToneAlert
	}
	return f
}
