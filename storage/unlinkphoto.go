package storage

import (
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal/wire"
	sv "fieldbrief/supervision"
)

// UnlinkPhoto takes a photo off one visit, item or finding, as the
// viewer's delete does. link names the target as the viewer shows it: a
// visit (VisitID alone), an item (VisitID and ItemKey) or a
// finding (FindingID and Role). The hash leaves the target's list and the
// link leaves the photo, in one transaction with the outbox entries.
//
// Evidence stays: a submitted visit, a finding raised in a submitted visit,
// a finding no longer active, and a photo recorded as the evidence of a
// workflow move or in a note cannot lose a photo; those return an EConflict
// error that says why.
//
// The photo itself (record and bytes) is deleted only when nothing links to
// it or lists it any more: one picture may document an item and the finding
// raised from it, and a finding raised from an item lists the item's photos
// without a link of its own. deleted reports whether it was.
func (s *Store) UnlinkPhoto(hash string, link sv.PhotoLink) (deleted bool, err error) {
	now := s.now()
	err = s.update(func(tx *bolt.Tx) error {
		pb := tx.Bucket(bPhotos)
		var p sv.Photo
		if err := getPhoto(tx, hash, &p); err != nil {
			return err
		}
		if err := detachPhoto(tx, hash, link, now); err != nil {
			return err
		}
		p.Links = slices.DeleteFunc(p.Links, func(l sv.PhotoLink) bool { return l == link })
		if len(p.Links) == 0 && !photoListed(tx, hash) {
			deleted = true
			if err := pb.Delete([]byte(hash)); err != nil {
				return err
			}
			if tx.Bucket(bBlobs).Bucket([]byte(hash)) != nil {
				if err := tx.Bucket(bBlobs).DeleteBucket([]byte(hash)); err != nil {
					return err
				}
			}
			if err := unqueueFetch(tx, hash); err != nil {
				return err
			}
			return enqueue(tx, now, wire.EntityPhoto, hash, wire.OpDelete, nil)
		}
		if err := put(pb, []byte(hash), p); err != nil {
			return err
		}
		return enqueue(tx, now, wire.EntityPhoto, hash, wire.OpPut, p)
	})
	return deleted, err
}

// detachPhoto removes hash from the list of what link names, after checking
// the rulebook's evidence rules.
func detachPhoto(tx *bolt.Tx, hash string, l sv.PhotoLink, now time.Time) error {
	return changePhotoList(tx, l, now, func(list []string) []string { return sv.Without(list, hash) }, photoListRules{
		visit: sv.Visit.CheckPhotoRemove,
		finding: func(f sv.Finding) error {
			var raisedIn *sv.Visit
			if f.VisitID != "" {
				var in sv.Visit
				if err := getVisit(tx, f.VisitID, &in, false); err == nil {
					raisedIn = &in
				}
			}
			return f.CheckPhotoRemove(hash, l.Role, raisedIn)
		},
	})
}
