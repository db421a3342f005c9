package report

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fieldbrief/supervision"
	"fieldbrief/translate"
)

func writeReport(t *testing.T, name string, render func(*bytes.Buffer) (Result, error)) (string, Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := render(&buf)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("REPORT_KEEP"); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644)
	}
	qpdfCheck(t, path)
	if n := pageCount(t, path); n != res.Pages {
		t.Errorf("%s: pdfinfo counts %d pages, Write reported %d", name, n, res.Pages)
	}
	return path, res
}

func mustContain(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	flat := string(ink(text))
	for _, w := range wants {
		if !strings.Contains(flat, string(ink(w))) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func TestVisitReport(t *testing.T) {
	in := fixtureVisitInput()
	hash, err := RecordHash(in.Visit)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		lang  supervision.Lang
		pages int
		wants []string
	}{
		{supervision.Chinese, 5, []string{"重点项目现场督查报告", "中国科学院重庆科学中心", "一、项目基本情况", "三、检查清单", "临边、洞口防护到位（栏杆高度不低于1.2m）", "不符合",
			"28.5MPa", "超出范围", "深基坑、起重吊装", "2025年6月30日", "5层东侧临边防护栏杆高度不足1.2m，未设置挡脚板", "车辆冲洗设施未正常使用", "整改中\n逾期20天",
			"最新进展：已更换冲洗水泵，待复查", "已销号", "七、整改要求", "督查人员（签名）", "责任单位签收人", "记录校验码 " + hash[:16], hash, "照片原件不在本机", "3号楼东立面"}},
		{supervision.English, 5, []string{"Key Project Site Inspection Report", "1. Project", "3. Checklist", "Edge and opening protection", "Fail", "28.5MPa", "out of range", "Fairly good",
			"In progress\n20 days overdue", "Inspectors (signature)", "Received for the unit by", "Record hash " + hash[:16], hash, "Photo not on this computer yet"}},
	} {
		t.Run(string(c.lang), func(t *testing.T) {
			path, res := writeReport(t, "visit-"+string(c.lang)+".pdf", func(b *bytes.Buffer) (Result, error) {
				return Visit(b, testFonts(t), in, Options{Lang: c.lang, Time: fixedTime})
			})
			if res.Pages != c.pages {
				t.Errorf("%d pages, want %d", res.Pages, c.pages)
			}
			mustContain(t, "visit report", pdfText(t, path), c.wants...)
			if !slices.Equal(res.Missing, []rune{'😀', '𠮷'}) {
				t.Errorf("Missing = %q, want the emoji and 𠮷 of the summary", res.Missing)
			}
			if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "基坑监测点") {
				t.Errorf("Warnings = %q, want one for the photo whose bytes are missing", res.Warnings)
			}
			for p := 1; p <= res.Pages; p++ {
				page := pdfText(t, path, "-f", strconv.Itoa(p), "-l", strconv.Itoa(p))
				if !strings.Contains(page, hash[:16]) {
					t.Errorf("page %d lacks the record hash in its footer", p)
				}
			}
		})
	}
}

func TestRecordHashFollowsTheRecord(t *testing.T) {
	in := fixtureVisitInput().Visit
	a, _ := RecordHash(in)
	b, _ := RecordHash(fixtureVisitInput().Visit)
	if a != b || len(a) != 64 {
		t.Fatalf("the same record gave %s and %s", a, b)
	}
	ans := in.Answers["safety.edges"]
	ans.Note += "。"
	in.Answers = maps(in.Answers)
	in.Answers["safety.edges"] = ans
	if c := must(RecordHash(in))(t); c == a {
		t.Error("changing a note left the hash unchanged")
	}
}

func maps(m map[string]supervision.Answer) map[string]supervision.Answer {
	out := make(map[string]supervision.Answer, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func TestReportsAreDeterministicWhenAsked(t *testing.T) {
	opt := Options{Time: fixedTime, Deterministic: true}
	for name, render := range map[string]func(*bytes.Buffer) error{
		"visit": func(b *bytes.Buffer) error { _, err := Visit(b, testFonts(t), fixtureVisitInput(), opt); return err },
		// Forty photos of the same size.
		"brief": func(b *bytes.Buffer) error { _, err := Brief(b, testFonts(t), fixtureBrief(2), opt); return err },
	} {
		var a, b bytes.Buffer
		if err := render(&a); err != nil {
			t.Fatal(err)
		}
		if err := render(&b); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Errorf("%s: the same input rendered twice gave different files", name)
		}
	}
}

func TestBriefReport(t *testing.T) {
	in := fixtureBrief(2)
	path, res := writeReport(t, "brief.pdf", func(b *bytes.Buffer) (Result, error) {
		return Brief(b, testFonts(t), in, Options{Time: fixedTime})
	})
	if len(res.Missing) != 0 || len(res.Warnings) != 0 {
		t.Errorf("Missing %q, Warnings %q: want none", res.Missing, res.Warnings)
	}
	text := pdfText(t, path)
	var wants []string
	for _, pd := range in.Projects {
		wants = append(wants, pd.Project.ShortName, pd.Project.Name)
	}
	mustContain(t, "brief", text, append(wants, "重点项目双月调度会简报", "2025年第1期", "西部（重庆）科学城重点项目督查组", "2025年1月—2月", "数据截至2025年3月12日",
		"一、总体情况", "二、需协调解决事项", "三、下步工作", "四、项目推进情况", "五、投资完成情况", "六、问题清单（按责任单位）", "七、项目详情",
		"年度投资完成率", "分产业年度累计完成投资（亿元）", "时间进度", "合计", "报：", "送：", "发：", "2025年3月12日印发")...)

	// The projects follow one another in order, numbered （一） to （二十）
	// under 七、.
	flat := string(ink(pdfText(t, path, "-raw")))
	details := flat[strings.Index(flat, "七、项目详情"):]
	at := 0
	for i, pd := range in.Projects {
		head := "（" + chineseNumeral(i+1) + "）" + pd.Project.Name
		k := strings.Index(details[at:], head)
		if k < 0 {
			t.Fatalf("project %d's heading %q is missing or out of order", i+1, head)
		}
		at += k + len(head)
	}
	if strings.Index(details, "报：") < at {
		t.Error("the 版记 is not at the end")
	}

	// Units with overdue work come first, and within a unit the most
	// overdue finding first. -raw keeps the drawing order, in which each
	// unit's heading precedes its table whatever the page layout.
	sec := flat[strings.Index(flat, "六、问题清单（按责任单位）"):strings.Index(flat, "七、项目详情")]
	unitRe := regexp.MustCompile(`（(\d+)项，其中逾期(\d+)项）`)
	lateRe := regexp.MustCompile(`逾期(\d+)天`)
	heads := unitRe.FindAllStringSubmatchIndex(sec, -1)
	if len(heads) != 4 {
		t.Fatalf("want four responsible units, found %d in %q", len(heads), sec)
	}
	var overdue []int
	sawLate := false
	for i, h := range heads {
		n, _ := strconv.Atoi(sec[h[4]:h[5]])
		overdue = append(overdue, n)
		end := len(sec)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		var lates []int
		for _, m := range lateRe.FindAllStringSubmatch(sec[h[1]:end], -1) {
			d, _ := strconv.Atoi(m[1])
			lates = append(lates, d)
		}
		if len(lates) != n {
			t.Errorf("unit %d: heading says %d overdue, table shows %d with days late", i+1, n, len(lates))
		}
		if !slices.IsSortedFunc(lates, func(a, b int) int { return b - a }) {
			t.Errorf("unit %d: overdue findings not most-late first: %v", i+1, lates)
		}
		sawLate = sawLate || len(lates) > 0
	}
	if !slices.IsSortedFunc(overdue, func(a, b int) int { return b - a }) {
		t.Errorf("units not ordered by overdue count: %v", overdue)
	}
	if !sawLate {
		t.Error("no overdue finding printed with its days late")
	}
}

func TestTourReport(t *testing.T) {
	stops := OrderByLocation(fixtureBrief(1).Projects)
	in := TourInput{Year: 2025, Quarter: 1, Stops: stops}
	path, res := writeReport(t, "tour.pdf", func(b *bytes.Buffer) (Result, error) {
		return Tour(b, testFonts(t), in, Options{Time: fixedTime})
	})
	// After the route each site starts a page; its photos and notes box
	// follow on that page or, under its name with （续）, on the next.
	text := pdfText(t, path)
	mustContain(t, "tour pack", text, "2025年第一季度重点项目拉练", "一、拉练路线", "共20站", "全程约", "现场记录", "现场查看要点（在办问题）")
	page := 2
	for page <= res.Pages && !strings.HasPrefix(string(ink(bodyText(t, path, A4, "-f", strconv.Itoa(page), "-l", strconv.Itoa(page)))), "第1站") {
		page++
	}
	if page > 3 {
		t.Errorf("the first station starts on page %d; the route should take one or two pages", page)
	}
	for i, s := range stops {
		body := string(ink(bodyText(t, path, A4, "-f", strconv.Itoa(page), "-l", strconv.Itoa(page))))
		if head := string(ink(fmt.Sprintf("第%d站 %s", i+1, s.Project.Name))); !strings.HasPrefix(body, head) {
			t.Fatalf("page %d should start with %q, starts %.40q", page, head, body)
		}
		if !strings.Contains(body, "现场记录") {
			page++
			next := string(ink(bodyText(t, path, A4, "-f", strconv.Itoa(page), "-l", strconv.Itoa(page))))
			if !strings.HasPrefix(next, string(ink(fmt.Sprintf("第%d站 %s（续）", i+1, s.Project.Name)))) || !strings.Contains(next, "现场记录") {
				t.Errorf("station %d (%s) has no notes box on its page or a continued one", i+1, s.Project.Name)
			}
		}
		page++
	}
	if page != res.Pages+1 {
		t.Errorf("%d pages, but the stations end on page %d", res.Pages, page-1)
	}
	if _, err := Tour(&bytes.Buffer{}, testFonts(t), TourInput{Year: 2025, Quarter: 5}, Options{}); err == nil {
		t.Error("quarter 5 accepted")
	}
}

func TestOrderByLocationFollowsTheRoad(t *testing.T) {
	// Ten sites on a line, given shuffled; starting from the west end the
	// shortest route visits them west to east.
	var ps []ProjectData
	for _, i := range []int{0, 7, 3, 9, 1, 5, 8, 2, 6, 4} {
		ps = append(ps, ProjectData{Project: supervision.Project{ID: strconv.Itoa(i), Lat: 29.5, Lon: 106.3 + float64(i)*0.01}})
	}
	ps = append(ps, ProjectData{Project: supervision.Project{ID: "nowhere"}})
	var got []string
	for _, p := range OrderByLocation(ps) {
		got = append(got, p.Project.ID)
	}
	want := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "nowhere"}
	if !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

// TestLabelsTranslated reads the package's source for every label key passed
// to t or count and checks that both catalogues have it (package translate
// checks that the two agree on placeholders), and that a count has a
// singular entry in English.
func TestLabelsTranslated(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	zh, en := translate.For(supervision.Chinese), translate.For(supervision.English)
	count := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || !(sel.Sel.Name == "t" && len(call.Args) == 1 || sel.Sel.Name == "count" && len(call.Args) == 2) {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				t.Errorf("%s: t called with a non-literal; the labels must be checkable", fset.Position(call.Pos()))
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			count++
			for _, c := range []*translate.Catalogue{zh, en} {
				if !c.Has(key) {
					t.Errorf("%s: %s has no %q", fset.Position(call.Pos()), translate.FileName(c.Lang()), key)
				}
			}
			if sel.Sel.Name == "count" {
				if one := en.Format(key + ".one"); !en.Has(key+".one") || translate.Placeholders(one) != "1:d" {
					t.Errorf("%s: no English for one of %q (%q), with one verb", fset.Position(call.Pos()), key, one)
				}
			}
			return true
		})
	}
	if count < 50 {
		t.Errorf("found only %d labels; the scan is broken", count)
	}
}

func TestA3Option(t *testing.T) {
	path, res := writeReport(t, "visit-a3.pdf", func(b *bytes.Buffer) (Result, error) {
		return Visit(b, testFonts(t), fixtureVisitInput(), Options{Size: A3, Time: fixedTime})
	})
	out, err := exec.Command(needTool(t, "pdfinfo"), path).CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "(A3)") {
		t.Errorf("pdfinfo does not see A3 pages:\n%s", out)
	}
	_, a4 := writeReport(t, "visit-a4.pdf", func(b *bytes.Buffer) (Result, error) {
		return Visit(b, testFonts(t), fixtureVisitInput(), Options{Size: A4, Time: fixedTime})
	})
	if res.Pages > a4.Pages {
		t.Errorf("the A3 visit report takes %d pages, more than the %d on A4", res.Pages, a4.Pages)
	}
	for _, s := range []string{"a3", "A3", " A3 "} {
		if size, err := ParsePageSize(s); err != nil || size != A3 {
			t.Errorf("ParsePageSize(%q) = %v, %v", s, size, err)
		}
	}
	if _, err := ParsePageSize("B5"); err == nil {
		t.Error("B5 accepted")
	}
	for in, want := range map[string]supervision.Lang{"": supervision.Chinese, "zh": supervision.Chinese, "zh-CN": supervision.Chinese, "en": supervision.English, "en_US": supervision.English} {
		if got, err := supervision.ParseLang(in); err != nil || got != want {
			t.Errorf("supervision.ParseLang(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := supervision.ParseLang("fr"); err == nil {
		t.Error("fr accepted")
	}
}

// TestEmptyInputsStillPrint makes sure a report of nothing is a short,
// valid document rather than a panic: a new installation has no visits.
func TestEmptyInputsStillPrint(t *testing.T) {
	fonts := testFonts(t)
	opt := Options{Time: fixedTime}
	writeReport(t, "empty-visit.pdf", func(b *bytes.Buffer) (Result, error) {
		return Visit(b, fonts, VisitInput{Visit: supervision.Visit{ID: "x"}}, opt)
	})
	_, res := writeReport(t, "empty-brief.pdf", func(b *bytes.Buffer) (Result, error) {
		return Brief(b, fonts, BriefInput{PeriodEnd: fixedTime}, opt)
	})
	if res.Pages != 1 {
		t.Errorf("empty brief: %d pages", res.Pages)
	}
	writeReport(t, "empty-tour.pdf", func(b *bytes.Buffer) (Result, error) {
		return Tour(b, fonts, TourInput{Year: 2025, Quarter: 2}, opt)
	})
	d := NewDoc(fonts, opt)
	d.BarChart(BarChart{Title: "空图表"})
	d.Table(Table{})
	d.PhotoGrid(nil, 2)
	d.Facts(nil, 2)
	path, _ := writePDF(t, d, "empty-blocks.pdf")
	qpdfCheck(t, path)
}

// TestCountOfOneInEnglish: a printed count of one is singular in English.
func TestCountOfOneInEnglish(t *testing.T) {
	for _, c := range []struct {
		l    supervision.Lang
		n    int
		want string
	}{{supervision.English, 1, "1 day overdue"}, {supervision.English, 3, "3 days overdue"}, {supervision.English, 0, "0 days overdue"}, {supervision.Chinese, 1, "逾期1天"}} {
		if got := printLangOf(c.l).count("report.unit.days_overdue", c.n); got != c.want {
			t.Errorf("%s, %d: %q, want %q", c.l, c.n, got, c.want)
		}
	}
}
