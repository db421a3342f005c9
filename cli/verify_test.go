package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldbrief/report"
	"fieldbrief/sample"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// verifyStore is a sample store with a draft visit of p02 that has a
// number answered.
func verifyStore(t *testing.T, now time.Time) (data, visitID string) {
	t.Helper()
	data = t.TempDir()
	s, err := storage.Open(data, storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := sample.InstallMonths(s, now, 2); err != nil {
		t.Fatal(err)
	}
	in, err := s.StartVisit("p02", []string{"张三"})
	if err != nil {
		t.Fatal(err)
	}
	v := 32.5
	if err := s.SaveAnswer(in.ID, sv.Answer{ItemKey: "quality.concrete", Number: &v, Note: "三号楼二层柱取芯"}); err != nil {
		t.Fatal(err)
	}
	return data, in.ID
}

// cliRun runs a fieldbrief report command at now and returns its output
// and error.
func cliRun(now time.Time, args ...string) (string, error) {
	var out, errOut bytes.Buffer
	c := &ctx{Env: Env{Stdout: &out, Stderr: &errOut, Now: func() time.Time { return now }}, lang: sv.Chinese}
	err := runReport(c, args)
	return out.String() + errOut.String(), err
}

// TestReportVerify prints a visit report and verifies it: unchanged at
// first; changed once an answer is edited after printing (naming the
// item); refused as altered once the file is edited by hand; and not found
// in another data folder.
func TestReportVerify(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	data, id := verifyStore(t, now)
	pdf := filepath.Join(t.TempDir(), "visit.pdf")
	if out, err := cliRun(now, "visit", "--data", data, "--id", id, "--out", pdf, "--offline", "--date", "2026-11-20"); err != nil {
		t.Fatalf("report visit: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(pdf)
	if err != nil {
		t.Fatal(err)
	}
	stamp, ok := report.ReadStamp(raw)
	if !ok || stamp.ID != id {
		t.Fatalf("the report carries no stamp of %s: %+v", id, stamp)
	}
	if sealed, intact := report.CheckSeal(raw); !sealed || !intact {
		t.Fatalf("a fresh report: sealed %v, intact %v", sealed, intact)
	}
	// The report tells its reader how to check it.
	if text := strings.Join(strings.Fields(pdfText(t, pdf)), ""); !strings.Contains(text, "用fieldbriefreportverify") {
		t.Error("the visit report does not say how to verify it")
	}

	out, err := cliRun(now, "verify", "--data", data, pdf)
	if err != nil || !strings.Contains(out, "未改变") {
		t.Fatalf("round trip: %v\n%s", err, out)
	}

	// A PDF edited by hand: one byte of a page changed.
	edited := editedCopy(t, raw)
	out, err = cliRun(now, "verify", "--data", data, edited)
	if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(out, "被改动过") {
		t.Errorf("a hand-edited PDF: %v\n%s", err, out)
	}

	// Another store: the record is not there.
	other, _ := verifyStore(t, now)
	out, err = cliRun(now, "verify", "--data", other, pdf)
	if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(out, "不在该数据文件夹中") {
		t.Errorf("a PDF from another store: %v\n%s", err, out)
	}

	// The record changes after printing.
	later := now.Add(time.Hour)
	s, err := storage.Open(data, storage.Options{Now: func() time.Time { return later }})
	if err != nil {
		t.Fatal(err)
	}
	v := 35.0
	if err := s.SaveAnswer(id, sv.Answer{ItemKey: "quality.concrete", Number: &v, Note: "三号楼二层柱取芯", AnsweredAt: later}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	out, err = cliRun(later, "verify", "--data", data, pdf)
	if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(out, "已改变") || !strings.Contains(out, "打印后修改过的检查项：“") {
		t.Errorf("a record changed after printing: %v\n%s", err, out)
	}
}

// TestReportVerifyNamesTheAmendment: a submitted visit printed, then
// corrected by an amendment: verify says which amendment replaces it.
func TestReportVerifyNamesTheAmendment(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	data, _ := verifyStore(t, now)
	s, err := storage.Open(data, storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	visits, _ := s.ProjectVisits("p03")
	var orig string
	for _, v := range visits {
		if v.Status == sv.Submitted {
			orig = v.ID
			break
		}
	}
	s.Close()
	if orig == "" {
		t.Fatal("p03 has no submitted visit")
	}
	pdf := filepath.Join(t.TempDir(), "visit.pdf")
	if out, err := cliRun(now, "visit", "--data", data, "--id", orig, "--out", pdf, "--offline", "--date", "2026-11-20"); err != nil {
		t.Fatalf("report visit: %v\n%s", err, out)
	}
	s, err = storage.Open(data, storage.Options{Now: func() time.Time { return now.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	am, err := s.AmendVisit(orig)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SubmitVisit(am.ID); err != nil {
		t.Fatalf("submit the amendment: %v", err)
	}
	s.Close()
	out, err := cliRun(now, "verify", "--data", data, pdf)
	if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(out, "未改变") || !strings.Contains(out, "已被更正") || !strings.Contains(out, am.ID) {
		t.Errorf("a corrected record: %v\n%s", err, out)
	}
}

// editActiveFinding changes the description of an active finding of the
// data folder's first project that has one, at the time at, and returns
// the project's name and the new description.
func editActiveFinding(t *testing.T, data string, at time.Time) (project, desc string) {
	t.Helper()
	s, err := storage.Open(data, storage.Options{Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fs, err := s.Findings(storage.FindingFilter{ActiveOnly: true})
	if err != nil || len(fs) == 0 {
		t.Fatalf("no active finding: %v", err)
	}
	f := fs[0]
	p, err := s.Project(f.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	desc = "塔吊基础积水未排"
	if _, err := s.EditFinding(f.ID, storage.FindingEdit{Description: desc, ResponsibleUnit: f.ResponsibleUnit,
		Deadline: f.Deadline, Severity: f.Severity, Category: f.Category}); err != nil {
		t.Fatal(err)
	}
	return p.DisplayName(), desc
}

// TestReportVerifyBriefAndTour prints a brief and a tour pack and verifies
// each: unchanged at first, and in another data folder holding the same
// data; refused as edited once a byte of the file changes; "not printed
// from this data folder" in a folder whose data differs; and changed,
// naming the project and the finding, once a finding is edited after
// printing.
func TestReportVerifyBriefAndTour(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, kind := range []struct {
		name string
		args []string
		zh   string
	}{
		{"brief", []string{"brief", "--period", "2026-11"}, "简报"},
		{"tour", []string{"tour", "--quarter", "2026Q4"}, "拉练资料"},
	} {
		t.Run(kind.name, func(t *testing.T) {
			data, _ := verifyStore(t, now)
			pdf := filepath.Join(t.TempDir(), kind.name+".pdf")
			args := append(append([]string(nil), kind.args...), "--data", data, "--out", pdf, "--offline", "--date", "2026-11-20")
			if out, err := cliRun(now, args...); err != nil {
				t.Fatalf("report %s: %v\n%s", kind.name, err, out)
			}
			raw, err := os.ReadFile(pdf)
			if err != nil {
				t.Fatal(err)
			}
			stamp, ok := report.ReadStamp(raw)
			if !ok || stamp.Kind != kind.name || len(stamp.Projects) == 0 {
				t.Fatalf("the %s carries no stamp: %+v", kind.name, stamp)
			}
			// The footer shows the digest's first 16 digits.
			if text := pdfText(t, pdf); !strings.Contains(text, "数据校验码 "+stamp.Record[3:19]) {
				t.Errorf("the footer does not show the data check %s", stamp.Record[3:19])
			}

			out, err := cliRun(now, "verify", "--data", data, pdf)
			if err != nil || !strings.Contains(out, kind.zh+"所用数据") || !strings.Contains(out, "未改变") {
				t.Fatalf("round trip: %v\n%s", err, out)
			}

			edited := editedCopy(t, raw)
			out, err = cliRun(now, "verify", "--data", data, edited)
			if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(out, "被改动过") {
				t.Errorf("a hand-edited PDF: %v\n%s", err, out)
			}

			// Another folder with the same data agrees; one whose data
			// differs is named as not the one printed from.
			same, _ := verifyStore(t, now)
			out, err = cliRun(now, "verify", "--data", same, pdf)
			if err != nil || !strings.Contains(out, "未改变") || !strings.Contains(out, "另一个数据文件夹") {
				t.Errorf("another folder with the same data: %v\n%s", err, out)
			}
			other, _ := verifyStore(t, now)
			editActiveFinding(t, other, now)
			out, err = cliRun(now, "verify", "--data", other, pdf)
			if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(out, "不是用本数据文件夹打印的") {
				t.Errorf("a %s from another store: %v\n%s", kind.name, err, out)
			}

			later := now.Add(time.Hour)
			project, desc := editActiveFinding(t, data, later)
			out, err = cliRun(later, "verify", "--data", data, pdf)
			if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(out, "打印之后已改变") ||
				!strings.Contains(out, project) || !strings.Contains(out, desc) {
				t.Errorf("a record changed after printing: %v\n%s", err, out)
			}
		})
	}
}

// pdfText is the text of a PDF as pdftotext reads it.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// TestReportVerifyBriefNamesAProjectAdded: a project added to the register
// after a brief was printed is named as added since printing.
func TestReportVerifyBriefNamesAProjectAdded(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	data, _ := verifyStore(t, now)
	pdf := filepath.Join(t.TempDir(), "brief.pdf")
	if out, err := cliRun(now, "brief", "--period", "2026-11", "--data", data, "--out", pdf, "--offline", "--date", "2026-11-20"); err != nil {
		t.Fatalf("report brief: %v\n%s", err, out)
	}
	s, err := storage.Open(data, storage.Options{Now: func() time.Time { return now.Add(time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Project("p01")
	if err != nil {
		t.Fatal(err)
	}
	p.ID, p.Name, p.ShortName = "p99", "西永综保区二期标准厂房", "综保区二期"
	if err := s.ImportRegister([]sv.Project{p}, nil, true); err != nil {
		t.Fatal(err)
	}
	s.Close()
	out, err := cliRun(now, "verify", "--data", data, pdf)
	if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(out, "综保区二期") || !strings.Contains(out, "打印后加入的") {
		t.Errorf("a project added after printing: %v\n%s", err, out)
	}
}

// editedCopy writes raw with one byte of its first page stream changed, as
// a hand edit would, and returns the copy's path.
func editedCopy(t *testing.T, raw []byte) string {
	t.Helper()
	edited := filepath.Join(t.TempDir(), "edited.pdf")
	bad := bytes.Clone(raw)
	i := bytes.Index(bad, []byte("stream\n")) + len("stream\n") + 10
	bad[i] ^= 0x20
	if err := os.WriteFile(edited, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	return edited
}
