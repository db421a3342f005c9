package spreadsheet

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sv "fieldbrief/supervision"
)

// readBack is what openpyxl sees in a workbook: per sheet, the frozen
// cell, the filter range, column widths, and each cell's type and value
// (dates as ISO text), and the fill colour of each row's first cell.
const readBack = `
import json, sys, datetime, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {}
for ws in wb.worksheets:
    rows, fills = [], []
    for row in ws.iter_rows():
        cells = []
        for c in row:
            v = c.value
            if isinstance(v, datetime.datetime):
                cells.append(["date", v.date().isoformat()])
            elif isinstance(v, bool):
                cells.append(["bool", v])
            elif isinstance(v, (int, float)):
                cells.append(["number", v])
            elif v is None:
                cells.append(["empty", None])
            else:
                cells.append(["text", str(v)])
        rows.append(cells)
        fills.append(row[0].fill.fgColor.rgb if row[0].fill and row[0].fill.fill_type else "")
    widths = {k: v.width for k, v in ws.column_dimensions.items()}
    out[ws.title] = {"freeze": ws.freeze_panes, "filter": ws.auto_filter.ref, "rows": rows, "fills": fills, "widths": widths}
json.dump(out, sys.stdout)
`

type pySheet struct {
	Freeze string             `json:"freeze"`
	Filter string             `json:"filter"`
	Rows   [][][2]any         `json:"rows"`
	Fills  []string           `json:"fills"`
	Widths map[string]float64 `json:"widths"`
}

// openpyxl reads the file with Debian's python3-openpyxl (installed by
// scripts/install-deps.sh). A missing openpyxl fails the test: the second
// implementation is the point.
func openpyxl(t *testing.T, data []byte) map[string]pySheet {
	t.Helper()
	const python = "/usr/bin/python3"
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(python, "-c", readBack, path).Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("openpyxl could not read the workbook (install python3-openpyxl with scripts/install-deps.sh): %v\n%s", err, stderr)
	}
	var sheets map[string]pySheet
	if err := json.Unmarshal(out, &sheets); err != nil {
		t.Fatal(err)
	}
	return sheets
}

func TestLedgerReadByOpenpyxl(t *testing.T) {
	now := time.Date(2026, 6, 10, 15, 0, 0, 0, time.Local)
	at := time.Date(2026, 4, 2, 9, 0, 0, 0, time.Local)
	findings := []sv.Finding{
		{ID: "a", ProjectID: "p01", Category: sv.CategorySafety, Severity: sv.SeverityMajor, Description: "临边防护缺失，需立即整改",
			ResponsibleUnit: "重庆科城建设工程有限公司", Deadline: "2026-05-31", Status: sv.StatusOpen, CreatedAt: at, PhotosBefore: []string{"x", "y"}},
		{ID: "b", ProjectID: "p02", Category: sv.CategoryPermits, Severity: sv.SeverityMinor, Description: "施工许可证未公示",
			ResponsibleUnit: "业主单位", Deadline: "2026-04-30", Status: sv.StatusClosed, CreatedAt: at, ClosedAt: at.AddDate(0, 0, 20), PhotosAfter: []string{"z"}},
		{ID: "c", ProjectID: "p01", Category: sv.CategoryDust, Severity: sv.SeverityMinor, Description: "裸土未覆盖",
			ResponsibleUnit: "重庆科城建设工程有限公司", Deadline: "2026-07-01", Status: sv.StatusInProgress, CreatedAt: at.AddDate(0, 0, 1)},
	}
	projects := map[string]sv.Project{"p01": {ID: "p01", Name: "中国科学院重庆科学中心", ShortName: "中科院科学中心"}, "p02": {ID: "p02", Name: "生物资源库"}}
	data, err := WriteLedger(LedgerFilter{Status: "all"}.Select(findings, now), projects, now)
	if err != nil {
		t.Fatal(err)
	}
	book := openpyxl(t, data)
	l, ok := book[LedgerSheet]
	if !ok {
		t.Fatalf("no ledger sheet: %v", book)
	}
	if l.Freeze != "A2" || strings.ReplaceAll(l.Filter, "$", "") != "A1:L4" {
		t.Errorf("frozen %q, filter %q; want A2 and A1:L4", l.Freeze, l.Filter)
	}
	var head []string
	for _, c := range l.Rows[0] {
		head = append(head, c[1].(string))
	}
	if strings.Join(head, ",") != strings.Join(LedgerHeader, ",") {
		t.Errorf("header %v", head)
	}
	// Row 2 is p01's overdue finding: dates are dates, counts are numbers,
	// the row is shaded.
	want := [][2]any{{"number", 1.0}, {"text", "中科院科学中心"}, {"text", "临边防护缺失，需立即整改"}, {"text", "安全生产"}, {"text", "较大"},
		{"text", "重庆科城建设工程有限公司"}, {"date", "2026-04-02"}, {"date", "2026-05-31"}, {"text", "待整改"}, {"number", 10.0}, {"empty", nil}, {"number", 2.0}}
	for i, w := range want {
		if got := l.Rows[1][i]; got != w {
			t.Errorf("row 2 column %d: %v, want %v", i+1, got, w)
		}
	}
	if !strings.HasSuffix(l.Fills[1], "FDE2E1") || strings.HasSuffix(l.Fills[2], "FDE2E1") {
		t.Errorf("fills %v: only the overdue row is marked", l.Fills)
	}
	closed := l.Rows[3]
	if closed[10] != [2]any{"date", "2026-04-22"} || closed[8] != [2]any{"text", "已销号"} {
		t.Errorf("closed row: %v", closed)
	}
	if l.Widths["C"] < 24 || l.Widths["F"] < 24 {
		t.Errorf("columns not fitted: %v", l.Widths)
	}
	s := book[SummarySheet]
	wantSum := [][]any{{"业主单位", 0.0, 0.0, 1.0}, {"重庆科城建设工程有限公司", 2.0, 1.0, 0.0}, {"合计", 2.0, 1.0, 1.0}}
	for i, w := range wantSum {
		for j, v := range w {
			if s.Rows[i+1][j][1] != v {
				t.Errorf("summary row %d: %v, want %v", i+2, s.Rows[i+1], w)
				break
			}
		}
	}
	if s.Freeze != "A2" {
		t.Errorf("summary header not frozen: %q", s.Freeze)
	}
}

func TestRegisterAndChecklistReadByOpenpyxl(t *testing.T) {
	projects := sampleProjects(t)
	projects[0].Investment.AsOf = "2026-11-30"
	data, err := WriteRegister(projects)
	if err != nil {
		t.Fatal(err)
	}
	book := openpyxl(t, data)
	reg := book["重点项目"]
	if reg.Freeze != "A2" || len(reg.Rows) != 21 {
		t.Fatalf("register: frozen %q, %d rows", reg.Freeze, len(reg.Rows))
	}
	p := reg.Rows[1]
	if p[1] != [2]any{"text", projects[0].Name} || p[9] != [2]any{"number", projects[0].Investment.Total} ||
		p[12] != [2]any{"date", "2026-11-30"} || p[13] != [2]any{"date", string(projects[0].PlannedStart)} {
		t.Errorf("first project as openpyxl reads it: %v", p)
	}
	ms := book["节点计划"]
	if ms.Rows[1][2] != [2]any{"date", string(projects[0].Milestones[0].Planned)} {
		t.Errorf("milestone: %v", ms.Rows[1])
	}
	tpl, _ := builtInTemplate(t)
	data, err = WriteTemplate(tpl, "")
	if err != nil {
		t.Fatal(err)
	}
	book = openpyxl(t, data)
	items := book["items"]
	if items.Rows[0][3] != [2]any{"text", "key"} || items.Rows[1][3] != [2]any{"text", tpl.Sections[0].Items[0].Key} || len(items.Rows) != len(tpl.Items())+1 {
		t.Errorf("items sheet: %v", items.Rows[:2])
	}
	if book["settings"].Rows[1][1] != [2]any{"text", tpl.ID} {
		t.Errorf("settings: %v", book["settings"].Rows)
	}
}
