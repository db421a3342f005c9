package syncer

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// firstSync is the outcome of one first sync through a throttled link.
type firstSync struct {
	changes     int
	payload     int64 // bytes of change records
	photos      int   // photos waiting before the sync
	photoBytes  int64
	took, ideal time.Duration
	report      Report
	wire        int64
}

func (f firstSync) ratio() float64 { return float64(f.took) / float64(f.ideal) }

func (f firstSync) String() string {
	return fmt.Sprintf("%d changes (%d KB) and %d photos (%d KB): %v through 2 MB/s, ideal %v, ratio %.3f; %d requests, %d KB on the wire",
		f.changes, f.payload>>10, f.photos, f.photoBytes>>10, f.took.Round(time.Millisecond), f.ideal.Round(time.Millisecond),
		f.ratio(), f.report.Requests, f.wire>>10)
}

// runFirstSync fills a new laptop with visits submitted with every item
// answered (required photos attached), then with extra(pending) more photos
// of photoSize bytes, and times its first sync through a loopback proxy
// shaped to 2 MB/s each way.
func runFirstSync(t testing.TB, visits int, extra func(pending int) int, photoSize func(*rand.Rand) int) firstSync {
	const bandwidth = 2 << 20
	base := startPortal(t)
	px := newProxy(t, base)
	l := newLaptop(t, px.URL(), "inspector1", nil)
	l.sync(t, Options{})
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range visits {
		in, err := l.store.StartVisit(fmt.Sprintf("p%02d", 1+i%20), []string{"李督查"})
		if err != nil {
			t.Fatal(err)
		}
		answerAll(t, l.store, in)
		if _, err := l.store.SubmitVisit(in.ID); err != nil {
			t.Fatalf("visit %d: %q", i, sv.ErrorMessage(err, sv.English))
		}
	}
	st0, _ := ReadStatus(l.store)
	for range extra(st0.PendingPhotos) {
		p, data := randomPhoto(t, rng, photoSize(rng))
		if _, err := l.store.PutPhoto(p, storage.PhotoBlobs{Original: data}); err != nil {
			t.Fatal(err)
		}
	}
	changes, _ := l.store.Outbox(0, 1<<30)
	var f firstSync
	f.changes = len(changes)
	for _, c := range changes {
		f.payload += int64(len(c.Data))
	}
	st, _ := ReadStatus(l.store)
	f.photos, f.photoBytes = st.PendingPhotos, st.PendingPhotoBytes
	px.set(func(p *proxy) { p.rate = bandwidth })
	up, down := px.up.Load(), px.down.Load()
	start := time.Now()
	f.report = l.sync(t, Options{})
	f.took = time.Since(start)
	f.ideal = time.Duration(float64(f.payload+f.photoBytes) / bandwidth * float64(time.Second))
	f.wire = px.up.Load() - up + px.down.Load() - down
	return f
}

// The first sync of a laptop full of visits and photos through a 2 MB/s
// link takes little more than the bytes divided by the bandwidth: no idle
// round trips, little protocol overhead. Scaled down from the 1,000
// visits and 5,000 photos to keep the test short (BenchmarkFirstSyncFullScale
// runs the full size); the ratio is what counts.
func TestFirstSyncThroughAThrottledLink(t *testing.T) {
	// 60 visits with their required photos, plus 40 photos of 100–400 KB,
	// as resized site photos are.
	f := runFirstSync(t, 60, func(int) int { return 40 }, func(rng *rand.Rand) int { return 100<<10 + rng.IntN(300<<10) })
	t.Log(f)
	if f.report.PhotosSent != f.photos {
		t.Fatalf("sent %d of %d photos", f.report.PhotosSent, f.photos)
	}
	// The race detector slows the engine and the proxy several times over;
	// the 1.15 target is checked in ordinary builds (see BENCHMARKS.sync.md).
	limit := 1.15
	if raceEnabled {
		limit = 2.5
	}
	if f.ratio() > limit {
		t.Fatalf("took %v, more than %.2f × %v", f.took, limit, f.ideal)
	}
}

// BenchmarkFirstSyncThrottled is TestFirstSyncThroughAThrottledLink as a
// figure: the test can assert the 1.15 target only without the race
// detector, which CI always uses, so make bench checks it (scripts/bench.sh).
//
//	go test -run '^$' -bench FirstSyncThrottled -benchtime 1x ./syncer/
func BenchmarkFirstSyncThrottled(b *testing.B) {
	for range b.N {
		f := runFirstSync(b, 60, func(int) int { return 40 }, func(rng *rand.Rand) int { return 100<<10 + rng.IntN(300<<10) })
		if f.report.PhotosSent != f.photos {
			b.Fatalf("sent %d of %d photos", f.report.PhotosSent, f.photos)
		}
		b.ReportMetric(f.ratio(), "×ideal")
		b.ReportMetric(f.took.Seconds(), "s-sync")
	}
}
