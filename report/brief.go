package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"fieldbrief/docinput"
	"fieldbrief/supervision"
)

// ProjectData is one project as the dispatch brief and the tour pack show
// it (docinput.ProjectData).
type ProjectData = docinput.ProjectData

// BriefInput is everything a dispatch-meeting brief (调度会简报) prints.
type BriefInput struct {
	// PeriodEnd is any time in the last month of the two-month period the
	// brief covers (supervision.DispatchPeriod).
	PeriodEnd time.Time
	// AsOf is the moment findings are judged overdue at; zero means the
	// generation time (Options.Time).
	AsOf     time.Time
	Projects []ProjectData
	// Form holds the 期号, 编发单位, 下步工作 and 版记 the person printing
	// may set.
	Form BriefForm
	// SnapshotVersion is the serialisation BriefSnapshot computes in:
	// empty is the current one; verify rebuilds an older document's in
	// the version its stamp names.
	SnapshotVersion string
}

const photosPerProject = docinput.PhotosPerProject

// Brief writes the brief for the bi-monthly dispatch meeting in the 简报
// form: a 报头 (title, 期号, 编发单位, date), then on the first page the
// conclusions — 总体情况 in generated sentences with a table by
// responsible unit, the matters needing the leaders' coordination, 下步工作
// — then the projects' progress, investment, the findings by unit and each
// project in turn, and a 版记 at the end.
func Brief(w io.Writer, fonts *Fonts, in BriefInput, opt Options) (Result, error) {
	if opt.Time.IsZero() {
		opt.Time = time.Now()
	}
	asOf := in.AsOf
	if asOf.IsZero() {
		asOf = opt.Time
	}
	l := printLangOf(opt.Lang)
	from, to := supervision.DispatchPeriod(in.PeriodEnd)
	period := l.months(from, to)
	title := l.t("report.title.key_projects_dispatch_meeting_brief")
	opt.Title = title + " · " + period
	opt.Header = l.t("report.title.running_brief")
	opt.HeaderRight = period
	in.AsOf = asOf
	stamp := BriefStamp(in, opt)
	opt.Keywords = stamp.String()
	opt.FooterNote = fmt.Sprintf(l.t("report.title.data_hash_generated"), stamp.Record[len(SnapshotVersion)+1:][:16], l.clock(opt.Time))
	opt.Names = append(personNames(stopProjects(in.Projects)), opt.Names...)
	form := in.Form
	if form.IssueNo <= 0 {
		form.IssueNo = IssueNumber(in.PeriodEnd)
	}
	if strings.TrimSpace(form.Issuer) == "" {
		form.Issuer = l.t("report.brief.issuer")
	}
	opt.Subject = fmt.Sprintf(l.t("report.brief.issue_number"), to.Year(), form.IssueNo) + " · " + period
	opt.Author = form.Issuer
	figures := newBriefFigures(in, asOf)
	sealed := &sealWriter{}
	res, err := typeset(sealed, fonts, in, opt, func(d *Doc) {
		l := d.printLang()

		d.masthead(title, fmt.Sprintf(l.t("report.brief.issue_number"), to.Year(), form.IssueNo), form.Issuer, l.date(opt.Time),
			fmt.Sprintf(l.t("report.brief.data_as_of"), period, l.date(asOf)))

		d.Section(1, l.t("report.brief.overview"))
		d.Paragraph(strings.Join(l.overviewSentences(figures), ""))
		d.unitTable(figures)

		d.Section(1, l.t("report.brief.matters_for_the_leaders_to"))
		d.coordinationTable(figures)

		d.Section(1, l.t("report.brief.next_steps"))
		d.nextSteps(figures, form.NextSteps)

		if len(in.Projects) > 0 {
			d.Section(1, l.t("report.brief.progress_of_the_projects"))
			d.overviewTable(in.Projects, asOf)
			d.lightLegend()

			// The heading goes with the first chart, which is kept whole.
			d.ensure(headingSize*ptToMM*1.6 + 4 + BarChart{Title: "-", Bars: make([]Bar, len(in.Projects))}.height())
			d.Section(1, l.t("report.brief.investment"))
			d.completionChart(in.Projects, to)
			d.industryChart(in.Projects)

			d.Section(1, l.t("report.brief.findings_by_responsible_unit"))
			d.findingLegend()
			d.problemsByUnit(in.Projects, asOf)

			// Projects follow one another; a heading is kept with the start
			// of what it introduces (Heading), no page is forced.
			d.Section(1, l.t("report.brief.the_projects"))
			for _, pd := range in.Projects {
				d.projectPage(2, pd.Project.Name, pd, asOf, l.t("report.heading.open_findings"), photosPerProject, photoCols)
			}
		}
		d.colophon(form, l.date(opt.Time))
	})
	if err != nil {
		return res, err
	}
	return res, sealed.writeTo(w)
}

func activeCounts(fs []supervision.Finding, asOf time.Time) (open, overdue int) {
	for _, f := range fs {
		if f.Status.Active() {
			open++
		}
		if f.Overdue(asOf) {
			overdue++
		}
	}
	return open, overdue
}

func (d *Doc) overviewTable(ps []ProjectData, asOf time.Time) {
	l := d.printLang()
	var rows []Row
	var plan, done float64
	allOpen, allOverdue := 0, 0
	for i, pd := range ps {
		p := pd.Project
		open, overdue := activeCounts(pd.Findings, asOf)
		allOpen += open
		allOverdue += overdue
		plan += p.Investment.AnnualPlan
		done += p.Investment.Completed
		last := l.t("report.text.not_visited")
		if !pd.LastVisit.IsZero() {
			last = l.date(pd.LastVisit)
		}
		rows = append(rows, Row{Cells: []Cell{
			{Text: strconv.Itoa(i + 1)},
			{Text: p.DisplayName()},
			{Text: l.orMissing(p.Phase.Label(l.Lang()))},
			{Text: l.orMissing(p.Light.Label(l.Lang())), Tone: lightTone(p.Light)},
			{Text: yi(p.Investment.AnnualPlan)},
			{Text: yi(p.Investment.Completed)},
			{Text: percent(p.Investment.AnnualProgress())},
			{Text: last},
			{Text: strconv.Itoa(open)},
			{Text: strconv.Itoa(overdue), Tone: toneIf(overdue > 0, ToneAlert)},
		}})
	}
	rate := 0.0
	if plan > 0 {
		rate = done / plan
	}
	rows = append(rows, Row{Cells: []Cell{{}, {Text: l.t("report.col.total"), Bold: true}, {}, {}, {Text: yi(plan), Bold: true}, {Text: yi(done), Bold: true}, {Text: percent(rate), Bold: true}, {}, {Text: strconv.Itoa(allOpen), Bold: true}, {Text: strconv.Itoa(allOverdue), Bold: true}}})
	d.Table(Table{Size: smallSize, Columns: []Column{
		{Header: l.t("report.col.no"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("report.col.project"), Weight: 3},
		{Header: l.t("report.col.phase"), Weight: 1, Align: AlignCenter},
		{Header: l.t("report.fact.status"), Weight: 1, Align: AlignCenter},
		{Header: l.t("report.col.annual_plan_100_m_cny"), Weight: 1, Align: AlignRight, NoWrap: true},
		{Header: l.t("report.col.completed_100_m_cny"), Weight: 1, Align: AlignRight, NoWrap: true},
		{Header: l.t("report.col.rate"), Weight: 1, Align: AlignRight, NoWrap: true},
		{Header: l.t("report.heading.latest_visit"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("report.heading.open_findings"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("report.col.overdue"), Weight: 1, Align: AlignCenter, NoWrap: true},
	}, Rows: rows, Continued: l.t("report.brief.progress_of_the_projects")})
}

// completionChart shows each project's completion of its annual plan
// against the share of the year elapsed at the period's end, the yardstick
// the committee uses ("时间过半、任务过半").
func (d *Doc) completionChart(ps []ProjectData, periodEnd time.Time) {
	l := d.printLang()
	yearStart := time.Date(periodEnd.Year(), 1, 1, 0, 0, 0, 0, periodEnd.Location())
	elapsed := periodEnd.Sub(yearStart).Hours() / yearStart.AddDate(1, 0, 0).Sub(yearStart).Hours()
	var bars []Bar
	for _, pd := range ps {
		p := pd.Project
		r := p.Investment.AnnualProgress()
		bars = append(bars, Bar{Label: p.DisplayName(), Value: r * 100, Text: percent(r), Tone: lightTone(p.Light)})
	}
	d.BarChart(BarChart{
		Title: l.t("report.text.completion_of_the_annual_investment"), Unit: "%", Bars: bars, Max: max(100, maxValue(bars)),
		Reference: elapsed * 100, ReferenceLabel: fmt.Sprintf(l.t("report.text.time_elapsed"), percent(elapsed)),
	})
}

func maxValue(bars []Bar) float64 {
	m := 0.0
	for _, b := range bars {
		m = max(m, b.Value)
	}
	return niceCeil(m)
}

// industryChart sums completed investment by leading industry.
func (d *Doc) industryChart(ps []ProjectData) {
	l := d.printLang()
	type sum struct{ plan, done float64 }
	sums := map[supervision.Industry]*sum{}
	for _, pd := range ps {
		p := pd.Project
		s := sums[p.Industry]
		if s == nil {
			s = &sum{}
			sums[p.Industry] = s
		}
		s.plan += p.Investment.AnnualPlan
		s.done += p.Investment.Completed
	}
	order := supervision.Industries()
	for ind := range sums {
		if !slices.Contains(order, ind) {
			order = append(order, ind)
		}
	}
	var bars []Bar
	for _, ind := range order {
		s := sums[ind]
		if s == nil {
			continue
		}
		label := ind.Label(l.Lang())
		if label == "" {
			label = l.t("report.text.unclassified")
		}
		rate := 0.0
		if s.plan > 0 {
			rate = s.done / s.plan
		}
		bars = append(bars, Bar{Label: label, Value: s.done / 10000, Text: yi(s.done) + " / " + yi(s.plan) + l.paren(percent(rate))})
	}
	d.Space(3)
	d.BarChart(BarChart{Title: l.t("report.text.investment_completed_this_year_by"), Bars: bars})
}

// coordItem is an active finding with the project it belongs to.
type coordItem struct {
	project string
	f       supervision.Finding
	late    int
}

// problemsByUnit lists the active findings grouped by responsible unit:
// units with the most overdue work first, and within a unit the most
// overdue first, with days late.
func (d *Doc) problemsByUnit(ps []ProjectData, asOf time.Time) {
	l := d.printLang()
	groups := map[string][]coordItem{}
	for _, pd := range ps {
		for _, f := range pd.Findings {
			if !f.Status.Active() {
				continue
			}
			unit := strings.TrimSpace(f.ResponsibleUnit)
			if unit == "" {
				unit = l.t("report.unit.no_responsible_unit_given")
			}
			groups[unit] = append(groups[unit], coordItem{project: pd.Project.DisplayName(), f: f, late: f.DaysLate(asOf)})
		}
	}
	if len(groups) == 0 {
		d.Paragraph(l.t("report.text.no_problems_need_coordination_in"))
		return
	}
	units := make([]string, 0, len(groups))
	for u, items := range groups {
		slices.SortStableFunc(items, func(a, b coordItem) int {
			if c := cmp.Compare(b.late, a.late); c != 0 {
				return c
			}
			if c := strings.Compare(string(a.f.Deadline), string(b.f.Deadline)); c != 0 {
				return c
			}
			return strings.Compare(a.f.ID, b.f.ID)
		})
		units = append(units, u)
	}
	slices.SortFunc(units, func(a, b string) int {
		ga, gb := groups[a], groups[b]
		if c := cmp.Compare(overdueCount(gb), overdueCount(ga)); c != 0 {
			return c
		}
		if c := cmp.Compare(gb[0].late, ga[0].late); c != 0 {
			return c
		}
		if c := cmp.Compare(len(gb), len(ga)); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	for _, u := range units {
		items := groups[u]
		d.Section(2, fmt.Sprintf(l.t("report.text.unit_findings_overdue"), u, len(items), overdueCount(items)))
		var rows []Row
		for i, it := range items {
			f := it.f
			rows = append(rows, Row{Cells: []Cell{
				{Text: strconv.Itoa(i + 1)},
				{Text: it.project},
				{Text: f.Description},
				{Text: l.categoryText(f)},
				{Text: l.severityText(f)},
				{Text: l.day(f.Deadline)},
				{Text: l.statusText(f, asOf), Tone: findingTone(f, asOf)},
			}})
		}
		d.Table(Table{Columns: []Column{
			{Header: l.t("report.col.no"), Weight: 1, Align: AlignCenter, NoWrap: true},
			{Header: l.t("report.col.project"), Weight: 1},
			{Header: l.t("report.col.finding"), Weight: 3},
			{Header: l.t("report.col.category"), Weight: 1},
			{Header: l.t("report.brief.severity"), Weight: 1, Align: AlignCenter},
			{Header: l.t("report.col.deadline"), Weight: 1, Align: AlignCenter, NoWrap: true},
			{Header: l.t("report.fact.status"), Weight: 1, Align: AlignCenter},
		}, Rows: rows, Continued: l.unitName(u)})
	}
}

func overdueCount(items []coordItem) int {
	n := 0
	for _, it := range items {
		if it.late > 0 {
			n++
		}
	}
	return n
}

// projectPage prints one project: key facts, the latest visit, its active
// findings and its latest photos.
func (d *Doc) projectPage(level int, heading string, pd ProjectData, asOf time.Time, findingsHeading string, photos, cols int) {
	l := d.printLang()
	if level > 0 {
		d.Section(level, heading)
	} else {
		d.Heading(1, heading)
	}
	d.FactsOf(pd.Project.Name, projectFacts(l, pd.Project, asOf), 2)
	visit := l.t("report.text.not_visited_yet")
	if !pd.LastVisit.IsZero() {
		visit = fmt.Sprintf(l.t("report.text.latest_visit"), l.date(pd.LastVisit))
		if s := strings.TrimSpace(pd.Summary); s != "" {
			visit += s
		}
	}
	sub := func(s string) {
		if level > 0 {
			d.Section(level+1, s)
		} else {
			d.Heading(2, s)
		}
	}
	sub(l.t("report.heading.latest_visit"))
	d.Paragraph(visit)
	var active []supervision.Finding
	for _, f := range pd.Findings {
		if f.Status.Active() {
			active = append(active, f)
		}
	}
	sub(findingsHeading)
	d.findingsTable(pd.Project.Name, active, asOf, true)
	if len(pd.Photos) > 0 && photos > 0 {
		// The heading goes with the first row of photos.
		d.ensure(subheadSize*ptToMM*1.6 + 3 + d.photoRowHeight(pd.Photos, cols))
		sub(l.t("report.heading.latest_photos"))
		d.PhotoGrid(pd.Photos[:min(len(pd.Photos), photos)], cols)
	}
}
