package report

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// outlineNode is an entry of a PDF's outline as qpdf --json reads it.
type outlineNode struct {
	Title string        `json:"title"`
	Page  int           `json:"destpageposfrom1"`
	Kids  []outlineNode `json:"kids"`
	// Dest is [page /XYZ left top zoom].
	Dest []any `json:"dest"`
}

// destY is the height on its page, in points, a bookmark leads to.
func (n outlineNode) destY(t *testing.T) float64 {
	t.Helper()
	if len(n.Dest) < 4 {
		t.Fatalf("bookmark %q has destination %v", n.Title, n.Dest)
	}
	switch y := n.Dest[3].(type) {
	case float64:
		return y
	case string:
		f, err := strconv.ParseFloat(y, 64)
		if err == nil {
			return f
		}
	}
	t.Fatalf("bookmark %q has destination %v", n.Title, n.Dest)
	return 0
}

// readOutline reads the bookmarks of the PDF at path with qpdf.
func readOutline(t *testing.T, path string) []outlineNode {
	t.Helper()
	out, err := exec.Command(needTool(t, "qpdf"), "--json", "--json-key=outlines", path).Output()
	if err != nil {
		t.Fatalf("qpdf --json %s: %v", path, err)
	}
	var doc struct {
		Outlines []outlineNode `json:"outlines"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("qpdf --json: %v", err)
	}
	return doc.Outlines
}

func titles(ns []outlineNode) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Title)
	}
	return out
}

// pdfInfo returns pdfinfo's fields by name.
func pdfInfo(t *testing.T, path string) map[string]string {
	t.Helper()
	out, err := exec.Command(needTool(t, "pdfinfo"), "-enc", "UTF-8", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v\n%s", path, err, out)
	}
	info := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			info[k] = strings.TrimSpace(v)
		}
	}
	return info
}

// TestBookmarksAndMetadata reads back, with qpdf and pdfinfo, the outline
// of each document — its sections, and the projects, units or stations
// under them, each pointing at the page its heading is on — and its title,
// subject and keywords; the visit report's stamp stays readable and its
// seal intact.
func TestBookmarksAndMetadata(t *testing.T) {
	fonts := testFonts(t)
	opt := Options{Time: fixedTime}

	t.Run("visit", func(t *testing.T) {
		path, res := writeReport(t, "visit.pdf", func(b *bytes.Buffer) (Result, error) { return Visit(b, fonts, fixtureVisitInput(), opt) })
		ol := readOutline(t, path)
		want := []string{"一、项目基本情况", "二、督查概况", "三、检查清单", "四、本次发现的问题", "五、复查的问题", "六、现场照片", "七、整改要求"}
		if got := titles(ol); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("outline %q, want %q", got, want)
		}
		if got := titles(ol[1].Kids); len(got) != 1 || got[0] != "督查小结" {
			t.Errorf("under 二、督查概况: %q, want the summary", got)
		}
		if got := titles(ol[2].Kids); strings.Join(got, "|") != "1. 工程进度|2. 安全生产|3. 工程质量" {
			t.Errorf("under 三、检查清单: %q, want the checklist's sections", got)
		}
		if last := ol[len(ol)-1]; last.Page != res.Pages {
			t.Errorf("整改要求 points at page %d, want the last, %d", last.Page, res.Pages)
		}
		info := pdfInfo(t, path)
		if info["Title"] != "重点项目现场督查报告 · 中科院科学中心" || info["Subject"] != "督查记录 0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b · 2025年3月12日" || info["Author"] != "张伟、李娜" {
			t.Errorf("metadata: title %q, subject %q, author %q", info["Title"], info["Subject"], info["Author"])
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		st, ok := ReadStamp(data)
		if !ok || st.ID != fixtureVisitInput().Visit.ID || !strings.HasPrefix(info["Keywords"], "fieldbrief-record kind=visit") {
			t.Errorf("the keywords lost the record stamp: %q", info["Keywords"])
		}
		if sealed, intact := CheckSeal(data); !sealed || !intact {
			t.Errorf("seal: sealed %v, intact %v", sealed, intact)
		}
	})

	t.Run("brief", func(t *testing.T) {
		in := fixtureBrief(0)
		path, res := writeReport(t, "brief.pdf", func(b *bytes.Buffer) (Result, error) { return Brief(b, fonts, in, opt) })
		ol := readOutline(t, path)
		want := []string{"一、总体情况", "二、需协调解决事项", "三、下步工作", "四、项目推进情况", "五、投资完成情况", "六、问题清单（按责任单位）", "七、项目详情"}
		if got := titles(ol); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("outline %q, want %q", got, want)
		}
		units := ol[5].Kids
		if len(units) != 4 || !strings.Contains(units[0].Title, "（一）") {
			t.Errorf("under the findings by unit: %q, want the 4 units numbered (一) …", titles(units))
		}
		projects := ol[6].Kids
		if len(projects) != len(in.Projects) {
			t.Fatalf("under 项目详情: %d entries, want the %d projects", len(projects), len(in.Projects))
		}
		prev := ol[6].Page
		for i, p := range projects {
			if !strings.HasSuffix(p.Title, in.Projects[i].Project.Name) || len(p.Kids) != 0 {
				t.Errorf("project entry %d is %q with %d entries under it, want %s alone", i+1, p.Title, len(p.Kids), in.Projects[i].Project.Name)
			}
			if p.Page < prev || p.Page > res.Pages {
				t.Errorf("%s points at page %d, after %d", p.Title, p.Page, prev)
			}
			prev = p.Page
			page := pdfText(t, path, "-f", strconv.Itoa(p.Page), "-l", strconv.Itoa(p.Page))
			if !strings.Contains(string(ink(page)), string(ink(p.Title))) {
				t.Errorf("%s points at page %d, which does not show it", p.Title, p.Page)
			}
		}
		info := pdfInfo(t, path)
		if !strings.HasPrefix(info["Title"], "重点项目双月调度会简报") || !strings.Contains(info["Subject"], "期") || info["Author"] != "西部（重庆）科学城重点项目督查组" {
			t.Errorf("metadata: title %q, subject %q, author %q", info["Title"], info["Subject"], info["Author"])
		}
	})

	t.Run("tour", func(t *testing.T) {
		in := fixtureBrief(1)
		stops := OrderByLocation(in.Projects)
		path, _ := writeReport(t, "tour.pdf", func(b *bytes.Buffer) (Result, error) {
			return Tour(b, fonts, TourInput{Year: 2025, Quarter: 1, Stops: stops}, opt)
		})
		ol := readOutline(t, path)
		if len(ol) != 1+len(stops) || ol[0].Title != "一、拉练路线" {
			t.Fatalf("outline %q, want the route and the %d stations", titles(ol), len(stops))
		}
		for i, n := range ol[1:] {
			if want := "第" + strconv.Itoa(i+1) + "站 " + stops[i].Project.Name; n.Title != want || len(n.Kids) != 0 {
				t.Errorf("entry %q with %d under it, want %q alone", n.Title, len(n.Kids), want)
			}
		}
		if info := pdfInfo(t, path); info["Title"] != "2025年第一季度重点项目拉练" || info["Subject"] == "" {
			t.Errorf("metadata: title %q, subject %q", info["Title"], info["Subject"])
		}
	})
}
