package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/syncer"
)

// A leader signed in on the portal gets the queue of findings verified on
// site and awaiting closing (待销号), and the moves only a leader makes;
// the closing keeps who verified.
func TestLeaderClosesFindingsFromTheQueue(t *testing.T) {
	s := sampleStore(t)
	dir := t.TempDir()
	if err := syncer.SaveCredentials(dir, syncer.Credentials{Portal: "http://127.0.0.1:9", Token: "t", ExpiresAt: testNow.Add(24 * time.Hour),
		User: portal.User{Name: "leader", DisplayName: "王主任", Role: portal.RoleLeader}}); err != nil {
		t.Fatal(err)
	}
	ui, err := newMainUI(windowApp(t), Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: inPlace,
		Sync: &SyncConfig{Store: s, Dir: dir, manual: true}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ui.closed)
	waitFor(t, "the sign-in read", func() bool { return ui.role() == sv.RoleLeader })
	ui.openFindings(storage.FindingFilter{ActiveOnly: true}, true)
	fs := ui.findings()
	waitFor(t, "findings", func() bool { return len(fs.rows) > 0 })
	if !fs.queue.Visible() || !strings.HasPrefix(fs.queue.Text, "待销号（") || strings.Contains(fs.queue.Text, "（0）") {
		t.Fatalf("leader's queue: %q, visible %v", fs.queue.Text, fs.queue.Visible())
	}
	test.Tap(fs.queue)
	waitFor(t, "the queue", func() bool { return len(fs.rows) > 0 && fs.rows[0].Status == sv.StatusVerified })
	for _, f := range fs.rows {
		if f.Status != sv.StatusVerified {
			t.Fatalf("the queue lists a finding %s", f.Status)
		}
	}
	verified, _ := s.Finding(fs.rows[0].ID)
	fs.table.Select(widget.TableCellID{Row: 0, Col: 2})
	waitFor(t, "the detail", func() bool { return fs.detail != nil && fs.detail.actions != nil })
	actions := fs.detail.actions
	if findButton(actions, "销号") == nil || findButton(actions, "退回整改") == nil || findButton(actions, "核验通过（待销号）") != nil {
		t.Fatal("a verified finding does not offer a leader's moves")
	}
	test.Tap(findButton(actions, "销号"))
	entries := overlayEntries(ui)
	if entries[1].Text != "王主任" {
		t.Errorf("the closer is prefilled %q, not the signed-in leader", entries[1].Text)
	}
	test.Tap(overlayButton(t, ui, "销号"))
	f, _ := s.Finding(verified.ID)
	if f.Status != sv.StatusClosed || f.VerifiedBy != verified.VerifiedBy || f.ClosedAt.IsZero() || f.History[len(f.History)-1].By != "王主任" {
		t.Fatalf("after closing: %s, verified by %q (was %q)", f.Status, f.VerifiedBy, verified.VerifiedBy)
	}
}

// A laptop never signed in acts as an inspector: no queue, no closing.
func TestInspectorHasNoFindingClosingQueue(t *testing.T) {
	ui, _ := newTestUI(t)
	ui.openFindings(storage.FindingFilter{Status: sv.StatusVerified}, true)
	fs := ui.findings()
	waitFor(t, "findings", func() bool { return len(fs.rows) > 0 })
	if fs.queue.Visible() {
		t.Error("an inspector is shown the closing queue")
	}
	fs.table.Select(widget.TableCellID{Row: 0, Col: 2})
	waitFor(t, "the detail", func() bool { return fs.detail != nil && fs.detail.actions != nil })
	if findButton(fs.detail.actions, "销号") != nil || findButton(fs.detail.actions, "退回整改") != nil {
		t.Error("an inspector is offered a leader's move")
	}
}
