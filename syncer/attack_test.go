package syncer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
)

// The tests in this file work as a tampered laptop would: raw HTTP pushes
// signed in as a demo inspector against a real portal process, each
// asserting the portal's refusal (or its stamping and clamping) and that
// nothing it holds changed — every record, its deletion mark and clocks,
// hashed through an admin's pull.

// attacker is a signed-in user pushing hand-made requests under one device.
type attacker struct {
	base, token, device string
	seq                 uint64
}

func signInAs(t *testing.T, base, user, device string) *attacker {
	t.Helper()
	c, err := portal.NewClient(base, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Login(context.Background(), portal.LoginRequest{User: user, Password: demoPassword, Device: device})
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return &attacker{base: base, token: resp.Token, device: device}
}

// clock is a well-formed clock reading of the attacker's own device at t.
func (a *attacker) clock(t time.Time) string { return portal.HLC{}.Tick(t, a.device).String() }

// push sends one change as raw JSON and returns the portal's answer. The
// change's Seq is filled in.
func (a *attacker) push(t *testing.T, c portal.Change) (int, portal.PushResponse) {
	t.Helper()
	a.seq++
	c.Seq = a.seq
	body, err := json.Marshal(portal.PushRequest{Device: a.device, Changes: []portal.Change{c}})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, a.base+portal.PathPush, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out portal.PushResponse
	if resp.StatusCode == http.StatusOK {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("push answer %q: %v", raw, err)
		}
	}
	return resp.StatusCode, out
}

// refused pushes c and asserts the portal refused it with code (any code
// when empty) and changed nothing it holds.
func (a *attacker) refused(t *testing.T, base, what string, c portal.Change, code sv.Code) portal.Rejection {
	t.Helper()
	before := recordsHash(t, base)
	status, resp := a.push(t, c)
	if status != http.StatusOK || len(resp.Rejections) != 1 {
		t.Fatalf("%s: status %d, %+v: want one refusal", what, status, resp)
	}
	rj := resp.Rejections[0]
	if (code != "" && rj.Code != code) || rj.Zh == "" || rj.En == "" {
		t.Errorf("%s: refused with %+v, want code %q and a message in both languages", what, rj, code)
	}
	if after := recordsHash(t, base); after != before {
		t.Errorf("%s: refused, but the portal's records changed", what)
	}
	return rj
}

// accepted pushes c and asserts the portal took it without a refusal.
func (a *attacker) accepted(t *testing.T, what string, c portal.Change) portal.PushResponse {
	t.Helper()
	status, resp := a.push(t, c)
	if status != http.StatusOK || len(resp.Rejections) != 0 {
		t.Fatalf("%s: status %d, %+v", what, status, resp)
	}
	return resp
}

// recordsHash hashes every record the portal holds, deleted ones and
// clocks included, as an admin pulls them.
func recordsHash(t *testing.T, base string) string {
	t.Helper()
	c, _ := portal.NewClient(base, nil, "")
	if _, err := c.Login(context.Background(), portal.LoginRequest{User: "admin", Password: demoPassword, Device: "admin-hash"}); err != nil {
		t.Fatal(err)
	}
	// The pull's order is the order of the portal's log, which a refusal
	// may touch (so the refused laptop pulls the record back); the state
	// is the set of records.
	var lines []string
	cursor := ""
	for {
		resp, err := c.Pull(context.Background(), cursor, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range resp.Records {
			r.Stored = false           // the bytes' arrival is not a record's change
			line, _ := json.Marshal(r) // map keys sorted: clocks hash the same
			lines = append(lines, string(line))
		}
		cursor = resp.Cursor
		if !resp.More {
			break
		}
	}
	slices.Sort(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])
}

// pulled returns one record as the portal holds it.
func pulled(t *testing.T, base, entity, id string) portal.Record {
	t.Helper()
	c, _ := portal.NewClient(base, nil, "")
	if _, err := c.Login(context.Background(), portal.LoginRequest{User: "admin", Password: demoPassword, Device: "admin-read"}); err != nil {
		t.Fatal(err)
	}
	cursor := ""
	for {
		resp, err := c.Pull(context.Background(), cursor, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range resp.Records {
			if r.Entity == entity && r.ID == id {
				return r
			}
		}
		cursor = resp.Cursor
		if !resp.More {
			t.Fatalf("the portal has no %s %s", entity, id)
		}
	}
}

func findingOn(t *testing.T, base, id string) (sv.Finding, map[string]string) {
	t.Helper()
	r := pulled(t, base, portal.EntityFinding, id)
	var f sv.Finding
	if err := json.Unmarshal(r.Data, &f); err != nil {
		t.Fatal(err)
	}
	return f, r.Clocks
}

func jsonOf(t *testing.T, v any) json.RawMessage {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func findingPut(t *testing.T, f sv.Finding, at time.Time, clocks map[string]string) portal.Change {
	return portal.Change{Entity: portal.EntityFinding, ID: f.ID, Op: portal.OpPut, At: at, Data: jsonOf(t, f), Clocks: clocks}
}

func allClocks(c string) map[string]string {
	m := map[string]string{}
	for _, f := range portal.FindingFields() {
		m[f] = c
	}
	return m
}

func newFinding(id string, at time.Time) sv.Finding {
	f := sv.NewFinding(id, "p01", "", sv.KindProblem, "李督查", at)
	f.Description, f.ResponsibleUnit = "塔吊附着装置螺栓松动", "中建三局"
	return f
}

func TestForgedAuthorityIsRefusedOrStamped(t *testing.T) {
	base := startPortal(t)
	victim := newLaptop(t, base, "inspector2", nil)
	victim.sync(t, Options{})
	insp := signInAs(t, base, "inspector1", "dev-insp1")
	now := time.Now()

	// Born closed, "verified" by the leader, with a forged history.
	forged := newFinding(sv.NewID(now), now)
	forged.CreatedBy = "王主任"
	for _, m := range []sv.Move{
		{To: sv.StatusFixed, By: "施工单位", Note: "已整改", At: now},
		{To: sv.StatusClosed, By: "王主任", Role: sv.RoleLeader, Note: "同意销号", At: now},
	} {
		if err := forged.Apply(m); err != nil {
			t.Fatal(err)
		}
	}
	insp.refused(t, base, "a finding born closed", findingPut(t, forged, now, allClocks(insp.clock(now))), sv.EForbidden)
	// The same without a history: a status no move reached.
	bare := newFinding(sv.NewID(now), now)
	bare.Status, bare.VerifiedBy, bare.ClosedAt = sv.StatusClosed, "王主任", now
	insp.refused(t, base, "a finding born closed without moves", findingPut(t, bare, now, allClocks(insp.clock(now))), sv.EInvalid)

	// An honest-looking finding with a forged author, a verifier and a
	// history dated a year early and by the leader: taken, but everything
	// only the portal knows is the portal's.
	f := newFinding(sv.NewID(now), now)
	f.CreatedBy, f.VerifiedBy = "王主任", "王主任"
	f.History = []sv.StatusChange{{ID: "h-forged", At: now.AddDate(-1, 0, 0), By: "王主任", From: sv.StatusOpen, To: sv.StatusFixed, Note: "已整改"}}
	f.Status = sv.StatusFixed
	f.Notes = []sv.Note{{ID: "n-forged", At: now.AddDate(1, 0, 0), By: "王主任", Text: "领导批示"}}
	insp.accepted(t, "a finding with forged authors", findingPut(t, f, now, allClocks(insp.clock(now))))
	got, _ := findingOn(t, base, f.ID)
	h := got.History[0]
	arrived := time.Now()
	if got.CreatedBy != "李督查" || got.VerifiedBy != "" || len(got.History) != 1 || h.By != "李督查" ||
		h.At.Before(got.CreatedAt) || h.At.After(arrived) || h.ReceivedAt.IsZero() || h.ReceivedAt.After(arrived) {
		t.Fatalf("stamped finding: %+v", got)
	}
	if n := got.Notes[0]; n.By != "李督查" || n.At.After(arrived) {
		t.Fatalf("stamped note: %+v", n)
	}
	// An inspector's closing of it, by status clock alone or by a move: refused.
	closing := got
	if err := closing.Apply(sv.Move{To: sv.StatusClosed, By: "王主任", Role: sv.RoleLeader, Note: "销号", At: now, ID: "h-close"}); err != nil {
		t.Fatal(err)
	}
	insp.refused(t, base, "an inspector's closing", findingPut(t, closing, now, map[string]string{portal.FieldStatus: insp.clock(now.Add(time.Second))}), sv.EForbidden)
	// Verified by the inspector on site: 待销号, the inspector named.
	verify := got
	if err := verify.Apply(sv.Move{To: sv.StatusVerified, By: "王主任", Note: "现场复核合格", At: now, ID: "h-verify"}); err != nil {
		t.Fatal(err)
	}
	insp.accepted(t, "an inspector's verification", findingPut(t, verify, now, map[string]string{portal.FieldStatus: insp.clock(now.Add(2 * time.Second))}))
	if v, _ := findingOn(t, base, f.ID); v.Status != sv.StatusVerified || v.VerifiedBy != "李督查" || !v.ClosedAt.IsZero() {
		t.Fatalf("after the verification: %+v", v)
	}

	// The victim's laptop pulls what the portal holds, nothing forged.
	victim.sync(t, Options{})
	if l, err := victim.store.Finding(f.ID); err != nil || l.CreatedBy != "李督查" || l.Status != sv.StatusVerified {
		t.Fatalf("the other laptop has %+v %v", l, err)
	}
	if victim.hash(t) != portalHash(t, base) {
		t.Fatal("the other laptop and the portal differ")
	}
}

func TestPoisonedClocksAreRefusedOrClamped(t *testing.T) {
	base := startPortal(t)
	insp := signInAs(t, base, "inspector1", "dev-insp1")
	now := time.Now()
	f := newFinding(sv.NewID(now), now)
	insp.accepted(t, "a finding", findingPut(t, f, now, allClocks(insp.clock(now))))

	edit := f
	edit.Description = "被篡改的描述"
	for _, c := range []struct{ what, clock string }{
		{"a clock of another device", portal.HLC{}.Tick(now.Add(time.Minute), "dev-insp2").String()},
		{"a wider clock", "00" + insp.clock(now.Add(time.Minute))},
		{"a clock with letters", strings.Replace(insp.clock(now.Add(time.Minute)), "0", "x", 1)},
		{"a clock without a node", "9999999999999999.999999"},
		{"a negative clock", "-999999999999999.999999." + insp.device},
	} {
		insp.refused(t, base, c.what, findingPut(t, edit, now, map[string]string{portal.FieldDescription: c.clock}), "")
	}
	insp.refused(t, base, "a clock for an unknown field", findingPut(t, edit, now, map[string]string{"created_by": insp.clock(now.Add(time.Minute))}), sv.EInvalid)

	// The far future: taken, clamped to the portal's time, and the laptop told.
	resp := insp.accepted(t, "a far-future clock", findingPut(t, edit, now.Add(1000*time.Hour), map[string]string{portal.FieldDescription: "9999999999999999.999999." + insp.device}))
	if resp.ClockSkewSeconds < 3600 {
		t.Errorf("the laptop is not told its clock is off: %+v", resp)
	}
	got, clocks := findingOn(t, base, f.ID)
	limit := portal.HLC{Wall: time.Now().Add(portal.MaxClockSkew).UnixMilli()}
	if got.Description != "被篡改的描述" || clocks[portal.FieldDescription] > limit.String() {
		t.Fatalf("clamped: %q at %s", got.Description, clocks[portal.FieldDescription])
	}

	// A leader's correction made after the attack wins.
	time.Sleep(5 * time.Millisecond)
	leader := signInAs(t, base, "leader", "dev-leader")
	fix := got
	fix.Description = "塔吊附着装置螺栓松动（已更正）"
	later := time.Now()
	leader.accepted(t, "the leader's correction", findingPut(t, fix, later, map[string]string{portal.FieldDescription: leader.clock(later)}))
	if g, _ := findingOn(t, base, f.ID); g.Description != fix.Description {
		t.Fatalf("the correction lost to a poisoned clock: %q", g.Description)
	}
}

func TestPhotoAndVisitRecordsHaveTheirOwnersRights(t *testing.T) {
	base := startPortal(t)
	owner := signInAs(t, base, "inspector1", "dev-insp1")
	other := signInAs(t, base, "inspector2", "dev-insp2")
	now := time.Now()
	visit := func(status sv.VisitStatus) sv.Visit {
		return sv.Visit{ID: sv.NewID(now), ProjectID: "p01", TemplateID: "monthly", TemplateVersion: 1,
			Inspectors: []string{"李督查"}, StartedAt: now, Status: status}
	}
	put := func(entity, id string, v any, at time.Time) portal.Change {
		return portal.Change{Entity: entity, ID: id, Op: portal.OpPut, At: at, Data: jsonOf(t, v)}
	}
	draft, submitted, deleted := visit(sv.Draft), visit(sv.Submitted), visit(sv.Draft)
	for _, in := range []sv.Visit{draft, submitted, deleted} {
		owner.accepted(t, "a visit", put(portal.EntityVisit, in.ID, in, now))
	}
	owner.accepted(t, "deleting a draft", portal.Change{Entity: portal.EntityVisit, ID: deleted.ID, Op: portal.OpDelete, At: now})
	hash := strings.Repeat("ab", 32)
	photo := sv.Photo{Hash: hash, Size: 10, Caption: "塔吊基础", ImportedAt: now, Links: []sv.PhotoLink{{VisitID: draft.ID}}}
	owner.accepted(t, "a photo of the owner's visit", put(portal.EntityPhoto, hash, photo, now))

	// Another inspector rewrites the caption with a far-future time.
	rewrite := photo
	rewrite.Caption = "改写的说明"
	other.refused(t, base, "a caption rewritten by another inspector", put(portal.EntityPhoto, hash, rewrite, now.AddDate(100, 0, 0)), sv.EForbidden)
	// The owner's own caption change is taken, whatever time the other said.
	mine := photo
	mine.Caption = "塔吊基础（东侧）"
	owner.accepted(t, "the owner's caption", put(portal.EntityPhoto, hash, mine, now.Add(time.Second)))
	var p sv.Photo
	_ = json.Unmarshal(pulled(t, base, portal.EntityPhoto, hash).Data, &p)
	if p.Caption != mine.Caption {
		t.Fatalf("caption %q", p.Caption)
	}

	// A leader's laptop watches: the refusals below change nothing it pulls.
	watcher := newLaptop(t, base, "leader", nil)
	watcher.sync(t, Options{})
	watched := watcher.hash(t)

	// Deleting (unlinking) another's photo is refused; a laptop deletes a
	// photo by op "delete" once nothing of its own links to it.
	other.refused(t, base, "another's photo deleted", portal.Change{Entity: portal.EntityPhoto, ID: hash, Op: portal.OpDelete, At: now}, sv.EForbidden)

	// Linking into someone else's visit, or any submitted one.
	into := mine
	into.Links = append(slices.Clone(into.Links), sv.PhotoLink{VisitID: submitted.ID})
	other.refused(t, base, "a photo linked into another's submitted visit", put(portal.EntityPhoto, hash, into, now), sv.EForbidden)
	owner.refused(t, base, "a photo linked into a submitted visit", put(portal.EntityPhoto, hash, into, now), sv.EConflict)
	other.refused(t, base, "a photo of one's own linked into another's draft", put(portal.EntityPhoto, strings.Repeat("cd", 32),
		sv.Photo{Hash: strings.Repeat("cd", 32), Size: 1, ImportedAt: now, Links: []sv.PhotoLink{{VisitID: draft.ID, ItemKey: "safety.1"}}}, now), sv.EForbidden)

	// A deleted visit's id taken by another inspector, and changes to
	// another's or a submitted visit.
	taken := deleted
	taken.Inspectors = []string{"张督查"}
	other.refused(t, base, "a deleted visit re-created by another", put(portal.EntityVisit, deleted.ID, taken, now), sv.EForbidden)
	changed := submitted
	changed.Summary = "改写已提交的督查"
	owner.refused(t, base, "a submitted visit changed", put(portal.EntityVisit, submitted.ID, changed, now), sv.EConflict)
	hijack := draft
	hijack.Inspectors = []string{"张督查"}
	other.refused(t, base, "another's draft taken over", put(portal.EntityVisit, draft.ID, hijack, now), sv.EForbidden)
	if watcher.sync(t, Options{}); watcher.hash(t) != watched {
		t.Error("refused changes reached another laptop")
	}
	// Its owner may bring it back (a second laptop still editing the draft).
	owner.accepted(t, "the owner's deleted draft edited again", put(portal.EntityVisit, deleted.ID, deleted, now))
	// The owner's own deletion takes the photo off the draft.
	owner.accepted(t, "the owner's photo deleted", portal.Change{Entity: portal.EntityPhoto, ID: hash, Op: portal.OpDelete, At: now})
	p = sv.Photo{}
	_ = json.Unmarshal(pulled(t, base, portal.EntityPhoto, hash).Data, &p)
	if len(p.Links) != 0 || p.Caption != mine.Caption {
		t.Fatalf("after the owner's deletion: %+v", p)
	}
}
