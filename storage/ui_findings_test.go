package storage

import (
	"reflect"
	"testing"
	"time"

	"fieldbrief/sample"
	sv "fieldbrief/supervision"
)

// TestFindingRowsMatchFindings checks the window's fast list reads return
// exactly what the general ones do, less notes and history.
func TestFindingRowsMatchFindings(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, cst)
	s, err := Open(t.TempDir(), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := sample.Install(s, now); err != nil {
		t.Fatal(err)
	}
	all, err := s.Findings(FindingFilter{})
	if err != nil || len(all) < 100 {
		t.Fatalf("%d findings, %v", len(all), err)
	}
	unit := all[0].ResponsibleUnit
	filters := []FindingFilter{
		{},
		{ActiveOnly: true},
		{ProjectID: "p03"},
		{ProjectID: "p03", ActiveOnly: true},
		{Status: sv.StatusClosed},
		{Status: sv.StatusOpen},
		{Status: sv.StatusFixed, ProjectID: "p01"},
		{ActiveOnly: true, OverdueAt: now},
		{ResponsibleUnit: unit},
		{Text: "塔吊"},
		{ProjectID: "no-such-project"},
	}
	for _, f := range filters {
		want, err := s.Findings(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.FindingRows(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("%+v: %d rows, want %d", f, len(got), len(want))
			continue
		}
		withHistory := 0
		for i := range want {
			if len(want[i].History) > 0 {
				withHistory++
			}
			w := want[i]
			w.Notes, w.History = nil, nil
			if !reflect.DeepEqual(got[i], w) {
				t.Errorf("%+v row %d:\n got %+v\nwant %+v", f, i, got[i], w)
				break
			}
		}
		if f.Status == sv.StatusClosed && withHistory == 0 {
			t.Errorf("closed findings without history: the comparison proves nothing")
		}
	}
	units, err := s.UnitNames()
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.ResponsibleUnits()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(units, want) || len(units) < 3 {
		t.Errorf("UnitNames %v\nResponsibleUnits %v", units, want)
	}
}

func TestWithoutArrays(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`{"id":"a","notes":[{"text":"x]\"}"}],"history":[],"z":1}`, `{"id":"a","z":1}`},
		{`{"notes":[1,[2]],"id":"a"}`, `{"id":"a"}`},
		{`{"id":"a","history":[{"note":"[["}]}`, `{"id":"a"}`},
		{`{"id":"a"}`, `{"id":"a"}`},
		{`{"id":"a","notes":null}`, `{"id":"a","notes":null}`},
		{`{"id":"a","notes":["unterminated}`, `{"id":"a","notes":["unterminated}`},
	} {
		if got := string(withoutArrays([]byte(c.in), notesKey, historyKey)); got != c.want {
			t.Errorf("withoutArrays(%s) = %s, want %s", c.in, got, c.want)
		}
	}
}
