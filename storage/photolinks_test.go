package storage

import (
	"testing"

	sv "fieldbrief/supervision"
)

func TestProjectPhotos(t *testing.T) {
	s, c := newTestStore(t)
	p, tpls := testRegister()
	if err := s.ImportRegister(p, tpls, false); err != nil {
		t.Fatal(err)
	}
	in, err := s.StartVisit("p01", []string{"张伟"})
	if err != nil {
		t.Fatal(err)
	}
	f := sv.Finding{ID: sv.NewID(c.t), ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategorySafety,
		Severity: sv.SeverityMinor, Description: "临边防护缺失", ResponsibleUnit: "建设局", Deadline: "2026-06-01"}
	if err := s.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	other, err := s.StartVisit("p02", []string{"李娜"})
	if err != nil {
		t.Fatal(err)
	}
	put := func(hash string, link sv.PhotoLink) {
		c.t = c.t.Add(1e9)
		if _, err := s.PutPhoto(sv.Photo{Hash: hash, Size: 1, Links: []sv.PhotoLink{link}}, PhotoBlobs{Thumbnail: []byte("t")}); err != nil {
			t.Fatal(err)
		}
	}
	put("aa", sv.PhotoLink{VisitID: in.ID})
	put("bb", sv.PhotoLink{FindingID: f.ID, Role: sv.RoleBefore})
	put("cc", sv.PhotoLink{VisitID: other.ID})
	got, err := s.ProjectPhotos("p01", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Hash != "bb" || got[1].Hash != "aa" {
		t.Fatalf("photos of p01: %+v, want bb then aa (newest first)", got)
	}
	if got := must(s.ProjectPhotos("p01", 1))(t); len(got) != 1 {
		t.Errorf("limit 1 gave %d", len(got))
	}
	if got := must(s.ProjectPhotos("p02", 0))(t); len(got) != 1 || got[0].Hash != "cc" {
		t.Errorf("photos of p02: %+v", got)
	}
}

// TestLinkPhotoToASecondTarget links one stored photo to an item and then
// to the visit as a whole: both links are kept and both records name it.
func TestLinkPhotoToASecondTarget(t *testing.T) {
	s, c := newTestStore(t)
	p, tpls := testRegister()
	if err := s.ImportRegister(p, tpls, false); err != nil {
		t.Fatal(err)
	}
	in, err := s.StartVisit("p01", []string{"张伟"})
	if err != nil {
		t.Fatal(err)
	}
	item := tpls[len(tpls)-1].Items()[0].Key
	first := sv.PhotoLink{VisitID: in.ID, ItemKey: item}
	if _, err := s.PutPhoto(sv.Photo{Hash: "aa", Size: 1, Links: []sv.PhotoLink{first}}, PhotoBlobs{Original: []byte("o")}); err != nil {
		t.Fatal(err)
	}
	before, _ := s.OutboxLen()
	c.t = c.t.Add(1e9)
	found, err := s.LinkPhoto("aa", sv.PhotoLink{VisitID: in.ID})
	if err != nil || !found {
		t.Fatalf("LinkPhoto: %v %v", found, err)
	}
	ph, _ := s.Photo("aa")
	got, _ := s.Visit(in.ID)
	if len(ph.Links) != 2 || len(got.Photos) != 1 || len(got.Answers[item].Photos) != 1 {
		t.Fatalf("links %+v, visit photos %v, item photos %v", ph.Links, got.Photos, got.Answers[item].Photos)
	}
	if after := must(s.OutboxLen())(t); after <= before {
		t.Errorf("no outbox entry for the new link")
	}
	// Linking again changes nothing; an unknown hash is reported.
	if _, err := s.LinkPhoto("aa", sv.PhotoLink{VisitID: in.ID}); err != nil {
		t.Fatal(err)
	}
	if ph := must(s.Photo("aa"))(t); len(ph.Links) != 2 {
		t.Errorf("a repeated link was added: %+v", ph.Links)
	}
	if found, err := s.LinkPhoto("zz", sv.PhotoLink{VisitID: in.ID}); found || err != nil {
		t.Errorf("unknown photo: %v %v", found, err)
	}
}
