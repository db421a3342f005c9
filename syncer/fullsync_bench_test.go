package syncer

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkFirstSyncFullScale is the full-size first sync: a laptop
// with 1,000 submitted visits (every item answered, required photos
// attached) and 5,000 photos in all syncs through a loopback proxy shaped to
// 2 MB/s each way. It reports the time against bytes ÷ bandwidth (target
// ≤ 1.15). The extra photos are 20–60 KB so that the run takes minutes, not
// hours; small photos make per-photo overheads weigh more than real ones would.
//
//	go test -run '^$' -bench FirstSyncFullScale -benchtime 1x -timeout 60m ./syncer/
func BenchmarkFirstSyncFullScale(b *testing.B) {
	const visits, photos = 1000, 5000
	for range b.N {
		f := runFirstSync(b, visits, func(pending int) int { return photos - pending },
			func(rng *rand.Rand) int { return 20<<10 + rng.IntN(40<<10) })
		b.ReportMetric(f.ratio(), "×ideal")
		b.ReportMetric(f.took.Seconds(), "s-sync")
		b.Logf("%d visits, %v", visits, f)
		if f.photos != photos || f.report.PhotosSent != photos {
			b.Fatalf("%d photos waiting, %d sent, want %d", f.photos, f.report.PhotosSent, photos)
		}
	}
}
