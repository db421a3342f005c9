package report

import (
	"strings"
	"testing"
)

// TestGenericBlocks builds a document from every block the engine offers,
// as another report would, and checks it is a sound PDF.
func TestGenericBlocks(t *testing.T) {
	d := NewDoc(testFonts(t), Options{Time: fixedTime, Header: "西部（重庆）科学城重点项目督查", HeaderRight: "2025年3月", FooterNote: "记录校验码 sha256:0123456789abcdef　生成于 2025-03-12 16:30"})
	d.Title("重点项目现场督查报告")
	d.Subtitle("超算中心二期 · 2025年3月12日")
	d.Heading(1, "一、项目基本情况")
	d.Facts([]Fact{{Label: "项目名称", Value: "西部（重庆）科学城超算中心二期工程"}, {Label: "项目长", Value: "张三"}, {Label: "牵头部门", Value: "科技创新局"}, {Label: "项目阶段", Value: "在建"}, {Label: "总投资", Value: "38.5亿元"}, {Label: "状态", Value: "滞后", Tone: ToneWarn}}, 2)
	d.Heading(1, "二、督查情况")
	paras := stressCorpus(t)[:6]
	d.Paragraph(strings.Join(paras, "\n"))
	d.Table(Table{Columns: []Column{{Header: "序号", Weight: 0.5, Align: AlignCenter}, {Header: "检查项目", Weight: 2}, {Header: "结果", Weight: 0.8, Align: AlignCenter}, {Header: "说明", Weight: 3}},
		Rows: []Row{TextRow("1", "安全文明施工", "合格", "现场围挡完整"), {Cells: []Cell{{Text: "2"}, {Text: "临边防护"}, {Text: "不合格"}, {Text: "临边防护栏杆高度不足1.2m，需立即整改。"}}, Tone: ToneAlert}, TextRow("3", "混凝土强度C30", "不适用", "")}})
	d.BarChart(BarChart{Title: "投资完成率", Unit: "%", Bars: []Bar{{Label: "超算中心二期", Value: 31}, {Label: "国际生物城", Value: 72, Tone: ToneGood}, {Label: "科学谷", Value: 12, Tone: ToneAlert}}, Reference: 25, ReferenceLabel: "时间进度25%"})
	d.PhotoGrid([]Photo{{JPEG: fixtureJPEGs()[0], Caption: "3号楼东立面", Taken: fixedTime}, {JPEG: testJPEG(t, 400, 300, 2), Caption: "塔吊基础积水，未设置排水沟"}}, 2)
	d.Signatures([]string{"督查人员（签字）", "项目长（签字）"})
	path, res := writePDF(t, d, "blocks.pdf")
	qpdfCheck(t, path)
	if res.Pages != 2 || len(res.Missing) != 0 || len(res.Warnings) != 0 {
		t.Errorf("pages %d, missing %q, warnings %q", res.Pages, res.Missing, res.Warnings)
	}
	mustContain(t, "blocks", pdfText(t, path), "一、项目基本情况", "临边防护栏杆高度不足1.2m，需立即整改。", "时间进度25%", "塔吊基础积水，未设置排水沟", "督查人员（签字）")
}
