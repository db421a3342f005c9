package app

import (
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fieldbrief/sample"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// fiveYears is the foundation's benchmark store: the sample register with
// 60 months of history (1,200 visits × ~38 answers, ~3,000 findings). It is
// built once per benchmark run, however often the benchmark function is
// called while go test sizes b.N, in a temporary folder removed at the end.
type fiveYears struct {
	once  sync.Once
	dir   string
	store *storage.Store
	err   error
}

// benchNow is the moment the five-year history ends.
var benchNow = time.Date(2026, 11, 26, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func (f *fiveYears) get(b *testing.B) *storage.Store {
	b.Helper()
	f.once.Do(func() {
		f.dir, f.err = os.MkdirTemp("", "fieldbrief-ui-bench-")
		if f.err != nil {
			return
		}
		var s *storage.Store
		s, f.err = storage.Open(f.dir, storage.Options{Now: func() time.Time { return benchNow }})
		if f.err != nil {
			return
		}
		start := time.Now()
		ds, err := sample.Generate(sample.Options{Now: benchNow, Months: 60, Seed: 1})
		if err == nil {
			err = s.ImportRegister(ds.Projects, ds.Templates, true)
		}
		if err == nil {
			err = s.ImportHistory(ds.Visits, ds.Findings)
		}
		if err != nil {
			s.Close()
			f.err = err
			return
		}
		f.store = s
		b.Logf("five-year store: %d visits, %d findings, built in %v in %s",
			len(ds.Visits), len(ds.Findings), time.Since(start).Round(time.Millisecond), filepath.Base(f.dir))
	})
	if f.err != nil {
		b.Fatal(f.err)
	}
	return f.store
}

func (f *fiveYears) close() {
	if f.store != nil {
		f.store.Close()
	}
	if f.dir != "" {
		os.RemoveAll(f.dir)
	}
}

// BenchmarkScreens measures the storage calls each screen makes when it
// opens, on the five-year store. The screens make them through
// Config.Background, never on the UI goroutine; the figures say how long
// a screen waits for its data, and must stay under 100 ms so that opening
// one shows no visible pause. Run with:
//
//	go test -run '^$' -bench BenchmarkScreens -benchtime 20x ./app/
func BenchmarkScreens(b *testing.B) {
	var fy fiveYears
	defer fy.close()
	s := fy.get(b)
	projects, err := s.Projects()
	if err != nil || len(projects) == 0 {
		b.Fatalf("projects: %v", err)
	}
	// The busiest project: the most findings over five years.
	busiest, most := projects[0].ID, -1
	for _, p := range projects {
		fs, err := s.Findings(storage.FindingFilter{ProjectID: p.ID})
		if err != nil {
			b.Fatal(err)
		}
		if len(fs) > most {
			busiest, most = p.ID, len(fs)
		}
	}
	visits, err := s.ProjectVisits(busiest)
	if err != nil || len(visits) == 0 {
		b.Fatalf("visits: %v", err)
	}
	lastVisit := visits[0].ID
	draft := draftID(b, s, busiest)

	// Each case is exactly what the screen's load function reads.
	cases := []struct {
		name string
		load func() error
	}{
		{"dashboard", func() error {
			_, err := s.Dashboard(benchNow)
			return err
		}},
		{"project_page", func() error {
			if _, err := s.Project(busiest); err != nil {
				return err
			}
			if _, err := s.ProjectVisits(busiest); err != nil {
				return err
			}
			if _, err := s.Findings(storage.FindingFilter{ProjectID: busiest}); err != nil {
				return err
			}
			photos, err := s.ProjectPhotos(busiest, maxProjectPhotos)
			for _, p := range photos {
				s.PhotoBlob(p.Hash, storage.BlobThumbnail)
			}
			return err
		}},
		{"findings_list_first", func() error {
			if _, err := s.Projects(); err != nil {
				return err
			}
			if _, err := s.ResponsibleUnits(); err != nil {
				return err
			}
			_, err := s.Findings(storage.FindingFilter{ActiveOnly: true})
			return err
		}},
		{"findings_list_all", func() error {
			_, err := s.Findings(storage.FindingFilter{})
			return err
		}},
		{"findings_search_by_pinyin", func() error {
			units, err := s.ResponsibleUnits()
			if err != nil {
				return err
			}
			_, err = s.Findings(storage.FindingFilter{Text: "kxcjsj", TextUnits: matchingUnits(units, "kxcjsj")})
			return err
		}},
		{"findings_list_overdue", func() error {
			_, err := s.Findings(storage.FindingFilter{ActiveOnly: true, OverdueAt: benchNow})
			return err
		}},
		{"open_visit", func() error {
			in, err := s.Visit(lastVisit)
			if err != nil {
				return err
			}
			if _, err := s.Template(in.TemplateID, in.TemplateVersion); err != nil {
				return err
			}
			if _, err := s.Project(in.ProjectID); err != nil {
				return err
			}
			if _, err := s.ActiveFindings(in.ProjectID); err != nil {
				return err
			}
			if _, err := s.ResponsibleUnits(); err != nil {
				return err
			}
			// The visit before it, whose answers each item shows.
			_, _, err = previousVisit(s, in)
			return err
		}},
		{"save_answer", func() error {
			return s.SaveAnswer(draft, sv.Answer{ItemKey: "progress.this_month", Text: "主体结构施工", AnsweredAt: benchNow})
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var worst time.Duration
			for i := 0; i < b.N; i++ {
				start := time.Now()
				if err := c.load(); err != nil {
					b.Fatal(err)
				}
				if d := time.Since(start); d > worst {
					worst = d
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
			b.ReportMetric(float64(worst.Microseconds())/1000, "worst-ms")
		})
	}
}

// draftID returns the project's draft visit, starting one the first time.
func draftID(b *testing.B, s *storage.Store, projectID string) string {
	b.Helper()
	visits, err := s.ProjectVisits(projectID)
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range visits {
		if v.Status == sv.Draft {
			return v.ID
		}
	}
	in, err := s.StartVisit(projectID, []string{"张伟"})
	if err != nil {
		b.Fatal(err)
	}
	return in.ID
}

// busiestProject is the project with the most open findings, and how
// many it has: the heaviest project page and visit to time.
func busiestProject(b *testing.B, s *storage.Store) (id string, open int) {
	b.Helper()
	projects, err := s.Projects()
	if err != nil {
		b.Fatal(err)
	}
	open = -1
	for _, p := range projects {
		fs, err := s.ActiveFindings(p.ID)
		if err != nil {
			b.Fatal(err)
		}
		if len(fs) > open {
			id, open = p.ID, len(fs)
		}
	}
	return id, open
}

// BenchmarkVisitPageSwitch times Ctrl+PageUp/PageDown between two pages of
// a visit already seen once — a checklist section and the re-check page of
// the busiest project, with its open findings — as the window does it
// (showPane), in the test driver: the widget work on the UI goroutine,
// not the GPU's drawing.
func BenchmarkVisitPageSwitch(b *testing.B) {
	var fy fiveYears
	defer fy.close()
	s := fy.get(b)
	busiest, most := busiestProject(b, s)
	draft := draftID(b, s, busiest)
	ui, err := newMainUI(test.NewTempApp(b), Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return benchNow }, Background: inPlace})
	if err != nil {
		b.Fatal(err)
	}
	ui.window.Resize(fyne.NewSize(1240, 760))
	ui.openVisit(draft, false)
	v := ui.visit()
	if v == nil || !v.loaded {
		b.Fatal("the visit did not open")
	}
	last := len(v.panes) - 1
	v.showPane(last - 1)
	v.showPane(last)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v.showPane(last - 1)
		v.showPane(last)
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(2*b.N), "ms/switch")
	b.ReportMetric(float64(most), "open-findings")
}

// BenchmarkWindow times the widget work of the window's screens on the
// five-year store, in the test driver (no GPU drawing): opening the window
// with its dashboard, resizing it (the dashboard fits its columns again),
// opening the busiest project, the findings list with all findings, and
// a draft visit with each of its pages shown once. Storage is read in
// place, as in the tests; BenchmarkScreens times the reads alone. Most of
// this is Fyne measuring texts (go-text shaping), which is what needless
// refreshes and theme overrides multiply (BENCHMARKS.ui.md).
//
//	go test -run '^$' -bench BenchmarkWindow -benchtime 20x ./app/
func BenchmarkWindow(b *testing.B) {
	var fy fiveYears
	defer fy.close()
	s := fy.get(b)
	busiest, _ := busiestProject(b, s)
	draft := draftID(b, s, busiest)
	a := test.NewTempApp(b)
	open := func(b *testing.B) *mainUI {
		ui, err := newMainUI(a, Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return benchNow }, Background: inPlace})
		if err != nil {
			b.Fatal(err)
		}
		ui.window.Resize(fyne.NewSize(1240, 760))
		if len(ui.dash.rows) == 0 {
			b.Fatal("the dashboard shows no projects")
		}
		return ui
	}
	b.Run("open window with dashboard", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			open(b).window.Close()
		}
	})
	ui := open(b)
	defer ui.window.Close()
	b.Run("resize dashboard", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			ui.window.Resize(fyne.NewSize(1366, 768))
			ui.window.Resize(fyne.NewSize(1100, 700))
		}
	})
	b.Run("open busiest project", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if ui.openProject(busiest, false) == nil {
				b.Fatal("the project did not open")
			}
		}
	})
	b.Run("open findings list, all", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			ui.openFindings(storage.FindingFilter{}, false)
		}
	})
	b.Run("open draft visit, every page", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			ui.openVisit(draft, false)
			v := ui.visit()
			if v == nil || !v.loaded {
				b.Fatal("the visit did not open")
			}
			for p := range v.panes {
				v.showPane(p)
			}
		}
	})
}
