package portal

import (
	"encoding/json"
	"reflect"
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

// Two laptops edit different fields and add notes; merging their changes
// in either order gives the same finding.
func TestMergeIsOrderIndependentFieldByField(t *testing.T) {
	t0 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	b := base()
	stored := MergeFinding(nil, nil, b, clocksFor(FindingFields(), HLC{}.Tick(t0, "s")))

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

	ab := MergeFinding(&stored.Finding, stored.Clocks, a, ca)
	ab = MergeFinding(&ab.Finding, ab.Clocks, c, cc)
	ba := MergeFinding(&stored.Finding, stored.Clocks, c, cc)
	ba = MergeFinding(&ba.Finding, ba.Clocks, a, ca)
	ja, _ := json.Marshal(ab.Finding)
	jb, _ := json.Marshal(ba.Finding)
	if string(ja) != string(jb) || !reflect.DeepEqual(ab.Clocks, ba.Clocks) {
		t.Fatalf("order matters:\n%s\n%s", ja, jb)
	}
	f := ab.Finding
	if f.ResponsibleUnit != "中建三局二公司" || f.Deadline != "2026-07-15" || f.Status != sv.StatusInProgress || len(f.Notes) != 2 || len(f.History) != 1 {
		t.Fatalf("merged: %+v", f)
	}
	again := MergeFinding(&f, ab.Clocks, c, cc)
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
	stored := MergeFinding(nil, nil, closed, clocksFor(FindingFields(), HLC{}.Tick(t0.Add(time.Hour), "L")))
	reopened := b
	if err := reopened.Apply(sv.Move{To: sv.StatusInProgress, By: "李", Note: "仍有问题", At: t0.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	reopened.Notes = []sv.Note{{ID: "n1", At: t0.Add(2 * time.Hour), Text: "补充说明"}}
	res := MergeFinding(&stored.Finding, stored.Clocks, reopened, clocksFor(ChangedFields(&b, reopened), HLC{}.Tick(t0.Add(2*time.Hour), "I")))
	if res.StatusRefused == nil || res.StatusRefused.Code != sv.EConflict || res.StatusRefused.En == "" || res.StatusRefused.Zh == "" {
		t.Fatalf("refusal: %+v", res.StatusRefused)
	}
	if res.Finding.Status != sv.StatusClosed || len(res.Finding.Notes) != 1 || len(res.Finding.History) != 1 {
		t.Fatalf("after refusal: %+v", res.Finding)
	}
}
