package app

import (
	"context"
	"math/rand/v2"
	"time"
)

// watcher asks the portal's /healthz whether it is reachable, in a
// goroutine of its own: a request may hang for seconds over a dying link,
// which the UI goroutine must never wait for. It knows nothing of Fyne; the
// window gives it report, which is called after every check.
type watcher struct {
	health func(ctx context.Context) error
	report func(online bool)
	// onlineEvery is the wait between checks while the portal answers.
	onlineEvery time.Duration
	// first and most bound the backoff while it does not: an office
	// without a network costs a request a minute, not a stream of them.
	first, most time.Duration
	// kick asks for a check now (Sync now, sign-in); buffered so that
	// asking never blocks and repeated asks collapse into one.
	kick chan struct{}
}

func newWatcher(health func(context.Context) error, report func(bool)) *watcher {
	return &watcher{health: health, report: report,
		onlineEvery: 30 * time.Second, first: 2 * time.Second, most: 2 * time.Minute,
		kick: make(chan struct{}, 1)}
}

// checkSoon makes the next check happen now and the backoff start over.
func (w *watcher) checkSoon() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// run checks at once, then keeps checking until ctx ends.
func (w *watcher) run(ctx context.Context) {
	fails := 0
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-w.kick:
			fails = 0
			if !timer.Stop() {
				// Drain a tick that fired meanwhile, or the next
				// Reset would be followed by an extra check.
				select {
				case <-timer.C:
				default:
				}
			}
		}
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := w.health(cctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		w.report(err == nil)
		next := w.onlineEvery
		if err != nil {
			next = backoff(fails, w.first, w.most)
			fails++
		} else {
			fails = 0
		}
		timer.Reset(next)
	}
}

// backoff is the wait after the n-th failed check in a row (from 0): it
// doubles from first up to most, give or take a tenth, so that the
// laptops of one office that lost its link do not all ask at the same
// instant when it comes back.
func backoff(n int, first, most time.Duration) time.Duration {
	d := first
	for i := 0; i < n && d < most; i++ {
		d *= 2
	}
	d = min(d, most)
	jitter := time.Duration(rand.Int64N(int64(d)/5+1)) - d/10
	return d + jitter
}
