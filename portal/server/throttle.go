package server

import (
	"strings"
	"sync"
	"time"
)

// throttle slows down password guessing (decision 0026). Two counters
// stand between a guess and the password hash:
//
//   - one per account and address: after freeFailures failed sign-ins the
//     address waits 1 s, doubling per further failure up to a quarter of an
//     hour;
//   - one per account across all addresses, which only addresses that have
//     not signed in to the account recently pass through: after
//     accountFree failures each further guess waits 1 s, doubling up to
//     accountMaxWait and no longer, so guessing from many addresses is
//     slowed to a crawl but the real user is delayed at worst, never locked
//     out, and not at all from an address they signed in from before.
//
// A guess is counted when it is admitted, before the hash is compared, so
// a burst of simultaneous guesses cannot all slip past the count; a
// successful sign-in takes its count back.
type throttle struct {
	mu    sync.Mutex
	fails map[string]*failures
	// known remembers, per account, the addresses it signed in from.
	known map[string]map[string]time.Time
}

type failures struct {
	n     int
	last  time.Time
	until time.Time
}

const (
	freeFailures   = 5
	maxWait        = 15 * time.Minute
	accountFree    = 20
	accountMaxWait = time.Minute
	// knownFor is how long an address that signed in stays exempt from
	// the account-wide counter.
	knownFor = 30 * 24 * time.Hour
	// maxEntries bounds the counters kept; entries idle for an hour go first.
	maxEntries = 10000
)

func newThrottle() *throttle {
	return &throttle{fails: map[string]*failures{}, known: map[string]map[string]time.Time{}}
}

// guess is one admitted sign-in attempt; its counts are already taken.
type guess struct {
	t             *throttle
	addrKey, acct string
	counted       bool // the account-wide counter was counted
}

func addrKey(account, host string) string { return "a\x00" + account + "\x00" + host }
func acctKey(account string) string       { return "u\x00" + account }

// admit counts a sign-in attempt for account from host, or, when either
// counter says to wait, returns how long and counts nothing.
func (t *throttle) admit(account, host string, now time.Time) (*guess, time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	g := &guess{t: t, addrKey: addrKey(account, host), acct: acctKey(account)}
	known := false
	if at, ok := t.known[account][host]; ok && now.Sub(at) < knownFor {
		known = true
	}
	wait := t.waitLocked(g.addrKey, now)
	if !known {
		wait = max(wait, t.waitLocked(g.acct, now))
	}
	if wait > 0 {
		return nil, wait
	}
	t.countLocked(g.addrKey, now, freeFailures, maxWait)
	if !known {
		t.countLocked(g.acct, now, accountFree, accountMaxWait)
		g.counted = true
	}
	t.pruneLocked(now)
	return g, 0
}

func (t *throttle) waitLocked(key string, now time.Time) time.Duration {
	f := t.fails[key]
	if f == nil || !now.Before(f.until) {
		return 0
	}
	return f.until.Sub(now)
}

func (t *throttle) countLocked(key string, now time.Time, free int, most time.Duration) {
	f := t.fails[key]
	if f == nil || now.Sub(f.last) > time.Hour {
		f = &failures{}
		t.fails[key] = f
	}
	f.n++
	f.last = now
	if f.n >= free {
		d := time.Second << min(f.n-free, 20)
		f.until = now.Add(min(d, most))
	}
}

// pruneLocked forgets idle counters so the map cannot grow without bound.
func (t *throttle) pruneLocked(now time.Time) {
	if len(t.fails) <= maxEntries {
		return
	}
	for k, v := range t.fails {
		if now.Sub(v.last) > time.Hour && !now.Before(v.until) {
			delete(t.fails, k)
		}
	}
}

// succeeded takes back the guess's counts: the address starts afresh, the
// account-wide counter forgets this attempt (but not the others'), and the
// address is known for the account from now on.
func (g *guess) succeeded(account, host string, now time.Time) {
	t := g.t
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, g.addrKey)
	if f := t.fails[g.acct]; g.counted && f != nil && f.n > 0 {
		f.n--
	}
	m := t.known[account]
	if m == nil {
		m = map[string]time.Time{}
		t.known[account] = m
	}
	m[host] = now
	for h, at := range m {
		if now.Sub(at) >= knownFor {
			delete(m, h)
		}
	}
}

// forget drops what the throttle knows of an account: its addresses are
// no longer trusted (after a password change, a disable or a deletion).
func (t *throttle) forget(account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.known, strings.ToLower(account))
}
