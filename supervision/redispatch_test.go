package supervision

import (
	"testing"
	"time"
)

func TestRedispatchSetsANewDeadlineAndKeepsTheOld(t *testing.T) {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	f := NewFinding("f1", "p1", "", KindProblem, "张三", at.AddDate(0, -1, 0))
	f.Description, f.ResponsibleUnit = "脚手架缺少连墙件", "中建三局"
	old := f.Deadline
	for _, c := range []struct {
		name string
		m    Move
		code Code
	}{
		{"earlier deadline", Move{Deadline: old, By: "张三", At: at}, EInvalid},
		{"not a date", Move{Deadline: "下周", By: "张三", At: at}, EInvalid},
		{"no one", Move{Deadline: "2026-12-05", At: at}, EInvalid},
		{"a status change too", Move{Deadline: "2026-12-05", To: StatusFixed, By: "张三", At: at}, EInvalid},
	} {
		g := f
		if err := g.Apply(c.m); ErrorCode(err) != c.code {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if err := f.Apply(Move{Deadline: "2026-12-05", By: "张三", Role: RoleInspector, Note: "要求12月5日前整改到位", At: at}); err != nil {
		t.Fatal(err)
	}
	h := f.History[len(f.History)-1]
	if f.Deadline != "2026-12-05" || f.Status != StatusOpen || !h.IsRedispatch() || h.PreviousDeadline != old || h.From != h.To {
		t.Fatalf("after re-dispatch: deadline %s, status %s, history %+v", f.Deadline, f.Status, h)
	}
	if got := f.DeadlineAt(at.Add(-time.Hour)); got != old {
		t.Errorf("deadline before the re-dispatch: %s, want %s", got, old)
	}
	if got := f.DeadlineAt(at); got != "2026-12-05" {
		t.Errorf("deadline at the re-dispatch: %s", got)
	}
	// A leader may re-dispatch too; a finding fixed awaits verification and
	// cannot be.
	if err := f.Apply(Move{Deadline: "2026-12-20", By: "王主任", Role: RoleLeader, At: at.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := f.Apply(Move{To: StatusFixed, By: "张三", Note: "已整改", At: at.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := f.Apply(Move{Deadline: "2027-01-05", By: "张三", At: at.Add(3 * time.Hour)}); ErrorCode(err) != EInvalid {
		t.Errorf("a fixed finding re-dispatched: %v", err)
	}
	if err := f.CheckRedispatch("guest"); ErrorCode(err) != EForbidden {
		t.Errorf("an unknown role re-dispatched: %v", err)
	}
}
