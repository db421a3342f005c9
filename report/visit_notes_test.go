package report

import (
	"bytes"
	"strings"
	"testing"

	"fieldbrief/supervision"
)

// TestVisitReportPrintsTheNoteOfEveryKind gives every item of the visit a
// note, whatever its kind, and finds each in the checklist's 说明 column,
// also on an item that has a note but no value yet.
func TestVisitReportPrintsTheNoteOfEveryKind(t *testing.T) {
	in := fixtureVisitInput()
	in.Visit.Answers = maps(in.Visit.Answers)
	notes := map[string]string{
		"progress.pct":         "按已完成工程量估算",
		"progress.on_schedule": "较计划提前三天",
		"progress.this_month":  "由施工日志核实",
		"progress.milestone":   "以业主计划为准",
		"safety.cranes":        "两台塔吊均已登记",
		"safety.works":         "深基坑方案已论证",
		"safety.hazards":       "含两项重大隐患",
		"quality.rating":       "局部蜂窝麻面",
		"quality.defects":      "尚未进入装修阶段",
		"quality.concrete":     "第一组低于设计值",
	}
	if _, answered := in.Visit.Answers["safety.hazards"]; answered {
		t.Fatal("safety.hazards should be unanswered in the fixture: it gets a note and no value")
	}
	kinds := map[supervision.ItemKind]bool{}
	for _, it := range in.Template.Items() {
		note, ok := notes[it.Key]
		if !ok {
			continue
		}
		kinds[it.Kind] = true
		a := in.Visit.Answers[it.Key]
		a.ItemKey = it.Key
		a.Note = note
		in.Visit.Answers[it.Key] = a
	}
	if len(kinds) != 6 {
		t.Fatalf("the notes cover %d kinds of item, want all 6", len(kinds))
	}
	path, _ := writeReport(t, "visit-notes.pdf", func(b *bytes.Buffer) (Result, error) {
		return Visit(b, testFonts(t), in, Options{Lang: supervision.Chinese, Time: fixedTime})
	})
	text := string(ink(pdfText(t, path)))
	_, rest, ok1 := strings.Cut(text, "三、检查清单")
	checklist, _, ok2 := strings.Cut(rest, "四、本次发现的问题")
	if !ok1 || !ok2 {
		t.Fatal("the report has no checklist section")
	}
	for key, note := range notes {
		if !strings.Contains(checklist, note) {
			t.Errorf("the checklist lacks the note of %s, %q", key, note)
		}
	}
	// A long text goes to the note column, with its own note after it.
	if !strings.Contains(checklist, string(ink("见说明"))) || !strings.Contains(checklist, string(ink("累计浇筑C30混凝土1,250m³。由施工日志核实"))) {
		t.Error("a long text item's value and note are not printed together")
	}
}
