package syncer

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// fakeClock is the Agent's clock in these tests: a wait asked for is
// reported on asked and ends only when the test advances the clock past
// it, so the backoff is stepped through without sleeping.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []fakeWait
	asked chan time.Duration
}

type fakeWait struct {
	at time.Time
	c  chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 20, 9, 0, 0, 0, time.Local), asked: make(chan time.Duration, 100)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.mu.Lock()
	c.waits = append(c.waits, fakeWait{at: c.now.Add(d), c: ch})
	c.mu.Unlock()
	c.asked <- d
	return ch
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waits[:0]
	for _, w := range c.waits {
		if w.at.After(c.now) {
			kept = append(kept, w)
			continue
		}
		w.c <- c.now
	}
	c.waits = kept
}

// next is the wait the Agent asked for after its latest check.
func (c *fakeClock) next(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-c.asked:
		return d
	case <-time.After(60 * time.Second):
		t.Fatal("the agent asked for no wait: it stopped checking")
		return 0
	}
}

// agentLaptop is a laptop store signed in to the portal at base through a
// saved sign-in file, as after an earlier session, with the Agent on it.
// Every state the Agent publishes is kept, in order of Seq.
type agentLaptop struct {
	store  *storage.Store
	dir    string
	cred   Credentials
	agent  *Agent
	mu     sync.Mutex
	states []State
}

func newAgentLaptop(t *testing.T, base string, cfg AgentConfig) *agentLaptop {
	t.Helper()
	dir, s, _, cred := signedIn(t, base)
	t.Cleanup(func() { s.Close() })
	l := &agentLaptop{store: s, dir: dir, cred: cred}
	cfg.Store, cfg.Dir = s, dir
	cfg.OnChange = func(st State) {
		l.mu.Lock()
		l.states = append(l.states, st)
		l.mu.Unlock()
	}
	l.agent = NewAgent(cfg)
	t.Cleanup(l.agent.Close)
	loaded := make(chan error, 1)
	l.agent.Load(func(err error) { loaded <- err })
	if err := <-loaded; err != nil {
		t.Fatal(err)
	}
	return l
}

// waitState waits until the Agent's state satisfies ok; the bound is only
// there so that a broken Agent fails instead of hanging.
func (l *agentLaptop) waitState(t *testing.T, what string, ok func(State) bool) State {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if st := l.agent.State(); ok(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s; state %+v", what, l.agent.State())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// The portal does not answer: the Agent asks again after 2 s, 4 s, 8 s …
// up to 2 minutes (give or take a tenth), tries no sync meanwhile, and
// syncs by itself as soon as the portal answers again; then it checks
// every 30 s and syncs again after 5 minutes.
func TestAgentBacksOffWhileThePortalIsDownAndSyncsWhenItComesBack(t *testing.T) {
	base := startPortal(t)
	px := newProxy(t, base)
	clock := newFakeClock()
	l := newAgentLaptop(t, px.URL(), AgentConfig{Now: clock.Now, After: clock.After, HTTP: noKeepAlive()})
	if err := l.store.CreateFinding(newProblem("临边防护缺失")); err != nil {
		t.Fatal(err)
	}
	// Down: every connection is cut after its first byte.
	px.set(func(p *proxy) { p.cutAfter = func(string) int64 { return 1 } })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ran := make(chan struct{})
	go func() { l.agent.Run(ctx); close(ran) }()
	defer func() { cancel(); <-ran }()

	want := 2 * time.Second
	var d time.Duration
	for i := 0; i < 9; i++ {
		if i > 0 {
			clock.advance(d)
		}
		d = clock.next(t)
		if d < want*9/10 || d > want*11/10 {
			t.Fatalf("wait %d while down: %v, want %v ± 10%%", i, d, want)
		}
		st := l.agent.State()
		if !st.Known || st.Online || st.Syncing || st.Syncs != 0 {
			t.Fatalf("while down: %+v", st)
		}
		want = min(2*want, 2*time.Minute)
	}

	// Back: the check after the current wait finds it and syncs.
	px.set(func(p *proxy) { p.cutAfter = nil })
	clock.advance(d)
	if d := clock.next(t); d != 30*time.Second {
		t.Errorf("wait while the portal answers: %v, want 30s", d)
	}
	st := l.waitState(t, "the sync after the portal came back", func(st State) bool { return st.Syncs == 1 })
	if st.Last.Err != nil || st.Last.ByUser || st.Last.Report.Pushed != 1 || !st.Online {
		t.Fatalf("the sync after the return: %+v", st)
	}
	if status, err := ReadStatus(l.store); err != nil || status.PendingChanges != 0 {
		t.Fatalf("still waiting after the sync: %+v %v", status, err)
	}

	// Online: checks every 30 s, and the next sync comes 5 minutes after
	// the last, not at every check.
	for i := 1; i <= 10; i++ {
		clock.advance(30 * time.Second)
		if d := clock.next(t); d != 30*time.Second {
			t.Fatalf("check %d online: wait %v", i, d)
		}
		st := l.agent.State()
		started := st.Syncing || st.Syncs > 1
		if started != (i == 10) {
			t.Fatalf("after %d checks 30 s apart a sync started: %v", i, started)
		}
	}
	l.waitState(t, "the periodic sync", func(st State) bool { return st.Syncs == 2 })
}

// Signing out in the middle of an upload stops the sync quietly (it ends
// as cancelled), forgets the sign-in here and on the portal, keeps the
// photo waiting for the next sign-in, and no later report of the sync
// shows the laptop signed in or online again.
func TestAgentSignOutDuringASync(t *testing.T) {
	base := startPortal(t)
	px := newProxy(t, base)
	l := newAgentLaptop(t, px.URL(), AgentConfig{Engine: Options{ChunkSize: 128 << 10}})
	p, blob := randomPhoto(t, rand.New(rand.NewPCG(3, 4)), 3<<20)
	if _, err := l.store.PutPhoto(p, storage.PhotoBlobs{Original: blob}); err != nil {
		t.Fatal(err)
	}
	if status, err := ReadStatus(l.store); err != nil || status.PendingPhotos != 1 {
		t.Fatalf("the photo is not waiting: %+v %v", status, err)
	}
	px.set(func(p *proxy) { p.rate = 512 << 10 }) // six seconds of upload
	l.agent.Sync(true)
	up := l.waitState(t, "the upload under way", func(st State) bool {
		return st.Syncing && px.up.Load() > 1<<20
	})
	if ph := up.Progress.Phase; (ph != PhasePush && ph != PhasePhotos) || (ph == PhasePhotos && up.Progress.Done != 0) {
		t.Fatalf("the upload ended before the sign-out: %+v", up.Progress)
	}

	removed := make(chan error, 1)
	l.agent.SignOut(func(err error) { removed <- err })
	if st := l.agent.State(); st.SignedIn || st.Online || st.User != "" {
		t.Fatalf("just after sign-out: %+v", st)
	}
	l.mu.Lock()
	signedOutAt := len(l.states)
	l.mu.Unlock()
	st := l.waitState(t, "the sync to end", func(st State) bool { return st.Syncs == 1 && !st.Syncing })
	if !errors.Is(st.Last.Err, context.Canceled) {
		t.Errorf("the sync ended with %v, want cancelled", st.Last.Err)
	}
	if err := <-removed; err != nil {
		t.Fatal(err)
	}
	l.mu.Lock()
	for _, s := range l.states[signedOutAt:] {
		if s.SignedIn || s.Online || s.Known {
			t.Errorf("a state after the sign-out: %+v", s)
		}
	}
	l.mu.Unlock()
	if _, err := os.Stat(filepath.Join(l.dir, CredentialsFile)); !os.IsNotExist(err) {
		t.Errorf("sign-in file after sign-out: %v", err)
	}
	old, err := portal.NewClient(base, nil, l.cred.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Me(context.Background()); err == nil {
		t.Error("the portal still accepts the token after sign-out")
	}
	if status, err := ReadStatus(l.store); err != nil || status.PendingPhotos != 1 {
		t.Errorf("the photo should still wait for the next sign-in: %+v %v", status, err)
	}
	// Signed out, nothing syncs or downloads.
	l.agent.Sync(true)
	if st := l.agent.State(); st.Syncing || l.agent.OriginalFetcher() != nil {
		t.Errorf("signed out, yet a sync or download starts: %+v", st)
	}
}

// A locked sign-in names its wait from the portal's Retry-After header, so
// that the window need not read it out of the English message.
func TestAgentSignInLockoutCarriesRetryAfter(t *testing.T) {
	base := startPortal(t)
	dir := t.TempDir()
	s, err := storage.Open(dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := NewAgent(AgentConfig{Store: s, Dir: dir})
	defer a.Close()
	signIn := func(pw string) error {
		done := make(chan error, 1)
		a.SignIn(base, "inspector1", pw, func(_ Credentials, err error) { done <- err })
		return <-done
	}
	err = nil
	for i := 0; i < 8 && RetryAfter(err) == 0; i++ {
		err = signIn("not-the-password")
	}
	wait := RetryAfter(err)
	if err == nil || wait < time.Second || wait > 15*time.Minute {
		t.Fatalf("after repeated failures: %v, wait %v", err, wait)
	}
	if code := sv.ErrorCode(err); code != ErrTooMany {
		t.Errorf("code %q, want %q", code, ErrTooMany)
	}
	if a.State().SignedIn {
		t.Error("signed in after failures")
	}
}
