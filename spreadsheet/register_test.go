package spreadsheet

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"fieldbrief/sample"
	sv "fieldbrief/supervision"
)

func sampleProjects(t testing.TB) []sv.Project {
	t.Helper()
	ps, _, err := sample.Register()
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

func counter() func() string {
	n := 0
	return func() string { n++; return "new" + string(rune('0'+n)) }
}

// The office's own file is read: header rows found, section, total and
// note rows skipped, figures with separators read in 万元, Excel dates and
// text dates read, the as-of date taken from the 数据截至 line.
func TestImportOfficeRegister(t *testing.T) {
	data, err := os.ReadFile("testdata/重点项目推进情况表.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	rf, err := ReadRegister(data)
	if err != nil {
		t.Fatalf("reading the office's register: %v", err)
	}
	if len(rf.Rows) != 20 || rf.Unit != "万元" {
		t.Fatalf("read %d projects in %q, want 20 in 万元", len(rf.Rows), rf.Unit)
	}
	if !strings.Contains(strings.Join(rf.Ignored, ","), "备注") {
		t.Errorf("ignored columns %v, want 备注 named", rf.Ignored)
	}
	current := sampleProjects(t)
	plan, err := PlanRegister(rf, current, counter())
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Added) != 0 || len(plan.Archived) != 0 {
		t.Fatalf("added %v archived %v; every project of the file is in the sample register", plan.Added, plan.Archived)
	}
	byName := map[string]sv.Project{}
	for _, p := range plan.Projects {
		byName[p.Name] = p
	}
	for _, want := range current {
		got, ok := byName[want.Name]
		if !ok {
			t.Errorf("%s: not in the plan", want.Name)
			continue
		}
		if got.ID != want.ID || got.Investment.Total != want.Investment.Total || got.Investment.AnnualPlan != want.Investment.AnnualPlan ||
			got.Investment.Completed != want.Investment.Completed || got.Investment.AsOf != "2026-11-30" {
			t.Errorf("%s: investment %+v, want %+v as of 2026-11-30", want.Name, got.Investment, want.Investment)
		}
		if got.PlannedStart != want.PlannedStart || got.PlannedFinish != want.PlannedFinish || got.Phase != want.Phase || got.Industry != want.Industry {
			t.Errorf("%s: %s–%s %s %s, want %s–%s %s %s", want.Name, got.PlannedStart, got.PlannedFinish, got.Phase, got.Industry,
				want.PlannedStart, want.PlannedFinish, want.Phase, want.Industry)
		}
		if !reflect.DeepEqual(got.Milestones, want.Milestones) {
			t.Errorf("%s: milestones %v, want %v", want.Name, got.Milestones, want.Milestones)
		}
		// Fields the file lacks are kept.
		if got.Lat != want.Lat || got.Light != want.Light || !reflect.DeepEqual(got.Contacts, want.Contacts) || got.ShortName != want.ShortName {
			t.Errorf("%s: fields the file lacks were not kept", want.Name)
		}
		if !reflect.DeepEqual(got.ParticipatingUnits, want.ParticipatingUnits) {
			t.Errorf("%s: units %v, want %v", want.Name, got.ParticipatingUnits, want.ParticipatingUnits)
		}
	}
}
