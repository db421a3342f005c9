package app

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fieldbrief/sample"
	"fieldbrief/storage"
)

// fixtures are what the package's tests share, each built on first use,
// once per test process, in a folder TestMain removes at the end: the
// sample store (copied for each test, which then changes its own copy),
// the reference portal's binary, and the Fyne test app (emptied for each
// test, see windowApp).
var fixtures struct {
	dir string

	appOnce sync.Once
	app     fyne.App

	sampleOnce sync.Once
	sampleErr  error

	portalOnce sync.Once
	portalBin  string
	portalErr  error
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fieldbrief-app-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fixtures.dir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// sampleStore opens a copy of the sample store (twelve months of history
// up to testNow) in a folder of the test's own.
func sampleStore(t *testing.T) *storage.Store {
	t.Helper()
	template := filepath.Join(fixtures.dir, "sample")
	fixtures.sampleOnce.Do(func() {
		s, err := storage.Open(template, storage.Options{Now: func() time.Time { return testNow }})
		if err != nil {
			fixtures.sampleErr = err
			return
		}
		_, err = sample.Install(s, testNow)
		if cerr := s.Close(); err == nil {
			err = cerr
		}
		fixtures.sampleErr = err
	})
	if fixtures.sampleErr != nil {
		t.Fatal(fixtures.sampleErr)
	}
	dir := t.TempDir()
	copyFolder(t, template, dir)
	s, err := storage.Open(dir, storage.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// copyFolder copies the files of a data folder (not its subfolders, which
// a closed store does not need).
func copyFolder(t *testing.T, from, to string) {
	t.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		src, err := os.Open(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.OpenFile(filepath.Join(to, e.Name()), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			src.Close()
			t.Fatal(err)
		}
		_, err = io.Copy(dst, src)
		src.Close()
		if cerr := dst.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// portalBinary builds the reference portal once for all the tests.
func portalBinary(t *testing.T) string {
	t.Helper()
	fixtures.portalOnce.Do(func() {
		bin := filepath.Join(fixtures.dir, "fieldbrief-portal")
		if out, err := exec.Command("go", "build", "-o", bin, "fieldbrief/cmd/fieldbrief-portal").CombinedOutput(); err != nil {
			fixtures.portalErr = fmt.Errorf("building the portal: %v\n%s", err, out)
			return
		}
		fixtures.portalBin = bin
	})
	if fixtures.portalErr != nil {
		t.Fatal(fixtures.portalErr)
	}
	return fixtures.portalBin
}

// windowApp is the Fyne test app for a test that opens the window: one app
// for the whole process, which the test finds as a new one would be: no
// window, no preferences, an empty clipboard; its windows are closed when
// the test ends.
//
// Why not test.NewTempApp: a new test app empties Fyne's caches of fonts
// and text sizes, so every test parsed the two 10.5 MB Noto Sans SC faces
// again (170 ms and 75 MB of allocations) and shaped every text again: a
// sixth of the window tests' CPU. The shared app keeps its theme while
// newMainUI asks for the same one (useTheme). A test that must see the app
// itself start or stop afresh (shutdown_test.go) still takes a new one.
func windowApp(t testing.TB) fyne.App {
	t.Helper()
	fixtures.appOnce.Do(func() { fixtures.app = test.NewApp() })
	a := fixtures.app
	fyne.SetCurrentApp(a)
	t.Cleanup(func() {
		// Close changes the driver's list of windows: walk a copy.
		for _, w := range slices.Clone(a.Driver().AllWindows()) {
			w.Close()
		}
		if p, ok := a.Preferences().(interface{ WriteValues(func(map[string]any)) }); ok {
			p.WriteValues(func(values map[string]any) { clear(values) })
		} else {
			t.Error("the test app's preferences cannot be emptied")
		}
		a.Clipboard().SetContent("")
	})
	return a
}
