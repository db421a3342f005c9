package storage

import (
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal/wire"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// BlobKind names one of the stored renditions of a photo.
type BlobKind byte

// Renditions. The original bytes are the evidence; display and thumbnail
// copies are upright and small enough to show quickly; the print copy is
// upright and sized for the PDF reports' photo cells, so a report embeds it
// without decoding anything.
const (
	BlobOriginal  BlobKind = 'o'
	BlobDisplay   BlobKind = 'd'
	BlobThumbnail BlobKind = 't'
	// BlobPrint is absent for photos imported before print copies existed
	// and for photos pulled from the portal; readers fall back to the
	// display copy.
	BlobPrint BlobKind = 'p'
)

// PhotoBlobs are the bytes stored with a photo. A nil field stores nothing.
type PhotoBlobs struct {
	Original, Display, Thumbnail, Print []byte
}

// HasPhoto reports whether a photo with this SHA-256 is stored, so an import
// can skip decoding a file it already has.
func (s *Store) HasPhoto(hash string) (bool, error) {
	var ok bool
	err := s.view(func(tx *bolt.Tx) error {
		ok = tx.Bucket(bPhotos).Get([]byte(hash)) != nil
		return nil
	})
	return ok, err
}

// PutPhoto stores a photo, its renditions and its links, and records the
// photo on the visit, answer or finding it is linked to — all in one
// transaction with the outbox entry, so a killed import leaves each photo
// either complete or absent. A photo already stored is not stored again;
// its new links are added. created reports whether the bytes were new.
func (s *Store) PutPhoto(p sv.Photo, blobs PhotoBlobs) (created bool, err error) {
	now := s.now()
	if p.ImportedAt.IsZero() {
		p.ImportedAt = now
	}
	err = s.update(func(tx *bolt.Tx) error {
		pb := tx.Bucket(bPhotos)
		stored := p
		if v := pb.Get([]byte(p.Hash)); v != nil {
			// Decode into a fresh record: stored shares p's Links slice, and
			// decoding into it would overwrite the links being added.
			stored = sv.Photo{}
			if err := decode(v, &stored, "photo"); err != nil {
				return err
			}
			added := false
			for _, l := range p.Links {
				if !hasLink(stored.Links, l) {
					stored.Links = append(stored.Links, l)
					added = true
				}
			}
			if !added {
				return nil
			}
		} else {
			created = true
			for kind, data := range map[BlobKind][]byte{BlobOriginal: blobs.Original, BlobDisplay: blobs.Display, BlobThumbnail: blobs.Thumbnail, BlobPrint: blobs.Print} {
				if data == nil {
					continue
				}
				if err := blobPut(tx, p.Hash, kind, data); err != nil {
					return err
				}
			}
		}
		for _, l := range p.Links {
			if err := attachPhoto(tx, p.Hash, l, now); err != nil {
				return err
			}
		}
		if err := put(pb, []byte(p.Hash), stored); err != nil {
			return err
		}
		return enqueue(tx, now, wire.EntityPhoto, p.Hash, wire.OpPut, stored)
	})
	return created, err
}

// LinkPhoto links an already stored photo to one more visit, item or
// finding, and records it there, in one transaction with the outbox entry.
// found is false when no photo has that hash. It is what an import calls
// for a file whose bytes are already stored.
//
// PutPhoto is not used for this: when the photo exists it decodes the
// stored record into a copy of its argument, whose Links slice shares its
// backing array with the argument's, so the new link is overwritten by the
// stored one before it is compared and the link is never added (reported
// to the storage owner; this method avoids it).
func (s *Store) LinkPhoto(hash string, link sv.PhotoLink) (found bool, err error) {
	now := s.now()
	err = s.update(func(tx *bolt.Tx) error {
		pb := tx.Bucket(bPhotos)
		v := pb.Get([]byte(hash))
		if v == nil {
			return nil
		}
		found = true
		var p sv.Photo
		if err := decode(v, &p, "photo"); err != nil {
			return err
		}
		if hasLink(p.Links, link) {
			return nil
		}
		p.Links = append(p.Links, link)
		if err := attachPhoto(tx, hash, link, now); err != nil {
			return err
		}
		if err := put(pb, []byte(hash), p); err != nil {
			return err
		}
		return enqueue(tx, now, wire.EntityPhoto, hash, wire.OpPut, p)
	})
	return found, err
}

func hasLink(links []sv.PhotoLink, l sv.PhotoLink) bool {
	for _, x := range links {
		if x == l {
			return true
		}
	}
	return false
}

// attachPhoto records the photo on what the link names: the visit, the
// answer to an item (which may not exist yet), or the finding.
func attachPhoto(tx *bolt.Tx, hash string, l sv.PhotoLink, now time.Time) error {
	if l.FindingID == "" && l.VisitID == "" {
		return nil // a photo kept for its own sake, linked to nothing yet
	}
	return changePhotoList(tx, l, now, func(list []string) []string { return appendOnce(list, hash) }, photoListRules{
		finding: func(f sv.Finding) error { return f.CheckPhotoAdd() },
		visit:   sv.Visit.CheckPhotoAdd,
	})
}

// photoListRules is what may refuse a change to a photo list: adding to
// and taking from a list share everything else. Both are the rulebook's
// checks (supervision).
type photoListRules struct {
	// finding may refuse the change to a finding's photos.
	finding func(f sv.Finding) error
	// visit may refuse the change to a visit's or an item's photos.
	visit func(in sv.Visit) error
}

// changePhotoList applies change to the list of photos l names — a
// finding's photos before or after the fix, a visit's own, or an answer's
// — and saves the record, with its outbox entry where the record has one
// of its own. An answer not given yet is created only to hold a photo.
func changePhotoList(tx *bolt.Tx, l sv.PhotoLink, now time.Time, change func([]string) []string, rules photoListRules) error {
	switch {
	case l.FindingID != "":
		var f sv.Finding
		if err := getFinding(tx, l.FindingID, &f); err != nil {
			return err
		}
		if err := rules.finding(f); err != nil {
			return err
		}
		if l.Role == sv.RoleAfter {
			f.PhotosAfter = change(f.PhotosAfter)
		} else {
			f.PhotosBefore = change(f.PhotosBefore)
		}
		f.UpdatedAt = now
		return writeFinding(tx, f, now)
	case l.VisitID != "":
		var in sv.Visit
		if err := getVisit(tx, l.VisitID, &in, false); err != nil {
			return err
		}
		if err := rules.visit(in); err != nil {
			return err
		}
		if l.ItemKey == "" {
			in.Photos = change(in.Photos)
			if err := writeVisit(tx, in, now); err != nil {
				return err
			}
			return enqueue(tx, now, wire.EntityVisit, in.ID, wire.OpPut, in)
		}
		var a sv.Answer
		v := tx.Bucket(bAnswers).Get(answerKey(in.ID, l.ItemKey))
		if v != nil {
			if err := decode(v, &a, "answer"); err != nil {
				return err
			}
		} else {
			a = sv.Answer{ItemKey: l.ItemKey, AnsweredAt: now}
		}
		a.Photos = change(a.Photos)
		if v == nil && len(a.Photos) == 0 {
			return nil // nothing to record on an item not answered yet
		}
		return putAnswer(tx, in.ID, a, now)
	}
	return translate.Errorf(sv.EInvalid, "storage.error.say_which_visit_or_finding_the")
}

func appendOnce(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// Photo returns a photo's metadata.
func (s *Store) Photo(hash string) (sv.Photo, error) {
	var p sv.Photo
	err := s.view(func(tx *bolt.Tx) error { return getPhoto(tx, hash, &p) })
	return p, err
}

func getPhoto(tx *bolt.Tx, hash string, p *sv.Photo) error {
	v := tx.Bucket(bPhotos).Get([]byte(hash))
	if v == nil {
		return translate.Errorf(sv.ENotFound, "storage.error.photo_not_found", hash)
	}
	return decode(v, p, "photo")
}

// PhotoBlob returns a copy of one rendition of a photo.
func (s *Store) PhotoBlob(hash string, kind BlobKind) ([]byte, error) {
	var out []byte
	err := s.view(func(tx *bolt.Tx) error {
		v := blobGet(tx, hash, kind)
		if v == nil {
			return translate.Errorf(sv.ENotFound, "storage.error.the_file_of_photo_is_not", hash)
		}
		// bbolt's slice is only valid inside the transaction.
		out = append([]byte(nil), v...)
		return nil
	})
	return out, err
}

// PhotosFor returns the photos with a link matching every non-empty field
// of want, sorted by capture time.
func (s *Store) PhotosFor(want sv.PhotoLink) ([]sv.Photo, error) {
	var out []sv.Photo
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bPhotos).ForEach(func(k, v []byte) error {
			var p sv.Photo
			if err := decode(v, &p, "photo"); err != nil {
				return err
			}
			for _, l := range p.Links {
				if (want.VisitID == "" || l.VisitID == want.VisitID) &&
					(want.ItemKey == "" || l.ItemKey == want.ItemKey) &&
					(want.FindingID == "" || l.FindingID == want.FindingID) &&
					(want.Role == "" || l.Role == want.Role) {
					out = append(out, p)
					break
				}
			}
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].SortTime().Before(out[j].SortTime()) })
	return out, err
}

// UpdatePhoto saves the caption and manual rotation of a photo.
func (s *Store) UpdatePhoto(hash, caption string, rotation int) error {
	now := s.now()
	return s.update(func(tx *bolt.Tx) error {
		pb := tx.Bucket(bPhotos)
		var p sv.Photo
		if err := getPhoto(tx, hash, &p); err != nil {
			return err
		}
		p.Caption = caption
		p.Rotation = ((rotation % 360) + 360) % 360
		if err := put(pb, []byte(hash), p); err != nil {
			return err
		}
		return enqueue(tx, now, wire.EntityPhoto, hash, wire.OpPut, p)
	})
}

// PhotoCount returns how many photos are stored and the bytes of originals
// the portal does not have yet.
func (s *Store) PhotoCount() (photos int, pendingBytes int64, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bPhotos).ForEach(func(k, v []byte) error {
			var p struct {
				Size     int64 `json:"size"`
				Uploaded bool  `json:"uploaded"`
			}
			if err := decode(v, &p, "photo"); err != nil {
				return err
			}
			photos++
			if !p.Uploaded {
				pendingBytes += p.Size
			}
			return nil
		})
	})
	return photos, pendingBytes, err
}
