package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"fieldbrief/supervision"
)

// The brief's first page carries the conclusions a leader acts on. Every
// sentence of it is generated from briefFigures, the same numbers the
// tables beside it print; nothing is stored prose.

// DefaultIssuer is the 编发单位 printed when BriefForm.Issuer is empty.
const DefaultIssuer = "西部（重庆）科学城重点项目督查组"

// BriefForm is what the person printing a brief may set: the parts of the
// 简报 form that are not in the records.
type BriefForm struct {
	// IssueNo is the 期号; zero numbers the brief by its period (IssueNumber).
	IssueNo int
	// Issuer is the 编发单位; empty means DefaultIssuer.
	Issuer string
	// NextSteps is added to 下步工作, one item per line.
	NextSteps string
	// To, Copy and Send are the 报, 送 and 发 lines of the 版记; an empty
	// one prints its default.
	To, Copy, Send string
}

// IssueNumber is a brief's 期号 when none is given: the number of its
// two-month period in the year, the period's last month halved and rounded
// up (January–February is 第1期, November–December 第6期). It needs no
// stored counter, so every laptop numbers the same brief alike (see
// docs/decisions/0032-the-brief.md).
func IssueNumber(periodEnd time.Time) int {
	_, to := supervision.DispatchPeriod(periodEnd)
	return (int(to.Month()) + 1) / 2
}

// periodCounts are the finding counts of one period.
type periodCounts struct {
	raised, closed  int // in the period
	open, overdue   int // at its end
	total, closedAt int // raised and closed by its end, withdrawn left out
}

// closingRate is 销号率: the share of the findings raised so far that are
// closed.
func (c periodCounts) closingRate() float64 {
	if c.total == 0 {
		return 0
	}
	return float64(c.closedAt) / float64(c.total)
}

// unitFigures are one responsible unit's line of the table.
type unitFigures struct {
	unit                  string
	open, overdue, closed int // closed: in this period
	total, closedAt       int
	oldestLate            int
}

// coordMatter is an overdue finding the leaders are asked to settle.
type coordMatter struct {
	project, unit, text string
	late                int
}

// briefFigures are the numbers of the brief's first page.
type briefFigures struct {
	from, to, asOf   time.Time
	projects         int
	behind, critical []string
	plan, done       float64
	elapsed          float64 // 时序进度: share of the year gone at the period's end
	now, last        periodCounts
	units            []unitFigures
	matters          []coordMatter
	unvisited        []string // no visit for more than a month
}

func (f briefFigures) investRate() float64 {
	if f.plan == 0 {
		return 0
	}
	return f.done / f.plan
}

// newBriefFigures counts what the first page prints.
func newBriefFigures(in BriefInput, asOf time.Time) briefFigures {
	from, to := supervision.DispatchPeriod(in.PeriodEnd)
	lastEnd := from.Add(-time.Nanosecond)
	lastFrom, _ := supervision.DispatchPeriod(lastEnd)
	yearStart := time.Date(to.Year(), 1, 1, 0, 0, 0, 0, to.Location())
	f := briefFigures{from: from, to: to, asOf: asOf, projects: len(in.Projects),
		elapsed: to.Sub(yearStart).Hours() / yearStart.AddDate(1, 0, 0).Sub(yearStart).Hours()}
	units := map[string]*unitFigures{}
	for _, pd := range in.Projects {
		p := pd.Project
		switch p.Light {
		case supervision.LightBehind:
			f.behind = append(f.behind, p.DisplayName())
		case supervision.LightCritical:
			f.critical = append(f.critical, p.DisplayName())
		}
		f.plan += p.Investment.AnnualPlan
		f.done += p.Investment.Completed
		if pd.LastVisit.IsZero() || pd.LastVisit.Before(asOf.AddDate(0, -1, 0)) {
			f.unvisited = append(f.unvisited, p.DisplayName())
		}
		for _, fd := range pd.Findings {
			count(&f.now, fd, from, asOf)
			if !fd.CreatedAt.After(lastEnd) {
				count(&f.last, fd, lastFrom, lastEnd)
			}
			unit := strings.TrimSpace(fd.ResponsibleUnit)
			if unit == "" {
				unit = noUnit
			}
			u := units[unit]
			if u == nil {
				u = &unitFigures{unit: unit}
				units[unit] = u
			}
			var c periodCounts
			count(&c, fd, from, asOf)
			u.open += c.open
			u.overdue += c.overdue
			u.closed += c.closed
			u.total += c.total
			u.closedAt += c.closedAt
			if late := fd.DaysLate(asOf); late > 0 {
				u.oldestLate = max(u.oldestLate, late)
				f.matters = append(f.matters, coordMatter{project: p.DisplayName(), unit: unit, text: fd.Description, late: late})
			}
		}
	}
	for _, u := range units {
		f.units = append(f.units, *u)
	}
	slices.SortFunc(f.units, func(a, b unitFigures) int {
		return cmp.Or(cmp.Compare(b.overdue, a.overdue), cmp.Compare(b.oldestLate, a.oldestLate), cmp.Compare(b.open, a.open), strings.Compare(a.unit, b.unit))
	})
	slices.SortStableFunc(f.matters, func(a, b coordMatter) int {
		return cmp.Or(cmp.Compare(b.late, a.late), strings.Compare(a.project, b.project))
	})
	return f
}

// count adds finding fd to c for the period [from, end]: fd's status at
// end is replayed from its history.
func count(c *periodCounts, fd supervision.Finding, from, end time.Time) {
	if fd.CreatedAt.After(end) {
		return
	}
	status := statusAt(fd, end)
	if status == supervision.StatusWithdrawn {
		return
	}
	c.total++
	if !fd.CreatedAt.Before(from) {
		c.raised++
	}
	if status == supervision.StatusClosed {
		c.closedAt++
		if closedIn(fd, from, end) {
			c.closed++
		}
	}
	if status.Active() {
		c.open++
	}
	at := fd
	at.Status = status
	if at.Overdue(end) {
		c.overdue++
	}
}

// closedIn reports whether fd was closed between from and end. A finding
// closed with no history recorded counts by its ClosedAt.
func closedIn(fd supervision.Finding, from, end time.Time) bool {
	for _, h := range fd.History {
		if h.To == supervision.StatusClosed && !h.At.Before(from) && !h.At.After(end) {
			return true
		}
	}
	return len(fd.History) == 0 && !fd.ClosedAt.IsZero() && !fd.ClosedAt.Before(from) && !fd.ClosedAt.After(end)
}

// points prints the difference of two shares in percentage points, without
// its sign.
func points(a, b float64) string {
	d := (a - b) * 100
	if d < 0 {
		d = -d
	}
	return strconv.FormatFloat(d, 'f', 1, 64)
}

// overviewSentences are the 3–5 sentences of 总体情况.
func (l printLang) overviewSentences(f briefFigures) []string {
	var out []string
	onTrack := f.projects - len(f.behind) - len(f.critical)
	switch {
	case len(f.behind)+len(f.critical) == 0:
		out = append(out, fmt.Sprintf(l.t("report.brief.all_key_projects_under_dispatch"), f.projects))
	default:
		s := fmt.Sprintf(l.t("report.brief.of_the_key_projects_under"), f.projects, onTrack)
		if len(f.behind) > 0 {
			s += fmt.Sprintf(l.t("report.brief.are_behind"), len(f.behind), l.joinList(f.behind))
		}
		if len(f.critical) > 0 {
			s += fmt.Sprintf(l.t("report.brief.are_seriously_behind"), len(f.critical), l.joinList(f.critical))
		}
		out = append(out, s+l.t("report.brief.full_stop"))
	}
	gap := l.t("report.brief.compare_ahead")
	if f.investRate() < f.elapsed {
		gap = l.t("report.brief.compare_behind")
	}
	out = append(out, fmt.Sprintf(l.t("report.brief.the_annual_investment_plan_is"),
		l.amount(f.plan), l.date(f.to), l.amount(f.done), percent(f.investRate()), percent(f.elapsed), gap, points(f.investRate(), f.elapsed)))
	out = append(out, fmt.Sprintf(l.t("report.brief.this_period_findings_were_raised"),
		f.now.raised, f.now.closed, f.last.raised, f.last.closed, f.now.open, f.now.overdue, f.last.open, f.last.overdue))
	trend := l.t("report.brief.unchanged")
	switch r, p := f.now.closingRate(), f.last.closingRate(); {
	case r > p+0.0005:
		trend = fmt.Sprintf(l.t("report.brief.up_points"), points(r, p))
	case r < p-0.0005:
		trend = fmt.Sprintf(l.t("report.brief.down_points"), points(r, p))
	}
	out = append(out, fmt.Sprintf(l.t("report.brief.of_all_findings_are_closed"), percent(f.now.closingRate()), trend))
	if len(f.matters) > 0 {
		m := f.matters[0]
		out = append(out, fmt.Sprintf(l.t("report.brief.overdue_findings_need_the_leaders"), len(f.matters), m.late, m.project, m.unit))
	}
	return out
}

// amount prints an amount given in 万元 in the unit of the language: 亿元,
// or billions of yuan (CNY 5.80 bn), never "hundred million".
func (l printLang) amount(wan float64) string {
	if l.Lang() == supervision.English {
		return "CNY " + strconv.FormatFloat(wan/100000, 'f', 2, 64) + " bn"
	}
	return yi(wan) + "亿元"
}
