package syncer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldbrief/portal"
	"fieldbrief/portal/server"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// Tests of decisions 0024 (devices) and 0025 (versions), against a real
// portal process.

func newProblem(desc string) sv.Finding {
	return sv.Finding{ID: sv.NewID(time.Now()), ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategoryOther, Severity: sv.SeverityMinor,
		Description: desc, ResponsibleUnit: "建设单位", Deadline: "2026-12-31"}
}

// adminOf signs in to base as the demo admin, with no device (it never
// pushes), announcing version (0: the current one).
func adminOf(t *testing.T, base string, version int) *portal.Client {
	t.Helper()
	c, _ := portal.NewClient(base, nil, "")
	c.SetProtocol(version)
	if _, err := c.Login(context.Background(), portal.LoginRequest{User: "admin", Password: demoPassword}); err != nil {
		t.Fatal(err)
	}
	return c
}

// portalFinding reads one finding from the portal as the admin.
func portalFinding(t *testing.T, c *portal.Client, id string) (sv.Finding, bool) {
	t.Helper()
	resp, err := c.Pull(context.Background(), "", 5000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range resp.Records {
		if r.Entity == portal.EntityFinding && r.ID == id {
			var f sv.Finding
			if err := json.Unmarshal(r.Data, &f); err != nil {
				t.Fatal(err)
			}
			return f, true
		}
	}
	return sv.Finding{}, false
}

// devices reads the admin API's device list of the portal at base.
func devices(t *testing.T, base string) map[string]portal.Device {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+portal.PathAdminDevices, nil)
	var out []portal.Device
	tok := adminToken(t, base)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("device list: %d %v", resp.StatusCode, err)
	}
	m := map[string]portal.Device{}
	for _, d := range out {
		m[d.ID] = d
	}
	return m
}

func adminToken(t *testing.T, base string) string {
	t.Helper()
	c, _ := portal.NewClient(base, nil, "")
	resp, err := c.Login(context.Background(), portal.LoginRequest{User: "admin", Password: demoPassword})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Token
}

func notes(f sv.Finding) string {
	var s []string
	for _, n := range f.Notes {
		s = append(s, n.Text)
	}
	return strings.Join(s, ",")
}

// Issue 11's device hijack, as an attacker would try it: another inspector
// can neither sign in under the victim's device id nor push under it with
// a token of their own; the portal is unchanged and the victim's next
// sync works.
func TestAnotherInspectorCannotPushUnderYourDevice(t *testing.T) {
	ctx := context.Background()
	base := startPortal(t)
	victim := newLaptop(t, base, "inspector1", nil)
	victim.sync(t, Options{}) // the register
	f := newProblem("脚手架连墙件缺失")
	if err := victim.store.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	victim.sync(t, Options{})
	admin := adminOf(t, base, 0)
	before := portalHash(t, base)
	device := victim.store.DeviceID()

	c, _ := portal.NewClient(base, nil, "")
	_, err := c.Login(ctx, portal.LoginRequest{User: "inspector2", Password: demoPassword, Device: device})
	var ref *portal.RefusalError
	if !errors.As(err, &ref) || ref.Status != http.StatusConflict || ref.Body.Code != portal.ErrDeviceOwned {
		t.Fatalf("signing in under another's device must be refused: %v", err)
	}
	forged := f
	forged.Description = "已整改完毕"
	data, _ := json.Marshal(forged)
	body, _ := json.Marshal(portal.PushRequest{Device: device, Changes: []portal.Change{{Seq: 2, Entity: portal.EntityFinding, ID: f.ID, Op: portal.OpPut, At: time.Now(), Data: data, Clocks: map[string]string{"description": "9999999999999999.999999." + device}}}})
	for _, own := range []string{"attacker-laptop", ""} {
		resp, err := c.Login(ctx, portal.LoginRequest{User: "inspector2", Password: demoPassword, Device: own})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, base+portal.PathPush, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+resp.Token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var e portal.ErrorBody
		if res.StatusCode != http.StatusForbidden || json.Unmarshal(out, &e) != nil || e.Code != portal.ErrDeviceMismatch || e.Zh == "" || e.En == "" {
			t.Fatalf("push under another's device with a token of %q: %d %s", own, res.StatusCode, out)
		}
	}
	if after := portalHash(t, base); after != before {
		t.Fatal("a refused hijack changed the portal")
	}
	if d := devices(t, base); d[device].User != "inspector1" || d[device].Acked != 1 {
		t.Fatalf("the victim's device changed: %+v", d[device])
	}
	if _, err := victim.store.AddFindingNote(f.ID, sv.Note{Text: "复查"}); err != nil {
		t.Fatal(err)
	}
	r := victim.sync(t, Options{})
	if r.Pushed != 1 || r.Rejected != 0 || victim.store.DeviceID() != device {
		t.Fatalf("the victim's next sync: %+v", r)
	}
	if got, _ := portalFinding(t, admin, f.ID); got.Description != f.Description || notes(got) != "复查" {
		t.Fatalf("portal holds %q with notes %q", got.Description, notes(got))
	}
}

// An admin resets a laptop's device while it holds an unsent change: the
// laptop is told at its next sync, registers a new id by itself and sends
// the change; nothing is lost.
func TestResetDeviceResumesWithNothingLost(t *testing.T) {
	data := demoData(t)
	base, _ := servePortal(t, data, "http")
	l := newLaptop(t, base, "inspector1", nil)
	l.sync(t, Options{}) // the register
	f := newProblem("安全帽佩戴不规范")
	if err := l.store.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	l.sync(t, Options{})
	old := l.store.DeviceID()
	if _, err := l.store.AddFindingNote(f.ID, sv.Note{Text: "重置前的备注"}); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(portalBin, "device", "reset", "--data", data, old).CombinedOutput(); err != nil {
		t.Fatalf("device reset: %v\n%s", err, out)
	}
	r := l.sync(t, Options{})
	if r.Pushed != 1 || r.Rejected != 0 || sv.ErrorCode(r.NewDevice) != portal.ErrDeviceReset {
		t.Fatalf("after the reset: %+v", r)
	}
	if n := must(l.store.OutboxLen())(t); n != 0 || l.store.DeviceID() == old {
		t.Fatalf("outbox %d, device %s (was %s)", n, l.store.DeviceID(), old)
	}
	admin := adminOf(t, base, 0)
	if got, _ := portalFinding(t, admin, f.ID); notes(got) != "重置前的备注" {
		t.Fatalf("portal notes %q", notes(got))
	}
	out, err := exec.Command(portalBin, "device", "list", "--data", data).CombinedOutput()
	if err != nil {
		t.Fatalf("device list: %v\n%s", err, out)
	}
	lines := string(out)
	if !strings.Contains(lines, old) || !strings.Contains(lines, l.store.DeviceID()) || !strings.Contains(lines, portal.DeviceReset) {
		t.Fatalf("device list:\n%s", lines)
	}
	d := devices(t, base)
	if d[old].State != portal.DeviceReset || d[old].User != "" || d[l.store.DeviceID()].User != "inspector1" || d[l.store.DeviceID()].Acked != 1 || d[l.store.DeviceID()].LastPush.IsZero() {
		t.Fatalf("devices: %+v", d)
	}
}

// A laptop restored from an old backup reuses change numbers the portal
// holds other changes under: it is told so, keeps its outbox, and on the
// user's choice registers a new device id and sends the change.
func TestLaptopRestoredFromAnOldBackupReregisters(t *testing.T) {
	ctx := context.Background()
	base := startPortal(t)
	dir := t.TempDir()
	open := func() *storage.Store {
		s, err := storage.Open(dir, storage.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	c, _ := portal.NewClient(base, nil, "")
	if _, err := Login(ctx, s, c, "inspector1", demoPassword); err != nil {
		t.Fatal(err)
	}
	if _, err := New(s, c, Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	f := newProblem("基坑无防护栏")
	if err := s.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	if _, err := New(s, c, Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	backup, err := os.ReadFile(filepath.Join(dir, storage.FileName))
	if err != nil {
		t.Fatal(err)
	}
	s = open()
	if _, err := s.AddFindingNote(f.ID, sv.Note{Text: "备份之后"}); err != nil {
		t.Fatal(err)
	}
	if _, err := New(s, c, Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.WriteFile(filepath.Join(dir, storage.FileName), backup, 0o600); err != nil {
		t.Fatal(err)
	}
	s = open()
	defer s.Close()
	if _, err := s.AddFindingNote(f.ID, sv.Note{Text: "恢复之后"}); err != nil {
		t.Fatal(err)
	}
	_, err = New(s, c, Options{}).Sync(ctx)
	if sv.ErrorCode(err) != portal.ErrRewound || !strings.Contains(sv.ErrorMessage(err, sv.English), "--reregister") {
		t.Fatalf("a rewound laptop must be told what to do: %v", err)
	}
	if n := must(s.OutboxLen())(t); n != 1 {
		t.Fatalf("outbox after the refusal: %d", n)
	}
	e := New(s, c, Options{})
	if err := e.Reregister(ctx); err != nil {
		t.Fatal(err)
	}
	if r, err := e.Sync(ctx); err != nil || r.Pushed != 1 || r.Rejected != 0 {
		t.Fatalf("sync after re-registering: %+v %v", r, err)
	}
	got, _ := portalFinding(t, adminOf(t, base, 0), f.ID)
	if n := notes(got); !strings.Contains(n, "备份之后") || !strings.Contains(n, "恢复之后") {
		t.Fatalf("portal notes %q", n)
	}
}

// A portal restored from a backup announces a new epoch; a laptop that
// meets it sends again what the portal lost — records created and changes
// made after the backup, which the old portal had acknowledged — and the
// two end up holding the same.
func TestRestoredPortalGetsTheLaptopsRecordsBack(t *testing.T) {
	ctx := context.Background()
	data := demoData(t)
	base, stop := servePortal(t, data, "http")
	l := newLaptop(t, base, "inspector1", nil)
	l.sync(t, Options{}) // the register
	f1 := newProblem("消防通道堵塞")
	if err := l.store.CreateFinding(f1); err != nil {
		t.Fatal(err)
	}
	// A visit the backup holds as a draft with one answer, and which is
	// answered in full and submitted after it.
	v1, err := l.store.StartVisit("p01", []string{"李督查"})
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := l.store.Template(v1.TemplateID, v1.TemplateVersion)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.store.SaveAnswer(v1.ID, sv.Answer{ItemKey: tpl.Items()[0].Key, Note: "备份之前", AnsweredBy: "李督查"}); err != nil {
		t.Fatal(err)
	}
	l.sync(t, Options{})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	backup, err := os.ReadFile(filepath.Join(data, server.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	base, stop = servePortal(t, data, "http")
	c, _ := portal.NewClient(base, nil, l.token)
	f2 := newProblem("备份之后发现的问题")
	if err := l.store.CreateFinding(f2); err != nil {
		t.Fatal(err)
	}
	if _, err := l.store.AddFindingNote(f1.ID, sv.Note{Text: "备份之后的备注"}); err != nil {
		t.Fatal(err)
	}
	answerAll(t, l.store, v1)
	if _, err := l.store.SubmitVisit(v1.ID); err != nil {
		t.Fatal(err)
	}
	// And a visit made and submitted after the backup.
	v2, err := l.store.StartVisit("p02", []string{"李督查"})
	if err != nil {
		t.Fatal(err)
	}
	answerAll(t, l.store, v2)
	if _, err := l.store.SubmitVisit(v2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := New(l.store, c, Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// The restore: the old file back with the marker a backup carries;
	// the portal's first start gives it a new epoch.
	if err := os.WriteFile(filepath.Join(data, server.DBFile), backup, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, server.NewEpochMarker), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ = servePortal(t, data, "http")
	admin := adminOf(t, base, 0)
	if _, ok := portalFinding(t, admin, f2.ID); ok {
		t.Fatal("the restored portal should lack the later finding")
	}
	c, _ = portal.NewClient(base, nil, l.token)
	r, err := New(l.store, c, Options{}).Sync(ctx)
	if err != nil {
		t.Fatalf("sync with the restored portal: %v", err)
	}
	if r.Rejected != 0 {
		t.Fatalf("records sent again were refused: %+v", r.Rejections)
	}
	if r.NewDevice == nil || !strings.Contains(sv.ErrorMessage(r.NewDevice, sv.English), "restored") {
		t.Fatalf("the user is not told of the restored portal: %v", r.NewDevice)
	}
	if _, ok := portalFinding(t, admin, f2.ID); !ok {
		t.Fatal("the laptop did not send its later finding again")
	}
	if got, _ := portalFinding(t, admin, f1.ID); notes(got) != "备份之后的备注" {
		t.Fatalf("the note acknowledged by the old portal: %q", notes(got))
	}
	if n := must(l.store.OutboxLen())(t); n != 0 {
		t.Fatalf("outbox %d", n)
	}
	if lh, ph := l.hash(t), portalHash(t, base); lh != ph {
		t.Fatal("the laptop and the restored portal differ after the sync")
	}
	// And the next sync is an ordinary one.
	if r, err := New(l.store, c, Options{}).Sync(ctx); err != nil || r.Pushed != 0 {
		t.Fatalf("next sync: %+v %v", r, err)
	}
}

// A portal that no longer accepts the laptop's protocol says "update
// fieldbrief" in both languages; the laptop's outbox and records stay.
func TestLaptopTooOldIsToldToUpdateAndKeepsItsData(t *testing.T) {
	ctx := context.Background()
	data := demoData(t)
	base, stop := servePortal(t, data, "http")
	l := newLaptop(t, base, "inspector1", nil)
	l.sync(t, Options{}) // the register
	f := newProblem("未按图施工")
	if err := l.store.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	base, _ = servePortal(t, data, "http", "--min-protocol", "3")
	c, _ := portal.NewClient(base, nil, l.token)
	before := l.hash(t)
	_, err := New(l.store, c, Options{}).Sync(ctx)
	if sv.ErrorCode(err) != portal.ErrUpdateRequired ||
		!strings.Contains(sv.ErrorMessage(err, sv.English), "Update fieldbrief") || !strings.Contains(sv.ErrorMessage(err, sv.Chinese), "请更新 fieldbrief") {
		t.Fatalf("an old laptop must be told to update: %v", err)
	}
	if n := must(l.store.OutboxLen())(t); n != 1 || l.hash(t) != before {
		t.Fatalf("the laptop's data changed: outbox %d", n)
	}
	if _, ok := portalFinding(t, adminOf(t, base, 3), f.ID); ok {
		t.Fatal("the refused laptop's change reached the portal")
	}
	// The health check still answers, so the laptop shows the reason, not "offline".
	if err := c.Health(ctx); err != nil {
		t.Fatal(err)
	}
}

// On a shared laptop, a change is sent only under the sign-in it was made
// under: another user's sign-in is refused while it waits, and once it is
// sent the new user gets a device id of their own.
func TestUserSwitchNeverSendsAChangeAsAnotherUser(t *testing.T) {
	ctx := context.Background()
	base := startPortal(t)
	l := newLaptop(t, base, "inspector1", nil)
	l.sync(t, Options{}) // the register
	first := l.store.DeviceID()
	f := newProblem("李督查发现的问题")
	if err := l.store.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	c2, _ := portal.NewClient(base, nil, "")
	_, err := Login(ctx, l.store, c2, "inspector2", demoPassword)
	if sv.ErrorCode(err) != sv.EConflict || !strings.Contains(sv.ErrorMessage(err, sv.English), "inspector1") {
		t.Fatalf("switching user with the other's change waiting: %v", err)
	}
	if n := must(l.store.OutboxLen())(t); n != 1 || l.store.DeviceID() != first {
		t.Fatalf("the refused switch changed the laptop: outbox %d", n)
	}
	l.sync(t, Options{})
	if _, err := Login(ctx, l.store, c2, "inspector2", demoPassword); err != nil {
		t.Fatalf("switch after the sync: %v", err)
	}
	second := l.store.DeviceID()
	if second == first {
		t.Fatal("the second user must get a device id of their own")
	}
	g := newProblem("张督查发现的问题")
	if err := l.store.CreateFinding(g); err != nil {
		t.Fatal(err)
	}
	if _, err := New(l.store, c2, Options{}).Sync(ctx); err != nil {
		t.Fatal(err)
	}
	d := devices(t, base)
	if d[first].User != "inspector1" || d[first].Acked != 1 || d[second].User != "inspector2" || d[second].Acked != 1 {
		t.Fatalf("devices: %+v", d)
	}
	// Back to the first user: again a new id, never the second user's.
	c1, _ := portal.NewClient(base, nil, "")
	if _, err := Login(ctx, l.store, c1, "inspector1", demoPassword); err != nil {
		t.Fatal(err)
	}
	if id := l.store.DeviceID(); id == second || id == first {
		t.Fatalf("device after switching back: %s", id)
	}
}

// A data folder written by commit 0db7d75 (schema 1) is copied aside,
// migrated, and laptops sync with it.
func TestPortalFolderOfCommit0db7d75MigratesAndSyncs(t *testing.T) {
	data := t.TempDir()
	raw, err := os.ReadFile(filepath.Join("..", "portal", "server", "testdata", "schema1", server.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(data, server.DBFile), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	base, _ := servePortal(t, data, "http")
	backups, _ := filepath.Glob(filepath.Join(data, server.DBFile+".schema-1-*.bak"))
	if len(backups) != 1 {
		t.Fatalf("backups before migrating: %v", backups)
	}
	l := newLaptop(t, base, "inspector1", nil)
	r := l.sync(t, Options{})
	if _, err := l.store.Finding("v1-finding"); err != nil || r.Pulled < 3 {
		t.Fatalf("the old portal's records did not reach the laptop: pulled %d, %v", r.Pulled, err)
	}
	if _, err := l.store.AddFindingNote("v1-finding", sv.Note{Text: "升级之后"}); err != nil {
		t.Fatal(err)
	}
	l.sync(t, Options{})
	admin := adminOf(t, base, 0)
	if got, _ := portalFinding(t, admin, "v1-finding"); notes(got) != "升级之后" {
		t.Fatalf("notes %q", notes(got))
	}
	d := devices(t, base)
	if d["old-laptop-1"].User != "inspector1" || d["old-laptop-1"].Acked != 3 {
		t.Fatalf("the old device after migrating: %+v", d["old-laptop-1"])
	}
}
