package storage

import (
	"encoding/json"
	"testing"

	"fieldbrief/portal/wire"
	sv "fieldbrief/supervision"
)

// Re-registering numbers the outbox again from 1 under the new id, sends
// a submitted visit as a draft before its answers, folds a pending change
// of a record sent again into it, keeps other pending changes after, and
// survives reopening the store.
func TestReregisterRenumbersTheOutboxAndOrdersAVisitsResend(t *testing.T) {
	s, _ := newTestStore(t)
	if err := s.SetDeviceUser("inspector1"); err != nil {
		t.Fatal(err)
	}
	in, err := s.StartVisit("p01", []string{"张伟"})
	if err != nil {
		t.Fatal(err)
	}
	v := 40.0
	for _, a := range []sv.Answer{{ItemKey: "progress", Number: &v}, {ItemKey: "scaffold", Verdict: sv.Pass}} {
		if err := s.SaveAnswer(in.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SubmitVisit(in.ID); err != nil {
		t.Fatal(err)
	}
	f := testFinding("f1")
	if err := s.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	all, _ := s.Outbox(0, 100)
	if err := s.AckPushed(Acked{Seq: all[len(all)-1].Seq}); err != nil {
		t.Fatal(err)
	}
	own, err := s.OwnRecords("inspector1")
	if err != nil || len(own) != 4 {
		t.Fatalf("own records: %d %v", len(own), err)
	}
	if other := must(s.OwnRecords("inspector2"))(t); len(other) != 0 {
		t.Fatalf("another user's records: %d", len(other))
	}
	// Unsent: a note on the finding (sent again anyway) and a new finding.
	if _, err := s.AddFindingNote("f1", sv.Note{Text: "补充"}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateFinding(testFinding("f2")); err != nil {
		t.Fatal(err)
	}
	old := s.DeviceID()
	if err := s.Reregister("new-device", own, nil, true); err != nil {
		t.Fatal(err)
	}
	if s.DeviceID() != "new-device" || old == "new-device" {
		t.Fatalf("device %s", s.DeviceID())
	}
	out, _ := s.Outbox(0, 100)
	var got []string
	for i, c := range out {
		if c.Seq != uint64(i+1) {
			t.Fatalf("change %d numbered %d", i, c.Seq)
		}
		what := c.Entity
		if c.Entity == wire.EntityVisit {
			var v sv.Visit
			_ = json.Unmarshal(c.Data, &v)
			what += ":" + string(v.Status)
		}
		if c.Entity == wire.EntityFinding {
			var fd sv.Finding
			_ = json.Unmarshal(c.Data, &fd)
			what += ":" + fd.ID
			if fd.ID == "f1" && len(fd.Notes) != 1 {
				t.Fatal("the pending note was not folded into the finding sent again")
			}
		}
		got = append(got, what)
	}
	want := []string{"inspection:draft", "finding:f1", "answer", "answer", "inspection:submitted", "finding:f2"}
	if len(got) != len(want) {
		t.Fatalf("outbox %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("outbox %v, want %v", got, want)
		}
	}
	if st := must(s.SyncState())(t); st.Cursor != "" {
		t.Fatalf("cursor kept: %q", st.Cursor)
	}
	if _, ok, _ := s.FindingBase("f1"); ok {
		t.Fatal("a finding sent again without a portal version keeps its old base")
	}
	// Numbering goes on from the new outbox, and the id survives a reopen.
	if err := s.CreateFinding(testFinding("f3")); err != nil {
		t.Fatal(err)
	}
	if out := must(s.Outbox(0, 100))(t); out[len(out)-1].Seq != 7 {
		t.Fatalf("next number %d", out[len(out)-1].Seq)
	}
	dir := dirOf(s)
	s.Close()
	s2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.DeviceID() != "new-device" {
		t.Fatalf("device after reopening: %s", s2.DeviceID())
	}
}
