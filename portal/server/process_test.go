package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldbrief/internal/portaltest"
	"fieldbrief/portal"
)

// The tests about the network run a real fieldbrief-portal process, built
// once for the package the first time one needs it.
var (
	binOnce sync.Once
	binPath string
	binErr  error
)

func portalBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "fieldbrief-portal-limits")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "fieldbrief-portal")
		out, err := exec.Command("go", "build", "-o", binPath, "fieldbrief/cmd/fieldbrief-portal").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("building the portal: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

const demoPassword = "fieldbrief-demo"

// proc is a running portal process.
type proc struct {
	base string // http://127.0.0.1:port
	addr string // 127.0.0.1:port
	data string
	cmd  *exec.Cmd
	mu   sync.Mutex
	logs []string
}

// startProc runs `demo` and `serve` with extra flags on a free loopback
// port; the process is stopped when the test ends.
func startProc(t testing.TB, extra ...string) *proc {
	t.Helper()
	portaltest.SkipInShortMode(t)
	bin := portalBinary(t)
	data := t.TempDir()
	if out, err := exec.Command(bin, "demo", "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	p := &proc{data: data}
	p.cmd = exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", data}, extra...)...)
	// The tests measure the portal's memory: it runs with Go's default
	// collector, as in production, not with the GOGC that make test gives
	// test processes (Makefile, TEST_GOGC).
	p.cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, "GOGC=") })
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			p.mu.Lock()
			p.logs = append(p.logs, sc.Text())
			p.mu.Unlock()
			var line struct {
				Msg  string `json:"msg"`
				Addr string `json:"addr"`
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Addr
			}
		}
	}()
	t.Cleanup(func() {
		_ = p.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = p.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = p.cmd.Process.Kill()
			<-done
		}
	})
	select {
	case a := <-addr:
		p.addr, p.base = a, "http://"+a
	case <-time.After(20 * time.Second):
		t.Fatal("portal did not start")
	}
	return p
}

// logCount counts the portal's log lines with msg.
func (p *proc) logCount(msg string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, l := range p.logs {
		if strings.Contains(l, `"msg":"`+msg+`"`) {
			n++
		}
	}
	return n
}

// peakRSS is the process's peak resident memory (VmHWM), in bytes.
func (p *proc) peakRSS(t testing.TB) int64 {
	t.Helper()
	return procStatus(t, p.cmd.Process.Pid, "VmHWM")
}

func procStatus(t testing.TB, pid int, field string) int64 {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc here: %v", err)
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

// client signs user in to the portal.
func (p *proc) client(t testing.TB, user string) *portal.Client {
	t.Helper()
	c, err := portal.NewClient(p.base, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(context.Background(), portal.LoginRequest{User: user, Password: demoPassword, Device: "dev-" + user}); err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return c
}

// state is a hash of every record the admin pulls, with the cursor: the
// portal's state as a laptop sees it.
func (p *proc) state(t testing.TB) string {
	t.Helper()
	c := p.client(t, "admin")
	h := sha256.New()
	cursor := ""
	for {
		page, err := c.Pull(context.Background(), cursor, 5000)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			raw, _ := json.Marshal(r)
			h.Write(raw)
		}
		cursor = page.Cursor
		if !page.More {
			break
		}
	}
	h.Write([]byte(cursor))
	return hex.EncodeToString(h.Sum(nil))
}

// health asks /healthz on a new connection and returns how long it took.
func (p *proc) health(timeout time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c, _ := portal.NewClient(p.base, noReuse(), "")
	start := time.Now()
	err := c.Health(ctx)
	return time.Since(start), err
}

func gz(raw []byte) []byte {
	var b bytes.Buffer
	zw := newGzip(&b)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	return b.Bytes()
}
