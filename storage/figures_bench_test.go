package storage

import (
	"testing"
	"time"

	sv "fieldbrief/supervision"
)

// BenchmarkFiguresAsOf reads the figures of all 20 projects of the
// five-year store as a brief does (decision 0033), against the load every
// brief already makes: every visit with its answers. ratioFiguresLoad is
// what the figures add to that load.
func BenchmarkFiguresAsOf(b *testing.B) {
	var h historyStores
	_, five := h.get(b)
	projects, err := five.Projects()
	if err != nil {
		b.Fatal(err)
	}
	date := sv.DateOf(time.Date(2026, 11, 26, 10, 0, 0, 0, cst))
	var tf, tl time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := time.Now()
		for _, p := range projects {
			if _, err := five.FiguresAsOf(p.ID, date); err != nil {
				b.Fatal(err)
			}
		}
		m := time.Now()
		if _, err := five.VisitsWithAnswers(); err != nil {
			b.Fatal(err)
		}
		tf += m.Sub(a)
		tl += time.Since(m)
	}
	b.ReportMetric(float64(tf.Microseconds())/1000/float64(b.N), "figures-ms/op")
	b.ReportMetric(float64(tl.Microseconds())/1000/float64(b.N), "load-ms/op")
	b.ReportMetric(float64(tf)/float64(tl), "ratioFiguresLoad")
}
