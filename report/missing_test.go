package report

import (
	"bytes"
	"fieldbrief/supervision"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// loneDash is a dash standing as a whole table cell or value in
// pdftotext -layout output, where cells are two or more spaces apart.
var loneDash = regexp.MustCompile(`(^|\s{2,}|：)—(\s{2,}|$)`)

// layoutText prints a document with write and returns pdftotext -layout's
// text of it.
func layoutText(t *testing.T, write func(*bytes.Buffer) error) string {
	t.Helper()
	var buf bytes.Buffer
	if err := write(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return pdfText(t, path, "-layout")
}

// noDashes fails if text prints a missing value as a dash or a pair of
// them.
func noDashes(t *testing.T, what, text string) {
	t.Helper()
	if squeezed := strings.Join(strings.Fields(text), ""); strings.Contains(squeezed, "——") {
		t.Errorf("%s prints a pair of dashes", what)
	}
	for _, line := range strings.Split(text, "\n") {
		if loneDash.MatchString(line) {
			t.Errorf("%s prints a dash for a missing value: %q", what, strings.TrimSpace(line))
		}
	}
}

// TestMissingValuesPrintAsWords: a visit report of a draft whose project
// has no address, leader, phase, planned dates or status, with no weather
// and no units present, and a brief and tour pack with a project never
// visited and without coordinates, print 未填写 / 进行中 / 未督查 / 无坐标
// (Not recorded … in English), never a dash or a pair of them.
func TestMissingValuesPrintAsWords(t *testing.T) {
	fonts := testFonts(t)
	in := fixtureVisitInput()
	p := &in.Project
	p.Address, p.Leader, p.LeadDepartment, p.Chain, p.Phase, p.Light, p.Industry = "", "", "", "", "", "", ""
	p.PlannedStart, p.PlannedFinish = "", ""
	in.Visit.Weather, in.Visit.DepartmentsPresent = "", nil
	in.Visit.FinishedAt = time.Time{}
	in.Visit.Status = "draft"
	text := layoutText(t, func(b *bytes.Buffer) error {
		_, err := Visit(b, fonts, in, Options{Time: fixedTime, Deterministic: true})
		return err
	})
	for _, label := range []string{"天气", "参加单位", "项目地址", "计划工期", "项目长", "项目阶段", "状态"} {
		if !regexp.MustCompile(label + `\s+未填写`).MatchString(text) {
			t.Errorf("the visit report does not print %s as 未填写", label)
		}
	}
	if !strings.Contains(text, "09:30 — 进行中") {
		t.Error("the draft's time does not read 进行中")
	}
	noDashes(t, "the visit report", text)

	en := layoutText(t, func(b *bytes.Buffer) error {
		_, err := Visit(b, fonts, in, Options{Time: fixedTime, Deterministic: true, Lang: supervision.English})
		return err
	})
	if !regexp.MustCompile(`Weather\s+Not recorded`).MatchString(en) || !regexp.MustCompile(`09:30 — in(\s+progress|\s.*\n\s+progress)`).MatchString(en) {
		t.Error("the English visit report does not say Not recorded and in progress")
	}
	noDashes(t, "the English visit report", en)

	brief := fixtureBrief(0)
	brief.Projects[0].LastVisit = time.Time{}
	brief.Projects[0].Project.Phase = ""
	brief.Projects[1].Project.Lat, brief.Projects[1].Project.Lon = 0, 0
	text = layoutText(t, func(b *bytes.Buffer) error {
		_, err := Brief(b, fonts, brief, Options{Time: fixedTime, Deterministic: true})
		return err
	})
	if !strings.Contains(text, "未督查") || !strings.Contains(text, "未填写") {
		t.Error("the brief does not print 未督查 and 未填写 for the project never visited, without a phase")
	}
	noDashes(t, "the brief", text)

	text = layoutText(t, func(b *bytes.Buffer) error {
		_, err := Tour(b, fonts, TourInput{Year: 2025, Quarter: 1, Stops: brief.Projects}, Options{Time: fixedTime, Deterministic: true})
		return err
	})
	if !strings.Contains(text, "第一站") || !strings.Contains(text, "无坐标") {
		t.Error("the tour pack does not print 第一站 and 无坐标")
	}
	noDashes(t, "the tour pack", text)
}
