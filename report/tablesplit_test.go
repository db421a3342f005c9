package report

import (
	"bytes"
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

// A chart draws its grid lines first, then the bars over them, then the
// labels on top: in the page's content no grid line follows a bar and no
// bar follows a value label.
func TestChartDrawsGridThenBarsThenLabels(t *testing.T) {
	d := NewDoc(testFonts(t), Options{Time: fixedTime})
	d.pdf.SetCompression(false)
	d.BarChart(BarChart{Title: "完成率", Unit: "%", Max: 100, Reference: 50, ReferenceLabel: "时间进度",
		Bars: []Bar{{Label: "甲", Value: 80, Text: "80.0%"}, {Label: "乙", Value: 30, Text: "30.0%"}}})
	var buf bytes.Buffer
	if _, err := d.Write(&buf); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	gridColour := "0.867 G" // fpdf writes an equal r, g, b as a grey
	firstBar, lastBar := strings.Index(page, " re f"), strings.LastIndex(page, " re f")
	if firstBar < 0 || !strings.Contains(page, gridColour) {
		t.Fatalf("no bars or no grid lines found in the page: %.3000s", page[strings.Index(page, "stream"):])
	}
	if g := strings.LastIndex(page, gridColour); g > firstBar {
		t.Error("a grid line is drawn after a bar, over it")
	}
	// fpdf writes text as a hex string of glyph ids: find the BT of the
	// last text drawn, the reference label, which comes after the bars.
	if bt := strings.LastIndex(page, "BT "); bt < lastBar {
		t.Error("a bar is drawn after the labels, over them")
	}
}
