package cli

import (
	"bytes"
	"path/filepath"
	"strconv"
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

// withStore opens a data folder's store for one step of a test.
func withStore(t *testing.T, data string, do func(s *storage.Store)) {
	t.Helper()
	s, err := storage.Open(data, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	do(s)
}

// TestBriefAndTourVerifiedAgainstThePortal: two laptops sync with a real
// portal process. A brief printed on laptop A is unchanged on the portal
// too; once laptop B changes a finding of one project and syncs, A —
// without pulling — finds its own records as printed and the portal's
// part of that project, named, changed; a change of A's own not yet sent
// is named as such. A tour pack printed after syncing verifies on both,
// and with the portal gone the local verdict stands.
func TestBriefAndTourVerifiedAgainstThePortal(t *testing.T) {
	url, stop := portalProcess(t)
	a, b := t.TempDir(), t.TempDir()
	cliCommand(t, runLogin, "fieldbrief-demo", "--data", a, "--portal", url, "--user", "inspector1")
	cliCommand(t, runLogin, "fieldbrief-demo", "--data", b, "--portal", url, "--user", "leader")
	cliCommand(t, runSync, "", "--data", a)
	const project = "p03"
	f := sv.Finding{ID: sv.NewID(time.Now()), ProjectID: project, Kind: sv.KindProblem, Category: sv.CategorySafety,
		Severity: sv.SeverityMinor, Description: "临边防护缺失", ResponsibleUnit: "建设局", Deadline: "2026-12-31"}
	var name string
	withStore(t, a, func(s *storage.Store) {
		if err := s.CreateFinding(f); err != nil {
			t.Fatal(err)
		}
		p, err := s.Project(project)
		if err != nil {
			t.Fatal(err)
		}
		name = p.DisplayName()
	})
	cliCommand(t, runSync, "", "--data", a)
	cliCommand(t, runSync, "", "--data", b)

	brief := filepath.Join(t.TempDir(), "brief.pdf")
	cliCommand(t, runReport, "", "brief", "--data", a, "--out", brief, "--offline", "--period", time.Now().Format("2006-01"))
	verify := func(pdf string) (string, error) { return cliRun(time.Now(), "verify", "--data", a, pdf) }
	out, err := verify(brief)
	if err != nil || !strings.Contains(out, "未改变") || !strings.Contains(out, "平台上的数据与打印件也一致。") {
		t.Fatalf("the brief as printed, here and on the portal: %v\n%s", err, out)
	}

	withStore(t, b, func(s *storage.Store) {
		if _, err := s.AddFindingNote(f.ID, sv.Note{By: "王主任", Text: "请于月底前整改完毕"}); err != nil {
			t.Fatal(err)
		}
	})
	cliCommand(t, runSync, "", "--data", b)
	out, err = verify(brief)
	if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(out, "未改变") ||
		!strings.Contains(out, "平台上的数据与打印件不一致，涉及项目：“"+name+"”") {
		t.Fatalf("changed on the portal only: %v\n%s", err, out)
	}
	if strings.Count(out, "“") != 1 {
		t.Errorf("only the changed project is named:\n%s", out)
	}
	en, err := cliRunLang(sv.English, "verify", "--data", a, brief)
	if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(en, "The portal's data does not match the printed document for: “"+name+"”") {
		t.Errorf("in English: %v\n%s", err, en)
	}

	// A's own change to the same project, not sent: its portal part says
	// nothing of what was printed until it is.
	withStore(t, a, func(s *storage.Store) {
		if _, err := s.AddFindingNote(f.ID, sv.Note{By: "李督查", Text: "已电话督促"}); err != nil {
			t.Fatal(err)
		}
	})
	out, err = verify(brief)
	if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(out, "已改变") ||
		!strings.Contains(out, "本机对项目“"+name+"”的改动尚未发送到平台") || strings.Contains(out, "涉及项目") {
		t.Errorf("changed here, not sent: %v\n%s", err, out)
	}

	// Sent, and B's note pulled: both copies differ from the brief.
	cliCommand(t, runSync, "", "--data", a)
	out, err = verify(brief)
	if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(out, "已改变") ||
		!strings.Contains(out, "平台上的数据也与打印件不一致，涉及项目：“"+name+"”") {
		t.Errorf("changed here and there, synced: %v\n%s", err, out)
	}

	// Synced, a tour pack printed now is the same on both.
	tour := filepath.Join(t.TempDir(), "tour.pdf")
	q := (int(time.Now().Month())-1)/3 + 1
	cliCommand(t, runReport, "", "tour", "--data", a, "--out", tour, "--offline",
		"--quarter", time.Now().Format("2006")+"Q"+strconv.Itoa(q), "--order", "p05,"+project+",p01")
	out, err = verify(tour)
	if err != nil || !strings.Contains(out, "未改变") || !strings.Contains(out, "平台上的数据与打印件也一致。") {
		t.Fatalf("the tour pack as printed, here and on the portal: %v\n%s", err, out)
	}

	stop()
	out, err = verify(tour)
	if err != nil || !strings.Contains(out, "未改变") || !strings.Contains(out, "未能核对平台上的副本") {
		t.Errorf("the portal gone: %v\n%s", err, out)
	}
}

// cliRunLang is cliRun with the verdict in lang.
func cliRunLang(lang sv.Lang, args ...string) (string, error) {
	var out, errOut bytes.Buffer
	c := &ctx{Env: Env{Stdout: &out, Stderr: &errOut, Now: time.Now}, lang: lang}
	err := runReport(c, args)
	return out.String() + errOut.String(), err
}
