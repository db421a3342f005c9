package pdftext

import "testing"

// The last row of a facts table at the foot of a page, as pdftotext read
// it in a brief (seed 276097525803, as of 2026-09-03, 4 months): the
// value's cell before its label's.
func TestPrintsCellReadsARowAtThePagesFoot(t *testing.T) {
	footRow := "项目阶段投用100.0%截至8月督查形象进度数据校验码f38e5ea18ec7158b"
	if !PrintsCell(footRow, "形象进度", "100.0%截至8月督查") {
		t.Error("the value read before its label is not found")
	}
	if !PrintsCell("项目阶段投用形象进度100.0%截至8月督查", "形象进度", "100.0%截至8月督查") {
		t.Error("the value read after its label is not found")
	}
	if PrintsCell(footRow, "形象进度", "46.5%截至8月督查") {
		t.Error("another value is taken for the printed one")
	}
}
