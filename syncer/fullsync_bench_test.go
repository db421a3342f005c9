package syncer

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// BenchmarkFirstSyncFullScale is the full-size first sync: a laptop
// with 1,000 submitted visits (every item answered, required photos
// attached) and 5,000 photos syncs through a loopback proxy shaped to
// 2 MB/s each way. It reports the time against bytes ÷ bandwidth (target
// ≤ 1.15). The photos are 20–60 KB so that the run takes minutes, not hours;
// small photos make per-photo overheads weigh more than real ones would.
//
//	go test -run '^$' -bench FirstSyncFullScale -benchtime 1x -timeout 60m ./syncer/
func BenchmarkFirstSyncFullScale(b *testing.B) {
	const (
		visits    = 1000
		photos    = 5000
		bandwidth = 2 << 20
	)
	for range b.N {
		b.StopTimer()
		base := startPortal(b)
		px := newProxy(b, base)
		l := newLaptop(b, px.URL(), "inspector1", nil)
		l.sync(b, Options{})
		rng := rand.New(rand.NewPCG(11, 12))
		for i := range visits {
			in, err := l.store.StartInspection(fmt.Sprintf("p%02d", 1+i%20), []string{"李督查"})
			if err != nil {
				b.Fatal(err)
			}
			answerAll(b, l.store, in)
			if _, err := l.store.SubmitInspection(in.ID); err != nil {
				b.Fatalf("visit %d: %q", i, sv.ErrorMessage(err, sv.English))
			}
		}
		st0, _ := ReadStatus(l.store)
		for range photos - st0.PendingPhotos {
			p, data := randomPhoto(b, rng, 20<<10+rng.IntN(40<<10))
			if _, err := l.store.PutPhoto(p, storage.PhotoBlobs{Original: data}); err != nil {
				b.Fatal(err)
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
		b.StartTimer()
		start := time.Now()
		r := l.sync(b, Options{})
		took := time.Since(start)
		ideal := time.Duration(float64(total) / bandwidth * float64(time.Second))
		b.ReportMetric(float64(took)/float64(ideal), "×ideal")
		b.ReportMetric(took.Seconds(), "s-sync")
		b.Logf("%d visits, %d changes (%d KB), %d photos (%d KB): %v through 2 MB/s, ideal %v, ratio %.3f; %d requests",
			visits, len(changes), payload>>10, st.PendingPhotos, st.PendingPhotoBytes>>10, took.Round(time.Millisecond),
			ideal.Round(time.Millisecond), float64(took)/float64(ideal), r.Requests)
		if st.PendingPhotos != photos {
			b.Fatalf("%d photos waiting, want %d", st.PendingPhotos, photos)
		}
		if r.PhotosSent != photos {
			b.Fatalf("sent %d photos, want %d", r.PhotosSent, photos)
		}
	}
}
