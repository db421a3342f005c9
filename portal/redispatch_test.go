package portal

import (
	"testing"
	"time"

	sv "fieldbrief/supervision"
)

// TestRedispatchIsAcceptedAsAMove: a 再次督办 sent by a laptop sets the new
// deadline on the portal's copy and keeps the old one in the history; one
// made on a finding that someone has since reported fixed is refused as a
// conflict while the rest of the change merges.
func TestRedispatchIsAcceptedAsAMove(t *testing.T) {
	t0 := time.Date(2026, 7, 10, 9, 0, 0, 0, time.UTC)
	st := Stamp{Actor: inspector, Now: t0.Add(3 * time.Hour)}
	stored := base()
	stored.CreatedAt = t0.Add(-30 * 24 * time.Hour)
	status := clocksFor([]string{FieldStatus}, HLC{}.Tick(t0.Add(2*time.Hour), "dev"))

	in := stored
	if err := in.Apply(sv.Move{Deadline: "2026-07-25", By: "李督查", Note: "要求7月25日前整改到位", At: t0.Add(time.Hour), ID: "m-redispatch"}); err != nil {
		t.Fatal(err)
	}
	res, rej := AcceptFinding(&stored, nil, in, status, st)
	if rej != nil || res.StatusRefused != nil {
		t.Fatalf("re-dispatch refused: %v %v", rej, res.StatusRefused)
	}
	f := res.Finding
	if f.Deadline != "2026-07-25" || f.Status != sv.StatusOpen || len(f.History) != 1 ||
		f.History[0].PreviousDeadline != "2026-06-30" || f.History[0].By != inspector.DisplayName {
		t.Fatalf("after the re-dispatch: %+v", f)
	}
	// Sent again: known, nothing doubles.
	again, rej := AcceptFinding(&f, res.Clocks, in, status, st)
	if rej != nil || len(again.Finding.History) != 1 {
		t.Fatalf("sent again: %v %+v", rej, again.Finding.History)
	}

	// A finding first sent with its re-dispatch already in its history is
	// born with its first deadline and re-dispatched by the replay.
	born, rej := AcceptFinding(nil, nil, in, clocksFor(FindingFields(), HLC{}.Tick(t0.Add(2*time.Hour), "dev")), st)
	if rej != nil || born.StatusRefused != nil || born.Finding.Deadline != "2026-07-25" || len(born.Finding.History) != 1 ||
		born.Finding.History[0].PreviousDeadline != "2026-06-30" {
		t.Fatalf("a new finding with a re-dispatch: %v %+v %+v", rej, born.StatusRefused, born.Finding)
	}

	fixed := stored
	if err := fixed.Apply(sv.Move{To: sv.StatusFixed, By: "张", Note: "已整改", At: t0.Add(30 * time.Minute), ID: "m-fix"}); err != nil {
		t.Fatal(err)
	}
	res, rej = AcceptFinding(&fixed, nil, in, status, st)
	if rej != nil || res.StatusRefused == nil || res.Finding.Deadline != "2026-06-30" || res.Finding.Status != sv.StatusFixed {
		t.Fatalf("a stale re-dispatch: %v %+v %+v", rej, res.StatusRefused, res.Finding)
	}
}
