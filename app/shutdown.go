package app

import (
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
)

// How long closing the window waits. Writes to the store take
// milliseconds; the limit is for a failing disk, so that it cannot keep
// the app open for ever. A photo import is not limited: its dialog shows
// it running and has a Cancel button.
const (
	writesLimit = 5 * time.Second
	// prefsSettle is how long after a change of the preferences Fyne may
	// still write them: it saves at once, but a second change within
	// 100 ms is saved 100 ms later from a goroutine of its own, and each
	// save echoes back through a file watcher.
	prefsSettle = 250 * time.Millisecond
)

// uiCalls hands the results of background work to the UI goroutine while
// the window is open, and drops them once it closes.
//
// Fyne 2.7.1 closes its queue of UI calls on the way out. A fyne.Do that
// lands in that instant panics ("send on closed channel"); one that lands
// just before it waits for ever, and the app never exits. So no call may
// be sent once the app starts to stop: do holds a read lock while it
// sends, and close takes the write lock (see decision 0019).
type uiCalls struct {
	mu     sync.RWMutex
	closed bool
}

// do runs f on the UI goroutine, later; once close has been called it
// drops f, as the window is going away.
func (c *uiCalls) do(f func()) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.closed {
		fyne.Do(f)
	}
}

// close stops further calls, after those being sent are sent. Those
// already queued still run, before the app's own Quit, which is queued
// after them.
func (c *uiCalls) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
}

// inFlight counts the background work the window has started, so that
// closing it waits for that work (a write, above all) instead of cutting
// it off.
type inFlight struct {
	mu   sync.Mutex
	n    int
	idle []chan struct{}
}

func (w *inFlight) start() {
	w.mu.Lock()
	w.n++
	w.mu.Unlock()
}

func (w *inFlight) done() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n--
	if w.n == 0 {
		for _, c := range w.idle {
			close(c)
		}
		w.idle = nil
	}
}

// whenIdle is closed once no work is running (at once if none is).
func (w *inFlight) whenIdle() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := make(chan struct{})
	if w.n == 0 {
		close(c)
	} else {
		w.idle = append(w.idle, c)
	}
	return c
}

// waitIdle waits until no work is running or limit has passed.
func (w *inFlight) waitIdle(limit time.Duration) {
	t := time.NewTimer(limit)
	defer t.Stop()
	select {
	case <-w.whenIdle():
	case <-t.C:
	}
}

// tracked wraps a Background runner so that the work it starts is counted.
func (w *inFlight) tracked(bg func(func())) func(func()) {
	return func(work func()) {
		w.start()
		bg(func() {
			defer w.done()
			work()
		})
	}
}

// prefsClock remembers when the preferences last changed (see prefsSettle).
type prefsClock struct{ last atomic.Int64 }

func (p *prefsClock) changed() { p.last.Store(time.Now().UnixNano()) }

// settle waits until the preferences have been still for prefsSettle.
func (p *prefsClock) settle() {
	for {
		wait := prefsSettle - time.Since(time.Unix(0, p.last.Load()))
		if wait <= 0 {
			return
		}
		time.Sleep(wait)
	}
}

// withoutStopEvent removes the event Fyne queues as it stops, on the way
// out of its loop: that event reaches the UI goroutine through fyne.Do
// from a goroutine of Fyne's own, racing the closing of the queue (see
// uiCalls). Its only work is saving the preferences, which Fyne does
// anyway on every change; quit waits for that (prefsClock). The method is
// exported by Fyne's lifecycle but not part of fyne.Lifecycle, so it is
// reached through an interface; TestFyneStopsWithoutAnEvent fails if a
// Fyne upgrade renames it.
func withoutStopEvent(a fyne.App) {
	if l, ok := a.Lifecycle().(interface{ SetOnStoppedHookExecuted(func()) }); ok {
		l.SetOnStoppedHookExecuted(nil)
	}
}

// quit closes the app without losing anything stored or being stored:
// it lets the window's work finish (answers still queued, a form's draft,
// a photo import, a submit), stops the sync, lets the preferences be
// written, and only then asks Fyne to stop. The window stays as it is
// meanwhile, usually for a few milliseconds. A form left open is not asked
// about: what was typed in it is kept as a draft (formKeeper).
func (ui *mainUI) quit() {
	if ui.quitting {
		return
	}
	ui.quitting = true
	for b := range ui.imports {
		b.quitWhenDone()
	}
	ui.sync.endAll()
	ui.untracked(func() {
		// No limit for a photo import, even one started meanwhile: its
		// dialog says the window closes after it, and can cancel it.
		<-ui.importing.whenIdle()
		ui.work.waitIdle(writesLimit)
		ui.sync.wait()
		ui.calls.close()
		ui.prefs.settle()
		// Nothing else sends to the UI goroutine now, and Fyne has not
		// started to stop: this is the one safe moment.
		fyne.Do(ui.app.Quit)
	})
}

// closed finishes what quit does when the app stopped without it: the
// system ended the session (SIGTERM) or the last window went. Answers
// still queued are written before the store is closed.
func (ui *mainUI) closed() {
	ui.calls.close()
	ui.sync.endAll()
	ui.work.waitIdle(writesLimit)
	ui.sync.wait()
}

// do runs f on the UI goroutine, later, unless the window is closing.
// Background work hands its results back through it, never fyne.Do.
func (ui *mainUI) do(f func()) { ui.calls.do(f) }
