package cli

import (
	"bytes"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"fieldbrief/sample"
	"fieldbrief/spreadsheet"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// The ledger of the sample's year holds exactly the findings the filter
// asks for, each with its overdue days.
func TestFindingsExportFollowsItsFilters(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	data := t.TempDir()
	s, err := storage.Open(data, storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sample.Install(s, now); err != nil {
		t.Fatal(err)
	}
	all, err := s.Findings(storage.FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	overdue, open := 0, 0
	for _, f := range all {
		if f.Overdue(now) && f.ProjectID == "p01" {
			overdue++
		}
		if f.Status.Active() {
			open++
		}
	}
	if overdue == 0 {
		t.Fatal("the sample has no overdue finding on p01 to export")
	}
	export := func(args ...string) [][]string {
		t.Helper()
		out := filepath.Join(t.TempDir(), "台账.xlsx")
		var stdout, stderr bytes.Buffer
		c := &ctx{Env: Env{Stdout: &stdout, Stderr: &stderr, Now: func() time.Time { return now }}, lang: sv.English}
		if err := runFindings(c, append([]string{"export", "--data", data, "--out", out}, args...)); err != nil {
			t.Fatalf("findings export %v: %v", args, err)
		}
		f, err := excelize.OpenFile(out)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, _ := f.GetRows(spreadsheet.LedgerSheet)
		return rows[1:]
	}
	rows := export("--status", "overdue", "--project", "p01")
	if len(rows) != overdue {
		t.Fatalf("%d overdue rows for p01, want %d", len(rows), overdue)
	}
	for _, r := range rows {
		if d := must(strconv.Atoi(r[9]))(t); d <= 0 || r[1] != "中科院科学中心" {
			t.Errorf("row %v is not an overdue finding of p01", r)
		}
	}
	if rows := export(); len(rows) != open {
		t.Errorf("default export: %d rows, want the %d open findings", len(rows), open)
	}
	if rows := export("--status", "all"); len(rows) != len(all) {
		t.Errorf("all: %d rows, want %d", len(rows), len(all))
	}
	c := &ctx{Env: Env{Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Now: time.Now}, lang: sv.English}
	if err := runFindings(c, []string{"export", "--data", data, "--out", "x.xlsx", "--status", "soon"}); err == nil {
		t.Error("an unknown status was accepted")
	}
}
