package sample

import (
	"crypto/sha256"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"fieldbrief/supervision"
)

var cst = time.FixedZone("CST", 8*3600)

// registerDate is the day the shipped register describes.
var registerDate = time.Date(2026, 11, 26, 10, 0, 0, 0, cst)

func TestRegisterReadsTwentyProjects(t *testing.T) {
	projects, _, err := Register()
	if err != nil {
		t.Fatal(err)
	}
	if len(projects) != 20 {
		t.Fatalf("%d projects, want 20", len(projects))
	}
	ids := map[string]bool{}
	phases := map[supervision.Phase]int{}
	industries := map[supervision.Industry]bool{}
	lights := map[supervision.StatusLight]int{}
	for _, p := range projects {
		if ids[p.ID] {
			t.Errorf("id %s repeats", p.ID)
		}
		ids[p.ID] = true
		phases[p.Phase]++
		industries[p.Industry] = true
		lights[p.Light]++
		if !p.Sample || p.TemplateID != "monthly" || p.ShortName == "" || p.Leader == "" || p.LeadDepartment == "" {
			t.Errorf("%s: incomplete register entry %+v", p.ID, p)
		}
		if p.Lat < 29.5 || p.Lat > 29.7 || p.Lon < 106.3 || p.Lon > 106.5 || !strings.HasPrefix(p.Address, "重庆高新区") {
			t.Errorf("%s: %s at %.4f,%.4f is not in the science city", p.ID, p.Address, p.Lat, p.Lon)
		}
		if n := len(p.Milestones); n < 3 || n > 5 {
			t.Errorf("%s: %d milestones", p.ID, n)
		}
		inv := p.Investment
		if inv.Total < 50000 || inv.Total > 1000000 || inv.AnnualPlan > inv.Total || inv.Completed > inv.AnnualPlan*1.2 {
			t.Errorf("%s: implausible investment %+v", p.ID, inv)
		}
		if !p.Light.Valid() {
			t.Errorf("%s: light %q", p.ID, p.Light)
		}
	}
	for _, ph := range supervision.Phases() {
		if phases[ph] == 0 {
			t.Errorf("no project in phase %s", ph)
		}
	}
	for _, in := range supervision.Industries() {
		if !industries[in] {
			t.Errorf("no project in industry %s", in)
		}
	}
	if lights[supervision.LightNormal] < 10 || lights[supervision.LightBehind] == 0 || lights[supervision.LightCritical] == 0 || lights[supervision.LightCritical] > 2 {
		t.Errorf("lights %v: want mostly on track, some behind, one or two seriously", lights)
	}
	for _, name := range []string{"中国科学院重庆科学中心", "中国自然人群生物资源库重庆中心", "北京大学重庆大数据研究院", "超瞬态实验装置", "重庆大学科学中心", "重庆工业设计中心", "科学城国际人才社区"} {
		if !slices.ContainsFunc(projects, func(p supervision.Project) bool { return p.Name == name }) {
			t.Errorf("the article's project %s is missing", name)
		}
	}
}

func TestRegisterShipsTwoVersionsOfTheMonthlyChecklist(t *testing.T) {
	_, templates, err := Register()
	if err != nil {
		t.Fatal(err)
	}
	if len(templates) != 2 || templates[0].Version != 1 || templates[1].Version != 2 || templates[0].ID != "monthly" || templates[1].ID != "monthly" {
		t.Fatalf("templates %v, want monthly v1 and v2", templateNames(templates))
	}
	v1, v2 := templates[0], templates[1]
	if len(v2.Items()) < 30 || len(v1.Items()) >= len(v2.Items()) {
		t.Fatalf("v1 has %d items, v2 %d: want v2 ≥ 30 and v1 fewer", len(v1.Items()), len(v2.Items()))
	}
	for _, it := range v1.Items() {
		if _, ok := v2.Item(it.Key); !ok {
			t.Errorf("v2 dropped item %s: answers could no longer be compared across versions", it.Key)
		}
	}
	kinds := map[supervision.ItemKind]int{}
	var required, photo, raising int
	for _, it := range v2.Items() {
		kinds[it.Kind]++
		if it.Required {
			required++
		}
		if it.PhotoRequired {
			photo++
		}
		if it.FailRaisesFinding {
			raising++
			if it.Kind != supervision.KindPassFail || !it.FindingCategory.Valid() {
				t.Errorf("%s raises findings but is %s with category %q", it.Key, it.Kind, it.FindingCategory)
			}
		}
		if it.TitleEn == "" {
			t.Errorf("%s has no English title", it.Key)
		}
		if it.Kind == supervision.KindNumber && (it.Unit == "" || it.Min == nil) {
			t.Errorf("number item %s lacks a unit or a lower bound", it.Key)
		}
	}
	for _, k := range []supervision.ItemKind{supervision.KindPassFail, supervision.KindNumber, supervision.KindText, supervision.KindSingleChoice, supervision.KindMultiChoice, supervision.KindDate} {
		if kinds[k] == 0 {
			t.Errorf("no item of kind %s", k)
		}
	}
	if required < 5 || photo < 3 || raising < 15 {
		t.Errorf("required %d, photo-required %d, raising findings %d", required, photo, raising)
	}
	var sections []string
	for _, s := range v2.Sections {
		sections = append(sections, s.Title)
	}
	if want := []string{"工程进度", "投资完成", "安全生产", "工程质量", "扬尘与文明施工", "审批手续", "要素保障", "企业诉求"}; !slices.Equal(sections, want) {
		t.Errorf("sections %v, want %v", sections, want)
	}
}

func templateNames(ts []supervision.Template) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.ID+"@"+string(rune('0'+t.Version)))
	}
	return out
}

func TestRegisterRefusesBrokenDataWithAReadableError(t *testing.T) {
	good := func() fstest.MapFS {
		return fstest.MapFS{
			"projects.json":         {Data: []byte(`[{"id":"p01","name":"测试项目","industry":"it","phase":"in_use","template_id":"monthly","investment":{"total":1,"annual_plan":1,"completed":0},"leader":"x","lead_department":"y","address":"z","light":"normal","planned_start":"2020-01-01","planned_finish":"2021-01-01"}]`)},
			"template-monthly.json": {Data: []byte(`{"id":"monthly","version":1,"title":"清单","sections":[{"key":"s","title":"s","items":[{"key":"a","title":"a","kind":"text"}]}]}`)},
		}
	}
	if _, _, err := register(good()); err != nil {
		t.Fatalf("the minimal register was refused: %v", err)
	}
	cases := map[string]func(fstest.MapFS){
		"truncated JSON": func(m fstest.MapFS) { m["projects.json"].Data = m["projects.json"].Data[:40] },
		"misspelt field": func(m fstest.MapFS) {
			m["projects.json"].Data = []byte(strings.Replace(string(m["projects.json"].Data), `"leader"`, `"leeder"`, 1))
		},
		"unknown phase": func(m fstest.MapFS) {
			m["projects.json"].Data = []byte(strings.Replace(string(m["projects.json"].Data), `in_use`, `done`, 1))
		},
		"unknown template": func(m fstest.MapFS) { delete(m, "template-monthly.json") },
		"invalid template": func(m fstest.MapFS) {
			m["template-monthly.json"].Data = []byte(strings.Replace(string(m["template-monthly.json"].Data), `"text"`, `"essay"`, 1))
		},
		"missing register": func(m fstest.MapFS) { delete(m, "projects.json") },
		"repeated version": func(m fstest.MapFS) { m["template-monthly-copy.json"] = m["template-monthly.json"] },
	}
	for name, breakIt := range cases {
		m := good()
		for k, f := range m { // MapFile values are pointers: copy before changing
			c := *f
			m[k] = &c
		}
		breakIt(m)
		_, _, err := register(m)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if supervision.ErrorCode(err) != supervision.EInternal || !strings.Contains(supervision.ErrorMessage(err, supervision.Chinese), "示例数据") {
			t.Errorf("%s: want an EInternal error naming the sample data, got %v", name, err)
		}
	}
}

func generate(t testing.TB, opts Options) Dataset {
	t.Helper()
	ds, err := Generate(opts)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

func digest(t testing.TB, ds Dataset) [32]byte {
	t.Helper()
	b, err := json.Marshal(ds)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestGenerateIsDeterministicForASeed(t *testing.T) {
	opts := Options{Now: registerDate, Months: 12, Seed: 7}
	a, b := digest(t, generate(t, opts)), digest(t, generate(t, opts))
	if a != b {
		t.Fatal("the same seed gave different data")
	}
	opts.Seed = 8
	if digest(t, generate(t, opts)) == a {
		t.Fatal("another seed gave the same data")
	}
}

// progressCitedRE finds the 形象进度 a visit's summary cites.
var progressCitedRE = regexp.MustCompile(`形象进度约?([0-9.]+%)`)

// check verifies what must hold of any generated dataset.
func check(t *testing.T, ds Dataset, now time.Time) {
	t.Helper()
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	ids := map[string]bool{}
	newID := func(kind, id string) {
		if !uuid.MatchString(id) || ids[id] {
			t.Errorf("%s id %q is not a fresh UUIDv7", kind, id)
		}
		ids[id] = true
	}
	templates := map[int]supervision.Template{}
	for _, tpl := range ds.Templates {
		templates[tpl.Version] = tpl
	}
	visits := map[string]supervision.Visit{}
	lastProgress := map[string]float64{}
	for _, in := range ds.Visits {
		newID("inspection", in.ID)
		visits[in.ID] = in
		tpl, ok := templates[in.TemplateVersion]
		if !ok {
			t.Fatalf("visit %s uses unknown template version %d", in.ID, in.TemplateVersion)
		}
		if in.Status != supervision.Submitted || !in.Sample || len(in.Inspectors) == 0 || in.Weather == "" || in.Summary == "" || len(in.DepartmentsPresent) == 0 {
			t.Errorf("visit %s incomplete: %+v", in.ID, in)
		}
		if !in.StartedAt.Before(in.FinishedAt) || in.FinishedAt.After(now) {
			t.Errorf("visit %s from %s to %s, now %s", in.ID, in.StartedAt, in.FinishedAt, now)
		}
		if len(in.Answers) != len(tpl.Items()) {
			t.Errorf("visit %s answers %d of %d items", in.ID, len(in.Answers), len(tpl.Items()))
		}
		for _, it := range tpl.Items() {
			a, ok := in.Answers[it.Key]
			if !ok {
				continue
			}
			if err := it.Check(a); err != nil {
				t.Errorf("visit %s: %v", in.ID, err)
			}
			if it.Required && !a.IsAnswered(it.Kind) {
				t.Errorf("visit %s leaves required item %s unanswered", in.ID, it.Key)
			}
			if a.AnsweredAt.Before(in.StartedAt) || a.AnsweredAt.After(in.FinishedAt) {
				t.Errorf("visit %s: %s answered at %s, outside the visit", in.ID, it.Key, a.AnsweredAt)
			}
		}
		// The paragraph cites the 形象进度 the visit observes, as the
		// documents print the project's figure beside it, or none at all.
		cited := progressCitedRE.FindStringSubmatch(in.Summary)
		for _, o := range supervision.VisitObservations(tpl, in, cst) {
			if o.Figure == supervision.FigureImageProgress && cited != nil && cited[1] != supervision.FormatPercent(o.Value, 100) {
				t.Errorf("visit %s: the summary says 形象进度%s; the visit observes %s", in.ID, cited[1], supervision.FormatPercent(o.Value, 100))
			}
		}
		if cited != nil && !slices.ContainsFunc(supervision.VisitObservations(tpl, in, cst), func(o supervision.Observation) bool { return o.Figure == supervision.FigureImageProgress }) {
			t.Errorf("visit %s: the summary cites 形象进度%s, which the visit does not observe", in.ID, cited[1])
		}
		if p := *in.Answers["progress.image_pct"].Number; p < lastProgress[in.ProjectID] {
			t.Errorf("project %s went back from %.0f%% to %.0f%% on %s", in.ProjectID, lastProgress[in.ProjectID], p, in.StartedAt)
		} else {
			lastProgress[in.ProjectID] = p
		}
	}
	for _, f := range ds.Findings {
		newID("finding", f.ID)
		if err := f.Validate(); err != nil {
			t.Errorf("finding %s: %v", f.ID, err)
		}
		raisedIn, ok := visits[f.VisitID]
		if !ok || raisedIn.ProjectID != f.ProjectID || !f.Sample {
			t.Errorf("finding %s is not tied to a visit of its project", f.ID)
		}
		if ans := raisedIn.Answers[f.ItemKey]; f.Kind == supervision.KindProblem && ans.Verdict != supervision.Fail {
			t.Errorf("finding %s raised from item %s answered %q", f.ID, f.ItemKey, ans.Verdict)
		}
		// The deadline set when it was raised; a 再次督办 moved it later.
		first := f.DeadlineAt(f.CreatedAt)
		deadline, _ := first.Time(cst)
		if days := deadline.Sub(f.CreatedAt).Hours() / 24; days < 6 || days > 31 {
			t.Errorf("finding %s: deadline %s is %.0f days after %s", f.ID, first, days, f.CreatedAt)
		}
		// Replay the history through the workflow: it must be a path the
		// rules allow, ending where the finding stands. Closing is a
		// leader's move, and only the project's leader closes.
		replay := supervision.Finding{Status: supervision.StatusOpen, Deadline: first}
		at := f.CreatedAt
		for _, h := range f.History {
			if h.From != replay.Status {
				t.Errorf("finding %s: history jumps from %s to a move from %s", f.ID, replay.Status, h.From)
			}
			role := supervision.RoleInspector
			if h.To == supervision.StatusClosed {
				role = supervision.RoleLeader
			}
			if err := replay.Apply(supervision.Move{To: h.To, By: h.By, Role: role, Note: h.Note, Evidence: h.Evidence, VisitID: h.VisitID, At: h.At, Deadline: h.Deadline}); err != nil {
				t.Errorf("finding %s: %v", f.ID, err)
			}
			if h.At.Before(at) || h.At.After(now) {
				t.Errorf("finding %s: move to %s at %s, out of order or after now", f.ID, h.To, h.At)
			}
			at = h.At
			if h.VisitID != "" {
				if v, ok := visits[h.VisitID]; !ok || v.ProjectID != f.ProjectID || h.At.Before(v.StartedAt) || h.At.After(v.FinishedAt) {
					t.Errorf("finding %s: move to %s names visit %s, which is not of this project at that time", f.ID, h.To, h.VisitID)
				}
			}
		}
		if replay.Status != f.Status {
			t.Errorf("finding %s is %s but its history ends at %s", f.ID, f.Status, replay.Status)
		}
		if f.Status == supervision.StatusClosed && (f.VerifiedBy == "" || f.ClosedAt.IsZero()) {
			t.Errorf("finding %s closed without verifier", f.ID)
		}
		for _, n := range f.Notes {
			newID("note", n.ID)
			if n.At.Before(f.CreatedAt) || n.At.After(now) {
				t.Errorf("finding %s: note at %s", f.ID, n.At)
			}
		}
	}
}

func TestGeneratedHistoryHoldsTogether(t *testing.T) {
	for _, now := range []time.Time{
		registerDate,
		time.Date(2021, 3, 1, 8, 0, 0, 0, cst), // before any visit this month
		time.Date(2031, 7, 31, 20, 0, 0, 0, time.UTC),
	} {
		t.Run(now.Format(time.DateOnly), func(t *testing.T) {
			check(t, generate(t, Options{Now: now, Months: 24, Seed: 3}), now)
		})
	}
}

func TestTemplateVersionFollowsTheDate(t *testing.T) {
	ds := generate(t, Options{Now: registerDate, Months: 12, Seed: 1})
	cutover := time.Date(2026, 5, 1, 0, 0, 0, 0, cst)
	for _, in := range ds.Visits {
		want := 2
		if in.StartedAt.Before(cutover) {
			want = 1
		}
		if in.TemplateVersion != want {
			t.Fatalf("visit on %s used version %d, want %d", in.StartedAt, in.TemplateVersion, want)
		}
	}
}

func TestAYearOfHistoryShowsEveryState(t *testing.T) {
	for seed := int64(1); seed <= 4; seed++ {
		ds := generate(t, Options{Now: registerDate, Months: 12, Seed: seed})
		if len(ds.Visits) != 240 {
			t.Errorf("seed %d: %d visits, want 240", seed, len(ds.Visits))
		}
		last := map[string]time.Time{}
		for _, in := range ds.Visits {
			if in.StartedAt.After(last[in.ProjectID]) {
				last[in.ProjectID] = in.StartedAt
			}
		}
		var overdueVisits, visitedNow int
		for _, p := range ds.Projects {
			if last[p.ID].IsZero() {
				t.Errorf("seed %d: project %s never visited", seed, p.ID)
			}
			due := supervision.NextVisit(last[p.ID], time.Time{}, registerDate)
			if due.Overdue {
				overdueVisits++
			}
			if due.VisitedThisMonth {
				visitedNow++
			}
		}
		if overdueVisits < 2 || overdueVisits > 4 || visitedNow < 8 || visitedNow > 12 {
			t.Errorf("seed %d: %d projects overdue and %d visited this month; want a few and about half", seed, overdueVisits, visitedNow)
		}
		statuses := map[supervision.Status]int{}
		var overdue, requests, reminded int
		for _, f := range ds.Findings {
			statuses[f.Status]++
			if f.Overdue(registerDate) {
				overdue++
			}
			if f.Kind == supervision.KindRequest {
				requests++
			}
			for _, h := range f.History {
				if h.IsRedispatch() {
					reminded++
					break
				}
			}
		}
		for _, s := range supervision.Statuses() {
			if statuses[s] == 0 {
				t.Errorf("seed %d: no finding %s (%v)", seed, s, statuses)
			}
		}
		if statuses[supervision.StatusClosed] < len(ds.Findings)/2 || overdue < 5 || requests < 20 || reminded == 0 {
			t.Errorf("seed %d: statuses %v, %d overdue, %d requests, %d chased: want mostly closed, some overdue, requests and reminders", seed, statuses, overdue, requests, reminded)
		}
	}
}

func TestRegisterAtItsOwnDateKeepsItsPhases(t *testing.T) {
	projects, _, err := Register()
	if err != nil {
		t.Fatal(err)
	}
	ds := generate(t, Options{Now: registerDate, Months: 12, Seed: 1})
	for i, p := range ds.Projects {
		if p.Phase != projects[i].Phase {
			t.Errorf("%s: register says %s, the history ends in %s: the planned dates in projects.json disagree with the phase", p.ID, projects[i].Phase, p.Phase)
		}
		if p.Investment.Completed <= 0 || p.Investment.AnnualPlan <= 0 {
			t.Errorf("%s: investment %+v", p.ID, p.Investment)
		}
	}
}

func TestFiveYearStore(t *testing.T) {
	if testing.Short() {
		t.Skip("five years of history")
	}
	start := time.Now()
	ds := generate(t, Options{Now: registerDate, Months: 60, Seed: 1})
	elapsed := time.Since(start)
	if len(ds.Visits) != 1200 {
		t.Errorf("%d visits, want 1,200", len(ds.Visits))
	}
	if n := len(ds.Findings); n < 2700 || n > 3300 {
		t.Errorf("%d findings, want about 3,000", n)
	}
	answers := 0
	for _, in := range ds.Visits {
		answers += len(in.Answers)
	}
	if per := float64(answers) / float64(len(ds.Visits)); per < 37 {
		t.Errorf("%.1f answers per visit, want about 40", per)
	}
	t.Logf("five years: %d visits, %d answers, %d findings in %s", len(ds.Visits), answers, len(ds.Findings), elapsed)
}

func TestGenerateRefusesAnAbsurdSpan(t *testing.T) {
	if _, err := Generate(Options{Now: registerDate, Months: -1}); supervision.ErrorCode(err) != supervision.EInvalid {
		t.Fatalf("negative months: %v", err)
	}
}

func BenchmarkGenerateFiveYears(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(Options{Now: registerDate, Months: 60, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAddressesNameTheTownOnce: 含谷镇含谷镇 reads as a typing error on a
// document a leader signs.
func TestAddressesNameTheTownOnce(t *testing.T) {
	ds := generate(t, Options{Now: registerDate, Months: 1, Seed: 1})
	for _, p := range ds.Projects {
		rest := strings.TrimPrefix(p.Address, "重庆高新区")
		for _, suffix := range []string{"街道", "镇"} {
			if i := strings.Index(rest, suffix); i > 0 {
				town := rest[:i+len(suffix)]
				if strings.HasPrefix(rest[len(town):], town) {
					t.Errorf("%s: %s names %s twice", p.ID, p.Address, town)
				}
				break
			}
		}
	}
}
