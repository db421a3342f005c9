package app

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
)

// On a shared laptop, another user's sign-in waits until the changes of
// the user before are sent: they are never sent under the new sign-in
// (decision 0024).
func TestSignInAsAnotherUserWaitsForTheFirstUsersChanges(t *testing.T) {
	base, _ := startPortal(t)
	ui, s, _ := laptopUI(t, sv.English)
	signIn(t, ui, base, "inspector1", demoPassword)
	waitFor(t, "the 20 projects", func() bool { return len(ui.dash.rows) == 20 })
	f := sv.Finding{ID: sv.NewID(time.Now()), ProjectID: "p03", Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMinor,
		Description: "临边防护缺失", ResponsibleUnit: "施工单位", Deadline: "2026-12-31"}
	if err := s.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	first := s.DeviceID()
	ui.sync.signOutNow()
	d := signIn(t, ui, base, "inspector2", demoPassword)
	if !strings.Contains(d.msg.Text, "inspector1") || ui.sync.st.SignedIn {
		t.Fatalf("sign-in of another user with inspector1's change waiting: %q", d.msg.Text)
	}
	if n := must(s.OutboxLen())(t); n != 1 || s.DeviceID() != first {
		t.Fatalf("the refused sign-in changed the laptop: outbox %d", n)
	}
	d.dlg.Hide()
	signIn(t, ui, base, "inspector1", demoPassword)
	waitFor(t, "inspector1's change sent", func() bool { n, _ := s.OutboxLen(); return n == 0 })
	ui.sync.signOutNow()
	signIn(t, ui, base, "inspector2", demoPassword)
	waitFor(t, "inspector2 signed in", func() bool { return ui.sync.st.SignedIn && ui.sync.st.User == "inspector2" })
	if s.DeviceID() == first {
		t.Fatal("inspector2 signed in under inspector1's device id")
	}
}

// A laptop whose change numbers the portal holds other changes under (a
// copy restored from an old backup) is asked whether to go on under a new
// device id; yes sends its change, nothing lost.
func TestRewoundLaptopIsOfferedANewDeviceId(t *testing.T) {
	base, _ := startPortal(t)
	ui, s, _ := laptopUI(t, sv.English)
	signIn(t, ui, base, "inspector1", demoPassword)
	waitFor(t, "the 20 projects", func() bool { return len(ui.dash.rows) == 20 })
	f := sv.Finding{ID: sv.NewID(time.Now()), ProjectID: "p03", Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMinor,
		Description: "临边防护缺失", ResponsibleUnit: "施工单位", Deadline: "2026-12-31"}
	if err := s.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	test.Tap(ui.sync.now)
	if n := must(s.OutboxLen())(t); n != 0 {
		t.Fatalf("outbox %d after Sync now", n)
	}
	// Another copy of this laptop's data sent change 2 first.
	c, _ := portal.NewClient(base, nil, savedToken(t, s))
	other := f
	other.Description = "另一份副本的修改"
	data, _ := json.Marshal(other)
	if _, err := c.Push(context.Background(), portal.PushRequest{Device: s.DeviceID(), Changes: []portal.Change{
		{Seq: 2, Entity: portal.EntityFinding, ID: f.ID, Op: portal.OpPut, At: time.Now(), Data: data, Clocks: map[string]string{}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFindingNote(f.ID, sv.Note{Text: "本机的备注"}); err != nil {
		t.Fatal(err)
	}
	old := s.DeviceID()
	test.Tap(ui.sync.now)
	if !strings.Contains(overlayText(ui), "Register a new device id") {
		t.Fatalf("no offer to re-register:\n%s", overlayText(ui))
	}
	if n := must(s.OutboxLen())(t); n != 1 {
		t.Fatalf("outbox %d before the answer", n)
	}
	windowKey(t, ui, fyne.KeyReturn)
	waitFor(t, "the change sent under a new id", func() bool { n, _ := s.OutboxLen(); return n == 0 })
	if s.DeviceID() == old {
		t.Fatal("the device id did not change")
	}
	// Read as the admin: a pull leaves out what the asking device sent.
	admin, _ := portal.NewClient(base, nil, "")
	if _, err := admin.Login(context.Background(), portal.LoginRequest{User: "admin", Password: demoPassword}); err != nil {
		t.Fatal(err)
	}
	page, err := admin.Pull(context.Background(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range page.Records {
		if r.Entity == portal.EntityFinding && r.ID == f.ID {
			var got sv.Finding
			if err := json.Unmarshal(r.Data, &got); err != nil || len(got.Notes) != 1 || got.Notes[0].Text != "本机的备注" {
				t.Fatalf("portal finding: %+v %v", got.Notes, err)
			}
			return
		}
	}
	t.Fatal("the finding is not on the portal")
}
