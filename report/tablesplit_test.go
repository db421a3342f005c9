package report

import (
	"strings"
	"testing"
)

// A row too tall for a page continues on the next, and there its short
// cells — 序号 and the project — are printed again, so the continued part
// says whose it is.
func TestSplitRowRepeatsItsKeyCells(t *testing.T) {
	d := NewDoc(testFonts(t), Options{Time: fixedTime})
	long := strings.Repeat("基坑支护桩位移监测数据超过预警值，需加密监测并复核支护方案。", 150)
	d.Table(Table{Columns: []Column{
		{Header: "序号", NoWrap: true, Weight: 1},
		{Header: "项目", Weight: 1},
		{Header: "问题描述", Weight: 4},
	}, Rows: []Row{TextRow("7", "金凤实验室", long)}, Continued: "金凤实验室"})
	path, res := writePDF(t, d, "split-row.pdf")
	if res.Pages < 2 {
		t.Fatalf("the row should run over %d pages", res.Pages)
	}
	page2 := string(ink(bodyText(t, path, A4, "-f", "2", "-l", "2")))
	for _, want := range []string{"金凤实验室（续）", "7", "金凤实验室"} {
		if !strings.Contains(page2, want) {
			t.Errorf("page 2 lacks %q: %.80s", want, page2)
		}
	}
	if strings.Count(page2, "金凤实验室") < 2 {
		t.Errorf("page 2 should name the project in its note and in the continued row: %.80s", page2)
	}
}
