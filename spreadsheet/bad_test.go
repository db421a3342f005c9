package spreadsheet

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	sv "fieldbrief/supervision"
)

// sheetSpec is a sheet of a generated workbook: rows of values (nil
// leaves a cell empty) and merged ranges.
type sheetSpec struct {
	name   string
	rows   [][]any
	merges [][2]string
}

func book(t testing.TB, sheets ...sheetSpec) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if fo, ok := v.(formula); ok {
					if err := f.SetCellFormula(s.name, cell, string(fo)); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if err := f.SetCellValue(s.name, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, m := range s.merges {
			if err := f.MergeCell(s.name, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type formula string

func mustFail(t *testing.T, data []byte, wants ...string) {
	t.Helper()
	rf, err := ReadRegister(data)
	if err == nil {
		t.Fatalf("read without complaint: %d rows", len(rf.Rows))
	}
	if sv.ErrorCode(err) != sv.EInvalid {
		t.Fatalf("code %s, want invalid: %v", sv.ErrorCode(err), err)
	}
	zh, en := sv.ErrorMessage(err, sv.Chinese), sv.ErrorMessage(err, sv.English)
	if zh == en || strings.Contains(en, "Something went wrong") {
		t.Fatalf("no proper message in both languages: %q / %q", zh, en)
	}
	for _, w := range wants {
		if !strings.Contains(en, w) && !strings.Contains(zh, w) {
			t.Errorf("message lacks %q:\n%s\n%s", w, zh, en)
		}
	}
}

func TestFilesThatAreNotWorkbooks(t *testing.T) {
	// An old .xls is an OLE container holding a "Workbook" stream.
	xls := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	xls = append(xls, []byte("W\x00o\x00r\x00k\x00b\x00o\x00o\x00k\x00")...)
	mustFail(t, xls, ".xls", "Save it as an Excel workbook (.xlsx)")
	mustFail(t, []byte("项目名称,总投资\n金凤实验室,\"12,000\"\n"), "not an Excel workbook", "CSV")
	mustFail(t, nil, "empty")
	mustFail(t, []byte("PK\x03\x04 broken"), "damaged")

	// A workbook with an opening password, written by excelize itself.
	f := excelize.NewFile()
	_ = f.SetCellValue("Sheet1", "A1", "项目名称")
	var enc bytes.Buffer
	if err := f.Write(&enc, excelize.Options{Password: "秘密"}); err != nil {
		t.Fatal(err)
	}
	mustFail(t, enc.Bytes(), "password", "密码")
}

// A zip bomb is refused before it is inflated, whether it says how large
// it is or lies about it.
func TestZipBombs(t *testing.T) {
	plain := book(t, sheetSpec{name: "s", rows: [][]any{{"项目名称", "建设阶段"}, {"甲", "在建"}}})
	rewrite := func(replace func(w *zip.Writer, f *zip.File) bool) []byte {
		zr, err := zip.NewReader(bytes.NewReader(plain), int64(len(plain)))
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		zw := zip.NewWriter(&out)
		for _, f := range zr.File {
			if replace(zw, f) {
				continue
			}
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	var zeros bytes.Buffer
	fw, _ := flate.NewWriter(&zeros, flate.BestCompression)
	chunk := make([]byte, 1<<20)
	for range 16 {
		fw.Write(chunk)
	}
	fw.Close()
	bomb := func(claim uint64) []byte {
		return rewrite(func(zw *zip.Writer, f *zip.File) bool {
			if f.Name != "xl/worksheets/sheet1.xml" {
				return false
			}
			w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CompressedSize64: uint64(zeros.Len()), UncompressedSize64: claim, CRC32: 0})
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(w, bytes.NewReader(zeros.Bytes()))
			return true
		})
	}
	mustFail(t, bomb(1<<40), "unpack to more than", "xl/worksheets/sheet1.xml")
	mustFail(t, bomb(1024), "damaged")
}

// Hard but legitimate spreadsheets are read correctly.
func TestAwkwardRegistersAreReadCorrectly(t *testing.T) {
	data := book(t,
		sheetSpec{name: "Sheet1", rows: [][]any{
			{"２０２６年项目表"},
			{"单位：亿元"},
			{"序号", "项目名称", "牵头单位", "建设阶段", "所属产业", "总投资", "开工时间"},
			{1, "金凤实验室", "科技创新局", "在建", "科研平台", "１２，０００．５", "2025年4月1日"},
			{2, "  超瞬态　实验装置 ", nil, "construction", "research", "1,200", 45672},
			{},
			{},
			{"小计", nil, nil, nil, nil, formula("SUM(F4:F5)")},
			{3, "新项目", "经济发展局", "前期", "先进制造", 3.5, "２０２７－０１－１５"},
		}, merges: [][2]string{{"A1", "G1"}, {"C4", "C5"}}},
		sheetSpec{name: "随便起的名字", rows: [][]any{
			{"项目名称", "节点名称", "计划完成时间", "实际完成时间"},
			{"金凤实验室", "竣工验收", "2027/03/31", nil},
			{"新项目", "完成可研", 46203, "2026.06.30"},
		}},
	)
	rf, err := ReadRegister(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(rf.Rows) != 3 || rf.Unit != "亿元" {
		t.Fatalf("rows %d unit %q", len(rf.Rows), rf.Unit)
	}
	current := []sv.Project{
		{ID: "p09", Name: "金凤实验室", Phase: sv.PhaseConstruct, Industry: sv.IndustryResearch, Lat: 29.5, TemplateID: "monthly"},
		{ID: "p04", Name: "超瞬态实验装置", ShortName: "超瞬态装置", Phase: sv.PhaseConstruct, Industry: sv.IndustryResearch, LeadDepartment: "旧部门"},
		{ID: "p99", Name: "已下榜项目", Phase: sv.PhaseInUse, Industry: sv.IndustryIT},
	}
	plan, err := PlanRegister(rf, current, func() string { return "n1" })
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]sv.Project{}
	for _, p := range plan.Projects {
		got[p.ID] = p
	}
	if p := got["p09"]; p.Investment.Total != 120005000 || p.PlannedStart != "2025-04-01" || p.Lat != 29.5 || len(p.Milestones) != 1 {
		t.Errorf("full-width figure in 亿元, text date, kept coordinates, milestones: %+v", p)
	}
	// The merged 牵头单位 over rows 4–5 holds for the second project too;
	// the name with full-width spaces matches.
	if p := got["p04"]; p.Investment.Total != 12000000 || p.PlannedStart != "2025-01-15" || p.LeadDepartment != "科技创新局" {
		t.Errorf("separators, an Excel serial, merged cells: %+v", p)
	}
	if p := got["n1"]; p.Name != "新项目" || p.PlannedStart != "2027-01-15" || p.Investment.Total != 35000 || p.TemplateID != "monthly" ||
		len(p.Milestones) != 1 || p.Milestones[0].Planned != "2026-06-30" || p.Milestones[0].Actual != "2026-06-30" {
		t.Errorf("new project: %+v", p)
	}
	if p := got["p99"]; !p.Archived || len(plan.Archived) != 1 {
		t.Errorf("the project missing from the file is not archived: %+v %v", p, plan.Archived)
	}
}

// Every problem is named with its sheet, row and column, and nothing is
// planned while any remains.
func TestEveryProblemIsNamedAndNothingIsImported(t *testing.T) {
	data := book(t, sheetSpec{name: "项目", rows: [][]any{
		{"项目名称", "建设阶段", "所属产业", "总投资（万元）", "开工时间"},
		{"甲", "在建", "科研平台", "很多", "2026-02-30"},
		{"乙", "快完了", "科研平台", -5, nil},
		{nil, "在建", "科研平台", 1, nil},
		{"甲", "在建", "养殖业", formula("1+1"), nil},
	}})
	mustFail(t, data, "sheet “项目”, cell D2: “很多” is not a number", "cell E2: “2026-02-30” is not a date",
		"cell B3: “快完了” is not a known phase", "cell D3: an investment cannot be negative", "cell A4: the project name is empty",
		"cell A5: the project “甲” repeats row 2", "cell C5: “养殖业” is not a known industry", "cell D5: the cell holds a formula (=1+1)",
		"工作表“项目”，单元格 D2", "8 problems")
	mustFail(t, book(t, sheetSpec{name: "s", rows: [][]any{{"项目名称", "总投资"}, {"甲", 1}}}), "unit of the investment figures is not stated")
	mustFail(t, book(t, sheetSpec{name: "s", rows: [][]any{{"名单"}, {"甲"}}}), "No project sheet found")
	ms := book(t, sheetSpec{name: "a", rows: [][]any{{"项目名称", "建设阶段", "所属产业"}, {"甲", "在建", "科研平台"}}},
		sheetSpec{name: "b", rows: [][]any{{"项目名称", "节点名称", "计划完成时间"}, {"乙", "开工", "明年"}}})
	rf, err := ReadRegister(ms)
	if err == nil {
		t.Fatalf("a text that is not a date was read: %+v", rf.Milestones)
	}
	if !strings.Contains(sv.ErrorMessage(err, sv.English), "sheet “b”, cell C2") {
		t.Errorf("milestone problem: %v", err)
	}
	okMs := book(t, sheetSpec{name: "a", rows: [][]any{{"项目名称", "建设阶段", "所属产业"}, {"甲", "在建", "科研平台"}}},
		sheetSpec{name: "b", rows: [][]any{{"项目名称", "节点名称", "计划完成时间"}, {"乙", "开工", "2026-01-01"}}})
	rf, err = ReadRegister(okMs)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := PlanRegister(rf, nil, func() string { return "x" }); err == nil || !strings.Contains(sv.ErrorMessage(err, sv.English), "sheet “b”, row 2: the project “乙” is not in the project sheet") {
		t.Errorf("milestone of an unknown project: %v", err)
	}
}

func TestTenThousandRows(t *testing.T) {
	rows := [][]any{{"项目名称", "建设阶段", "所属产业", "总投资（万元）", "开工时间"}}
	for i := range 10000 {
		rows = append(rows, []any{fmt.Sprintf("项目%05d", i), "在建", "科研平台", fmt.Sprintf("%d,000", i), 45000 + i%1000})
	}
	rf, err := ReadRegister(book(t, sheetSpec{name: "s", rows: rows}))
	if err != nil {
		t.Fatal(err)
	}
	if len(rf.Rows) != 10000 || rf.Rows[9999].Investment.Total != 9999000 || rf.Rows[9999].Name != "项目09999" {
		t.Fatalf("%d rows, last %+v", len(rf.Rows), rf.Rows[len(rf.Rows)-1])
	}
}
