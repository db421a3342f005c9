package storage

import (
	"encoding/json"
	"testing"

	"fieldbrief/portal/wire"
	sv "fieldbrief/supervision"
)

func testFinding(id string) sv.Finding {
	return sv.Finding{ID: id, ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMajor,
		Description: "脚手架未设连墙件", ResponsibleUnit: "中建三局", Deadline: "2026-06-30", Status: sv.StatusOpen}
}

func TestApplyPulledStoresPageAndCursorWithoutOutbox(t *testing.T) {
	s, _ := newTestStore(t)
	f := testFinding("f1")
	data, _ := json.Marshal(f)
	in := sv.Visit{ID: "v1", ProjectID: "p01", TemplateID: "monthly", TemplateVersion: 1, Inspectors: []string{"李督查"}, Status: sv.Draft}
	inData, _ := json.Marshal(in)
	ans, _ := json.Marshal(answerChange{VisitID: "v1", Answer: sv.Answer{ItemKey: "remark", Text: "正常"}})
	n, err := s.ApplyPulled([]Pulled{
		{Entity: wire.EntityFinding, ID: "f1", Data: data},
		{Entity: wire.EntityVisit, ID: "v1", Data: inData},
		{Entity: wire.EntityAnswer, ID: "v1/remark", Data: ans},
		{Entity: "future-kind", ID: "x", Data: []byte(`{}`)},
	}, "e.3", "")
	if err != nil || n != 3 {
		t.Fatalf("apply: n=%d err=%v", n, err)
	}
	if l := must(s.OutboxLen())(t); l != 0 {
		t.Fatalf("pulled records made %d outbox entries", l)
	}
	if st := must(s.SyncState())(t); st.Cursor != "e.3" {
		t.Fatalf("cursor %q", st.Cursor)
	}
	got, err := s.Visit("v1")
	if err != nil || got.Answers["remark"].Text != "正常" {
		t.Fatalf("visit with answer: %+v %v", got, err)
	}
	if b, ok, _ := s.FindingBase("f1"); !ok || b.Description != f.Description {
		t.Fatalf("base not stored: %v %+v", ok, b)
	}
	if act := must(s.ActiveFindings("p01"))(t); len(act) != 1 {
		t.Fatalf("active index not kept: %d", len(act))
	}
}

func TestApplyPulledSkipsRecordsWithPendingChanges(t *testing.T) {
	s, _ := newTestStore(t)
	f := testFinding("f1")
	if err := s.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	remote := f
	remote.Description = "portal version"
	data, _ := json.Marshal(remote)
	if _, err := s.ApplyPulled([]Pulled{{Entity: wire.EntityFinding, ID: "f1", Data: data}}, "e.1", ""); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Finding("f1")
	if got.Description != f.Description {
		t.Fatalf("a pending local change was overwritten by a pull: %q", got.Description)
	}
	out, _ := s.Outbox(0, 10)
	if err := s.AckPushed(Acked{Seq: out[len(out)-1].Seq, Bases: []sv.Finding{got}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyPulled([]Pulled{{Entity: wire.EntityFinding, ID: "f1", Data: data}}, "e.2", ""); err != nil {
		t.Fatal(err)
	}
	if got := must(s.Finding("f1"))(t); got.Description != "portal version" {
		t.Fatalf("after the push the portal's version should apply: %q", got.Description)
	}
}

func TestAckPushedKeepsRejectionsOnceAndNumbersOn(t *testing.T) {
	s, _ := newTestStore(t)
	if err := s.CreateFinding(testFinding("f1")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddFindingNote("f1", sv.Note{Text: "已通知施工单位"}); err != nil {
		t.Fatal(err)
	}
	out, _ := s.Outbox(0, 10)
	rj := wire.Rejection{Device: s.DeviceID(), Seq: out[1].Seq, Entity: wire.EntityFinding, ID: "f1", Code: "forbidden", Zh: "无权", En: "no right"}
	for range 2 { // a repeated push reports the same rejection again
		if err := s.AckPushed(Acked{Seq: out[1].Seq, Rejections: []wire.Rejection{rj}, HLC: "0000000000000005.000000.x"}); err != nil {
			t.Fatal(err)
		}
	}
	rs, _ := s.Rejections()
	if len(rs) != 1 || rs[0].Message(sv.English) != "no right" {
		t.Fatalf("rejections: %+v", rs)
	}
	if err := s.AckPushed(Acked{Seq: 99}); err == nil {
		t.Fatal("acking beyond the outbox must fail")
	}
	if _, err := s.AddFindingNote("f1", sv.Note{Text: "复查"}); err != nil {
		t.Fatal(err)
	}
	next, _ := s.Outbox(0, 10)
	if len(next) != 1 || next[0].Seq != out[1].Seq+1 {
		t.Fatalf("numbering after ack: %+v", next)
	}
	if err := s.DismissRejection(rj.Device, rj.Seq); err != nil {
		t.Fatal(err)
	}
	if rs := must(s.Rejections())(t); len(rs) != 0 {
		t.Fatalf("dismissed rejection still there: %+v", rs)
	}
	if st := must(s.SyncState())(t); st.HLC != "0000000000000005.000000.x" {
		t.Fatalf("clock %q", st.HLC)
	}
}

func TestUploadBookkeeping(t *testing.T) {
	s, _ := newTestStore(t)
	p := sv.Photo{Hash: "ab12", Size: 3}
	if _, err := s.PutPhoto(p, PhotoBlobs{Original: []byte("abc")}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetUploadURL("ab12", "http://127.0.0.1/u/1"); err != nil {
		t.Fatal(err)
	}
	if u := must(s.UploadURL("ab12"))(t); u != "http://127.0.0.1/u/1" {
		t.Fatalf("url %q", u)
	}
	if ps := must(s.PendingPhotos())(t); len(ps) != 1 {
		t.Fatalf("pending %d", len(ps))
	}
	before, _ := s.OutboxLen()
	if err := s.MarkUploaded("ab12"); err != nil {
		t.Fatal(err)
	}
	if after := must(s.OutboxLen())(t); after != before {
		t.Fatal("marking uploaded made an outbox entry")
	}
	if ps := must(s.PendingPhotos())(t); len(ps) != 0 {
		t.Fatalf("pending after upload %d", len(ps))
	}
	if u := must(s.UploadURL("ab12"))(t); u != "" {
		t.Fatal("upload address kept after upload")
	}
}

// TestPhotoStatesTellNotUploadedFromNotDownloaded: of a colleague's visit,
// a photo the portal holds and this laptop lacks is "not downloaded"; one
// whose bytes have not reached the portal, or whose record has not come,
// is "not uploaded" — the inspector then knows to ask the colleague to
// sync, not to wait for a connection. The states follow the pulls.
func TestPhotoStatesTellNotUploadedFromNotDownloaded(t *testing.T) {
	s, _ := newTestStore(t)
	in := sv.Visit{ID: "v1", ProjectID: "p01", TemplateID: "monthly", TemplateVersion: 1, Inspectors: []string{"李督查"},
		Status: sv.Submitted, Photos: []string{"aa01", "bb02", "cc03"}}
	inData, _ := json.Marshal(in)
	photo := func(hash string, stored bool) Pulled {
		data, _ := json.Marshal(sv.Photo{Hash: hash, Size: 100, Links: []sv.PhotoLink{{VisitID: "v1", Role: sv.RoleGeneral}}})
		return Pulled{Entity: wire.EntityPhoto, ID: hash, Data: data, Stored: stored}
	}
	if _, err := s.ApplyPulled([]Pulled{{Entity: wire.EntityVisit, ID: "v1", Data: inData}, photo("aa01", true), photo("bb02", false)}, "e.1", ""); err != nil {
		t.Fatal(err)
	}
	state := func() PhotoState {
		t.Helper()
		states, err := s.VisitPhotoStates("v1")
		if err != nil {
			t.Fatal(err)
		}
		return states["v1"]
	}
	if st := state(); st.Photos != 3 || st.NotDownloaded != 1 || st.NotUploaded != 2 {
		t.Fatalf("after the first pull: %+v, want 1 not downloaded (aa01), 2 not uploaded (bb02 unstored, cc03 no record)", st)
	}
	if q := must(s.PhotosToFetch())(t); len(q) != 1 || q[0] != "aa01" {
		t.Fatalf("queued for download: %v, want only the stored photo", q)
	}
	if err := s.PutPulledThumbnails(map[string][]byte{"aa01": []byte("jpeg")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyPulled([]Pulled{photo("bb02", true)}, "e.2", ""); err != nil {
		t.Fatal(err)
	}
	if st := state(); st.NotDownloaded != 1 || st.NotUploaded != 1 {
		t.Fatalf("after bb02 reached the portal: %+v, want bb02 not downloaded and cc03 not uploaded", st)
	}
}
