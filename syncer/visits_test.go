package syncer

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// answerAll answers every item of a visit with a value of its kind, and
// attaches a photo where one is required.
func answerAll(t testing.TB, s *storage.Store, in sv.Visit) {
	t.Helper()
	tpl, err := s.Template(in.TemplateID, in.TemplateVersion)
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range tpl.Items() {
		a := sv.Answer{ItemKey: it.Key, AnsweredBy: in.Inspectors[0]}
		switch it.Kind {
		case sv.KindPassFail:
			a.Verdict = sv.Pass
		case sv.KindNumber:
			v := 1.0
			if it.Min != nil {
				v = *it.Min
			}
			a.Number = &v
		case sv.KindText:
			a.Text = "情况正常"
		case sv.KindSingleChoice, sv.KindMultiChoice:
			a.Choices = []string{it.Options[0]}
		case sv.KindDate:
			a.Date = "2026-05-01"
		}
		if err := s.SaveAnswer(in.ID, a); err != nil {
			t.Fatalf("answer %s: %v", it.Key, err)
		}
		if it.PhotoRequired {
			// A picture per visit: the same picture on two visits is not
			// recorded on the second (storage.PutPhoto, reported).
			data := []byte("photo of " + it.Key + " on " + in.ID)
			sum := sha256.Sum256(append(data, byte(i)))
			p := sv.Photo{Hash: hex.EncodeToString(sum[:]), Size: int64(len(data) + 1),
				Links: []sv.PhotoLink{{VisitID: in.ID, ItemKey: it.Key}}}
			if _, err := s.PutPhoto(p, storage.PhotoBlobs{Original: append(data, byte(i))}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestVisitsSyncWithAnswersAndPhotosAndOnlyByTheirInspectors(t *testing.T) {
	base := startPortal(t)
	a := newLaptop(t, base, "inspector1", nil)
	b := newLaptop(t, base, "inspector2", nil)
	a.sync(t, Options{})
	b.sync(t, Options{})

	in, err := a.store.StartVisit("p03", []string{"李督查"})
	if err != nil {
		t.Fatal(err)
	}
	answerAll(t, a.store, in)
	// A note on an item of each kind travels with its answer.
	tpl, err := a.store.Template(in.TemplateID, in.TemplateVersion)
	if err != nil {
		t.Fatal(err)
	}
	noted, _ := a.store.Visit(in.ID)
	notes := map[string]string{}
	for _, it := range tpl.Items() {
		if _, done := notes[string(it.Kind)]; done {
			continue
		}
		ans := noted.Answers[it.Key]
		ans.Note = "说明：" + it.Key
		if err := a.store.SaveAnswer(in.ID, ans); err != nil {
			t.Fatal(err)
		}
		notes[string(it.Kind)] = it.Key
	}
	if _, err := a.store.SubmitVisit(in.ID); err != nil {
		t.Fatalf("submit: %v", err)
	}
	// B records a visit in A's name: the portal refuses it.
	forged, err := b.store.StartVisit("p04", []string{"李督查"})
	if err != nil {
		t.Fatal(err)
	}
	a.sync(t, Options{})
	rb := b.sync(t, Options{})
	if rb.Rejected != 1 {
		t.Fatalf("B's visit in another's name: %d rejections", rb.Rejected)
	}
	a.sync(t, Options{})

	got, err := b.store.Visit(in.ID)
	if err != nil {
		t.Fatalf("B did not get A's visit: %v", err)
	}
	want, _ := a.store.Visit(in.ID)
	if got.Status != sv.Submitted || len(got.Answers) != len(want.Answers) || len(got.Answers) == 0 {
		t.Fatalf("B has %s with %d answers, A has %d", got.Status, len(got.Answers), len(want.Answers))
	}
	for kind, key := range notes {
		if got.Answers[key].Note != "说明："+key {
			t.Errorf("the note on a %s item reached B as %q", kind, got.Answers[key].Note)
		}
	}
	if len(notes) < 6 {
		t.Errorf("notes on %d kinds of item, want all 6", len(notes))
	}
	if _, err := a.store.Visit(forged.ID); err == nil {
		t.Fatal("a refused visit reached another laptop")
	}
	if st := must(ReadStatus(a.store))(t); st.PendingPhotos != 0 || st.PendingChanges != 0 {
		t.Fatalf("A still has work waiting: %+v", st)
	}
	if ha, hp := a.hash(t), portalHash(t, base); ha != hp {
		t.Fatalf("A %s, portal %s", ha, hp)
	}
	// Draft deletion travels too.
	draft, err := a.store.StartVisit("p05", []string{"李督查"})
	if err != nil {
		t.Fatal(err)
	}
	a.sync(t, Options{})
	b.sync(t, Options{})
	if _, err := b.store.Visit(draft.ID); err != nil {
		t.Fatalf("draft did not reach B: %v", err)
	}
	if err := a.store.DeleteDraft(draft.ID); err != nil {
		t.Fatal(err)
	}
	a.sync(t, Options{})
	b.sync(t, Options{})
	if _, err := b.store.Visit(draft.ID); err == nil {
		t.Fatal("a deleted draft stayed on B")
	}
}
