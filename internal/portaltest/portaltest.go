// Package portaltest runs the reference portal, cmd/fieldbrief-portal, as
// a real process for other packages' tests: built with the go command,
// filled with its demo register and users, serving on a free loopback
// port. Sync tests talk to it as a laptop would.
package portaltest

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Build compiles the portal into dir and returns the binary's path. A
// package whose tests start many portals builds once and passes the path
// to Start.
func Build(t testing.TB, dir string) string {
	t.Helper()
	SkipInShortMode(t)
	bin := filepath.Join(dir, "fieldbrief-portal")
	if out, err := exec.Command("go", "build", "-o", bin, "fieldbrief/cmd/fieldbrief-portal").CombinedOutput(); err != nil {
		t.Fatalf("building the portal: %v\n%s", err, out)
	}
	return bin
}

// Portal is a running portal process.
type Portal struct {
	URL  string // http://127.0.0.1:port
	Data string // its data folder, for the portal's own commands
	// Stop interrupts the process and waits for it (killing it after 20 s);
	// it is also called when the test ends, and may be called twice.
	Stop func()
}

// Start writes the demo data into a new folder and serves it with bin.
func Start(t testing.TB, bin string) Portal {
	t.Helper()
	SkipInShortMode(t)
	data := filepath.Join(t.TempDir(), "data")
	if out, err := exec.Command(bin, "demo", "--data", data).CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data)
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
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "listening" {
				addr <- line.Addr
			}
		}
	}()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
		}
	}
	t.Cleanup(stop)
	select {
	case a := <-addr:
		if !strings.HasPrefix(a, "127.0.0.1:") {
			t.Fatalf("portal listens on %s, not loopback", a)
		}
		return Portal{URL: "http://" + a, Data: data, Stop: stop}
	case <-time.After(30 * time.Second):
		t.Fatal("portal did not start")
	}
	return Portal{}
}

// SkipInShortMode skips a test that runs a portal process under -short:
// make check, the quick inner loop, leaves such tests to make test.
func SkipInShortMode(t testing.TB) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs a portal process: make test runs it, make check (-short) does not")
	}
}
