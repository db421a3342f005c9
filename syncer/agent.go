package syncer

import (
	"context"
	"errors"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Agent is a laptop's side of syncing, without a window (decision 0043):
// it keeps the sign-in, watches whether the portal answers, decides when
// to sync, runs one sync at a time and downloads colleagues' photos. What
// it knows is a State, handed to AgentConfig.OnChange after every change;
// the window only draws it. Keeping the decisions here lets them be tested
// against a real portal with a fake clock, without Fyne.
type Agent struct {
	cfg AgentConfig
	// life ends with Close; every request and sync runs under it.
	life context.Context
	end  context.CancelFunc
	wg   sync.WaitGroup
	// kick asks Run for a check now (a sign-in, Sync now); buffered so
	// asking never blocks and repeated asks collapse into one.
	kick chan struct{}

	mu   sync.Mutex
	st   State
	cred *Credentials // nil when signed out
	// gen is bumped on sign-in and sign-out, so that late answers about
	// an earlier sign-in change nothing.
	gen     int
	running context.CancelFunc // the sync under way, nil when idle
	syncID  int                // numbers the syncs, so late progress is dropped
	lastTry time.Time
}

// AgentConfig is what an Agent works with. Only Store and Dir are needed.
type AgentConfig struct {
	Store *storage.Store
	// Dir is the data folder; the sign-in file lives there.
	Dir string
	// HTTP is the client for the portal; nil means PortalHTTP().
	HTTP *http.Client
	// SyncEvery is how often to sync while the portal answers (5 minutes
	// when zero); CheckEvery how often to ask whether it answers (30 s).
	SyncEvery, CheckEvery time.Duration
	// FirstBackoff and MostBackoff bound the waits between checks while
	// the portal does not answer (2 s and 2 minutes when zero): an office
	// without a network costs a request a minute, not a stream of them.
	FirstBackoff, MostBackoff time.Duration
	// Now and After are the clock (time.Now and time.After when nil);
	// tests pass a fake one to step through the backoff.
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
	// Background runs one piece of work (a sync, a sign-in, a check, a
	// download) off the caller's goroutine; nil means a new goroutine.
	Background func(work func())
	// OnChange is called with the new state after every change, from the
	// goroutine that made it. Calls may overtake each other: a receiver
	// keeps only states with a higher Seq than the last it drew.
	OnChange func(State)
	// Engine is passed to every sync's engine (its Progress is the
	// Agent's own).
	Engine Options
}

// State is a snapshot of what the Agent knows.
type State struct {
	// Seq grows with every change; see AgentConfig.OnChange.
	Seq uint64
	// SignedIn, with the portal and the user's names, while a sign-in
	// is kept. Expired: the portal refused it, or it lapsed; a new
	// sign-in is needed before anything syncs.
	SignedIn      bool
	Portal, User  string
	DisplayName   string
	Role          string // what the portal lets the user do
	Expired       bool
	Known, Online bool // Known: a check answered since the sign-in
	Syncing       bool
	Cancelling    bool
	Progress      Progress // of the sync under way
	Checks        int      // health checks answered, for a periodic refresh
	Syncs         int      // syncs ended; Last is the latest one's outcome
	Last          Outcome
}

// Outcome is how a sync ended. ByUser is carried from Sync: a sync the
// user asked for opens dialogs on failure, a background one only says so
// in the bar.
type Outcome struct {
	Report Report
	Err    error
	ByUser bool
}

// Codes the window tells apart, so that it needs no portal package.
const (
	ErrUnauthorized = portal.ErrUnauthorized // sign in again
	ErrTooMany      = portal.ErrTooMany      // sign-in locked for a while
	ErrRewound      = portal.ErrRewound      // offer a new device id
)

// Rejection is a change the portal refused, as the window lists it.
type Rejection = portal.Rejection

// Entities a rejection can be about.
const (
	EntityFinding = portal.EntityFinding
	EntityVisit   = portal.EntityVisit
	EntityAnswer  = portal.EntityAnswer
	EntityPhoto   = portal.EntityPhoto
)

// PlainHTTPWarning is portal.PlainHTTPWarning: a warning for a plain
// http:// address of another computer, nil otherwise.
func PlainHTTPWarning(addr string) *sv.Error { return portal.PlainHTTPWarning(addr) }

// RetryAfter is how long the portal asked to wait before trying again
// (its Retry-After header, as on a sign-in lockout), zero when it did not.
func RetryAfter(err error) time.Duration {
	var r *portal.RefusalError
	if errors.As(err, &r) {
		return r.RetryAfter
	}
	return 0
}

// PortalHTTP bounds the wait for a connection and for each answer, but not
// a whole request: a photo upload over a slow link may take minutes.
func PortalHTTP() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second}).DialContext,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		IdleConnTimeout:       60 * time.Second,
	}}
}

// NewAgent returns an Agent, signed out until Load or SignIn.
func NewAgent(cfg AgentConfig) *Agent {
	if cfg.HTTP == nil {
		cfg.HTTP = PortalHTTP()
	}
	if cfg.SyncEvery <= 0 {
		cfg.SyncEvery = 5 * time.Minute
	}
	if cfg.CheckEvery <= 0 {
		cfg.CheckEvery = 30 * time.Second
	}
	if cfg.FirstBackoff <= 0 {
		cfg.FirstBackoff = 2 * time.Second
	}
	if cfg.MostBackoff <= 0 {
		cfg.MostBackoff = 2 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.Background == nil {
		cfg.Background = func(work func()) { go work() }
	}
	if cfg.OnChange == nil {
		cfg.OnChange = func(State) {}
	}
	a := &Agent{cfg: cfg, kick: make(chan struct{}, 1)}
	a.life, a.end = context.WithCancel(context.Background())
	return a
}

// State returns what the Agent knows now.
func (a *Agent) State() State {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.st
}

// changed publishes the state after a change made under a.mu, and unlocks.
func (a *Agent) changedUnlock() {
	a.st.Seq++
	st := a.st
	a.mu.Unlock()
	a.cfg.OnChange(st)
}

// bg runs work through Background, counted so that Close can wait for it;
// once closing, work is dropped.
func (a *Agent) bg(work func()) {
	if a.life.Err() != nil {
		return
	}
	a.wg.Add(1)
	a.cfg.Background(func() {
		defer a.wg.Done()
		work()
	})
}

// Stop ends the watching, any sync and any download, without waiting.
func (a *Agent) Stop() { a.end() }

// Close stops the watching, any sync and any download, and waits a little
// for them to stop between steps, so that the store is not closed under
// them. What they did is saved either way.
func (a *Agent) Close() {
	a.end()
	done := make(chan struct{})
	go func() { a.wg.Wait(); close(done) }()
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// Load reads the sign-in file in the background and, if there is one,
// starts using it; done gets the error of reading it (ENotFound when the
// laptop has not signed in), from the background.
func (a *Agent) Load(done func(error)) {
	a.bg(func() {
		cred, err := LoadCredentials(a.cfg.Dir)
		if err == nil {
			a.use(cred, false)
		}
		done(err)
	})
}

// use takes a sign-in; syncNow starts a sync at once (just signed in, so
// surely online).
func (a *Agent) use(cred Credentials, syncNow bool) {
	a.mu.Lock()
	a.cred = &cred
	a.gen++
	a.st.SignedIn = true
	a.st.Portal, a.st.User, a.st.DisplayName, a.st.Role = cred.Portal, cred.User.Name, cred.User.DisplayName, string(cred.User.Role)
	a.st.Expired = !a.cfg.Now().Before(cred.ExpiresAt)
	a.st.Known, a.st.Online = syncNow, syncNow
	a.changedUnlock()
	a.checkSoon()
	if syncNow {
		a.Sync(true)
	}
}

// checkSoon makes Run's next check happen now and its backoff start over.
func (a *Agent) checkSoon() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// healthClient is a client for the signed-in portal's health check, with
// the sign-in's generation; nil when signed out.
func (a *Agent) healthClient() (*portal.Client, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cred == nil {
		return nil, a.gen
	}
	c, err := portal.NewClient(a.cred.Portal, a.cfg.HTTP, "")
	if err != nil {
		return nil, a.gen
	}
	return c, a.gen
}

// Run asks the portal whether it answers, at once and then every
// CheckEvery while it does, backing off while it does not, until ctx ends
// or the Agent closes. Its own goroutine, because a request may hang for
// seconds over a dying link. Each answer may start a sync (see reachable).
func (a *Agent) Run(ctx context.Context) {
	if a.life.Err() != nil {
		return
	}
	a.wg.Add(1)
	defer a.wg.Done()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(a.life, cancel)
	defer stop()
	fails := 0
	var wait <-chan time.Time // nil: check now
	for {
		if wait == nil {
			// Checking now already answers any kick waiting.
			select {
			case <-a.kick:
			default:
			}
		}
		client, gen := a.healthClient()
		if client == nil {
			// Signed out: nothing to check until a sign-in kicks.
			select {
			case <-ctx.Done():
				return
			case <-a.kick:
				fails, wait = 0, nil
				continue
			}
		}
		if wait != nil {
			select {
			case <-ctx.Done():
				return
			case <-wait:
			case <-a.kick:
				fails = 0
			}
		}
		cctx, ccancel := context.WithTimeout(ctx, 10*time.Second)
		err := client.Health(cctx)
		ccancel()
		if ctx.Err() != nil {
			return
		}
		a.reachable(gen, err == nil)
		next := a.cfg.CheckEvery
		if err != nil {
			next = backoff(fails, a.cfg.FirstBackoff, a.cfg.MostBackoff)
			fails++
		} else {
			fails = 0
		}
		wait = a.cfg.After(next)
	}
}

// Check asks the portal once whether it answers, in the background, the
// way Run does; for callers that do not run Run (the window's tests).
func (a *Agent) Check() {
	client, gen := a.healthClient()
	if client == nil {
		return
	}
	a.bg(func() {
		ctx, cancel := context.WithTimeout(a.life, 10*time.Second)
		defer cancel()
		a.reachable(gen, client.Health(ctx) == nil)
	})
}

// reachable takes a check's answer. A portal that answers again (or has
// answered for SyncEvery since the last try) gets a sync. One that does
// not is only marked offline, quietly: being away from the office is
// normal, not an error.
func (a *Agent) reachable(gen int, ok bool) {
	a.mu.Lock()
	if gen != a.gen {
		a.mu.Unlock()
		return
	}
	was := a.st.Known && a.st.Online
	a.st.Known, a.st.Online = true, ok
	a.st.Checks++
	start := ok && (!was || a.cfg.Now().Sub(a.lastTry) >= a.cfg.SyncEvery)
	a.changedUnlock()
	if start {
		a.Sync(false)
	}
}

// Sync starts one sync in the background, unless one runs or there is no
// usable sign-in (the caller offers one: see State.Expired). byUser is
// carried to the Outcome.
func (a *Agent) Sync(byUser bool) {
	a.mu.Lock()
	if a.running != nil || a.cred == nil || a.st.Expired {
		a.mu.Unlock()
		return
	}
	gen := a.gen
	client, err := portal.NewClient(a.cred.Portal, a.cfg.HTTP, a.cred.Token)
	if err != nil {
		a.mu.Unlock()
		a.ended(gen, -1, Report{}, err, byUser)
		return
	}
	ctx, cancel := context.WithCancel(a.life)
	a.running = cancel
	a.syncID++
	id := a.syncID
	a.lastTry = a.cfg.Now()
	a.st.Syncing, a.st.Cancelling, a.st.Progress = true, false, Progress{}
	a.changedUnlock()
	if byUser {
		// Run may be deep in its backoff: check again now, so that the
		// online state follows what the user just saw.
		a.checkSoon()
	}
	opts := a.cfg.Engine
	opts.Progress = func(p Progress) {
		a.mu.Lock()
		if a.syncID != id || a.running == nil {
			a.mu.Unlock()
			return // a late report of a sync already over
		}
		a.st.Progress = p
		a.changedUnlock()
	}
	eng := New(a.cfg.Store, client, opts)
	a.bg(func() {
		r, err := eng.Sync(ctx)
		cancel()
		a.ended(gen, id, r, err, byUser)
	})
}

// ended records how a sync (id, or -1 for one that never started) ended.
// What it says about the portal counts only for the sign-in it ran under.
func (a *Agent) ended(gen, id int, r Report, err error, byUser bool) {
	a.mu.Lock()
	if id == a.syncID {
		a.running = nil
		a.st.Syncing, a.st.Cancelling = false, false
	}
	if gen == a.gen {
		a.noteLocked(err)
	}
	a.st.Syncs++
	a.st.Last = Outcome{Report: r, Err: err, ByUser: byUser}
	a.changedUnlock()
}

// noteLocked takes what an answer of the portal says about it: it
// answers, it does not, or it refused the sign-in.
func (a *Agent) noteLocked(err error) {
	switch {
	case err == nil:
		a.st.Online, a.st.Known = true, true
	case errors.Is(err, context.Canceled):
	case sv.ErrorCode(err) == sv.EUnavailable:
		// Offline again: Run's next answer starts a sync.
		a.st.Online = false
	case sv.ErrorCode(err) == portal.ErrUnauthorized:
		// Expired or revoked: retrying cannot help until a new sign-in.
		a.st.Expired = true
	}
}

// Cancel stops the sync under way; what it finished is kept.
func (a *Agent) Cancel() {
	a.mu.Lock()
	if a.running == nil {
		a.mu.Unlock()
		return
	}
	a.running()
	a.st.Cancelling = true
	a.changedUnlock()
}

// SignIn signs in to the portal at addr in the background, saves the
// sign-in and, on success, syncs at once. done gets the saved sign-in or
// why it failed (RetryAfter tells a lockout's wait), before that sync.
func (a *Agent) SignIn(addr, user, password string, done func(Credentials, error)) {
	a.bg(func() {
		cred, err := func() (Credentials, error) {
			client, err := portal.NewClient(addr, a.cfg.HTTP, "")
			if err != nil {
				return Credentials{}, err
			}
			ctx, cancel := context.WithTimeout(a.life, 30*time.Second)
			defer cancel()
			cred, err := Login(ctx, a.cfg.Store, client, user, password)
			if err != nil {
				return cred, err
			}
			return cred, SaveCredentials(a.cfg.Dir, cred)
		}()
		done(cred, err)
		if err == nil {
			a.use(cred, true)
		}
	})
}

// SignOut forgets the sign-in here at once, stopping any sync, and then,
// in the background, revokes the token on the portal when it answers
// (offline, the token lapses at its expiry) and deletes the sign-in file;
// done gets the error of deleting it.
func (a *Agent) SignOut(done func(error)) {
	a.mu.Lock()
	if a.running != nil {
		a.running()
	}
	cred := a.cred
	a.cred = nil
	a.gen++
	a.st.SignedIn, a.st.Portal, a.st.User, a.st.DisplayName, a.st.Role = false, "", "", "", ""
	a.st.Expired, a.st.Known, a.st.Online = false, false, false
	a.changedUnlock()
	a.bg(func() {
		if cred != nil {
			if c, err := portal.NewClient(cred.Portal, a.cfg.HTTP, cred.Token); err == nil {
				// Not under life: a sign-out while quitting still revokes.
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_ = c.Logout(ctx) // best effort: signing out must work offline
				cancel()
			}
		}
		done(removeCredentials(a.cfg.Dir))
	})
}

// removeCredentials deletes the sign-in file; already gone is fine.
func removeCredentials(dir string) error {
	err := os.Remove(filepath.Join(dir, CredentialsFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return translate.Wrap(err, sv.EUnavailable, "syncer.error.cannot_delete_the_sign_in_check")
	}
	return nil
}

// Reregister registers a new device id in the background, after the
// portal said this laptop's data went back in time and the user chose to
// go on (decision 0024); done gets the outcome.
func (a *Agent) Reregister(done func(error)) {
	a.mu.Lock()
	if a.cred == nil {
		a.mu.Unlock()
		return
	}
	gen := a.gen
	client, err := portal.NewClient(a.cred.Portal, a.cfg.HTTP, a.cred.Token)
	a.mu.Unlock()
	if err != nil {
		done(err)
		return
	}
	a.bg(func() {
		ctx, cancel := context.WithTimeout(a.life, 30*time.Second)
		defer cancel()
		err := New(a.cfg.Store, client, a.cfg.Engine).Reregister(ctx)
		if err != nil {
			a.mu.Lock()
			if gen == a.gen {
				a.noteLocked(err)
			}
			a.changedUnlock()
		}
		done(err)
	})
}

// photoEngine returns an engine to download photos with now, or nil when
// signed out, the sign-in has lapsed, or the portal did not answer the
// last check. While the first check is still out it is tried: a failure
// then says the same as offline.
func (a *Agent) photoEngine() *Engine {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cred == nil || a.st.Expired || (a.st.Known && !a.st.Online) {
		return nil
	}
	client, err := portal.NewClient(a.cred.Portal, a.cfg.HTTP, a.cred.Token)
	if err != nil {
		return nil
	}
	return New(a.cfg.Store, client, a.cfg.Engine)
}

// PortalCopy returns a way to read the portal's copy of a visit (for
// verifying a printed report), or nil when the portal cannot be used now
// (see photoEngine). The reading runs under the Agent's life, so closing
// the window ends it.
func (a *Agent) PortalCopy() func(id string) (PortalVisit, error) {
	eng := a.photoEngine()
	if eng == nil {
		return nil
	}
	return func(id string) (PortalVisit, error) { return eng.FetchPortalVisit(a.life, id) }
}

// PortalSnapshot returns a way to ask the portal for its rebuild of a
// printed brief's or tour pack's snapshot (Engine.FetchPortalSnapshot),
// or nil when the portal cannot be used now, like PortalCopy.
func (a *Agent) PortalSnapshot() func(req portal.SnapshotRequest) (portal.SnapshotResponse, []string, error) {
	eng := a.photoEngine()
	if eng == nil {
		return nil
	}
	return func(req portal.SnapshotRequest) (portal.SnapshotResponse, []string, error) {
		return eng.FetchPortalSnapshot(a.life, req)
	}
}

// Download downloads the photos' thumbnails, or with original their
// originals and the copies made from them, one at a time in the
// background; after each, arrived runs there too, with the download's
// error. It returns false, and does nothing, when the portal cannot be
// used now.
func (a *Agent) Download(hashes []string, original bool, arrived func(hash string, err error)) bool {
	eng := a.photoEngine()
	if eng == nil {
		return false
	}
	a.bg(func() {
		for _, h := range hashes {
			if a.life.Err() != nil {
				return
			}
			arrived(h, eng.FetchPhoto(a.life, h, original))
		}
	})
	return true
}

// OriginalFetcher returns a function that downloads one photo's original
// (for a brief that prints it), or nil when the portal cannot be used now.
func (a *Agent) OriginalFetcher() func(hash string) error {
	eng := a.photoEngine()
	if eng == nil {
		return nil
	}
	return func(hash string) error { return eng.FetchPhoto(a.life, hash, true) }
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
