// Package e2e tests the real fieldbrief binary: its command line on a
// temporary data folder, and its window under Xvfb.
package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fieldbrief/storage"
)

// binary is the fieldbrief executable built once for all tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "fieldbrief-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// FIELDBRIEF_BINARY tests a binary built elsewhere: the one make test
	// builds once for both of its e2e jobs, or a packaged one (make
	// dist-test).
	binary = os.Getenv("FIELDBRIEF_BINARY")
	if binary != "" {
		if _, err := os.Stat(binary); err != nil {
			fmt.Fprintln(os.Stderr, "FIELDBRIEF_BINARY:", err)
			os.Exit(1)
		}
	} else {
		binary = filepath.Join(dir, "fieldbrief")
		build := exec.Command("go", "build", "-o", binary, "fieldbrief/cmd/fieldbrief")
		build.Stdout, build.Stderr = os.Stdout, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "building fieldbrief:", err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run runs the binary and returns stdout, stderr and the exit code.
func run(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

func TestDemoProjectsCheck(t *testing.T) {
	data := t.TempDir()
	if out, errs, code := run(t, "demo", "--data", data); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, errs)
	}
	out, errs, code := run(t, "projects", "--data", data, "--json")
	if code != 0 {
		t.Fatalf("projects: %d %s", code, errs)
	}
	var projects []map[string]any
	if err := json.Unmarshal([]byte(out), &projects); err != nil {
		t.Fatalf("projects --json is not JSON: %v\n%s", err, out)
	}
	if len(projects) != 20 {
		t.Fatalf("%d projects, want 20", len(projects))
	}
	for _, key := range []string{"id", "name", "leader", "phase", "last_visit", "next_due", "open_findings", "overdue_findings"} {
		if _, ok := projects[0][key]; !ok {
			t.Errorf("projects JSON lacks %q", key)
		}
	}
	if _, errs, code := run(t, "check", "--data", data); code != 0 {
		t.Fatalf("check on a fresh sample store: %d %s", code, errs)
	}
	id := projects[0]["id"].(string)
	out, _, code = run(t, "visits", "--data", data, "--project", id, "--json")
	var visits []map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &visits) != nil || len(visits) < 10 {
		t.Fatalf("visits of %s: code %d, %d visits", id, code, len(visits))
	}
	for _, v := range visits {
		if v["project_id"] != id || v["started"] == "" || v["status"] == "" || v["id"] == "" {
			t.Fatalf("visit row %v", v)
		}
	}
	// demo refuses a store that has data.
	if _, errs, code := run(t, "demo", "--data", data); code == 0 || !strings.Contains(errs, "不是空的") {
		t.Fatalf("demo on a full store: %d %q", code, errs)
	}
	backup := filepath.Join(t.TempDir(), "b.db")
	if _, errs, code := run(t, "backup", "--data", data, "--out", backup); code != 0 {
		t.Fatalf("backup: %s", errs)
	}
	if _, errs, code := run(t, "compact", "--data", data); code != 0 {
		t.Fatalf("compact: %s", errs)
	}
	if _, errs, code := run(t, "check", "--data", data); code != 0 {
		t.Fatalf("check after compact: %s", errs)
	}
}

func TestCommandsExplainThemselves(t *testing.T) {
	for _, cmd := range []string{"demo", "projects", "visits", "check", "backup", "compact"} {
		out, _, code := run(t, cmd, "--help")
		if code != 0 || !strings.Contains(out, "--data") {
			t.Errorf("%s --help: code %d, %q", cmd, code, out)
		}
	}
	if _, errs, code := run(t, "frobnicate"); code != 2 || !strings.Contains(errs, "未知命令") {
		t.Errorf("unknown command: %d %q", code, errs)
	}
}

// TestStartupIsQuiet runs commands under the locales of servers, containers
// and CI, where Fyne's lang package used to log "Error parsing user locale C"
// while it was initialised: nothing may reach stderr but what the command
// itself has to say (decision 0041).
func TestStartupIsQuiet(t *testing.T) {
	data := t.TempDir()
	if out, errs, code := run(t, "demo", "--data", data); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, errs)
	}
	for _, locale := range []string{"C.UTF-8", "C.utf8", "POSIX", "C", "en_US.UTF-8", "zh_CN.UTF-8"} {
		for _, args := range [][]string{{"projects", "--data", data}, {"--help"}} {
			cmd := exec.Command(binary, args...)
			cmd.Env = append(withoutLocale(os.Environ()), "LANG="+locale)
			var out, errb bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errb
			if err := cmd.Run(); err != nil {
				t.Errorf("LANG=%s fieldbrief %s: %v\n%s", locale, strings.Join(args, " "), err, errb.String())
				continue
			}
			if errb.Len() != 0 {
				t.Errorf("LANG=%s fieldbrief %s wrote to stderr:\n%s", locale, strings.Join(args, " "), errb.String())
			}
			if out.Len() == 0 {
				t.Errorf("LANG=%s fieldbrief %s printed nothing", locale, strings.Join(args, " "))
			}
		}
	}
}

// withoutLocale drops the variables that choose a locale, so that LANG alone
// decides whatever the machine running the tests has set.
func withoutLocale(env []string) []string {
	var kept []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "FIELDBRIEF_LANG":
			continue
		}
		kept = append(kept, kv)
	}
	return kept
}

func TestBadDataFolderGivesAClearMessage(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-folder")
	os.WriteFile(file, []byte("x"), 0o600)
	_, errs, code := run(t, "check", "--data", file)
	if code != 1 || !strings.Contains(errs, "是一个文件") {
		t.Fatalf("data folder that is a file: %d %q", code, errs)
	}
	garbage := t.TempDir()
	os.WriteFile(filepath.Join(garbage, "fieldbrief.db"), bytes.Repeat([]byte("垃圾"), 5000), 0o600)
	_, errs, code = run(t, "projects", "--data", garbage, "--lang", "en")
	if code != 1 || !strings.Contains(errs, "damaged") || strings.Contains(errs, "panic") {
		t.Fatalf("garbage database: %d %q", code, errs)
	}
}

// xvfb starts a virtual X server and returns its DISPLAY value. Xvfb picks
// a free display number itself (-displayfd), so stale sockets and lock files
// left by a crashed server elsewhere on the machine cannot exhaust a fixed
// range; it is stopped with SIGTERM so it removes its own socket and lock.
func xvfb(t *testing.T) string {
	t.Helper()
	return xvfbSized(t, 1400, 900)
}

// xvfbSized is xvfb with a screen of width × height pixels.
func xvfbSized(t *testing.T, width, height int) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Fatal("Xvfb is not installed; `make test` installs it (package xvfb)")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", fmt.Sprintf("%dx%dx24", width, height), "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	logs := &bytes.Buffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		w.Close()
		t.Fatal(err)
	}
	w.Close()
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	number := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(r).ReadString('\n')
		number <- strings.TrimSpace(line)
	}()
	select {
	case n := <-number:
		if n == "" {
			<-exited
			t.Fatalf("Xvfb did not start:\n%s", logs.String())
		}
		return ":" + n
	case <-time.After(20 * time.Second):
		t.Fatalf("Xvfb did not report a display within 20 s:\n%s", logs.String())
	}
	return ""
}

func xdotool(t *testing.T, display string, args ...string) string {
	t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xdotool %v: %v", args, err)
	}
	return strings.TrimSpace(string(out))
}

// artefactDir is where screenshots are kept for people to look at.
func artefactDir(t *testing.T) string {
	dir := os.Getenv("FIELDBRIEF_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "build", "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestRealWindow starts the real app under Xvfb on the sample data, takes
// a screenshot, checks the window is drawn, and quits it cleanly.
func TestRealWindow(t *testing.T) {
	display := xvfb(t)
	data := t.TempDir()
	if _, errs, code := run(t, "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	cmd := exec.Command(binary, "--data", data)
	// Its own settings folder: the test must not read, or write, the
	// preferences of whoever runs it.
	cmd.Env = windowEnv(display, t.TempDir())
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
		}
	}()
	win := xdotool(t, display, "search", "--sync", "--name", "重点项目督查")
	if win == "" {
		t.Fatal("no window appeared")
	}
	win = strings.Fields(win)[0]
	// A second copy on the same data must say so, not hang.
	start := time.Now()
	_, errs, code := run(t, "projects", "--data", data)
	if code == 0 || !strings.Contains(errs, "已被另一个") || time.Since(start) > 3*time.Second {
		t.Errorf("second copy: code %d after %v: %q", code, time.Since(start), errs)
	}
	var img image.Image
	deadline := time.Now().Add(20 * time.Second)
	shot := filepath.Join(artefactDir(t), "dashboard.png")
	for {
		time.Sleep(500 * time.Millisecond)
		img = grab(t, display)
		if drawn(img) || time.Now().After(deadline) {
			break
		}
	}
	savePNG(t, img, shot)
	if !drawn(img) {
		t.Fatalf("the window looks blank; screenshot in %s\n%s", shot, logs.String())
	}
	xdotool(t, display, "windowfocus", "--sync", win)
	xdotool(t, display, "key", "ctrl+q")
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("app exited with %v\n%s", err, logs.String())
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Signal(syscall.SIGTERM)
		t.Fatalf("app did not quit on Ctrl+Q\n%s", logs.String())
	}
	if _, errs, code := run(t, "check", "--data", data); code != 0 {
		t.Fatalf("check after quitting: %s", errs)
	}
}

// drawn reports whether a screenshot shows a real window: many distinct
// colours (text is anti-aliased) and a fair share of dark text pixels on a
// light background, or the reverse.
func drawn(img image.Image) bool {
	b := img.Bounds()
	colours := map[color.RGBA]bool{}
	dark, light := 0, 0
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 0}] = true
			lum := (r + g + bl) / 3 >> 8
			if lum < 100 {
				dark++
			} else if lum > 180 {
				light++
			}
		}
	}
	total := (b.Dx() / 2) * (b.Dy() / 2)
	return len(colours) > 50 && dark > total/200 && light > total/200
}

// windowEnv is the environment of the app's window on display, with its
// settings in config (XDG_CONFIG_HOME): scale 1, and Mesa's software
// renderer (llvmpipe, what OpenGL is under Xvfb) drawing in the window's
// own thread (LP_NUM_THREADS=0). Its worker threads cost the inspector's
// day a fifth more CPU on a 2-core machine, where the tests run beside
// each other, and made it no faster.
func windowEnv(display, config string) []string {
	return append(os.Environ(), "DISPLAY="+display, "FYNE_SCALE=1", "LP_NUM_THREADS=0", "XDG_CONFIG_HOME="+config)
}

// app is the real binary running under Xvfb.
type app struct {
	t       *testing.T
	display string
	win     string
	cmd     *exec.Cmd
	logs    *bytes.Buffer
	exited  chan error
	done    bool // the process has exited and exited was read
}

// startApp opens the window on data and waits until it is drawn. config
// holds the app's preferences, apart from the user's own.
func startApp(t *testing.T, display, data, config string) *app {
	t.Helper()
	a := &app{t: t, display: display, logs: &bytes.Buffer{}, exited: make(chan error, 1)}
	a.cmd = exec.Command(binary, "--data", data)
	a.cmd.Env = windowEnv(display, config)
	a.cmd.Stdout, a.cmd.Stderr = a.logs, a.logs
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.exited <- a.cmd.Wait() }()
	t.Cleanup(func() {
		if a.done {
			return
		}
		a.cmd.Process.Kill()
		<-a.exited
	})
	a.win = strings.Fields(xdotool(t, display, "search", "--sync", "--name", "重点项目督查"))[0]
	deadline := time.Now().Add(20 * time.Second)
	for !drawn(grab(t, display)) {
		if time.Now().After(deadline) {
			t.Fatalf("the window stays blank\n%s", a.logs.String())
		}
		time.Sleep(300 * time.Millisecond)
	}
	xdotool(t, display, "windowfocus", "--sync", a.win)
	return a
}

// keys sends key presses (xdotool names) and waits for the window to react.
func (a *app) keys(keys ...string) {
	a.t.Helper()
	a.do(append([]string{"key", "--delay", "120"}, keys...)...)
}

// typeText types ASCII text into the focused field and waits for it to show.
func (a *app) typeText(s string) {
	a.t.Helper()
	a.do("type", "--delay", "80", s)
}

// do runs xdotool with args (keys, typing, the mouse) and waits until the
// screen has changed and then stopped changing: the window has done what
// it was told, however long that takes on this machine. An action that
// changes nothing on screen is given a second and a half.
func (a *app) do(args ...string) {
	a.t.Helper()
	before := frame(a.t, a.display)
	xdotool(a.t, a.display, args...)
	settle(a.t, a.display, before)
}

// click clicks the screen at p and waits as do does.
func (a *app) click(p image.Point) {
	a.t.Helper()
	a.do("mousemove", fmt.Sprint(p.X), fmt.Sprint(p.Y), "click", "1")
}

// settle waits until the screen differs from before and then holds still
// for two frames in a row; or, if it never differs, for a second and a half.
// After 20 s it gives up waiting and lets the test's checks say what is
// wrong.
func settle(t *testing.T, display string, before []byte) {
	t.Helper()
	start := time.Now()
	prev, still, changed := before, 0, false
	for time.Since(start) < 20*time.Second {
		time.Sleep(100 * time.Millisecond)
		f := frame(t, display)
		if !changed && !bytes.Equal(f, before) {
			changed = true
		}
		if bytes.Equal(f, prev) {
			still++
		} else {
			still = 0
		}
		prev = f
		if changed && still >= 2 || !changed && time.Since(start) > 1500*time.Millisecond {
			return
		}
	}
}

// written waits until the data file has been written since the moment
// given and then not again for half a second: what was typed is on disk.
func written(t *testing.T, data string, since time.Time) {
	t.Helper()
	path := filepath.Join(data, storage.FileName)
	deadline := time.Now().Add(20 * time.Second)
	var last time.Time
	stable := time.Now()
	for time.Now().Before(deadline) {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if !fi.ModTime().Equal(last) {
			last, stable = fi.ModTime(), time.Now()
		}
		if last.After(since) && time.Since(stable) > 500*time.Millisecond {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s was not written after %v", path, since)
}

// quit presses Ctrl+Q and waits for a clean exit.
func (a *app) quit() {
	a.t.Helper()
	a.keys("ctrl+q")
	select {
	case err := <-a.exited:
		a.done = true
		if err != nil {
			a.t.Fatalf("app exited with %v\n%s", err, a.logs.String())
		}
	case <-time.After(10 * time.Second):
		a.cmd.Process.Signal(syscall.SIGTERM)
		a.t.Fatalf("app did not quit on Ctrl+Q\n%s", a.logs.String())
	}
}

// unvisitedThisMonth names a project of the sample with no visit this
// month, so that Ctrl+N starts a visit without asking about a second one
// (the sample's history ends today, and which projects it visited this
// month depends on the date).
func unvisitedThisMonth(t *testing.T, data string) string {
	t.Helper()
	out, errs, code := run(t, "projects", "--data", data, "--json")
	if code != 0 {
		t.Fatal(errs)
	}
	var projects []struct {
		ID        string `json:"id"`
		LastVisit string `json:"last_visit"`
	}
	if err := json.Unmarshal([]byte(out), &projects); err != nil {
		t.Fatal(err)
	}
	month := time.Now().Format("2006-01")
	for _, p := range projects {
		if !strings.HasPrefix(p.LastVisit, month) {
			return p.ID
		}
	}
	t.Fatal("every sample project was visited this month")
	return ""
}

// draftsOf lists a project's draft visits with the command line.
func draftsOf(t *testing.T, data, project string) []map[string]any {
	t.Helper()
	out, errs, code := run(t, "visits", "--data", data, "--project", project, "--json")
	if code != 0 {
		t.Fatalf("visits: %d %s", code, errs)
	}
	var visits []map[string]any
	if err := json.Unmarshal([]byte(out), &visits); err != nil {
		t.Fatalf("visits --json: %v\n%s", err, out)
	}
	var drafts []map[string]any
	for _, v := range visits {
		if v["status"] == "draft" {
			drafts = append(drafts, v)
		}
	}
	return drafts
}

// TestVisitSurvivesRestart drives the real window with the keyboard only:
// find a project (Ctrl+F, its code, Enter), start a visit (Ctrl+N), type
// the inspector, go to the first section (Ctrl+PageDown), answer the first
// item, quit with Ctrl+Q; then the draft and its answer are in the store,
// and a restart resumes the same draft rather than starting another.
func TestVisitSurvivesRestart(t *testing.T) {
	display := xvfb(t)
	data := t.TempDir()
	if _, errs, code := run(t, "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	project := unvisitedThisMonth(t, data)
	if n := len(draftsOf(t, data, project)); n != 0 {
		t.Fatalf("sample data has %d drafts for %s", n, project)
	}
	config := stillConfig(t)
	a := startApp(t, display, data, config)
	a.keys("ctrl+f")
	a.typeText(project)
	a.keys("Return")
	a.keys("ctrl+n")
	a.typeText("tester")
	a.keys("ctrl+Next")
	// The first item carries last month's figure: select it and type
	// this month's over it.
	a.keys("ctrl+a")
	a.typeText("55")
	shot := filepath.Join(artefactDir(t), "checklist.png")
	if !drawn(screenshot(t, display, shot)) {
		t.Fatalf("checklist screenshot looks blank: %s", shot)
	}
	// The last page re-checks the project's open findings.
	// (The first drawing of a page is slow under Xvfb's software GL; do
	// waits for it.)
	a.do("key", "--delay", "200", "ctrl+Next", "ctrl+Next", "ctrl+Next", "ctrl+Next",
		"ctrl+Next", "ctrl+Next", "ctrl+Next", "ctrl+Next")
	screenshot(t, display, filepath.Join(artefactDir(t), "recheck.png"))
	// Ctrl+L: the findings of all projects; a click on the first row opens
	// its detail with the history (a picture for the README, not checked).
	a.keys("ctrl+l")
	screenshot(t, display, filepath.Join(artefactDir(t), "findings.png"))
	a.do("mousemove", "500", "235", "click", "1")
	screenshot(t, display, filepath.Join(artefactDir(t), "finding.png"))
	a.keys("Escape")
	a.quit()

	drafts := draftsOf(t, data, project)
	if len(drafts) != 1 {
		t.Fatalf("%d drafts after the visit, want 1\n%s", len(drafts), a.logs.String())
	}
	d := drafts[0]
	if d["answers"] != float64(1) || fmt.Sprint(d["inspectors"]) != "[tester]" {
		t.Fatalf("draft %v: want 1 answer by tester", d)
	}
	if _, errs, code := run(t, "check", "--data", data); code != 0 {
		t.Fatalf("check after quitting: %s", errs)
	}
	s, err := storage.Open(data, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	in, err := s.Visit(d["id"].(string))
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if n := in.Answers["progress.image_pct"].Number; n == nil || *n != 55 {
		t.Fatalf("the first item's answer is %v, want 55", n)
	}

	// Restart: Ctrl+N on the project resumes the draft.
	b := startApp(t, display, data, config)
	b.keys("ctrl+f")
	b.typeText(project)
	b.keys("Return")
	b.keys("ctrl+n")
	screenshot(t, display, filepath.Join(artefactDir(t), "checklist-resumed.png"))
	b.quit()
	again := draftsOf(t, data, project)
	if len(again) != 1 || again[0]["id"] != d["id"] || again[0]["answers"] != float64(1) {
		t.Fatalf("after restart: %v, want the same draft with its answer", again)
	}
}

func TestNoDisplaySaysSoInsteadOfPanicking(t *testing.T) {
	cmd := exec.Command(binary, "--data", t.TempDir())
	env := []string{}
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "DISPLAY=") && !strings.HasPrefix(e, "WAYLAND_DISPLAY=") {
			env = append(env, e)
		}
	}
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Fatalf("without a display: %v\n%s", err, out)
	}
	if strings.Contains(string(out), "panic") || !strings.Contains(string(out), "DISPLAY") {
		t.Fatalf("without a display the app said:\n%s", out)
	}
}

// TestFindingTypingSurvivesAKill: a finding typed into its form and never
// saved is on disk when the app is killed (a flat battery, a crash), and
// the next start offers it. A click on 不符合 of the first section's third
// item opens the finding form, with the description focused.
func TestFindingTypingSurvivesAKill(t *testing.T) {
	display := xvfb(t)
	data := t.TempDir()
	if _, errs, code := run(t, "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	project := unvisitedThisMonth(t, data)
	config := stillConfig(t)
	a := startApp(t, display, data, config)
	a.keys("ctrl+f")
	a.typeText(project)
	a.keys("Return")
	a.keys("ctrl+n")
	a.keys("ctrl+Next")
	// The first two items carry last month's answers, which push the
	// third down: a wheel notch (three lines, 90 px) brings its 不符合
	// back up.
	a.do("mousemove", "700", "400", "click", "5")
	a.do("mousemove", "445", "578", "click", "1")
	typed := time.Now()
	a.typeText("e2e kill test")
	written(t, data, typed) // kept as typed: the draft is on disk before the kill
	shot := filepath.Join(artefactDir(t), "finding-form.png")
	screenshot(t, display, shot)
	a.cmd.Process.Kill()
	<-a.exited
	a.done = true

	s, err := storage.Open(data, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	drafts, err := s.FormDrafts("finding:new:")
	s.Close()
	if err != nil || len(drafts) != 1 || !strings.Contains(drafts[0].Fields["description"], "e2e kill test") {
		t.Fatalf("after the kill, the finding's drafts are %+v (%v); the form looked like %s\n%s", drafts, err, shot, a.logs.String())
	}
	if _, errs, code := run(t, "check", "--data", data); code != 0 {
		t.Fatalf("check after the kill: %s", errs)
	}
}
