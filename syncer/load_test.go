package syncer

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// Fifteen laptops sync against one portal at once: each pulls the
// register, records findings and a photo, and syncs again. No sync may
// fail, and the laptops end equal to the portal. Fifteen make the syncs
// overlap in every phase as fifty do, in a third of the time under the race
// detector; BenchmarkFiftyLaptopsAtOnce runs fifty and reports the
// latencies for BENCHMARKS.sync.md.
func TestLaptopsAtOnce(t *testing.T) {
	lat, wall := laptopsAtOnce(t, 15)
	t.Logf("15 laptops, %d syncs in %v: p50 %v, max %v", len(lat), wall.Round(time.Millisecond),
		quantile(lat, 0.50).Round(time.Millisecond), lat[len(lat)-1].Round(time.Millisecond))
}

// BenchmarkFiftyLaptopsAtOnce is TestLaptopsAtOnce with fifty laptops, as
// the issue asked; -benchtime 1x.
func BenchmarkFiftyLaptopsAtOnce(b *testing.B) {
	for range b.N {
		lat, wall := laptopsAtOnce(b, 50)
		b.ReportMetric(float64(quantile(lat, 0.50).Milliseconds()), "p50-ms")
		b.ReportMetric(float64(quantile(lat, 0.99).Milliseconds()), "p99-ms")
		b.ReportMetric(wall.Seconds(), "wall-s")
	}
}

// quantile of sorted latencies.
func quantile(lat []time.Duration, q float64) time.Duration {
	return lat[min(len(lat)-1, int(q*float64(len(lat))))]
}

// laptopsAtOnce runs the crowd and returns the sorted sync latencies and
// the wall time of the whole crowd.
func laptopsAtOnce(t testing.TB, laptops int) ([]time.Duration, time.Duration) {
	base := startPortal(t)
	ls := make([]*laptop, laptops)
	for i := range ls {
		user := "inspector1"
		if i%2 == 1 {
			user = "inspector2"
		}
		ls[i] = newLaptop(t, base, user, nil)
	}
	var mu sync.Mutex
	var lat []time.Duration
	var errs []error
	var wg sync.WaitGroup
	start := time.Now()
	for i, l := range ls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 9))
			timed := func() {
				t0 := time.Now()
				_, err := New(l.store, l.client, Options{}).Sync(context.Background())
				mu.Lock()
				defer mu.Unlock()
				lat = append(lat, time.Since(t0))
				if err != nil {
					errs = append(errs, fmt.Errorf("laptop %d: %w", i, err))
				}
			}
			timed()
			for k := range 5 {
				f := sv.Finding{ID: sv.NewID(time.Now()), ProjectID: fmt.Sprintf("p%02d", 1+(i+k)%20), Kind: sv.KindProblem, Category: sv.CategoryDust,
					Severity: sv.SeverityMinor, Description: "围挡破损", ResponsibleUnit: "施工单位", Deadline: "2026-12-31"}
				if err := l.store.CreateFinding(f); err != nil {
					t.Error(err)
					return
				}
			}
			p, data := randomPhoto(t, rng, 200<<10)
			if _, err := l.store.PutPhoto(p, storage.PhotoBlobs{Original: data}); err != nil {
				t.Error(err)
				return
			}
			timed()
			timed()
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	for _, err := range errs {
		t.Error(err)
	}
	slices.Sort(lat)
	if len(lat) != 3*laptops {
		t.Fatalf("%d syncs, want %d", len(lat), 3*laptops)
	}
	hash := portalHash(t, base)
	for _, l := range ls[:3] {
		if _, err := New(l.store, l.client, Options{}).Sync(context.Background()); err != nil {
			t.Fatal(err)
		}
		if l.hash(t) != hash {
			t.Fatal("a laptop differs from the portal after the crowd synced")
		}
	}
	return lat, wall
}
