package storage

import (
	"testing"

	bolt "go.etcd.io/bbolt"

	sv "fieldbrief/supervision"
)

// TestUnlinkPhoto deletes photos from a draft's item, from a finding raised
// from it, and refuses on a submitted visit.
func TestUnlinkPhoto(t *testing.T) {
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
	itemLink := sv.PhotoLink{VisitID: in.ID, ItemKey: item}
	blobs := PhotoBlobs{Original: []byte("o"), Display: []byte("d"), Thumbnail: []byte("t")}
	for _, h := range []string{"aa", "bb"} {
		if _, err := s.PutPhoto(sv.Photo{Hash: h, Size: 1, Links: []sv.PhotoLink{itemLink}}, blobs); err != nil {
			t.Fatal(err)
		}
	}
	// A finding raised from the item lists its photos without a link.
	f := sv.Finding{ID: sv.NewID(c.t), ProjectID: "p01", VisitID: in.ID, ItemKey: item, Kind: sv.KindProblem,
		Category: sv.CategorySafety, Severity: sv.SeverityMinor, Description: "临边防护缺失", ResponsibleUnit: "建设局",
		Deadline: "2026-06-01", PhotosBefore: []string{"bb"}}
	if err := s.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	before, _ := s.OutboxLen()

	// aa is only the item's: it goes entirely.
	deleted, err := s.UnlinkPhoto("aa", itemLink)
	if err != nil || !deleted {
		t.Fatalf("unlink aa: %v %v", deleted, err)
	}
	if _, err := s.Photo("aa"); sv.ErrorCode(err) != sv.ENotFound {
		t.Errorf("aa still stored: %v", err)
	}
	if _, err := s.PhotoBlob("aa", BlobThumbnail); err == nil {
		t.Error("aa's bytes are still stored")
	}
	// bb leaves the item but stays: the finding lists it.
	if deleted, err := s.UnlinkPhoto("bb", itemLink); err != nil || deleted {
		t.Fatalf("unlink bb: %v %v", deleted, err)
	}
	got, _ := s.Visit(in.ID)
	if len(got.Answers[item].Photos) != 0 {
		t.Errorf("item still lists %v", got.Answers[item].Photos)
	}
	if ph, err := s.Photo("bb"); err != nil || len(ph.Links) != 0 {
		t.Errorf("bb: %+v %v", ph, err)
	}
	if after := must(s.OutboxLen())(t); after < before+4 {
		t.Errorf("outbox grew from %d to %d", before, after)
	}
	if problems := s.Check(); len(problems) > 0 {
		t.Errorf("check: %v", problems)
	}

	// On a submitted visit, the photo stays and the reason is said.
	if _, err := s.PutPhoto(sv.Photo{Hash: "cc", Size: 1, Links: []sv.PhotoLink{{VisitID: in.ID}}}, blobs); err != nil {
		t.Fatal(err)
	}
	if err := s.update(func(tx *bolt.Tx) error {
		var x sv.Visit
		if err := getVisit(tx, in.ID, &x, false); err != nil {
			return err
		}
		x.Status = sv.Submitted
		return writeVisit(tx, x, c.t)
	}); err != nil {
		t.Fatal(err)
	}
	_, err = s.UnlinkPhoto("cc", sv.PhotoLink{VisitID: in.ID})
	if sv.ErrorCode(err) != sv.EConflict || sv.ErrorMessage(err, sv.English) == "" {
		t.Fatalf("delete on a submitted visit: %v", err)
	}
	if got := must(s.Visit(in.ID))(t); len(got.Photos) != 1 {
		t.Errorf("submitted visit lost its photo: %v", got.Photos)
	}
	// The finding raised in the submitted visit keeps its "before" photo.
	if _, err := s.UnlinkPhoto("bb", sv.PhotoLink{FindingID: f.ID, Role: sv.RoleBefore}); sv.ErrorCode(err) != sv.EConflict {
		t.Errorf("before photo of a submitted visit's finding: %v", err)
	}
	if _, err := s.UnlinkPhoto("zz", itemLink); sv.ErrorCode(err) != sv.ENotFound {
		t.Errorf("unknown photo: %v", err)
	}
}

// TestUnlinkFindingPhoto deletes a finding's photo of the fix, and refuses
// once the photo is the recorded evidence of a move or the finding closed.
func TestUnlinkFindingPhoto(t *testing.T) {
	s, c := newTestStore(t)
	p, tpls := testRegister()
	if err := s.ImportRegister(p, tpls, false); err != nil {
		t.Fatal(err)
	}
	f := sv.Finding{ID: sv.NewID(c.t), ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategorySafety,
		Severity: sv.SeverityMinor, Description: "临边防护缺失", ResponsibleUnit: "建设局", Deadline: "2026-06-01"}
	if err := s.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	after := sv.PhotoLink{FindingID: f.ID, Role: sv.RoleAfter}
	blobs := PhotoBlobs{Original: []byte("o"), Display: []byte("d"), Thumbnail: []byte("t")}
	for _, h := range []string{"aa", "bb"} {
		if _, err := s.PutPhoto(sv.Photo{Hash: h, Size: 1, Links: []sv.PhotoLink{after}}, blobs); err != nil {
			t.Fatal(err)
		}
	}
	if deleted, err := s.UnlinkPhoto("aa", after); err != nil || !deleted {
		t.Fatalf("unlink aa: %v %v", deleted, err)
	}
	if got := must(s.Finding(f.ID))(t); len(got.PhotosAfter) != 1 || got.PhotosAfter[0] != "bb" {
		t.Errorf("after photos %v", got.PhotosAfter)
	}
	// bb becomes the evidence of the fix: it stays.
	c.t = c.t.Add(1e9)
	if _, err := s.MoveFinding(f.ID, sv.Move{To: sv.StatusFixed, By: "张伟", Evidence: []string{"bb"}, At: c.t}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UnlinkPhoto("bb", after); sv.ErrorCode(err) != sv.EConflict {
		t.Errorf("evidence of a move: %v", err)
	}
	if got := must(s.Finding(f.ID))(t); len(got.PhotosAfter) != 1 {
		t.Errorf("after photos %v", got.PhotosAfter)
	}
	if problems := s.Check(); len(problems) > 0 {
		t.Errorf("check: %v", problems)
	}
}
