package syncer

import (
	"context"
	"testing"
	"time"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
)

// A laptop that meets a portal which does not know its cursor (a rebuilt
// or restored portal) pulls everything again and keeps its outbox; changes
// the portal lost are reported, never silently dropped.
func TestUnknownCursorMeansFullResyncNeverADroppedOutbox(t *testing.T) {
	first := startPortal(t)
	second := startPortal(t)
	l := newLaptop(t, first, "inspector1", nil)
	f := sv.Finding{ID: sv.NewID(time.Now()), ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategoryOther, Severity: sv.SeverityMinor,
		Description: "资料未归档", ResponsibleUnit: "建设单位", Deadline: "2026-12-31"}
	l.sync(t, Options{})
	if err := l.store.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	l.sync(t, Options{})
	before, _ := l.store.SyncState()

	// Same accounts, another database: the cursor's epoch is unknown there.
	c, _ := portal.NewClient(second, nil, "")
	if _, err := Login(context.Background(), l.store, c, "inspector1", demoPassword); err != nil {
		t.Fatal(err)
	}
	var r Report
	if err := New(l.store, c, Options{}).Pull(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
	after, _ := l.store.SyncState()
	if r.Pulled != 22 || after.Cursor == before.Cursor {
		t.Fatalf("full resync pulled %d, cursor %q → %q", r.Pulled, before.Cursor, after.Cursor)
	}
	// A new change now meets a portal that never saw the earlier ones.
	if _, err := l.store.AddFindingNote(f.ID, sv.Note{Text: "补充"}); err != nil {
		t.Fatal(err)
	}
	_, err := New(l.store, c, Options{}).Sync(context.Background())
	if sv.ErrorCode(err) != sv.EConflict || sv.ErrorMessage(err, sv.English) == "" {
		t.Fatalf("a gap must be reported: %v", err)
	}
	if n, _ := l.store.OutboxLen(); n != 1 {
		t.Fatalf("the outbox was dropped: %d entries", n)
	}
	if _, err := l.store.Finding(f.ID); err != nil {
		t.Fatal("the laptop lost its finding")
	}
}
