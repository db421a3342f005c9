package app

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestBackoffDoublesUpToTheCap(t *testing.T) {
	want := time.Second
	for n := 0; n < 12; n++ {
		d := backoff(n, time.Second, time.Minute)
		if d < want*9/10 || d > want*11/10 {
			t.Errorf("backoff(%d) = %v, want %v ± 10%%", n, d, want)
		}
		want = min(2*want, time.Minute)
	}
}

// TestWatcherBacksOffWhileDownAndReportsTheReturn runs the watcher against
// a health check that fails, then answers: few checks while down, and the
// portal's return is reported at once after a kick.
func TestWatcherBacksOffWhileDownAndReportsTheReturn(t *testing.T) {
	var mu sync.Mutex
	up, calls := false, 0
	var reports []bool
	w := newWatcher(func(context.Context) error {
		mu.Lock()
		defer mu.Unlock()
		calls++
		if !up {
			return errors.New("down")
		}
		return nil
	}, func(ok bool) {
		mu.Lock()
		reports = append(reports, ok)
		mu.Unlock()
	})
	w.first, w.most, w.onlineEvery = 20*time.Millisecond, 160*time.Millisecond, time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.run(ctx); close(done) }()
	time.Sleep(700 * time.Millisecond)
	mu.Lock()
	down := calls
	up = true
	mu.Unlock()
	// 20+40+80+160+160… ms: about 6 checks in 0.7 s, not 35 at 20 ms.
	if down < 3 || down > 9 {
		t.Errorf("%d checks in 0.7 s while down", down)
	}
	w.checkSoon()
	deadline := time.Now().Add(5 * time.Second)
	for {
		mu.Lock()
		last := len(reports) > 0 && reports[len(reports)-1]
		mu.Unlock()
		if last {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the portal's return was not reported")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
}
