package portal

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	sv "fieldbrief/supervision"
)

func base() sv.Finding {
	return sv.Finding{ID: "f1", ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMajor,
		Description: "脚手架未设连墙件", ResponsibleUnit: "中建三局", Deadline: "2026-06-30", Status: sv.StatusOpen}
}

func clocksFor(fields []string, h HLC) map[string]string {
	m := map[string]string{}
	for _, f := range fields {
		m[f] = h.String()
	}
	return m
}

var (
	inspector = sv.Actor{Name: "inspector1", DisplayName: "李督查", Role: sv.RoleInspector}
	leader    = sv.Actor{Name: "leader", DisplayName: "王主任", Role: sv.RoleLeader}
)

func TestHLCNeverGoesBackAndOrdersAsStrings(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	h := HLC{}.Tick(t0, "a")
	h2 := h.Tick(t0.Add(-time.Hour), "a") // a clock set back
	if h2.String() <= h.String() {
		t.Fatalf("clock went back: %s then %s", h, h2)
	}
	seen := HLC{Wall: t0.Add(time.Hour).UnixMilli(), Logical: 3, Node: "b"}
	h3 := h2.Observe(seen.String()).Tick(t0, "a")
	if h3.String() <= seen.String() {
		t.Fatalf("an event after seeing %s got %s", seen, h3)
	}
	if ParseHLC(h3.String()) != h3 || (ParseHLC("junk") != HLC{}) {
		t.Fatal("parse does not round-trip")
	}
}

func TestClocksAreCheckedAndClamped(t *testing.T) {
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	good := HLC{}.Tick(now, "dev-1").String()
	cases := []struct {
		name, clock string
		want        sv.Code
	}{
		{"the device's own", good, ""},
		{"another device's", HLC{}.Tick(now, "dev-2").String(), sv.EForbidden},
		{"far future, over-wide", "9999999999999999.999999.dev-1", ""}, // valid format, clamped below
		{"wider wall", "00017772192000000.000000.dev-1", sv.EInvalid},
		{"letters", "000177721920000a.000000.dev-1", sv.EInvalid},
		{"negative", "-000177721920000.000000.dev-1", sv.EInvalid},
		{"zero", "0000000000000000.000000.dev-1", sv.EInvalid},
		{"short", "1.2.dev-1", sv.EInvalid},
		{"empty", "", sv.EInvalid},
	}
	for _, c := range cases {
		h, err := CheckClock(c.clock, "dev-1")
		if got := sv.ErrorCode(errOrNil(err)); got != c.want {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
			continue
		}
		if err != nil {
			continue
		}
		clamped, ahead := h.Clamp(now)
		if clamped.Wall > now.Add(MaxClockSkew).UnixMilli() || clamped.Node != "dev-1" || len(clamped.String()) != len(good) {
			t.Errorf("%s: clamped to %s", c.name, clamped)
		}
		if c.clock != good && ahead < time.Hour {
			t.Errorf("%s: %v ahead", c.name, ahead)
		}
	}
	near := HLC{Wall: now.Add(time.Minute).UnixMilli(), Node: "dev-1"}
	if h, ahead := near.Clamp(now); h != near || ahead != 0 {
		t.Errorf("a clock a minute ahead is within the skew: %s %v", h, ahead)
	}
}

func errOrNil(e *sv.Error) error {
	if e == nil {
		return nil
	}
	return e
}

// Two laptops edit different fields and add notes; merging their changes
// in either order gives the same finding.
func TestMergeIsOrderIndependentFieldByField(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	st := Stamp{Actor: inspector, Now: t0.Add(3 * time.Hour)}
	b := base()
	stored, rej := AcceptFinding(nil, nil, b, clocksFor(FindingFields(), HLC{}.Tick(t0, "s")), st)
	if rej != nil {
		t.Fatal(rej)
	}

	a := b
	a.ResponsibleUnit = "重庆科城建设"
	a.Notes = []sv.Note{{ID: "n-a", At: t0.Add(time.Hour), By: "李", Text: "已电话通知"}}
	ca := clocksFor(ChangedFields(&b, a), HLC{}.Tick(t0.Add(time.Hour), "A"))

	c := b
	c.Deadline = "2026-07-15"
	c.ResponsibleUnit = "中建三局二公司"
	c.Notes = []sv.Note{{ID: "n-b", At: t0.Add(2 * time.Hour), By: "张", Text: "现场复查"}}
	if err := c.Apply(sv.Move{To: sv.StatusInProgress, By: "张", At: t0.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	cc := clocksFor(ChangedFields(&b, c), HLC{}.Tick(t0.Add(2*time.Hour), "B"))

	merge := func(f MergeResult, in sv.Finding, clocks map[string]string) MergeResult {
		t.Helper()
		res, rej := AcceptFinding(&f.Finding, f.Clocks, in, clocks, st)
		if rej != nil {
			t.Fatal(rej)
		}
		return res
	}
	ab := merge(merge(stored, a, ca), c, cc)
	ba := merge(merge(stored, c, cc), a, ca)
	ja, _ := json.Marshal(ab.Finding)
	jb, _ := json.Marshal(ba.Finding)
	if string(ja) != string(jb) || !reflect.DeepEqual(ab.Clocks, ba.Clocks) {
		t.Fatalf("order matters:\n%s\n%s", ja, jb)
	}
	f := ab.Finding
	if f.ResponsibleUnit != "中建三局二公司" || f.Deadline != "2026-07-15" || f.Status != sv.StatusInProgress || len(f.Notes) != 2 || len(f.History) != 1 {
		t.Fatalf("merged: %+v", f)
	}
	again := merge(ab, c, cc)
	if j, _ := json.Marshal(again.Finding); string(j) != string(ja) {
		t.Fatal("merging the same change twice changed the finding")
	}
}

func TestMergeRefusesAStatusTheWorkflowForbidsButKeepsNotes(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	b := base()
	b.Status = sv.StatusFixed
	closed := b
	if err := closed.Apply(sv.Move{To: sv.StatusClosed, Role: sv.RoleLeader, By: "王主任", Note: "复核合格", At: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	clocks := clocksFor(FindingFields(), HLC{}.Tick(t0.Add(time.Hour), "L"))
	reopened := b
	if err := reopened.Apply(sv.Move{To: sv.StatusInProgress, By: "李", Note: "仍有问题", At: t0.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	reopened.Notes = []sv.Note{{ID: "n1", At: t0.Add(2 * time.Hour), Text: "补充说明"}}
	res, rej := AcceptFinding(&closed, clocks, reopened, clocksFor(ChangedFields(&b, reopened), HLC{}.Tick(t0.Add(2*time.Hour), "I")),
		Stamp{Actor: inspector, Now: t0.Add(3 * time.Hour)})
	if rej != nil {
		t.Fatal(rej)
	}
	if res.StatusRefused == nil || res.StatusRefused.Code != sv.EConflict || res.StatusRefused.En == "" || res.StatusRefused.Zh == "" {
		t.Fatalf("refusal: %+v", res.StatusRefused)
	}
	if res.Finding.Status != sv.StatusClosed || len(res.Finding.Notes) != 1 || len(res.Finding.History) != 1 {
		t.Fatalf("after refusal: %+v", res.Finding)
	}
}

// What only the portal knows it stamps: who created the finding and made
// each move, when the move arrived, who verified it and when it closed. A
// laptop's history is input to check, never stored as given.
func TestThePortalStampsWhoAndWhen(t *testing.T) {
	created := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	arrived := created.Add(48 * time.Hour)
	st := Stamp{Actor: inspector, Now: arrived}
	all := clocksFor(FindingFields(), HLC{}.Tick(created, "dev"))

	// Born closed, verified by a leader, with a forged history: refused.
	forged := base()
	forged.CreatedAt, forged.CreatedBy = created, "王主任"
	for _, m := range []sv.Move{
		{To: sv.StatusFixed, By: "施工单位", Note: "已整改", At: created.Add(time.Hour)},
		{To: sv.StatusClosed, By: "王主任", Role: sv.RoleLeader, Note: "同意销号", At: created.Add(2 * time.Hour)},
	} {
		if err := forged.Apply(m); err != nil {
			t.Fatal(err)
		}
	}
	if _, rej := AcceptFinding(nil, nil, forged, all, st); rej == nil || rej.Code != sv.EForbidden {
		t.Fatalf("a finding born closed by an inspector: %v", rej)
	}
	bornClosed := base()
	bornClosed.Status, bornClosed.VerifiedBy = sv.StatusClosed, "王主任"
	if _, rej := AcceptFinding(nil, nil, bornClosed, all, st); rej == nil || rej.Code != sv.EInvalid {
		t.Fatalf("a finding born closed without moves: %v", rej)
	}

	// An honest new finding with a move: the author and the times are the portal's.
	f := base()
	f.CreatedAt, f.CreatedBy, f.UpdatedAt = created, "王主任", created
	if err := f.Apply(sv.Move{To: sv.StatusFixed, By: "王主任", Note: "已整改", At: created.Add(-24 * time.Hour), ID: "m1"}); err != nil {
		t.Fatal(err)
	}
	f.Notes = []sv.Note{{ID: "n1", At: arrived.Add(time.Hour), By: "王主任", Text: "已通知"}}
	res, rej := AcceptFinding(nil, nil, f, all, st)
	if rej != nil {
		t.Fatal(rej)
	}
	g := res.Finding
	h := g.History[0]
	if g.CreatedBy != "李督查" || g.Status != sv.StatusFixed || h.By != "李督查" || !h.At.Equal(created) || !h.ReceivedAt.Equal(arrived) || h.ID != "m1" {
		t.Fatalf("stamped: %+v %+v", g, h)
	}
	if n := g.Notes[0]; n.By != "李督查" || !n.At.Equal(arrived) {
		t.Fatalf("note: %+v", n)
	}

	// The leader's laptop, having pulled, verifies and closes; the moves
	// already on the portal are known again, stamped or not.
	lf := g
	lf.History = append([]sv.StatusChange{{ID: "m1", At: created.Add(-24 * time.Hour), By: "王主任", From: sv.StatusOpen, To: sv.StatusFixed, Note: "已整改"}}, g.History[1:]...)
	if err := lf.Apply(sv.Move{To: sv.StatusClosed, By: "李督查", Role: sv.RoleLeader, Note: "复核合格", At: arrived.Add(time.Hour), ID: "m2"}); err != nil {
		t.Fatal(err)
	}
	lst := Stamp{Actor: leader, Now: arrived.Add(2 * time.Hour)}
	res2, rej := AcceptFinding(&g, res.Clocks, lf, clocksFor([]string{FieldStatus}, HLC{}.Tick(arrived.Add(time.Hour), "ldev")), lst)
	if rej != nil {
		t.Fatal(rej)
	}
	g2 := res2.Finding
	if len(g2.History) != 2 || g2.Status != sv.StatusClosed || g2.VerifiedBy != "王主任" || !g2.ClosedAt.Equal(arrived.Add(time.Hour)) || g2.History[1].By != "王主任" {
		t.Fatalf("closed: %+v", g2)
	}
	// The inspector's laptop sends its stale history again, by id and by
	// an old laptop's stamped copy: nothing doubles, nothing moves.
	old := g2
	old.History = []sv.StatusChange{g2.History[0], g2.History[1]}
	old.History[0].ID, old.History[1].ID = "", ""
	res3, rej := AcceptFinding(&g2, res2.Clocks, old, nil, st)
	if rej != nil || len(res3.Finding.History) != 2 {
		t.Fatalf("history sent again: %v %+v", rej, res3.Finding.History)
	}
	// An edit of the closed finding is refused whole.
	edit := g2
	edit.Description = "改写已销号的问题"
	if _, rej := AcceptFinding(&g2, res2.Clocks, edit, clocksFor([]string{FieldDescription}, HLC{}.Tick(arrived.Add(3*time.Hour), "dev")), st); rej == nil || !strings.Contains(rej.Zh, "不能再修改") {
		t.Fatalf("editing a closed finding: %v", rej)
	}
}

// Notes from laptops that make no note ids, and notes stored before the
// portal gave them ids, are known again when sent again: nothing doubles.
func TestNotesWithoutIDsDoNotDouble(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	st := Stamp{Actor: inspector, Now: t0.Add(time.Hour)}
	stored := base()
	stored.CreatedAt = t0
	legacy := sv.Note{At: t0, By: "张", Text: "旧备注"}
	stored.Notes = []sv.Note{legacy}
	in := stored
	in.Notes = []sv.Note{legacy, {At: t0.Add(time.Minute), By: "李", Text: "新备注"}}
	res, rej := AcceptFinding(&stored, nil, in, nil, st)
	if rej != nil || len(res.Finding.Notes) != 2 || res.Finding.Notes[1].ID == "" || res.Finding.Notes[1].By != "李督查" {
		t.Fatalf("first push: %v %+v", rej, res.Finding.Notes)
	}
	again, rej := AcceptFinding(&res.Finding, res.Clocks, in, nil, st)
	if rej != nil || len(again.Finding.Notes) != 2 {
		t.Fatalf("sent again: %v %+v", rej, again.Finding.Notes)
	}
}

// A move made offline on a status that has since changed is taken only
// when it carries the finding forward: a stale "work started" must not
// send back a fix someone else reported meanwhile.
func TestStaleMovesOnlyGoForward(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	st := Stamp{Actor: inspector, Now: t0.Add(3 * time.Hour)}
	open := base()
	open.CreatedAt = t0
	status := clocksFor([]string{FieldStatus}, HLC{}.Tick(t0.Add(2*time.Hour), "dev"))

	fixed := open
	if err := fixed.Apply(sv.Move{To: sv.StatusFixed, By: "张", Note: "已整改", At: t0.Add(time.Hour), ID: "m-fix"}); err != nil {
		t.Fatal(err)
	}
	started := open
	if err := started.Apply(sv.Move{To: sv.StatusInProgress, By: "李", Note: "已开工", At: t0.Add(2 * time.Hour), ID: "m-start"}); err != nil {
		t.Fatal(err)
	}
	res, rej := AcceptFinding(&fixed, nil, started, status, st)
	if rej != nil || res.StatusRefused == nil || res.Finding.Status != sv.StatusFixed || len(res.Finding.History) != 1 {
		t.Fatalf("a stale step back: %v %+v %+v", rej, res.StatusRefused, res.Finding)
	}

	inProgress := open
	if err := inProgress.Apply(sv.Move{To: sv.StatusInProgress, By: "张", At: t0.Add(time.Hour), ID: "m-other-start"}); err != nil {
		t.Fatal(err)
	}
	res, rej = AcceptFinding(&inProgress, nil, fixed, status, st)
	if rej != nil || res.StatusRefused != nil || res.Finding.Status != sv.StatusFixed || len(res.Finding.History) != 2 || res.Finding.History[1].From != sv.StatusInProgress {
		t.Fatalf("a stale step forward: %v %+v %+v", rej, res.StatusRefused, res.Finding)
	}
}
