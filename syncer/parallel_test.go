package syncer

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
)

// TestNothingStartsAfterCancel: once the work is cancelled — a dead link,
// a lapsed sign-in — no further request starts; only those already under
// way finish. Many rounds, since which worker wins is up to the scheduler.
func TestNothingStartsAfterCancel(t *testing.T) {
	items := make([]string, 100)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	for round := range 300 {
		ctx, cancel := context.WithCancel(context.Background())
		var calls atomic.Int32
		inParallel(ctx, 2, items, func(string) {
			calls.Add(1)
			cancel()
		})
		cancel()
		if n := calls.Load(); n > 2 {
			t.Fatalf("round %d: %d calls after the first cancelled, with 2 workers", round, n)
		}
	}
	var all atomic.Int32
	inParallel(context.Background(), 3, items, func(string) { all.Add(1) })
	if all.Load() != int32(len(items)) {
		t.Fatalf("without a cancel, %d of %d items done", all.Load(), len(items))
	}
}
