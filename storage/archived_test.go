package storage

import "testing"

// A project taken off the register stays in the store (visits name it)
// but leaves the dashboard.
func TestArchivedProjectLeavesTheDashboard(t *testing.T) {
	s, c := newTestStore(t)
	p, tpls := testRegister()
	p[1].Archived = true
	if err := s.ImportRegister(p, tpls, false); err != nil {
		t.Fatal(err)
	}
	rows, err := s.Dashboard(c.now())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Project.ID != "p01" {
		t.Fatalf("dashboard rows %v, want p01 only", rows)
	}
	if got, err := s.Project("p02"); err != nil || !got.Archived {
		t.Fatalf("the archived project: %+v %v", got, err)
	}
}
