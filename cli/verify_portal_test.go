package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldbrief/internal/portaltest"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// portalProcess builds cmd/fieldbrief-portal, writes its demo data and
// serves it on a free loopback port, as the syncer's tests do. It returns
// the portal's address and a function that stops it (also called when
// the test ends).
func portalProcess(t *testing.T) (url string, stop func()) {
	t.Helper()
	url, _, _, stop = portalProcessAt(t)
	return url, stop
}

// portalProcessAt is portalProcess that also returns the portal binary and
// its data folder, for a test that runs the portal's own commands (such
// as `register import`) against the running process.
func portalProcessAt(t *testing.T) (url, bin, data string, stop func()) {
	t.Helper()
	bin = portaltest.Build(t, t.TempDir())
	p := portaltest.Start(t, bin)
	return p.URL, bin, p.Data, p.Stop
}

// cliCommand runs one fieldbrief command with password on its input.
func cliCommand(t *testing.T, run func(*ctx, []string) error, password string, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	c := &ctx{Env: Env{Stdin: strings.NewReader(password + "\n"), Stdout: &out, Stderr: &errOut, Now: time.Now}, lang: sv.Chinese}
	if err := run(c, args); err != nil {
		t.Fatalf("%v: %v\n%s%s", args, err, out.String(), errOut.String())
	}
	return out.String()
}

// setNumber saves value as the answer of the visit's first number item and
// returns the item's title.
func setNumber(t *testing.T, data, visitID string, value float64) string {
	t.Helper()
	s, err := storage.Open(data, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	in, err := s.Visit(visitID)
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := s.Template(in.TemplateID, in.TemplateVersion)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range tpl.Items() {
		if it.Kind == sv.KindNumber {
			if err := s.SaveAnswer(visitID, sv.Answer{ItemKey: it.Key, Number: &value, AnsweredBy: "李督查"}); err != nil {
				t.Fatal(err)
			}
			return it.DisplayTitle(sv.Chinese)
		}
	}
	t.Fatal("the checklist has no number item")
	return ""
}

// TestReportVerifyAgainstThePortal verifies a printed visit report on a
// signed-in laptop against a real portal process: both copies match at
// first; a change made here and not sent is this laptop's copy differing
// (and the portal's version of it cannot be known here); a change made on
// another laptop and synced is the portal's copy differing; with the
// portal gone, the local verdict stands and says the portal could not be
// asked.
func TestReportVerifyAgainstThePortal(t *testing.T) {
	url, stop := portalProcess(t)
	data := t.TempDir()
	cliCommand(t, runLogin, "fieldbrief-demo", "--data", data, "--portal", url, "--user", "inspector1")
	cliCommand(t, runSync, "", "--data", data)

	s, err := storage.Open(data, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := s.StartVisit("p03", []string{"李督查"})
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	title := setNumber(t, data, in.ID, 30)
	cliCommand(t, runSync, "", "--data", data)
	pdf := filepath.Join(t.TempDir(), "visit.pdf")
	cliCommand(t, runReport, "", "visit", "--data", data, "--id", in.ID, "--out", pdf, "--offline")
	verify := func() (string, error) { return cliRun(time.Now(), "verify", "--data", data, pdf) }

	out, err := verify()
	if err != nil || !strings.Contains(out, "未改变") || !strings.Contains(out, "平台上的副本与打印件一致。") {
		t.Fatalf("both copies as printed: %v\n%s", err, out)
	}

	setNumber(t, data, in.ID, 31)
	out, err = verify()
	if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(out, "已改变") || !strings.Contains(out, "（“"+title+"”）尚未发送到平台") {
		t.Errorf("changed on this laptop, not sent: %v\n%s", err, out)
	}

	// Back as printed here (not sent); meanwhile the inspector changes
	// the value on another laptop, which syncs.
	setNumber(t, data, in.ID, 30)
	other := t.TempDir()
	cliCommand(t, runLogin, "fieldbrief-demo", "--data", other, "--portal", url, "--user", "inspector1")
	cliCommand(t, runSync, "", "--data", other)
	setNumber(t, other, in.ID, 32)
	cliCommand(t, runSync, "", "--data", other)
	out, err = verify()
	if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(out, "未改变") || !strings.Contains(out, "不一致的是平台上的副本") ||
		!strings.Contains(out, "平台副本中打印后修改过的检查项：“"+title+"”") {
		t.Errorf("changed on the portal only: %v\n%s", err, out)
	}

	stop()
	out, err = verify()
	if err != nil || !strings.Contains(out, "未改变") || !strings.Contains(out, "未能核对平台上的副本") {
		t.Errorf("the portal gone: %v\n%s", err, out)
	}
}
