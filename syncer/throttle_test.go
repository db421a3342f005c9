package syncer

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// The first sync of a laptop full of visits and photos through a 2 MB/s
// link takes little more than the bytes divided by the bandwidth: no idle
// round trips, little protocol overhead. Scaled down from the 1,000
// visits and 5,000 photos to keep the test short; the ratio is what counts.
func TestFirstSyncThroughAThrottledLink(t *testing.T) {
	const (
		visits    = 60
		photos    = 40 // 100–400 KB each, as resized site photos are
		bandwidth = 2 << 20
	)
	base := startPortal(t)
	px := newProxy(t, base)
	l := newLaptop(t, px.URL(), "inspector1", nil)
	l.sync(t, Options{})
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range visits {
		in, err := l.store.StartInspection(fmt.Sprintf("p%02d", 1+i%20), []string{"李督查"})
		if err != nil {
			t.Fatal(err)
		}
		answerAll(t, l.store, in)
		if _, err := l.store.SubmitInspection(in.ID); err != nil {
			t.Fatalf("visit %d: %q", i, sv.ErrorMessage(err, sv.English))
		}
	}
	for range photos {
		p, data := randomPhoto(t, rng, 100<<10+rng.IntN(300<<10))
		if _, err := l.store.PutPhoto(p, storage.PhotoBlobs{Original: data}); err != nil {
			t.Fatal(err)
		}
	}
	changes, _ := l.store.Outbox(0, 1<<30)
	var payload int64
	for _, c := range changes {
		payload += int64(len(c.Data))
	}
	st, _ := ReadStatus(l.store)
	total := payload + st.PendingPhotoBytes
	px.set(func(p *proxy) { p.rate = bandwidth })
	up, down := px.up.Load(), px.down.Load()
	start := time.Now()
	phases := map[Phase]time.Duration{}
	r := l.sync(t, Options{Progress: func(p Progress) { phases[p.Phase] = time.Since(start) }})
	t.Logf("phases ended at: %v", phases)
	took := time.Since(start)
	ideal := time.Duration(float64(total) / bandwidth * float64(time.Second))
	wire := px.up.Load() - up + px.down.Load() - down
	t.Logf("%d changes (%d KB) and %d photos (%d KB): %v through 2 MB/s, ideal %v, ratio %.3f; %d requests, %d KB on the wire",
		len(changes), payload>>10, r.PhotosSent, st.PendingPhotoBytes>>10, took.Round(time.Millisecond), ideal.Round(time.Millisecond),
		float64(took)/float64(ideal), r.Requests, wire>>10)
	// The race detector slows the engine and the proxy several times over;
	// the 1.15 target is checked in ordinary builds (see BENCHMARKS.sync.md).
	limit := 1.15
	if raceEnabled {
		limit = 2.5
	}
	if float64(took) > limit*float64(ideal) {
		t.Fatalf("took %v, more than %.2f × %v", took, limit, ideal)
	}
}
