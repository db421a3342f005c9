package storage

import (
	"testing"
	"time"

	sv "fieldbrief/supervision"
)

// TestFormDraftSurvivesReopening: what was typed into a form is there after
// the store is closed and opened again (a crash, a flat battery), until the
// form is saved; it is this laptop's own and makes no change to sync.
func TestFormDraftSurvivesReopening(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 5, 20, 9, 0, 0, 0, cst)
	c := &clock{t: at}
	s := openTest(t, dir, c)
	if _, err := s.FormDraft("finding:new:v1:safety.edges"); sv.ErrorCode(err) != sv.ENotFound {
		t.Fatalf("no draft yet: %v", err)
	}
	before, err := s.OutboxLen()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []FormDraft{
		{Key: "finding:new:v1:safety.edges", Fields: map[string]string{"description": "临边防护缺失"}},
		{Key: "finding:new:v1:safety.edges", Fields: map[string]string{"description": "临边防护缺失，二层东侧", "unit": "渝西建工"}},
		{Key: "finding:new:v2:free", Fields: map[string]string{"description": "另一次督查"}},
		{Key: "finding:note:f1", Fields: map[string]string{"note": "已整改"}},
	} {
		if err := s.SaveFormDraft(d); err != nil {
			t.Fatal(err)
		}
	}
	if after, err := s.OutboxLen(); err != nil || after != before {
		t.Errorf("drafts made changes to sync: %d before, %d after (%v)", before, after, err)
	}
	s.Close()

	s = openTest(t, dir, c)
	d, err := s.FormDraft("finding:new:v1:safety.edges")
	if err != nil || d.Fields["description"] != "临边防护缺失，二层东侧" || d.Fields["unit"] != "渝西建工" || !d.At.Equal(at) {
		t.Fatalf("draft after reopening: %+v, %v", d, err)
	}
	ofVisit, err := s.FormDrafts("finding:new:v1:")
	if err != nil || len(ofVisit) != 1 || ofVisit[0].Key != "finding:new:v1:safety.edges" {
		t.Errorf("drafts of visit v1: %+v, %v", ofVisit, err)
	}
	if err := s.DeleteFormDraft("finding:new:v1:safety.edges"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteFormDraft("finding:new:v1:safety.edges"); err != nil {
		t.Errorf("deleting again: %v", err)
	}
	if _, err := s.FormDraft("finding:new:v1:safety.edges"); sv.ErrorCode(err) != sv.ENotFound {
		t.Errorf("saved form's draft still there: %v", err)
	}
	if all, err := s.FormDrafts(""); err != nil || len(all) != 2 {
		t.Errorf("other drafts: %+v, %v", all, err)
	}
}
