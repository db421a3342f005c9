package spreadsheet

import (
	"fmt"
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

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
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

// generated returns n projects with every field the register file carries
// set to varied values.
func generated(n int) []sv.Project {
	var out []sv.Project
	for i := range n {
		p := sv.Project{ID: fmt.Sprintf("g%02d", i), Name: fmt.Sprintf("生成项目（%d 期）", i), ShortName: fmt.Sprintf("生成%d", i),
			Leader: "管委会副主任 某" + fmt.Sprint(i), LeadDepartment: "经济发展局", ParticipatingUnits: []string{"业主" + fmt.Sprint(i), "施工" + fmt.Sprint(i), "监理"},
			Industry: sv.Industries()[i%6], Phase: sv.Phases()[i%5], Address: "重庆高新区 " + fmt.Sprint(i) + " 号",
			PlannedStart: sv.Date(fmt.Sprintf("2025-%02d-%02d", i%12+1, i%28+1)), PlannedFinish: "2029-12-31",
			Investment: sv.Investment{Total: 1234.5 * float64(i+1), AnnualPlan: float64(i) * 10.25, Completed: float64(i), AsOf: "2026-11-30"},
			Lat:        29.5, Lon: 106.4, Light: sv.LightBehind, TemplateID: "monthly", Contacts: []sv.Contact{{Name: "某人", Role: "联络员"}}}
		// The register's owner and contractor columns say what those units are.
		p.UnitRoles = map[string]sv.UnitRole{p.ParticipatingUnits[0]: sv.UnitOwner, p.ParticipatingUnits[1]: sv.UnitContractor}
		if i%3 == 0 {
			p.ParticipatingUnits = nil
			p.UnitRoles = nil
			p.Investment.AsOf = ""
		}
		for j := range i % 4 {
			p.Milestones = append(p.Milestones, sv.Milestone{Name: fmt.Sprintf("节点%d", j), Planned: sv.Date(fmt.Sprintf("2026-%02d-01", j+1))})
		}
		out = append(out, p)
	}
	return out
}

// Export then import gives back the same register, on the sample data and
// on generated projects; imported into a register that lacks the file's
// fields, it fills them exactly and keeps the rest.
func TestRegisterRoundTrip(t *testing.T) {
	for name, projects := range map[string][]sv.Project{"sample": sampleProjects(t), "generated": generated(40)} {
		data, err := WriteRegister(projects)
		if err != nil {
			t.Fatal(err)
		}
		rf, err := ReadRegister(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		plan, err := PlanRegister(rf, projects, counter())
		if err != nil {
			t.Fatal(err)
		}
		if plan.Unchanged != len(projects) || len(plan.Projects) != 0 {
			t.Errorf("%s: re-importing the export changes %+v", name, plan.Changed)
		}
		var blank []sv.Project
		for _, p := range projects {
			blank = append(blank, sv.Project{ID: p.ID, Name: p.Name, Industry: sv.IndustryIT, Phase: sv.PhaseInUse, Lat: p.Lat, Lon: p.Lon,
				Light: p.Light, Contacts: p.Contacts, TemplateID: p.TemplateID, Chain: p.Chain, ChainLeader: p.ChainLeader, Sample: p.Sample,
				ParticipatingUnits: p.ParticipatingUnits, UnitRoles: p.UnitRoles})
		}
		plan, err = PlanRegister(rf, blank, counter())
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range plan.Projects {
			want := projects[i]
			if !reflect.DeepEqual(normalise(p), normalise(want)) {
				t.Errorf("%s: %s imported as\n%+v\nwant\n%+v", name, want.ID, p, want)
			}
		}
	}
}

// normalise treats nil and empty lists alike: JSON drops both.
func normalise(p sv.Project) sv.Project {
	if len(p.Milestones) == 0 {
		p.Milestones = nil
	}
	if len(p.ParticipatingUnits) == 0 {
		p.ParticipatingUnits = nil
	}
	return p
}
