package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

func pdfTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is not installed; `make test` installs it (poppler-utils, qpdf)", name)
	}
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func pages(t *testing.T, pdf string) int {
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(pdfTool(t, "pdfinfo", pdf))
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestReportCommands(t *testing.T) {
	data := t.TempDir()
	if _, errs, code := run(t, "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	out, _, _ := run(t, "visits", "--data", data, "--json")
	var visits []map[string]any
	json.Unmarshal([]byte(out), &visits)
	visit := visits[0]["id"].(string)

	// A note with emoji and a character outside the BMP must still print.
	s, err := storage.Open(data, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := s.Findings(storage.FindingFilter{ProjectID: visits[0]["project_id"].(string), ActiveOnly: true})
	if len(fs) == 0 {
		t.Fatal("sample project has no active finding")
	}
	if _, err := s.AddFindingNote(fs[0].ID, sv.Note{By: "张伟", Text: "吉祥的𠮷字和表情😀都要能打印"}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	dir := t.TempDir()
	cases := []struct {
		name     string
		args     []string
		contains []string
		minPages int
	}{
		{"visit", []string{"report", "visit", "--id", visit}, []string{"重点项目现场督查报告", "签"}, 2},
		{"brief", []string{"report", "brief", "--period", "2026-10"}, []string{"调度会", "中国科学院重庆科学中心"}, 20},
		{"tour", []string{"report", "tour", "--quarter", "2026Q4", "--lang", "en"}, []string{"Key Project Site Tour", "Q4 2026"}, 20},
		{"brief-a3", []string{"report", "brief", "--period", "2026-10", "--size", "A3"}, []string{"调度会"}, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pdf := filepath.Join(dir, c.name+".pdf")
			args := append(append([]string(nil), c.args...), "--data", data, "--out", pdf)
			out, errs, code := run(t, args...)
			if code != 0 {
				t.Fatalf("%v: %d %s %s", args, code, out, errs)
			}
			pdfTool(t, "qpdf", "--check", pdf)
			text := pdfTool(t, "pdftotext", "-layout", pdf, "-")
			for _, want := range c.contains {
				if !strings.Contains(text, want) {
					t.Errorf("%s lacks %q", c.name, want)
				}
			}
			if n := pages(t, pdf); n < c.minPages {
				t.Errorf("%s has %d pages, want at least %d", c.name, n, c.minPages)
			}
			if c.name == "visit" && strings.Contains(text, "表情") && !strings.Contains(out, "□") {
				t.Errorf("the visit report printed the emoji note without reporting placeholders: %s", out)
			}
		})
	}
	// With a fixed date the output is byte-identical.
	a, b := filepath.Join(dir, "a.pdf"), filepath.Join(dir, "b.pdf")
	for _, f := range []string{a, b} {
		if _, errs, code := run(t, "report", "brief", "--data", data, "--period", "2026-10", "--date", "2026-11-01", "--out", f); code != 0 {
			t.Fatal(errs)
		}
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ba, bb) {
		t.Error("two briefs with --date differ")
	}
	// Bad input is refused with a reason.
	if _, errs, code := run(t, "report", "tour", "--data", data, "--quarter", "2026Q5", "--out", a); code != 2 || !strings.Contains(errs, "季度") {
		t.Errorf("quarter 5: %d %q", code, errs)
	}
	if _, errs, code := run(t, "report", "visit", "--data", data, "--id", "nope", "--out", a); code != 1 || !strings.Contains(errs, "找不到") {
		t.Errorf("unknown visit: %d %q", code, errs)
	}
}
