package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// The portal's limits, so that no client — signed in or not — can take its
// memory, its connections or its disk (docs/decisions/0023). Going past a
// limit is a 4xx or 503 with a message, never memory.
const (
	// MemoryLimit is the soft limit the serve command gives Go's garbage
	// collector (unless GOMEMLIMIT says otherwise): the thumbnail and body
	// budgets below fit under it with room for the rest.
	MemoryLimit = 384 << 20

	// defaultMaxRecord bounds one change's data as the portal would store
	// it. A finding with a thousand notes stays under it.
	defaultMaxRecord = 256 << 10
	// defaultMaxPage bounds the records' data in one pull page; a page
	// always holds at least one record, so every record arrives.
	defaultMaxPage = 4 << 20
	// defaultBodyBudget bounds the unpacked JSON bodies of all requests in
	// flight together.
	defaultBodyBudget = 64 << 20

	defaultMaxConns = 1000
	defaultOverflow = 1024
	// overflowWait is how long a connection beyond the cap may take to
	// send its request line before it is closed: a health check sends it
	// at once.
	overflowWait = 500 * time.Millisecond
	// retryAfter is what a busy portal asks a laptop to wait, in seconds.
	retryAfter = 10
	// responseDeadline bounds a response that writes nothing through the
	// handler; one that does is paced from its first byte.
	responseDeadline = 5 * time.Minute
)

// Limits bound each request's pace and the connections served at once.
// Zero values take the defaults noted.
type Limits struct {
	// MaxConns is how many connections are served at once; default 1000,
	// fewer when the process may not open that many files; one address
	// gets at most half of them. Beyond that a connection is answered 503
	// (and /healthz 200) and closed.
	MaxConns int
	// Overflow bounds the connections beyond MaxConns being answered at
	// once; default 1024. Beyond both, a connection is closed unanswered.
	Overflow int
	// BodyGrace is how long a request body may take before it must move
	// at MinRate; default 20 s.
	BodyGrace time.Duration
	// MinRate is the slowest a body (each tus chunk is its own request)
	// or a response may move on average, in bytes per second; default 8 KiB/s,
	// a poor mobile link. A slower one is cut off.
	MinRate int64
	// UploadQuota bounds, per user, the bytes of uploads of photos no
	// record names yet; default 2 GiB.
	UploadQuota int64
}

// limitDefaults fills in the limits' zero values.
func (opts *Options) limitDefaults() {
	if opts.MaxRecord <= 0 {
		opts.MaxRecord = defaultMaxRecord
	}
	if opts.MaxPage <= 0 {
		opts.MaxPage = defaultMaxPage
	}
	if opts.BodyBudget <= 0 {
		opts.BodyBudget = defaultBodyBudget
	}
	opts.Limits.defaults()
}

func (l *Limits) defaults() {
	if l.MaxConns <= 0 {
		l.MaxConns = defaultMaxConns
	}
	if l.Overflow <= 0 {
		l.Overflow = defaultOverflow
	}
	if l.BodyGrace <= 0 {
		l.BodyGrace = 20 * time.Second
	}
	if l.MinRate <= 0 {
		l.MinRate = 8 << 10
	}
	if l.UploadQuota <= 0 {
		l.UploadQuota = 2 << 30
	}
}

// ApplyMemoryLimit gives Go's garbage collector the portal's soft memory
// limit, unless the GOMEMLIMIT environment variable sets one.
func ApplyMemoryLimit() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(MemoryLimit)
	}
}

// LimitFlags registers the serve command's flags for the limits and
// returns where they land.
func LimitFlags(fs *flag.FlagSet) *Limits {
	l := &Limits{}
	fs.IntVar(&l.MaxConns, "max-conns", defaultMaxConns, "connections served at once; beyond them the portal answers 503")
	fs.DurationVar(&l.BodyGrace, "body-grace", 20*time.Second, "time a request body may take before it must move at --min-rate")
	fs.Int64Var(&l.MinRate, "min-rate", 8<<10, "slowest average rate, bytes per second, of a request body or response")
	fs.Int64Var(&l.UploadQuota, "upload-quota", 2<<30, "bytes of photos a user may upload before any record names them")
	return l
}

// HTTPServer returns the http.Server for this portal and the listener to
// serve it on: ln wrapped in the connection cap. With certFile and keyFile
// the server's TLSConfig holds them, and the caller serves with ServeTLS
// (connections past the cap are answered over TLS too). It logs a warning
// when the portal serves plain HTTP beyond this machine.
//
// lim replaces the Limits given to New: serve calls this before serving
// anything, so no request sees the change.
func (s *Server) HTTPServer(ln net.Listener, certFile, keyFile string, lim Limits) (*http.Server, net.Listener, error) {
	var cfg *tls.Config
	if certFile != "" || keyFile != "" {
		pair, err := tls.LoadX509KeyPair(certFile, keyFile)
		if err != nil {
			return nil, nil, translate.Wrap(err, sv.EInvalid, "portal.server.error.cannot_read_the_tls_certificate_or")
		}
		cfg = &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12, NextProtos: []string{"h2", "http/1.1"}}
	}
	lim.defaults()
	s.opts.Limits = lim
	if n := fdLimit(); n > 0 && uint64(lim.MaxConns+lim.Overflow+64) > n {
		// Past the file limit accept fails and no one, not even a health
		// check, is answered: the cap must come first.
		lim.MaxConns = int(max(16, (n-64)*3/4))
		lim.Overflow = int(max(8, (n-64)/4))
		s.log.Warn("connection cap lowered to the process's file limit", "max_conns", lim.MaxConns, "file_limit", n)
	}
	if cfg == nil {
		if a, ok := ln.Addr().(*net.TCPAddr); ok && !a.IP.IsLoopback() {
			s.log.Warn("serving plain HTTP on a non-loopback address: passwords, tokens and records cross the network unencrypted; give --tls-cert and --tls-key",
				"addr", ln.Addr().String())
		}
	}
	hs := &http.Server{
		Handler:           s,
		TLSConfig:         cfg,
		ReadHeaderTimeout: 10 * time.Second,
		// Bodies and responses are paced per request (pacedBody,
		// statusWriter); this only closes keep-alive connections left idle.
		IdleTimeout:    time.Minute,
		MaxHeaderBytes: 64 << 10,
		// One HTTP/2 connection must not carry more requests than a
		// laptop makes at once (six uploads, a push, thumbnails), or the
		// connection cap would not bound the requests.
		HTTP2:    &http.HTTP2Config{MaxConcurrentStreams: 16},
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelInfo),
	}
	return hs, newCapListener(ln, lim, cfg, s.log), nil
}

// capListener serves at most max connections at once. The accept loop
// never waits: a connection beyond the cap is handed to a small answerer
// (503 with Retry-After, or 200 for /healthz) and closed, so a flood of
// slow connections neither blocks new ones nor hides whether the portal is
// alive.
type capListener struct {
	net.Listener
	max int
	// One address (a host, or an office behind one NAT) gets at most
	// half the slots, so a single attacker cannot take them all.
	perAddr  int
	mu       sync.Mutex
	active   int
	byAddr   map[string]int
	overflow chan struct{}
	tls      *tls.Config
	log      *slog.Logger
	busy     []byte
	health   []byte
	refused  atomic.Int64
	lastLog  atomic.Int64
}

func newCapListener(ln net.Listener, lim Limits, cfg *tls.Config, log *slog.Logger) *capListener {
	l := &capListener{Listener: ln, max: lim.MaxConns, overflow: make(chan struct{}, lim.Overflow), log: log,
		perAddr: max(1, lim.MaxConns/2), byAddr: map[string]int{}}
	if cfg != nil {
		// The answerer speaks HTTP/1.1 only.
		l.tls = cfg.Clone()
		l.tls.NextProtos = []string{"http/1.1"}
	}
	e := translate.Errorf(sv.EUnavailable, "portal.server.error.the_portal_is_busy_sync_again")
	busy, _ := json.Marshal(portal.ErrorBody{Code: e.Code, Zh: e.Zh, En: e.En})
	l.busy = rawResponse("503 Service Unavailable", busy, "Retry-After: "+strconv.Itoa(retryAfter)+"\r\n")
	l.health = rawResponse("200 OK", []byte(`{"status":"ok"}`+"\n"), "")
	return l
}

func rawResponse(status string, body []byte, extra string) []byte {
	return fmt.Appendf(nil, "HTTP/1.1 %s\r\nContent-Type: application/json; charset=utf-8\r\n%sConnection: close\r\nContent-Length: %d\r\n\r\n%s",
		status, extra, len(body), body)
}

func (l *capListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := hostOf(c.RemoteAddr())
		if l.take(addr) {
			return &capConn{Conn: c, l: l, addr: addr}, nil
		}
		l.noteRefused()
		select {
		case l.overflow <- struct{}{}:
			go l.answer(c)
		default:
			c.Close()
		}
	}
}

// take counts a connection from addr in, if both caps allow it.
func (l *capListener) take(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.active >= l.max || l.byAddr[addr] >= l.perAddr {
		return false
	}
	l.active++
	l.byAddr[addr]++
	return true
}

func (l *capListener) give(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.active--
	if l.byAddr[addr]--; l.byAddr[addr] <= 0 {
		delete(l.byAddr, addr)
	}
}

func hostOf(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	return a.String()
}

// noteRefused logs the connections beyond the cap, at most every 10 s.
func (l *capListener) noteRefused() {
	n := l.refused.Add(1)
	now := time.Now().Unix()
	if last := l.lastLog.Load(); now-last >= 10 && l.lastLog.CompareAndSwap(last, now) {
		l.log.Warn("connections beyond the cap answered busy", "max_conns", l.max, "refused_total", n)
	}
}

// answer reads the request line of a connection beyond the cap and
// answers it without the HTTP server.
func (l *capListener) answer(c net.Conn) {
	defer func() { <-l.overflow }()
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(overflowWait))
	conn := c
	if l.tls != nil {
		tc := tls.Server(c, l.tls)
		if tc.Handshake() != nil {
			return
		}
		conn = tc
	}
	br := bufio.NewReaderSize(conn, 1024)
	line, err := br.ReadSlice('\n')
	if err != nil {
		return
	}
	resp := l.busy
	if bytes.HasPrefix(line, []byte("GET "+portal.PathHealth+" ")) || bytes.HasPrefix(line, []byte("GET "+portal.PathHealth+"?")) {
		resp = l.health
	}
	// The close follows at once: what the client sent with its request
	// line is in br, so nothing unread resets the connection, and a slow
	// client's slot is free for the next.
	_, _ = conn.Write(resp)
}

// capConn gives its slot back when closed.
type capConn struct {
	net.Conn
	l    *capListener
	addr string
	once sync.Once
}

func (c *capConn) Close() error {
	c.once.Do(func() { c.l.give(c.addr) })
	return c.Conn.Close()
}

// pace is the deadline rule for a body or a response: after the grace
// period it must have moved at MinRate on average, so the whole takes at
// most grace + size ÷ MinRate; and no single read or write may stall
// longer than the grace (plus its own bytes at MinRate), so a client that
// stops reading is cut even when the kernel's buffers took bytes early.
type pace struct {
	start time.Time
	grace time.Duration
	rate  int64
}

func (p pace) seconds(bytes int64) time.Duration {
	return time.Duration(float64(bytes) / float64(p.rate) * float64(time.Second))
}

// deadline is for moving next more bytes after done.
func (p pace) deadline(done, next int64) time.Time {
	overall := p.start.Add(p.grace + p.seconds(done+next))
	stall := time.Now().Add(p.grace + p.seconds(next))
	if stall.Before(overall) {
		return stall
	}
	return overall
}

// pacedBody sets the connection's read deadline before each read of a
// request body, so a body slower than the pace — a slow-loris — is cut off
// and its connection closed.
type pacedBody struct {
	io.ReadCloser
	rc     *http.ResponseController
	pace   pace
	length int64 // declared, or -1
	got    int64
}

func (b *pacedBody) Read(p []byte) (int, error) {
	want := int64(len(p))
	if b.length >= 0 {
		want = max(0, min(want, b.length-b.got))
	} else {
		want = min(want, 32<<10)
	}
	_ = b.rc.SetReadDeadline(b.pace.deadline(b.got, want))
	n, err := b.ReadCloser.Read(p)
	b.got += int64(n)
	if err == io.EOF {
		// The whole body is in: the server's own read, which watches for
		// the client going away, must not time out and cancel the request.
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// paceRequest puts a request's body under the pace. A request without a
// body gets no read deadline: the server's watch for a closed connection
// would take it for the client going away.
func (s *Server) paceRequest(w http.ResponseWriter, r *http.Request, start time.Time) {
	if r.Body == nil || r.Body == http.NoBody || (r.ContentLength == 0 && len(r.TransferEncoding) == 0) {
		return
	}
	rc := http.NewResponseController(w)
	p := pace{start: start, grace: s.opts.Limits.BodyGrace, rate: s.opts.Limits.MinRate}
	length := r.ContentLength
	// Set now as well, so a body the handler never reads is still bounded
	// when the server discards it afterwards.
	_ = rc.SetReadDeadline(p.deadline(0, max(length, 0)))
	r.Body = &pacedBody{ReadCloser: r.Body, rc: rc, pace: p, length: length}
}

// bodyBudget bounds the unpacked JSON bodies held by all requests at once.
// Taking from it never waits: a request that finds it spent is answered
// 503, so bodies cannot pile up in memory while they wait.
type bodyBudget struct {
	left atomic.Int64
}

func newBodyBudget(n int64) *bodyBudget {
	b := &bodyBudget{}
	b.left.Store(n)
	return b
}

// bodyAccount is one request's share of the budget, given back when the
// request ends (the decoded body lives until then).
type bodyAccount struct {
	b     *bodyBudget
	taken atomic.Int64
}

type accountKey struct{}

func (a *bodyAccount) take(n int64) bool {
	if a.b.left.Add(-n) < 0 {
		a.b.left.Add(n)
		return false
	}
	a.taken.Add(n)
	return true
}

func (a *bodyAccount) release() { a.b.left.Add(a.taken.Swap(0)) }

func accountFrom(ctx context.Context) *bodyAccount {
	a, _ := ctx.Value(accountKey{}).(*bodyAccount)
	return a
}

// budgetedReader takes from the request's account what it reads.
type budgetedReader struct {
	r io.Reader
	a *bodyAccount
}

var errBusy = fmt.Errorf("body budget spent")

func (b *budgetedReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if n > 0 && b.a != nil && !b.a.take(int64(n)) {
		return 0, errBusy
	}
	return n, err
}

func busyError() *sv.Error {
	return translate.Errorf(sv.EUnavailable, "portal.server.error.the_portal_is_busy_sync_again")
}

// writeBusy answers 503 with Retry-After.
func writeBusy(w http.ResponseWriter) {
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	writeError(w, http.StatusServiceUnavailable, busyError())
}

// storedSize is how many bytes data takes once stored: encoding/json
// writes <, > and & as \u003c and the like, six bytes for one.
func storedSize(data []byte) int {
	n := len(data)
	for _, c := range data {
		if c == '<' || c == '>' || c == '&' {
			n += 5
		}
	}
	return n
}

// recordsFit answers 413 and reports false when a change of the push is
// larger than one record may be. The whole push is refused and nothing of
// it stored, so the laptop's numbering and the portal's state stay as
// they were.
func (s *Server) recordsFit(w http.ResponseWriter, p principal, req portal.PushRequest) bool {
	for _, c := range req.Changes {
		if n := storedSize(c.Data); n > s.opts.MaxRecord {
			s.log.Warn("push refused: record too large", "user", p.Name, "device", req.Device, "seq", c.Seq, "entity", short(c.Entity), "id", short(c.ID), "bytes", n)
			writeError(w, http.StatusRequestEntityTooLarge, translate.Errorf(portal.ErrTooLarge, "portal.server.error.this_laptop_s_change_is_kb", c.Seq, short(c.Entity), short(c.ID), (n+1023)>>10, s.opts.MaxRecord>>10))
			return false
		}
	}
	return true
}
