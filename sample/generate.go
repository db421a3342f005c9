package sample

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"fieldbrief/supervision"
	"fieldbrief/translate"
)

// Options chooses the history Generate invents.
type Options struct {
	// Now is the moment the history ends. Zero means time.Now(); pass a
	// fixed time to get the same data on every run.
	Now time.Time
	// Months is how many calendar months before Now's month get a visit.
	// Zero means 12.
	Months int
	// Seed picks one of many plausible histories. With the same Now, Months
	// and Seed the result is identical, down to the ids.
	Seed int64
}

// Dataset is a sample store's content: the register, the templates and the
// invented history.
type Dataset struct {
	Projects  []supervision.Project
	Templates []supervision.Template
	Visits    []supervision.Visit
	Findings  []supervision.Finding
}

// Generate returns the sample register with Months months of supervision
// history for every project, ending at Now:
//
//   - one submitted visit per project per month, except a few skipped
//     months: two or three projects missed last month and have not been
//     visited this month, so the dashboard shows overdue visits; about half
//     the projects have had this month's visit (none on the first day of a
//     month). As many earlier months are skipped as this month has visits,
//     so the store holds exactly one visit per project per month of history
//     (20 × Months; two or three fewer before this month's first visit),
//     which gives benchmark stores a known size;
//   - every visit answers every item of the template version current at the
//     time (the newest version for the last six months, the one before it
//     earlier); an item that does not apply in the project's phase is
//     不适用, or carries only a note saying why (no concrete poured);
//   - findings raised from failed items and from company requests — about
//     2.5 per visit over five years, more in recent years when most projects
//     are building — moved through their workflow with Finding.Apply as the
//     responsible units report progress and later visits verify it, so
//     their histories are real workflow paths and, at Now, the recent ones
//     are still open, some overdue.
//
// The register's phase, milestones and investment figures are brought in
// line with the invented history, so a brief summing up the visits agrees
// with the dashboard.
func Generate(opts Options) (Dataset, error) {
	projects, templates, err := Register()
	if err != nil {
		return Dataset{}, err
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Months == 0 {
		opts.Months = 12
	}
	if opts.Months < 0 || opts.Months > 600 {
		return Dataset{}, translate.Errorf(supervision.EInvalid, "sample.error.months_out_of_range", opts.Months)
	}
	// Chongqing keeps China Standard Time all year; a fixed zone avoids
	// depending on the tz database, which Windows laptops may lack.
	now := opts.Now.In(time.FixedZone("CST", 8*3600))

	versions := map[string][]supervision.Template{}
	for _, t := range templates {
		versions[t.ID] = append(versions[t.ID], t) // Register sorts by version
	}
	plan := planVisits(rand.New(rand.NewPCG(uint64(opts.Seed), 0)), len(projects), opts.Months, now)
	ds := Dataset{Templates: templates}
	for i, p := range projects {
		// One stream per project: a change to one project's data leaves the
		// others' histories as they were.
		rng := rand.New(rand.NewPCG(uint64(opts.Seed), uint64(i)+1))
		g, err := newProjectGen(p, i, versions[p.TemplateID], rng, now)
		if err != nil {
			return Dataset{}, err
		}
		for _, at := range plan[i] {
			if err := g.visit(at); err != nil {
				return Dataset{}, err
			}
		}
		if err := g.advance(now, true); err != nil {
			return Dataset{}, err
		}
		ds.Projects = append(ds.Projects, g.project())
		ds.Visits = append(ds.Visits, g.visits...)
		for _, f := range g.findings {
			ds.Findings = append(ds.Findings, f.f)
		}
	}
	slices.SortStableFunc(ds.Visits, func(a, b supervision.Visit) int {
		return cmp.Or(a.StartedAt.Compare(b.StartedAt), cmp.Compare(a.ID, b.ID))
	})
	slices.SortStableFunc(ds.Findings, func(a, b supervision.Finding) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return ds, nil
}

// planVisits returns, per project, the start times of its visits in order.
func planVisits(rng *rand.Rand, n, months int, now time.Time) [][]time.Time {
	this := monthStart(now)
	// Visits run 09:00–18:00; today's counts only once it is over.
	lastDay := now.Day() - 1
	if now.Hour() >= 18 {
		lastDay = now.Day()
	}
	order := rng.Perm(n)
	visitedNow := make([]bool, n)
	nowCount := 0
	if lastDay >= 1 {
		for _, i := range order[:n/2] {
			visitedNow[i] = true
			nowCount++
		}
	}
	type slot struct{ project, month int }
	skip := map[slot]bool{}
	overdue := 0
	if months >= 1 {
		want := 2 + rng.IntN(2)
		for _, i := range order[n/2:] {
			if overdue == want {
				break
			}
			skip[slot{i, -1}] = true
			overdue++
		}
	}
	if months >= 2 {
		for need, tries := nowCount-overdue, 0; need > 0 && tries < 100*n; tries++ {
			s := slot{rng.IntN(n), -2 - rng.IntN(months-1)}
			if !skip[s] {
				skip[s] = true
				need--
			}
		}
	}
	times := make([][]time.Time, n)
	for i := range n {
		for m := -months; m <= -1; m++ {
			if !skip[slot{i, m}] {
				times[i] = append(times[i], visitTime(rng, this.AddDate(0, m, 0), 3, 26))
			}
		}
		if visitedNow[i] {
			times[i] = append(times[i], visitTime(rng, this, 1, lastDay))
		}
	}
	return times
}

// visitTime picks a working morning or early afternoon between days first
// and last of month, moving a weekend day back to the Friday when it can.
func visitTime(rng *rand.Rand, month time.Time, first, last int) time.Time {
	d := first + rng.IntN(last-first+1)
	t := time.Date(month.Year(), month.Month(), d, 9, 0, 0, 0, month.Location())
	switch {
	case t.Weekday() == time.Saturday && d-1 >= first:
		t = t.AddDate(0, 0, -1)
	case t.Weekday() == time.Sunday && d-2 >= first:
		t = t.AddDate(0, 0, -2)
	}
	return t.Add(time.Duration(rng.IntN(12)) * 30 * time.Minute)
}

// scheduled is a workflow step that will happen at a given time unless the
// history ends first.
type scheduled struct {
	at   time.Time
	move supervision.Move
}

// findingGen is a finding with the steps still to come.
type findingGen struct {
	f       supervision.Finding
	fix     string // what the unit will report as done
	pending []scheduled
}

// projectGen invents one project's history, visit by visit.
type projectGen struct {
	p        supervision.Project
	versions []supervision.Template
	rng      *rand.Rand
	now      time.Time
	cutover  time.Time // from here on the newest template version is used

	start, finish time.Time // construction, finish stretched by the project's lag
	pace          float64   // share of planned investment actually achieved
	failMult      float64   // behind projects also have untidier sites
	floors        int
	concrete      float64 // design strength, MPa

	owner, contractor string
	liaison           string // who records the units' progress reports
	leader            string
	team              []string
	requestKinds      []request

	// investment, month by month
	invMonth   time.Time // last month accounted for
	ytd        float64
	monthAmt   float64
	planToDate float64
	plans      map[int]float64

	visits   []supervision.Visit
	findings []*findingGen
	active   []*findingGen
}

func newProjectGen(p supervision.Project, index int, versions []supervision.Template, rng *rand.Rand, now time.Time) (*projectGen, error) {
	if len(versions) == 0 {
		return nil, broken("projects.json", fmt.Errorf("project %s: no template %q", p.ID, p.TemplateID))
	}
	start, ok1 := p.PlannedStart.Time(now.Location())
	finish, ok2 := p.PlannedFinish.Time(now.Location())
	if !ok1 || !ok2 || !finish.After(start) {
		return nil, broken("projects.json", fmt.Errorf("project %s: planned start %q and finish %q", p.ID, p.PlannedStart, p.PlannedFinish))
	}
	g := &projectGen{
		p: p, versions: versions, rng: rng, now: now,
		cutover:  monthStart(now).AddDate(0, -6, 0),
		start:    start,
		floors:   8 + rng.IntN(17),
		concrete: []float64{30, 35, 40, 45, 50}[rng.IntN(5)],
		leader:   personName(p.Leader),
		plans:    map[int]float64{},
	}
	lag := 1.0
	switch p.Light {
	case supervision.LightBehind:
		lag, g.pace, g.failMult = 0.85, 0.72, 1.3
	case supervision.LightCritical:
		lag, g.pace, g.failMult = 0.7, 0.45, 1.6
	default:
		g.pace, g.failMult = 1, 1
	}
	g.finish = start.Add(time.Duration(float64(finish.Sub(start)) / lag))
	units := p.ParticipatingUnits
	g.owner = p.LeadDepartment
	if len(units) > 0 {
		g.owner = units[0]
	}
	// Until construction starts the second unit is a designer, not a
	// builder, so site-levelling problems go to the owner.
	g.contractor = g.owner
	if len(units) > 1 && phaseIndex(p.Phase) >= phaseIndex(supervision.PhaseConstruct) {
		g.contractor = units[1]
	}
	for _, c := range p.Contacts {
		if strings.Contains(c.Role, "联络员") {
			g.liaison = c.Name
		}
	}
	pool := inspectorPool()
	g.team = []string{pool[(2*index)%len(pool)], pool[(2*index+1)%len(pool)]}
	if g.liaison == "" {
		g.liaison = g.team[0]
	}
	if g.leader == "" {
		g.leader = g.team[0]
	}
	g.requestKinds = requests()
	return g, nil
}

// personName takes the name off a leader's "title name" label.
func personName(label string) string {
	f := strings.Fields(label)
	if len(f) == 0 {
		return ""
	}
	return f[len(f)-1]
}

// phaseAt is the phase the project was in at t. It follows the planned
// dates, stretched for projects that are behind, but never runs ahead of the
// phase the register records now.
func (g *projectGen) phaseAt(t time.Time) supervision.Phase {
	var byDate supervision.Phase
	switch {
	case t.Before(g.start.AddDate(-1, 0, 0)):
		byDate = supervision.PhasePreparation
	case t.Before(g.start):
		byDate = supervision.PhasePermits
	case t.Before(g.finish):
		byDate = supervision.PhaseConstruct
	case t.Before(g.finish.AddDate(0, 6, 0)):
		byDate = supervision.PhaseAcceptance
	default:
		byDate = supervision.PhaseInUse
	}
	if phaseIndex(byDate) > phaseIndex(g.p.Phase) {
		return g.p.Phase
	}
	return byDate
}

func phaseIndex(p supervision.Phase) int { return slices.Index(supervision.Phases(), p) }

// progressAt is the physical progress in percent: linear through
// construction, short of 100 until construction is over.
func (g *projectGen) progressAt(t time.Time) float64 {
	switch g.phaseAt(t) {
	case supervision.PhasePreparation, supervision.PhasePermits:
		return 0
	case supervision.PhaseConstruct:
		f := float64(t.Sub(g.start)) / float64(g.finish.Sub(g.start))
		return math.Round(math.Max(1, math.Min(98, 100*f)))
	}
	return 100
}

// expected is the investment planned for month m in 万元: a small share
// before and after construction, the bulk spread over construction, less in
// the Spring Festival months and more in December when accounts close.
func (g *projectGen) expected(m time.Time) float64 {
	total := g.p.Investment.Total
	var share float64
	switch g.phaseAt(m.AddDate(0, 0, 14)) {
	case supervision.PhasePreparation:
		share = 0.0006
	case supervision.PhasePermits:
		share = 0.0015
	case supervision.PhaseConstruct:
		months := math.Max(6, g.finish.Sub(g.start).Hours()/24/30.4)
		share = 0.85 / months
	case supervision.PhaseAcceptance:
		share = 0.006
	default:
		share = 0.0008
	}
	season := [12]float64{0.7, 0.45, 0.9, 1, 1.05, 1.1, 1, 1, 1.05, 1.1, 1.1, 1.45}
	return total * share * season[m.Month()-1]
}

func (g *projectGen) annualPlan(year int) float64 {
	if v, ok := g.plans[year]; ok {
		return v
	}
	var sum float64
	for m := range 12 {
		sum += g.expected(time.Date(year, time.Month(m+1), 1, 0, 0, 0, 0, g.now.Location()))
	}
	sum = math.Round(sum)
	g.plans[year] = sum
	return sum
}

// accountTo books the investment of every month up to the month of t, so
// skipped visits do not skip the money.
func (g *projectGen) accountTo(t time.Time) {
	target := monthStart(t)
	if g.invMonth.IsZero() {
		g.invMonth = time.Date(target.Year(), 1, 1, 0, 0, 0, 0, target.Location()).AddDate(0, -1, 0)
	}
	for g.invMonth.Before(target) {
		g.invMonth = g.invMonth.AddDate(0, 1, 0)
		if g.invMonth.Month() == time.January {
			g.ytd, g.planToDate = 0, 0
		}
		exp := g.expected(g.invMonth)
		g.monthAmt = math.Round(exp * g.pace * (0.75 + 0.5*g.rng.Float64()))
		g.ytd += g.monthAmt
		g.planToDate += exp
	}
}

func (g *projectGen) template(at time.Time) supervision.Template {
	if at.Before(g.cutover) && len(g.versions) > 1 {
		return g.versions[len(g.versions)-2]
	}
	return g.versions[len(g.versions)-1]
}

// project returns the register entry as it stands at the end of the history.
func (g *projectGen) project() supervision.Project {
	p := g.p
	p.Phase = g.phaseAt(g.now)
	p.Milestones = slices.Clone(p.Milestones)
	for i, m := range p.Milestones {
		if at, ok := m.Actual.Time(g.now.Location()); ok && at.After(g.now) {
			p.Milestones[i].Actual = ""
		}
	}
	g.accountTo(g.now)
	p.Investment.AnnualPlan = g.annualPlan(g.now.Year())
	p.Investment.Completed = g.ytd
	p.Sample = true
	return p
}

func (g *projectGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// movesBy reports whether the unit has a step scheduled by t that is not
// yet in the history: a move recorded at t would then come before it.
func (fg *findingGen) movesBy(t time.Time) bool {
	for _, s := range fg.pending {
		if !s.at.After(t) {
			return true
		}
	}
	return false
}

// at returns a working-hours time on the day days after t.
func (g *projectGen) dayAfter(t time.Time, days int) time.Time {
	d := t.AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), 9+g.rng.IntN(8), g.rng.IntN(60), 0, 0, d.Location())
}

// advance applies the units' scheduled steps that happen before until (or
// at it, when inclusive).
func (g *projectGen) advance(until time.Time, inclusive bool) error {
	for _, fg := range g.active {
		for len(fg.pending) > 0 {
			s := fg.pending[0]
			if s.at.After(until) || (!inclusive && s.at.Equal(until)) {
				break
			}
			fg.pending = fg.pending[1:]
			m := s.move
			m.At = s.at
			if err := fg.f.Apply(m); err != nil {
				return fmt.Errorf("sample: finding %s: %w", fg.f.ID, err)
			}
		}
	}
	g.prune()
	return nil
}

func (g *projectGen) prune() {
	g.active = slices.DeleteFunc(g.active, func(fg *findingGen) bool { return !fg.f.Status.Active() })
}

// plan decides what will become of a new finding: how fast the unit starts
// and reports the fix (mostly within the deadline, some late, a few left
// for months), or that it is withdrawn. Verification is not planned: it
// happens at the next visit after the fix is reported.
func (g *projectGen) plan(fg *findingGen, deadlineDays int) {
	created := fg.f.CreatedAt
	kind := fg.f.Kind
	if g.rng.Float64() < 0.03 {
		fg.pending = []scheduled{{g.dayAfter(created, 2+g.rng.IntN(11)), supervision.Move{
			To: supervision.StatusWithdrawn, By: g.leader, Note: g.pick(withdrawNotes(kind))}}}
		return
	}
	t := created
	if g.rng.Float64() < 0.75 {
		t = g.dayAfter(created, 1+g.rng.IntN(4))
		fg.pending = append(fg.pending, scheduled{t, supervision.Move{
			To: supervision.StatusInProgress, By: g.liaison, Note: g.pick(progressNotes())}})
	}
	var days int
	switch x := g.rng.Float64(); {
	case x < 0.78:
		days = 2 + g.rng.IntN(deadlineDays-1)
	case x < 0.95:
		days = deadlineDays + 3 + g.rng.IntN(43)
	default:
		days = deadlineDays + 60 + g.rng.IntN(240)
	}
	if kind == supervision.KindRequest && g.rng.Float64() < 0.3 {
		days += 30 + g.rng.IntN(150) // a power line or a land parcel takes months
	}
	fix := g.dayAfter(created, days)
	if !fix.After(t) {
		fix = g.dayAfter(t, 1)
	}
	g.scheduleFix(fg, fix)
}

func (g *projectGen) scheduleFix(fg *findingGen, at time.Time) {
	note := fg.fix
	if note == "" {
		note = g.pick(fixNotes(fg.f.Category))
	}
	fg.pending = append(fg.pending, scheduled{at, supervision.Move{To: supervision.StatusFixed, By: g.liaison, Note: note}})
}

// review is the first part of a visit: fixes reported since the last visit
// are verified on site (most closed, some sent back), and findings past
// their deadline are chased again.
func (g *projectGen) review(in *supervision.Visit, by string, clock *time.Time) (rv reviewCounts, err error) {
	for _, fg := range g.active {
		f := &fg.f
		switch {
		case f.Status == supervision.StatusFixed:
			*clock = clock.Add(time.Duration(3+g.rng.IntN(8)) * time.Minute)
			rv.verified++
			m := supervision.Move{By: by, VisitID: in.ID, At: *clock}
			if g.rng.Float64() < 0.88 {
				// The inspectors verify on site; the project's leader
				// closes (销号) ten days later, so findings verified in
				// the last ten days still wait as 待销号.
				m.To, m.Note = supervision.StatusVerified, g.pick(closeNotes())
				rv.closed++
				fg.pending = append(fg.pending, scheduled{clock.AddDate(0, 0, 10), supervision.Move{
					To: supervision.StatusClosed, By: g.leader, Role: supervision.RoleLeader, Note: "同意销号"}})
			} else {
				m.To, m.Note = supervision.StatusInProgress, g.pick(rejectNotes())
				g.scheduleFix(fg, g.dayAfter(*clock, 5+g.rng.IntN(16)))
			}
			if err := f.Apply(m); err != nil {
				return rv, fmt.Errorf("sample: finding %s: %w", f.ID, err)
			}
		case f.Status.Rectifying() && f.DaysLate(*clock) > 0:
			rv.overdue++
			if g.rng.Float64() < 0.6 && !fg.movesBy(clock.Add(2*time.Minute)) {
				*clock = clock.Add(2 * time.Minute)
				// 再次督办 is a move that sets a new deadline; the words
				// about days late are printed from the dates, never stored.
				due := supervision.DateOf(clock.AddDate(0, 0, 7+g.rng.IntN(8)))
				if err := f.Apply(supervision.Move{Deadline: due, By: by, VisitID: in.ID, At: *clock,
					ID: newID(g.rng, *clock), Note: fmt.Sprintf("要求%s按期整改到位。", f.ResponsibleUnit)}); err != nil {
					return rv, fmt.Errorf("sample: finding %s: %w", f.ID, err)
				}
			}
		}
	}
	g.prune()
	return rv, nil
}

type reviewCounts struct{ verified, closed, overdue int }

// visitState is what the site looks like on the day of a visit.
type visitState struct {
	at       time.Time
	phase    supervision.Phase
	progress float64
	requests []requestPick
	fixes    map[string]string // item key → what the unit will report as done
	raised   []*findingGen
	onSpot   int
	repeated int
}

type requestPick struct {
	kind request
	ask  issue
}

// visit invents one submitted visit and what it found.
//
// The visit is stored as Submitted without calling Visit.Submit:
// Submit insists on photos for photo-required items, and sample history
// carries no photos. It describes visits that were complete when made.
func (g *projectGen) visit(at time.Time) error {
	if err := g.advance(at, false); err != nil {
		return err
	}
	tpl := g.template(at)
	in := supervision.Visit{
		ID: newID(g.rng, at), ProjectID: g.p.ID, TemplateID: tpl.ID, TemplateVersion: tpl.Version,
		Inspectors: g.inspectors(at), Weather: g.weather(at), StartedAt: at,
		Status: supervision.Submitted, Answers: map[string]supervision.Answer{}, Sample: true,
	}
	st := &visitState{at: at, phase: g.phaseAt(at), progress: g.progressAt(at), fixes: map[string]string{}}
	in.DepartmentsPresent = g.departments(st.phase)
	lead := in.Inspectors[0]
	clock := at.Add(15 * time.Minute)
	rv, err := g.review(&in, lead, &clock)
	if err != nil {
		return err
	}
	g.accountTo(at)
	g.chooseRequests(st)
	for _, it := range tpl.Items() {
		clock = clock.Add(time.Duration(1+g.rng.IntN(4)) * time.Minute)
		a := g.answer(it, st)
		a.ItemKey, a.AnsweredAt, a.AnsweredBy = it.Key, clock, lead
		if err := it.Check(a); err != nil {
			return fmt.Errorf("sample: generated answer to %s: %w", it.Key, err)
		}
		if a.Verdict == supervision.Fail && it.FailRaisesFinding {
			g.raise(&in, it, &a, st, lead, clock)
		}
		if it.Key == "requests.detail" {
			for _, rp := range st.requests {
				g.raiseRequest(&in, it, rp, st, lead, clock)
			}
		}
		in.Answers[it.Key] = a
	}
	in.FinishedAt = clock.Add(time.Duration(20+g.rng.IntN(40)) * time.Minute)
	in.Summary = g.summary(st, rv, tpl, in)
	g.visits = append(g.visits, in)
	return nil
}

// raise turns a failed item into a finding, unless the same item already
// has one being worked on (the inspector chases that one instead) or the
// crew put it right while the inspectors watched.
func (g *projectGen) raise(in *supervision.Visit, it supervision.Item, a *supervision.Answer, st *visitState, by string, at time.Time) {
	for _, fg := range g.active {
		// A verified finding is done on site, only its closing waits.
		if fg.f.ItemKey == it.Key && fg.f.Status != supervision.StatusVerified {
			a.Note += "（上期同类问题尚未销号，继续督办）"
			st.repeated++
			return
		}
	}
	if g.rng.Float64() < 0.1 {
		a.Note += "，已督促现场立即整改完毕"
		st.onSpot++
		return
	}
	f := supervision.FindingFromFail(newID(g.rng, at), *in, it, *a, by, at)
	f.Severity = g.severity(f.Category)
	pr, _ := problemFor(it.Key)
	if it.Key == "progress.on_schedule" && st.phase != supervision.PhaseConstruct {
		pr.role = roleOwner
	}
	switch pr.role {
	case roleContractor:
		f.ResponsibleUnit = g.contractor
	case roleDepartment:
		f.ResponsibleUnit = pr.department
	default:
		f.ResponsibleUnit = g.owner
	}
	days := deadlineDays(g.rng, f.Severity)
	f.Deadline = supervision.DateOf(at.AddDate(0, 0, days))
	f.Sample = true
	g.add(f, st.fixes[it.Key], days, st)
}

func (g *projectGen) raiseRequest(in *supervision.Visit, it supervision.Item, rp requestPick, st *visitState, by string, at time.Time) {
	days := 15 + g.rng.IntN(16)
	sev := supervision.SeverityMinor
	if g.rng.Float64() < 0.3 {
		sev = supervision.SeverityMajor
	}
	f := supervision.Finding{
		ID: newID(g.rng, at), ProjectID: g.p.ID, VisitID: in.ID, ItemKey: it.Key,
		Kind: supervision.KindRequest, Category: rp.kind.category, Severity: sev,
		Description: rp.ask.found, ResponsibleUnit: rp.kind.department,
		Deadline: supervision.DateOf(at.AddDate(0, 0, days)), Status: supervision.StatusOpen,
		CreatedAt: at, CreatedBy: by, UpdatedAt: at, Sample: true,
	}
	g.add(f, rp.ask.fixed, days, st)
}

func (g *projectGen) add(f supervision.Finding, fix string, days int, st *visitState) {
	fg := &findingGen{f: f, fix: fix}
	g.plan(fg, days)
	g.findings = append(g.findings, fg)
	g.active = append(g.active, fg)
	st.raised = append(st.raised, fg)
}

// deadlineDays follows the committee's practice: a serious hazard gets a
// week, an ordinary problem up to a month.
func deadlineDays(rng *rand.Rand, s supervision.Severity) int {
	switch s {
	case supervision.SeveritySerious:
		return 7
	case supervision.SeverityMajor:
		return 7 + rng.IntN(9)
	}
	return 10 + rng.IntN(21)
}

func (g *projectGen) severity(c supervision.Category) supervision.Severity {
	x := g.rng.Float64()
	serious, major := 0.02, 0.2
	if c == supervision.CategorySafety {
		serious, major = 0.07, 0.35
	}
	switch {
	case x < serious:
		return supervision.SeveritySerious
	case x < major:
		return supervision.SeverityMajor
	}
	return supervision.SeverityMinor
}

// chooseRequests decides whether the company raises requests this visit;
// a request still being handled is not raised again.
func (g *projectGen) chooseRequests(st *visitState) {
	// Companies ask most while the project is being prepared and permitted.
	p := 0.4
	if phaseIndex(st.phase) < phaseIndex(supervision.PhaseConstruct) {
		p = 0.6
	}
	if g.rng.Float64() >= p {
		return
	}
	n := 1
	if g.rng.Float64() < 0.3 {
		n = 2
	}
	for tries := 0; len(st.requests) < n && tries < 10; tries++ {
		k := g.requestKinds[g.rng.IntN(len(g.requestKinds))]
		ask := k.asks[g.rng.IntN(len(k.asks))]
		if slices.ContainsFunc(g.active, func(fg *findingGen) bool { return fg.f.Description == ask.found }) ||
			slices.ContainsFunc(st.requests, func(r requestPick) bool { return r.kind.option == k.option }) {
			continue
		}
		st.requests = append(st.requests, requestPick{k, ask})
	}
}

func (g *projectGen) inspectors(at time.Time) []string {
	team := slices.Clone(g.team)
	pool := inspectorPool()
	if g.rng.Float64() < 0.1 { // leave, illness, another assignment
		team[1] = pool[g.rng.IntN(len(pool))]
	}
	if g.rng.Float64() < 0.3 {
		team = append(team, pool[g.rng.IntN(len(pool))])
	}
	if at.Month()%3 == 0 { // 一季一拉练: the project leader tours the sites
		team = append(team, g.leader)
	}
	var out []string
	for _, n := range team {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

func (g *projectGen) departments(phase supervision.Phase) []string {
	out := []string{g.p.LeadDepartment}
	add := func(d string, p float64) {
		if g.rng.Float64() < p && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	switch phase {
	case supervision.PhasePreparation, supervision.PhasePermits:
		add("规划和自然资源局", 0.6)
		add("政务服务中心", 0.3)
	case supervision.PhaseConstruct:
		add("科学城建设局", 0.9)
		add("应急管理局", 0.3)
		add("生态环境局", 0.25)
	case supervision.PhaseAcceptance:
		add("科学城建设局", 0.9)
		add("规划和自然资源局", 0.4)
	}
	return out
}

// weather follows Chongqing's climate: foggy overcast winters, wet springs,
// hot summers.
func (g *projectGen) weather(at time.Time) string {
	mean := [12]int{8, 10, 14, 19, 23, 26, 29, 29, 25, 19, 14, 9}[at.Month()-1]
	var sky []string
	switch at.Month() {
	case 12, 1, 2:
		sky = []string{"阴", "阴", "多云", "小雨", "雾"}
	case 3, 4, 5:
		sky = []string{"多云", "晴", "小雨", "阴", "中雨"}
	case 6, 7, 8:
		sky = []string{"晴", "晴", "多云", "雷阵雨", "晴"}
	default:
		sky = []string{"阴", "小雨", "多云", "晴"}
	}
	s := g.pick(sky)
	temp := mean + g.rng.IntN(7) - 3
	switch s {
	case "晴":
		temp += 2
	case "小雨", "中雨", "雷阵雨":
		temp -= 2
	}
	return fmt.Sprintf("%s，%d℃", s, temp)
}

// applies says whether an item makes sense in a phase: there is no
// scaffold to check on a project still choosing its site.
func applies(key string, phase supervision.Phase) bool {
	in := func(keys ...string) bool { return slices.Contains(keys, key) }
	switch {
	case strings.HasPrefix(key, "safety."), strings.HasPrefix(key, "quality."):
		switch phase {
		case supervision.PhaseConstruct:
			return true
		case supervision.PhaseAcceptance:
			return in("safety.duty", "safety.power", "safety.fire", "quality.defects")
		case supervision.PhaseInUse:
			return in("safety.fire")
		}
		return false
	case strings.HasPrefix(key, "dust."):
		switch phase {
		case supervision.PhaseConstruct:
			return true
		case supervision.PhasePermits: // site levelling
			return in("dust.hoarding", "dust.cover")
		case supervision.PhaseAcceptance:
			return in("dust.hoarding", "dust.wash")
		}
		return false
	}
	switch key {
	case "factors.land":
		return phaseIndex(phase) <= phaseIndex(supervision.PhaseConstruct)
	case "factors.power":
		return phase == supervision.PhasePermits || phase == supervision.PhaseConstruct || phase == supervision.PhaseAcceptance
	case "factors.water", "factors.wages":
		return phase == supervision.PhaseConstruct || phase == supervision.PhaseAcceptance
	case "permits.construction":
		return phase != supervision.PhasePreparation
	case "investment.on_pace":
		return true
	}
	return true
}

// baseFailRate is tuned so that five years of history hold about 3,000
// findings (2.5 per visit), the size the storage benchmarks assume.
const baseFailRate = 0.33

func (g *projectGen) verdict(it supervision.Item, st *visitState) supervision.Answer {
	if !applies(it.Key, st.phase) {
		return supervision.Answer{Verdict: supervision.NotApplicable}
	}
	var fail bool
	switch it.Key {
	case "progress.on_schedule":
		p := 0.04
		switch g.p.Light {
		case supervision.LightBehind:
			p = 0.35
		case supervision.LightCritical:
			p = 0.6
		}
		fail = st.phase != supervision.PhaseInUse && g.rng.Float64() < p
	case "investment.on_pace":
		// Judged from the figures themselves, as the inspector would.
		fail = st.at.Month() >= 3 && g.planToDate > 0 && g.ytd < 0.8*g.planToDate
	default:
		fail = g.rng.Float64() < baseFailRate*failWeight(it.Key)*g.failMult
	}
	if !fail {
		return supervision.Answer{Verdict: supervision.Pass}
	}
	is := issue{"现场检查不符合要求", ""}
	if pr, ok := problemFor(it.Key); ok {
		is = pr.issues[g.rng.IntN(len(pr.issues))]
	}
	switch it.Key {
	case "progress.on_schedule":
		list := scheduleIssues(st.phase)
		is = list[g.rng.IntN(len(list))]
	case "investment.on_pace":
		is.found = fmt.Sprintf("年度累计完成投资仅为序时进度的%.0f%%", 100*g.ytd/g.planToDate)
	}
	st.fixes[it.Key] = is.fixed
	return supervision.Answer{Verdict: supervision.Fail, Note: is.found}
}

// answer invents a plausible answer to one item on the day of st.
func (g *projectGen) answer(it supervision.Item, st *visitState) supervision.Answer {
	if it.Kind == supervision.KindPassFail {
		return g.verdict(it, st)
	}
	building := st.phase == supervision.PhaseConstruct
	num := func(v float64) supervision.Answer { v = clamp(it, v); return supervision.Answer{Number: &v} }
	switch it.Key {
	case "progress.image_pct":
		return num(st.progress)
	case "progress.stage":
		if i := phaseIndex(st.phase); i < len(it.Options) {
			return supervision.Answer{Choices: []string{it.Options[i]}}
		}
	case "progress.this_month":
		return supervision.Answer{Text: g.work(thisMonthWork(st.phase), st)}
	case "progress.next_month":
		return supervision.Answer{Text: g.pick(nextMonthWork(st.phase))}
	case "progress.next_milestone":
		for _, m := range g.p.Milestones {
			if actual, ok := m.Actual.Time(st.at.Location()); ok && !actual.After(st.at) {
				continue
			}
			planned, ok := m.Planned.Time(st.at.Location())
			if !ok {
				continue
			}
			a := supervision.Answer{Date: m.Planned, Note: m.Name}
			if planned.Before(st.at) {
				a.Date = supervision.DateOf(st.at.AddDate(0, 0, 15+g.rng.IntN(60)))
				a.Note = m.Name + "（原计划 " + string(m.Planned) + "，已滞后）"
			}
			return a
		}
		return supervision.Answer{Note: "各计划节点均已完成"}
	case "progress.workers":
		return num(g.workers(st))
	case "investment.month":
		return num(g.monthAmt)
	case "investment.ytd":
		return num(g.ytd)
	case "safety.hazards":
		if building {
			return num(float64(3 + g.rng.IntN(23)))
		}
		return num(float64(g.rng.IntN(3)))
	case "safety.major_works":
		return supervision.Answer{Choices: g.majorWorks(it, st)}
	case "quality.concrete":
		if building && st.progress < 80 && g.rng.Float64() < 0.9 {
			return num(math.Round(g.concrete*(1.05+0.3*g.rng.Float64())*10) / 10)
		}
		return supervision.Answer{Note: "本月无混凝土浇筑"}
	case "quality.rating":
		opts := it.Options
		if !building {
			return supervision.Answer{Choices: []string{opts[g.rng.IntN(min(2, len(opts)))]}}
		}
		x := g.rng.Float64() / g.failMult
		i := 0
		switch {
		case x < 0.05:
			i = 3
		case x < 0.2:
			i = 2
		case x < 0.7:
			i = 1
		}
		return supervision.Answer{Choices: []string{opts[min(i, len(opts)-1)]}}
	case "dust.pm10":
		if building || st.phase == supervision.PhasePermits || st.phase == supervision.PhaseAcceptance {
			base := [12]float64{120, 105, 85, 70, 60, 50, 45, 45, 55, 70, 90, 115}[st.at.Month()-1]
			return num(math.Round(base * (0.7 + 0.7*g.rng.Float64())))
		}
		return supervision.Answer{Note: "无土建作业，未设监测点"}
	case "permits.obtained":
		return supervision.Answer{Choices: g.permitsObtained(it, st)}
	case "permits.pending":
		return supervision.Answer{Text: g.pick(pendingPermits(st.phase))}
	case "permits.expected":
		switch st.phase {
		case supervision.PhasePreparation, supervision.PhasePermits:
			return supervision.Answer{Date: supervision.DateOf(st.at.AddDate(0, 0, 30+g.rng.IntN(120)))}
		case supervision.PhaseAcceptance:
			return supervision.Answer{Date: supervision.DateOf(st.at.AddDate(0, 0, 20+g.rng.IntN(40)))}
		}
		return supervision.Answer{Note: "无在办手续"}
	case "factors.finance":
		x := g.rng.Float64() * g.failMult
		i := 0
		switch {
		case x > 1.45:
			i = 3
		case x > 1.1:
			i = 2
		case x > 0.7:
			i = 1
		}
		return supervision.Answer{Choices: []string{it.Options[min(i, len(it.Options)-1)]}}
	case "requests.any":
		if len(st.requests) > 0 {
			return supervision.Answer{Choices: []string{"是"}}
		}
		return supervision.Answer{Choices: []string{"否"}}
	case "requests.types":
		var c []string
		for _, r := range st.requests {
			c = append(c, r.kind.option)
		}
		if len(c) == 0 {
			return supervision.Answer{Note: "无"}
		}
		return supervision.Answer{Choices: c}
	case "requests.detail":
		var lines []string
		for _, r := range st.requests {
			lines = append(lines, r.ask.found)
		}
		if len(lines) == 0 {
			return supervision.Answer{Text: "无"}
		}
		return supervision.Answer{Text: strings.Join(lines, "\n")}
	}
	return g.fallback(it, st)
}

// fallback answers an item the generator has no wording for, so a template
// extended later still yields complete visits.
func (g *projectGen) fallback(it supervision.Item, st *visitState) supervision.Answer {
	switch it.Kind {
	case supervision.KindNumber:
		v := 0.0
		if it.Min != nil && it.Max != nil {
			v = (*it.Min + *it.Max) / 2
		}
		v = clamp(it, v)
		return supervision.Answer{Number: &v}
	case supervision.KindSingleChoice, supervision.KindMultiChoice:
		if len(it.Options) > 0 {
			return supervision.Answer{Choices: []string{it.Options[0]}}
		}
	case supervision.KindDate:
		return supervision.Answer{Date: supervision.DateOf(st.at)}
	}
	return supervision.Answer{Text: "无异常"}
}

func clamp(it supervision.Item, v float64) float64 {
	if it.Min != nil && v < *it.Min {
		v = *it.Min
	}
	if it.Max != nil && v > *it.Max {
		v = *it.Max
	}
	return v
}

// work writes the month's work: two items of the phase's list, with the
// floor or percentage that fits the progress.
func (g *projectGen) work(list []string, st *visitState) string {
	first := g.rng.IntN(len(list))
	second := (first + 1 + g.rng.IntN(len(list)-1)) % len(list)
	fill := func(s string) string {
		if !strings.Contains(s, "%d") {
			return s
		}
		if strings.Contains(s, "层") {
			return fmt.Sprintf(s, max(1, int(math.Round(float64(g.floors)*st.progress/100))))
		}
		return fmt.Sprintf(s, 20+5*g.rng.IntN(16))
	}
	return fill(list[first]) + "；" + fill(list[second])
}

func (g *projectGen) workers(st *visitState) float64 {
	switch st.phase {
	case supervision.PhasePreparation:
		return float64(g.rng.IntN(6))
	case supervision.PhasePermits:
		return float64(g.rng.IntN(25))
	case supervision.PhaseAcceptance:
		return float64(30 + g.rng.IntN(120))
	case supervision.PhaseInUse:
		return float64(5 + g.rng.IntN(40))
	}
	peak := math.Max(80, math.Min(2500, g.p.Investment.Total/250))
	w := peak * (0.35 + 0.65*math.Sin(math.Pi*st.progress/100)) * (0.85 + 0.3*g.rng.Float64())
	if st.at.Month() == time.February { // Spring Festival
		w *= 0.5
	}
	return math.Round(w)
}

func (g *projectGen) majorWorks(it supervision.Item, st *visitState) []string {
	p := st.progress
	want := map[string]bool{}
	if st.phase == supervision.PhaseConstruct {
		want["深基坑"] = p < 15
		want["高支模"] = p >= 10 && p < 70
		want["起重吊装"] = p >= 10 && p < 75
		want["附着式升降脚手架"] = p >= 25 && p < 80
		want["建筑幕墙安装"] = p >= 55 && p < 95
	}
	var out []string
	for _, o := range it.Options {
		if want[o] {
			out = append(out, o)
		}
	}
	if len(out) == 0 && slices.Contains(it.Options, "无") {
		out = []string{"无"}
	}
	return out
}

func (g *projectGen) permitsObtained(it supervision.Item, st *visitState) []string {
	var n int
	switch st.phase {
	case supervision.PhasePreparation:
		n = 1
	case supervision.PhasePermits:
		n = 3
		if st.at.After(g.start.AddDate(0, -4, 0)) {
			n = 5
		}
	default:
		n = len(it.Options)
	}
	// The options list the approvals in the order they are obtained,
	// except that environmental and energy reviews come with the land ones.
	out := slices.Clone(it.Options[:min(n, len(it.Options))])
	if st.phase == supervision.PhasePermits {
		for _, o := range []string{"环评批复", "节能审查"} {
			if slices.Contains(it.Options, o) && !slices.Contains(out, o) {
				out = append(out, o)
			}
		}
	}
	return out
}

// summary writes the paragraph that heads the visit's brief. The 形象进度
// it cites is the figure the visit observes (its answer to the item the
// template binds to it), printed as the documents print the project's
// figure beside it; a template that binds none gives none to cite.
func (g *projectGen) summary(st *visitState, rv reviewCounts, tpl supervision.Template, in supervision.Visit) string {
	var b strings.Builder
	fmt.Fprintf(&b, "项目处于%s阶段", st.phase.Label(supervision.Chinese))
	if st.phase == supervision.PhaseConstruct {
		for _, o := range supervision.VisitObservations(tpl, in, st.at.Location()) {
			if o.Figure == supervision.FigureImageProgress {
				fmt.Fprintf(&b, "，形象进度%s", supervision.FormatPercent(o.Value, 100))
			}
		}
	}
	fmt.Fprintf(&b, "。本月完成投资%s，年度累计完成投资%s", wan(g.monthAmt), wan(g.ytd))
	if plan := g.annualPlan(st.at.Year()); plan > 0 {
		// Rounded as the documents round it, so the paragraph and the
		// table beside it print the same share.
		fmt.Fprintf(&b, "，占年度计划的%s", supervision.FormatPercent(g.ytd/plan, 1))
	}
	b.WriteString("。")
	var problems []*findingGen
	for _, fg := range st.raised {
		if fg.f.Kind == supervision.KindProblem {
			problems = append(problems, fg)
		}
	}
	if len(problems) == 0 && st.onSpot == 0 && st.repeated == 0 {
		b.WriteString("本次督查未发现新问题。")
	}
	if len(problems) > 0 {
		var parts []string
		for _, c := range supervision.Categories() {
			n := 0
			for _, fg := range problems {
				if fg.f.Category == c {
					n++
				}
			}
			if n > 0 {
				parts = append(parts, fmt.Sprintf("%s%d项", c.Label(supervision.Chinese), n))
			}
		}
		fmt.Fprintf(&b, "本次督查发现问题%d项（%s），已交办责任单位限期整改。", len(problems), strings.Join(parts, "、"))
	}
	if st.onSpot > 0 {
		fmt.Fprintf(&b, "另有%d项问题已督促现场立即整改。", st.onSpot)
	}
	if st.repeated > 0 {
		fmt.Fprintf(&b, "%d项问题与上期相同，继续督办。", st.repeated)
	}
	if rv.verified > 0 {
		fmt.Fprintf(&b, "核验前期问题%d项，核验通过待销号%d项。", rv.verified, rv.closed)
	}
	if rv.overdue > 0 {
		fmt.Fprintf(&b, "%d项问题逾期未整改，已再次督办。", rv.overdue)
	}
	if len(st.requests) > 0 {
		var texts []string
		for _, r := range st.requests {
			texts = append(texts, r.ask.found)
		}
		fmt.Fprintf(&b, "企业提出诉求%d项：%s。", len(texts), strings.Join(texts, "；"))
	}
	return b.String()
}

// wan writes an amount of 万元 the way briefs do: 亿元 from 1亿 up.
func wan(v float64) string {
	if v >= 10000 {
		return fmt.Sprintf("%.2f亿元", v/10000)
	}
	return fmt.Sprintf("%.0f万元", v)
}

func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, t.Location())
}
