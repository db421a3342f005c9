package supervision

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestUnitRolesChooseTheUnitThatAnswers(t *testing.T) {
	p := Project{LeadDepartment: "科技创新局",
		ParticipatingUnits: []string{"科学城城建公司", "科城建设工程公司", "科信监理公司", "研究院"},
		UnitRoles:          map[string]UnitRole{"科学城城建公司": UnitOwner, "科城建设工程公司": UnitContractor, "科信监理公司": UnitSupervisor}}
	for role, want := range map[UnitRole]string{UnitContractor: "科城建设工程公司", UnitOwner: "科学城城建公司",
		UnitSupervisor: "科信监理公司", UnitLeadDepartment: "科技创新局", "": "科技创新局"} {
		if got := p.UnitFor(role); got != want {
			t.Errorf("unit for %q = %q, want %q", role, got, want)
		}
	}
	want := []string{"科城建设工程公司", "科学城城建公司", "科信监理公司", "科技创新局", "研究院"}
	if got := p.Units(); !slices.Equal(got, want) {
		t.Errorf("units offered %v, want %v", got, want)
	}
	if p.RoleOf("科技创新局") != UnitLeadDepartment || p.RoleOf("研究院") != "" {
		t.Error("roles of the lead department and a unit without one")
	}
	// A project stored before roles: no contractor, so the lead department.
	var old Project
	if err := json.Unmarshal([]byte(`{"id":"p","lead_department":"经济发展局","participating_units":["甲公司"]}`), &old); err != nil {
		t.Fatal(err)
	}
	if old.UnitFor(UnitContractor) != "经济发展局" || !slices.Equal(old.Units(), []string{"经济发展局", "甲公司"}) {
		t.Errorf("a project without roles offers %v, defaults to %q", old.Units(), old.UnitFor(UnitContractor))
	}
}

func TestAPhotoTakenAMonthBeforeIsOld(t *testing.T) {
	visit := day("2026-11-20 10:00")
	for taken, old := range map[string]bool{"2026-10-22 09:00": false, "2026-10-20 09:00": true, "2008-05-30 15:56": true} {
		if got := (Photo{CapturedAt: day(taken)}).TakenLongBefore(visit); got != old {
			t.Errorf("taken %s: old = %v", taken, got)
		}
	}
	if (Photo{ImportedAt: day("2008-05-30 15:56")}).TakenLongBefore(visit) {
		t.Error("a photo without a capture time was judged by its import")
	}
}
