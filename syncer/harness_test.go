package syncer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"fieldbrief/portal"
	"fieldbrief/portal/server"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// portalBin is the fieldbrief-portal binary built once by TestMain; every
// test runs its own portal process on a free loopback port. demoTemplate
// is the data folder `fieldbrief-portal demo` wrote once, in TestMain, that
// demoData copies for each portal.
var portalBin, demoTemplate string

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(childSync())
	}
	dir, err := os.MkdirTemp("", "fieldbrief-portal-bin")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	portalBin = filepath.Join(dir, "fieldbrief-portal")
	out, err := exec.Command("go", "build", "-o", portalBin, "fieldbrief/cmd/fieldbrief-portal").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building the portal: %v\n%s", err, out)
		os.Exit(1)
	}
	demoTemplate = filepath.Join(dir, "demo")
	if out, err := exec.Command(portalBin, "demo", "--data", demoTemplate).CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "fieldbrief-portal demo: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const demoPassword = "fieldbrief-demo"

// startPortal runs `fieldbrief-portal demo` and `serve` on 127.0.0.1:0 and
// returns the portal's address once it listens. The process is stopped
// with SIGTERM (a graceful shutdown) when the test ends.
func startPortal(t testing.TB) string {
	t.Helper()
	return startPortalWith(t, "http")
}

// startPortalWith starts a portal and returns its address with scheme;
// extra are added to `serve` (such as --tls-cert and --tls-key).
func startPortalWith(t testing.TB, scheme string, extra ...string) string {
	t.Helper()
	data := demoData(t)
	url, _ := servePortal(t, data, scheme, extra...)
	return url
}

// demoData makes a portal data folder holding the demo register and
// accounts: a copy of what `fieldbrief-portal demo` wrote in TestMain
// (writing it again for each of the tests' ~50 portals was a third of a
// second of CPU each). The copy holds the marker a backup puts in its copy,
// so it takes an epoch of its own on its first start: two portals of one
// test are two portals to a laptop, as two folders made by `demo` are.
func demoData(t testing.TB) string {
	t.Helper()
	data := t.TempDir()
	entries, err := os.ReadDir(demoTemplate)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			t.Fatalf("demo data holds %s, which demoData does not copy", e.Name())
		}
		b, err := os.ReadFile(filepath.Join(demoTemplate, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(data, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(data, server.NewEpochMarker), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return data
}

// servePortal runs `serve` on data and returns its address and a function
// that stops it with SIGTERM (a graceful shutdown) and reports how that
// went; the test's cleanup stops it too if the test did not.
func servePortal(t testing.TB, data, scheme string, extra ...string) (string, func() error) {
	t.Helper()
	cmd := exec.Command(portalBin, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, extra...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var line struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Addr
			}
		}
	}()
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() {
			_ = cmd.Process.Signal(os.Interrupt)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case stopErr = <-done:
			case <-time.After(30 * time.Second):
				_ = cmd.Process.Kill()
				stopErr = fmt.Errorf("portal did not stop within 30 s of SIGTERM")
			}
		})
		return stopErr
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("portal did not stop cleanly: %v", err)
		}
	})
	select {
	case a := <-addr:
		if !strings.HasPrefix(a, "127.0.0.1:") {
			t.Fatalf("portal listens on %s, not loopback", a)
		}
		return scheme + "://" + a, stop
	case <-time.After(20 * time.Second):
		t.Fatal("portal did not start")
	}
	return "", stop
}

// laptop is one laptop's store, signed in to a portal.
type laptop struct {
	store  *storage.Store
	client *portal.Client
	user   string
	token  string
}

func newLaptop(t testing.TB, base, user string, hc *http.Client) *laptop {
	t.Helper()
	s, err := storage.Open(t.TempDir(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c, err := portal.NewClient(base, hc, "")
	if err != nil {
		t.Fatal(err)
	}
	cred, err := Login(context.Background(), s, c, user, demoPassword)
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return &laptop{store: s, client: c, user: user, token: cred.Token}
}

// signedIn is a laptop as an earlier session of the app left it: a store in
// dir, inspector1 signed in with the credentials saved beside it, and the
// register brought down. The caller closes the store.
func signedIn(t testing.TB, base string) (dir string, s *storage.Store, c *portal.Client, cred Credentials) {
	t.Helper()
	dir = t.TempDir()
	s, err := storage.Open(dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c, err = portal.NewClient(base, nil, ""); err != nil {
		t.Fatal(err)
	}
	if cred, err = Login(context.Background(), s, c, "inspector1", demoPassword); err != nil {
		t.Fatal(err)
	}
	if err := SaveCredentials(dir, cred); err != nil {
		t.Fatal(err)
	}
	if _, err := New(s, c, Options{}).Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	return dir, s, c, cred
}

func (l *laptop) sync(t testing.TB, opts Options) Report {
	t.Helper()
	r, err := New(l.store, l.client, opts).Sync(context.Background())
	if err != nil {
		t.Fatalf("sync of %s: %v", l.user, err)
	}
	return r
}

func (l *laptop) hash(t testing.TB) string {
	t.Helper()
	h, err := StateHash(l.store)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// proxy is a loopback TCP proxy in front of the portal that counts bytes
// and injects faults: it can cut a connection after some bytes from the
// client, or let a request through and drop the response.
type proxy struct {
	ln     net.Listener
	target string
	up     atomic.Int64 // bytes client → portal
	down   atomic.Int64 // bytes portal → client
	conns  atomic.Int64

	mu   sync.Mutex
	open map[net.Conn]bool
	// cutAfter, when it returns n > 0 for a connection's first request
	// line, closes that connection after n bytes from the client.
	cutAfter func(firstLine string) int64
	// dropResponse, when it returns true for a request's first line, lets
	// the request reach the portal and closes the connection instead of
	// passing on the response.
	dropResponse func(firstLine string) bool
	wg           sync.WaitGroup
	// rate, when set, limits each direction of the link to rate bytes per
	// second, shared by all connections like one office line.
	rate     int64
	upNext   time.Time
	downNext time.Time
}

// throttle waits until n more bytes fit through the link in one direction.
func (p *proxy) throttle(next *time.Time, n int) {
	p.mu.Lock()
	if p.rate == 0 {
		p.mu.Unlock()
		return
	}
	now := time.Now()
	if next.Before(now) {
		*next = now
	}
	*next = next.Add(time.Duration(int64(n) * int64(time.Second) / p.rate))
	until := *next
	p.mu.Unlock()
	time.Sleep(time.Until(until))
}

func newProxy(t testing.TB, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: strings.TrimPrefix(target, "http://"), open: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		// Idle keep-alive connections would otherwise hold the proxy open.
		p.mu.Lock()
		for c := range p.open {
			c.Close()
		}
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) URL() string { return "http://" + p.ln.Addr().String() }

func (p *proxy) set(fn func(*proxy)) { p.mu.Lock(); fn(p); p.mu.Unlock() }

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.conns.Add(1)
		p.wg.Add(1)
		go func() { defer p.wg.Done(); p.handle(c) }()
	}
}

func (p *proxy) handle(client net.Conn) {
	defer client.Close()
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	p.mu.Lock()
	p.open[client], p.open[server] = true, true
	defer func() {
		p.mu.Lock()
		delete(p.open, client)
		delete(p.open, server)
		p.mu.Unlock()
	}()
	cut, drop := p.cutAfter, p.dropResponse
	p.mu.Unlock()
	dropThis := make(chan bool, 1)
	done := make(chan struct{}, 2)
	go func() { // client → portal
		defer func() { done <- struct{}{} }()
		buf := make([]byte, 32<<10)
		var sent, limit int64
		first := true
		for {
			n, err := client.Read(buf)
			if n > 0 {
				if first {
					first = false
					line, _, _ := bytes.Cut(buf[:n], []byte("\r\n"))
					p.mu.Lock()
					dropThis <- drop != nil && drop(string(line))
					if cut != nil {
						limit = cut(string(line))
					}
					p.mu.Unlock()
				}
				chunk := buf[:n]
				if limit > 0 && sent+int64(n) >= limit {
					chunk = buf[:limit-sent]
				}
				p.throttle(&p.upNext, len(chunk))
				w, _ := server.Write(chunk)
				sent += int64(w)
				p.up.Add(int64(w))
				if limit > 0 && sent >= limit {
					// The cut: both sides see the connection die mid-request.
					client.Close()
					server.Close()
					return
				}
			}
			if err != nil {
				if first {
					dropThis <- false
				}
				if tc, ok := server.(*net.TCPConn); ok {
					_ = tc.CloseWrite()
				}
				return
			}
		}
	}()
	go func() { // portal → client
		defer func() { done <- struct{}{} }()
		buf := make([]byte, 32<<10)
		checked := false
		for {
			n, err := server.Read(buf)
			if n > 0 {
				if !checked {
					checked = true
					if <-dropThis {
						// The portal has answered, so it has committed:
						// the laptop never hears of it.
						client.Close()
						return
					}
				}
				p.throttle(&p.downNext, n)
				w, _ := client.Write(buf[:n])
				p.down.Add(int64(w))
			}
			if err != nil {
				client.Close()
				return
			}
		}
	}()
	<-done
	<-done
}

// noKeepAlive gives each request its own connection, so the proxy can
// treat a connection as one request.
func noKeepAlive() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 60 * time.Second}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// checkPortalFindings fails unless the portal at base, read as the admin,
// holds exactly want findings, each with exactly one note: what the tests
// that add one note per finding through faults expect.
func checkPortalFindings(t *testing.T, base string, want int) {
	t.Helper()
	admin, _ := portal.NewClient(base, nil, "")
	if _, err := admin.Login(context.Background(), portal.LoginRequest{User: "admin", Password: demoPassword}); err != nil {
		t.Fatal(err)
	}
	resp, err := admin.Pull(context.Background(), "", 5000)
	if err != nil {
		t.Fatal(err)
	}
	findings := 0
	for _, r := range resp.Records {
		if r.Entity == portal.EntityFinding {
			findings++
			var f sv.Finding
			if err := jsonUnmarshal(r.Data, &f); err != nil || len(f.Notes) != 1 {
				t.Errorf("finding %s has %d notes", r.ID, len(f.Notes))
			}
		}
	}
	if findings != want {
		t.Fatalf("portal has %d findings, want %d", findings, want)
	}
}
