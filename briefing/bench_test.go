package briefing

import (
	"testing"
	"time"

	"fieldbrief/docinput"
	"fieldbrief/sample"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// BenchmarkProjectsAsOf measures what one source for the figures adds to a
// brief from the five-year store (20 projects × 60 visits): the figures of
// every project from the register's history and the visits already
// loaded, against the load every brief already makes (every visit with its
// answers). ratioAddedLoad is the share the figures add.
func BenchmarkProjectsAsOf(b *testing.B) {
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, cst)
	s, err := storage.Open(b.TempDir(), storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := sample.InstallMonths(s, now, 60); err != nil {
		b.Fatal(err)
	}
	projects, _ := s.Projects()
	templates, _ := s.Templates()
	var tf, tl time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := time.Now()
		visits, err := s.VisitsWithAnswers()
		if err != nil {
			b.Fatal(err)
		}
		m := time.Now()
		r := docinput.Records{Projects: projects, Templates: templates, Visits: visits}
		if _, err := docinput.ProjectsAsOf(s, r, sv.DateOf(now), now.Location()); err != nil {
			b.Fatal(err)
		}
		tl += m.Sub(a)
		tf += time.Since(m)
	}
	b.ReportMetric(float64(tf.Microseconds())/1000/float64(b.N), "figures-ms/op")
	b.ReportMetric(float64(tl.Microseconds())/1000/float64(b.N), "load-ms/op")
	b.ReportMetric(float64(tf)/float64(tl), "ratioAddedLoad")
}
