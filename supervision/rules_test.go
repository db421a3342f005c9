package supervision

import (
	"strings"
	"testing"
)

// TestMovesByRole is the workflow as a table: every role × from × to, with
// the moves each role may make. Anything not listed is refused, and a
// refused move leaves the finding as it was.
func TestMovesByRole(t *testing.T) {
	anyone := [][2]Status{
		{StatusOpen, StatusInProgress}, {StatusOpen, StatusFixed}, {StatusOpen, StatusWithdrawn},
		{StatusInProgress, StatusFixed}, {StatusInProgress, StatusWithdrawn},
		{StatusFixed, StatusVerified}, {StatusFixed, StatusInProgress},
	}
	leaderOnly := [][2]Status{{StatusFixed, StatusClosed}, {StatusVerified, StatusClosed}, {StatusVerified, StatusInProgress}}
	allowed := map[Role]map[[2]Status]bool{}
	for _, r := range []Role{RoleInspector, RoleLeader, RoleAdmin, ""} {
		allowed[r] = map[[2]Status]bool{}
		for _, m := range anyone {
			allowed[r][m] = true
		}
		if r.Oversees() {
			for _, m := range leaderOnly {
				allowed[r][m] = true
			}
		}
	}
	for role, ok := range allowed {
		for _, from := range Statuses() {
			var offered []Status
			for _, to := range Statuses() {
				f := Finding{Status: from}
				err := f.Apply(Move{To: to, Role: role, By: "王磊", Note: "现场复核，已整改到位", At: day("2026-03-02 10:00")})
				if ok[[2]Status{from, to}] {
					offered = append(offered, to)
					if err != nil {
						t.Errorf("%q: %s → %s refused: %v", role, from, to, err)
					}
					if f.Status != to || len(f.History) != 1 || f.History[0].From != from || f.History[0].By != "王磊" {
						t.Errorf("%q: %s → %s: status %s, history %+v", role, from, to, f.Status, f.History)
					}
					continue
				}
				if err == nil {
					t.Errorf("%q: %s → %s allowed, want refused", role, from, to)
					continue
				}
				want := EInvalid
				if CanMove(from, to) {
					want = EForbidden // in the workflow, not the role's
				}
				if ErrorCode(err) != want || ErrorMessage(err, Chinese) == "" || ErrorMessage(err, English) == "" {
					t.Errorf("%q: %s → %s: want a readable %s, got %v", role, from, to, want, err)
				}
				if f.Status != from || len(f.History) != 0 {
					t.Errorf("%q: %s → %s refused but the finding changed: %+v", role, from, to, f)
				}
			}
			got := Finding{Status: from}.MovesFor(role)
			if strings.Join(statusStrings(got), ",") != strings.Join(statusStrings(orderLike(offered, NextStatuses(from))), ",") {
				t.Errorf("%q: MovesFor(%s) = %v, want %v", role, from, got, offered)
			}
		}
	}
}

func statusStrings(ss []Status) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

// orderLike returns the members of set in the order of order.
func orderLike(set, order []Status) []Status {
	var out []Status
	for _, s := range order {
		for _, x := range set {
			if x == s {
				out = append(out, s)
			}
		}
	}
	return out
}

func TestVerificationThenClosingRecordsBoth(t *testing.T) {
	f := Finding{Status: StatusFixed}
	if err := f.Apply(Move{To: StatusVerified, Role: RoleInspector, By: "张督查"}); ErrorCode(err) != EInvalid {
		t.Fatalf("a verification without evidence: %v", err)
	}
	if err := f.Apply(Move{To: StatusVerified, Role: RoleInspector, By: "张督查", Note: "现场复核合格", At: day("2026-04-01 09:30")}); err != nil {
		t.Fatal(err)
	}
	if f.Status != StatusVerified || f.VerifiedBy != "张督查" || !f.ClosedAt.IsZero() || !f.Status.Active() || f.Status.Rectifying() {
		t.Fatalf("after verification: %+v", f)
	}
	if err := f.Apply(Move{To: StatusClosed, Role: RoleInspector, By: "张督查", Note: "销号"}); ErrorCode(err) != EForbidden || !strings.Contains(ErrorMessage(err, Chinese), "只有领导可以销号") {
		t.Fatalf("an inspector closing: %v", err)
	}
	back := f
	back.History = append([]StatusChange(nil), f.History...)
	if err := back.Apply(Move{To: StatusInProgress, Role: RoleLeader, By: "王主任"}); ErrorCode(err) != EInvalid {
		t.Fatalf("sending back without a reason: %v", err)
	}
	if err := back.Apply(Move{To: StatusInProgress, Role: RoleLeader, By: "王主任", Note: "照片不清楚，重新核验"}); err != nil || back.VerifiedBy != "" {
		t.Fatalf("sending back: %v %+v", err, back)
	}
	at := day("2026-04-03 15:00")
	if err := f.Apply(Move{To: StatusClosed, Role: RoleLeader, By: "王主任", At: at}); err != nil {
		t.Fatal(err)
	}
	if f.Status != StatusClosed || f.VerifiedBy != "张督查" || !f.ClosedAt.Equal(at) || len(f.History) != 2 {
		t.Fatalf("after closing: %+v", f)
	}
}

func TestNewFindingIsOpenWithTheUsualDeadline(t *testing.T) {
	at := day("2026-03-02 10:00")
	f := NewFinding("f1", "p01", "v1", KindRequest, "张督查", at)
	if f.Status != StatusOpen || f.Deadline != "2026-03-17" || f.Category != CategoryFactors || f.CreatedBy != "张督查" || !f.CreatedAt.Equal(at) {
		t.Fatalf("new finding: %+v", f)
	}
	if err := f.CheckCreate(); err != nil {
		t.Fatal(err)
	}
	born := f
	born.Status = StatusClosed
	if err := born.CheckCreate(); ErrorCode(err) != EInvalid {
		t.Fatalf("a finding born closed: %v", err)
	}
	withHistory := f
	withHistory.History = []StatusChange{{From: StatusOpen, To: StatusInProgress}}
	if err := withHistory.CheckCreate(); ErrorCode(err) != EInvalid {
		t.Fatalf("a finding born with a history: %v", err)
	}
	if err := f.CheckEdit(); err != nil {
		t.Fatal(err)
	}
	f.Status = StatusWithdrawn
	if err := f.CheckEdit(); ErrorCode(err) != EConflict {
		t.Fatalf("editing a withdrawn finding: %v", err)
	}
}

func TestVisitAndPhotoRules(t *testing.T) {
	draft := Visit{ID: "v1", ProjectID: "p01", Status: Draft, Inspectors: []string{"张伟", "李督查"}}
	sub := draft
	sub.Status = Submitted
	cases := []struct {
		name string
		err  error
		want Code
	}{
		{"change a draft", draft.CheckChange(), ""},
		{"change a submitted visit", sub.CheckChange(), EConflict},
		{"delete a draft", draft.CheckDelete(), ""},
		{"delete a submitted visit", sub.CheckDelete(), EConflict},
		{"photo into a draft", draft.CheckPhotoAdd(), ""},
		{"photo into a submitted visit", sub.CheckPhotoAdd(), EConflict},
		{"photo off a submitted visit", sub.CheckPhotoRemove(), EConflict},
		{"a listed inspector records", Actor{Name: "insp1", DisplayName: "李督查", Role: RoleInspector}.CheckRecord(draft), ""},
		{"another inspector records", Actor{Name: "insp2", DisplayName: "赵督查", Role: RoleInspector}.CheckRecord(draft), EForbidden},
		{"a leader records", Actor{Name: "leader", Role: RoleLeader}.CheckRecord(draft), ""},
		{"an inspector of other projects", Actor{Name: "张伟", Role: RoleInspector, Projects: []string{"p02"}}.CheckRecord(draft), EForbidden},
	}
	open := Finding{ID: "f1", Status: StatusOpen, History: []StatusChange{{Evidence: []string{"h-move"}}}, Notes: []Note{{Photos: []string{"h-note"}}}}
	closed := Finding{ID: "f2", Status: StatusClosed}
	cases = append(cases, []struct {
		name string
		err  error
		want Code
	}{
		{"photo onto an open finding", open.CheckPhotoAdd(), ""},
		{"photo onto a closed finding", closed.CheckPhotoAdd(), EConflict},
		{"problem photo off a finding of a draft visit", open.CheckPhotoRemove("h", RoleBefore, &draft), ""},
		{"problem photo off a finding of a submitted visit", open.CheckPhotoRemove("h", RoleBefore, &sub), EConflict},
		{"fix photo off a finding of a submitted visit", open.CheckPhotoRemove("h", RoleAfter, &sub), ""},
		{"a move's evidence", open.CheckPhotoRemove("h-move", RoleAfter, nil), EConflict},
		{"a note's photo", open.CheckPhotoRemove("h-note", RoleAfter, nil), EConflict},
		{"photo off a closed finding", closed.CheckPhotoRemove("h", RoleAfter, nil), EConflict},
	}...)
	owner := Actor{Name: "insp1", DisplayName: "李督查", Role: RoleInspector}
	other := Actor{Name: "insp2", DisplayName: "赵督查", Role: RoleInspector, Projects: []string{"p02"}}
	lead := Actor{Name: "leader", Role: RoleLeader}
	open.ProjectID = "p01"
	cases = append(cases, []struct {
		name string
		err  error
		want Code
	}{
		{"owner links into the draft", owner.CheckVisitPhotoAdd(draft), ""},
		{"another links into the draft", other.CheckVisitPhotoAdd(draft), EForbidden},
		{"owner links into the submitted visit", owner.CheckVisitPhotoAdd(sub), EConflict},
		{"a leader links into the submitted visit", lead.CheckVisitPhotoAdd(sub), EConflict},
		{"another unlinks from the draft", other.CheckVisitPhotoRemove(draft), EForbidden},
		{"owner unlinks from the draft", owner.CheckVisitPhotoRemove(draft), ""},
		{"a photo onto a finding of one's project", owner.CheckFindingPhotoAdd(open), ""},
		{"a photo onto a finding of another's project", other.CheckFindingPhotoAdd(open), EForbidden},
		{"a move's evidence unlinked", owner.CheckFindingPhotoRemove(open, "h-move", RoleAfter, nil), EConflict},
		{"another's project's finding photo unlinked", other.CheckFindingPhotoRemove(open, "h", RoleAfter, nil), EForbidden},
		{"owner captions", owner.CheckPhotoDescribe([]Visit{draft}, nil), ""},
		{"another captions", other.CheckPhotoDescribe([]Visit{draft}, nil), EForbidden},
		{"another captions a photo also on a finding of theirs", other.CheckPhotoDescribe([]Visit{draft}, []Finding{{ProjectID: "p02"}}), ""},
		{"a leader captions", lead.CheckPhotoDescribe([]Visit{sub}, nil), ""},
		{"a photo linked to nothing", other.CheckPhotoDescribe(nil, nil), ""},
	}...)
	for _, c := range cases {
		if got := ErrorCode(c.err); got != c.want {
			t.Errorf("%s: %v (code %q), want %q", c.name, c.err, got, c.want)
		}
		if c.err != nil && (ErrorMessage(c.err, Chinese) == "" || ErrorMessage(c.err, English) == "") {
			t.Errorf("%s: message missing in one language", c.name)
		}
	}
}
