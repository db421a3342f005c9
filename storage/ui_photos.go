package storage

import (
	"bytes"
	"encoding/json"
	"sort"

	bolt "go.etcd.io/bbolt"

	sv "fieldbrief/supervision"
)

// ProjectPhotos returns the newest photos of a project, at most limit (all
// when limit ≤ 0): those linked to its visits or to its findings. It reads
// the project's visit index and picks its findings by a byte search, then
// makes one pass over the photos.
func (s *Store) ProjectPhotos(projectID string, limit int) ([]sv.Photo, error) {
	var out []sv.Photo
	err := s.view(func(tx *bolt.Tx) error {
		visits := map[string]bool{}
		prefix := append([]byte(projectID), 0)
		c := tx.Bucket(bVisitIndex).Cursor()
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
			if _, id, ok := parseVisitKey(k[len(prefix):]); ok {
				visits[id] = true
			}
		}
		findings := map[string]bool{}
		id, _ := json.Marshal(projectID)
		needle := append([]byte(`"project_id":`), id...)
		if err := tx.Bucket(bFindings).ForEach(func(k, v []byte) error {
			if bytes.Contains(v, needle) {
				findings[string(k)] = true
			}
			return nil
		}); err != nil {
			return err
		}
		return tx.Bucket(bPhotos).ForEach(func(k, v []byte) error {
			var p sv.Photo
			if err := decode(v, &p, "photo"); err != nil {
				return err
			}
			for _, l := range p.Links {
				if visits[l.InspectionID] || findings[l.FindingID] {
					out = append(out, p)
					break
				}
			}
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].SortTime().After(out[j].SortTime()) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, err
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
		return enqueue(tx, now, EntityPhoto, hash, OpPut, p)
	})
	return found, err
}
