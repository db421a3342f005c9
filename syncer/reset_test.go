package syncer

import (
	"context"
	"testing"
	"time"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
)

// A laptop that meets a portal which does not know its cursor (a rebuilt
// or restored portal, here another database with the same accounts) sends
// again its own records the portal lacks, under a new device id, keeps its
// outbox, and pulls everything again: nothing is dropped (decision 0024).
func TestUnknownCursorSendsOwnRecordsAgainNeverDropsTheOutbox(t *testing.T) {
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
	device := l.store.DeviceID()

	// Same accounts, another database: the cursor's epoch is unknown there.
	c, _ := portal.NewClient(second, nil, "")
	if _, err := Login(context.Background(), l.store, c, "inspector1", demoPassword); err != nil {
		t.Fatal(err)
	}
	// A new change meets a portal that never saw the earlier ones.
	if _, err := l.store.AddFindingNote(f.ID, sv.Note{Text: "补充"}); err != nil {
		t.Fatal(err)
	}
	r, err := New(l.store, c, Options{}).Sync(context.Background())
	if err != nil {
		t.Fatalf("sync with the other portal: %v", err)
	}
	after, _ := l.store.SyncState()
	// The register's 22 records, and the finding sent again, back as
	// the portal stamped it (its author and times are the portal's).
	if r.Pulled != 23 || after.Cursor == before.Cursor || l.store.DeviceID() == device {
		t.Fatalf("full resync pulled %d, cursor %q → %q, device %s", r.Pulled, before.Cursor, after.Cursor, l.store.DeviceID())
	}
	if n := must(l.store.OutboxLen())(t); n != 0 {
		t.Fatalf("outbox %d after the sync", n)
	}
	got, ok := portalFinding(t, adminOf(t, second, 0), f.ID)
	if !ok || notes(got) != "补充" {
		t.Fatalf("the other portal holds the finding %v with notes %q", ok, notes(got))
	}
}
