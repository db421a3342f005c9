package storage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"

	sv "fieldbrief/supervision"
)

// The photo index says which records list each photo — a visit's own
// photos, an answer's, a finding's before and after — in both directions,
// written in the same transaction as the record:
//
//   - idx_photo_refs: hash, 0, ref → empty: who lists a photo, so deleting
//     one knows whether anything still shows it;
//   - idx_ref_photos: ref, 0, hash → empty: what a record lists, so a
//     rewrite of the record knows what to take back, and a project's
//     photos are found from its visits and findings.
//
// A ref is a kind byte and the record's key: 'v' and a visit id, 'a' and
// an answer's key (visit id, 0, item key), 'f' and a finding id. The hash
// is what follows the ref's last zero byte; hashes hold none.
var (
	bPhotoRefs = []byte("idx_photo_refs")
	bRefPhotos = []byte("idx_ref_photos")
)

func visitRef(id string) []byte           { return append([]byte{'v'}, id...) }
func answerRef(visit, item string) []byte { return append([]byte{'a'}, answerKey(visit, item)...) }
func findingRef(id string) []byte         { return append([]byte{'f'}, id...) }

func refKey(a, b []byte) []byte {
	k := make([]byte, 0, len(a)+1+len(b))
	k = append(k, a...)
	k = append(k, 0)
	return append(k, b...)
}

// indexPhotoRefs records that ref lists exactly hashes, taking back what
// it listed before. A record with no photos, the usual case, costs one
// cursor seek.
func indexPhotoRefs(tx *bolt.Tx, ref []byte, hashes []string) error {
	refs, listed := tx.Bucket(bPhotoRefs), tx.Bucket(bRefPhotos)
	want := make(map[string]bool, len(hashes))
	for _, h := range hashes {
		if h != "" {
			want[h] = true
		}
	}
	prefix := append(append([]byte(nil), ref...), 0)
	var gone [][]byte
	c := listed.Cursor()
	for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
		h := k[len(prefix):]
		if want[string(h)] {
			delete(want, string(h))
			continue
		}
		gone = append(gone, append([]byte(nil), h...))
	}
	for _, h := range gone {
		if err := listed.Delete(refKey(ref, h)); err != nil {
			return err
		}
		if err := refs.Delete(refKey(h, ref)); err != nil {
			return err
		}
	}
	for h := range want {
		if err := listed.Put(refKey(ref, []byte(h)), nil); err != nil {
			return err
		}
		if err := refs.Put(refKey([]byte(h), ref), nil); err != nil {
			return err
		}
	}
	return nil
}

// photoListed reports whether any visit, answer or finding still lists
// the photo.
func photoListed(tx *bolt.Tx, hash string) bool {
	prefix := append([]byte(hash), 0)
	k, _ := tx.Bucket(bPhotoRefs).Cursor().Seek(prefix)
	return k != nil && hasPrefix(k, prefix)
}

// listedBy adds to seen the photos the records under prefix list (one
// record's, or all answers of a visit).
func listedBy(tx *bolt.Tx, prefix []byte, seen map[string]bool) {
	c := tx.Bucket(bRefPhotos).Cursor()
	for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
		if i := bytes.LastIndexByte(k, 0); i >= 0 {
			seen[string(k[i+1:])] = true
		}
	}
}

// ProjectPhotos returns the newest photos of a project, at most limit (all
// when limit ≤ 0): those linked to its visits or to its findings. It reads
// the project's visits and findings from their indexes and the photos they
// list from the photo index, then only those photos' records.
func (s *Store) ProjectPhotos(projectID string, limit int) ([]sv.Photo, error) {
	var out []sv.Photo
	err := s.view(func(tx *bolt.Tx) error {
		prefix := append([]byte(projectID), 0)
		visits, findings, hashes := map[string]bool{}, map[string]bool{}, map[string]bool{}
		c := tx.Bucket(bVisitIndex).Cursor()
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
			if _, id, ok := parseVisitKey(k[len(prefix):]); ok {
				visits[id] = true
				listedBy(tx, append(visitRef(id), 0), hashes)
				listedBy(tx, answerRef(id, ""), hashes) // every answer of the visit
			}
		}
		c = tx.Bucket(bProjectFindings).Cursor()
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
			id := string(k[len(prefix):])
			findings[id] = true
			listedBy(tx, append(findingRef(id), 0), hashes)
		}
		pb := tx.Bucket(bPhotos)
		for h := range hashes {
			v := pb.Get([]byte(h))
			if v == nil {
				continue // listed by a record pulled before the photo's own
			}
			var p sv.Photo
			if err := decode(v, &p, "photo"); err != nil {
				return err
			}
			for _, l := range p.Links {
				if visits[l.VisitID] || findings[l.FindingID] {
					out = append(out, p)
					break
				}
			}
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		ti, tj := out[i].SortTime(), out[j].SortTime()
		if !ti.Equal(tj) {
			return ti.After(tj)
		}
		return out[i].Hash < out[j].Hash
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, err
}

// forEachListing calls fn with every visit's and every answer's photo
// list, as the records hold them.
func forEachListing(tx *bolt.Tx, fn func(ref []byte, hashes []string) error) error {
	var listed struct {
		Photos []string `json:"photos"`
	}
	for _, b := range []struct {
		bucket []byte
		kind   byte
		what   string
	}{{bVisits, 'v', "inspection"}, {bAnswers, 'a', "answer"}} {
		if err := tx.Bucket(b.bucket).ForEach(func(k, v []byte) error {
			listed.Photos = nil
			if err := decode(v, &listed, b.what); err != nil {
				return err
			}
			return fn(append([]byte{b.kind}, k...), listed.Photos)
		}); err != nil {
			return err
		}
	}
	return nil
}

// rebuildPhotoRefs empties the photo index and fills it again from the
// visits and answers: the migration to schema 5. Findings are indexed by
// rebuildFindingIndex, which runs after this.
func rebuildPhotoRefs(tx *bolt.Tx) error {
	for _, name := range [][]byte{bPhotoRefs, bRefPhotos} {
		if err := recreateBucket(tx, name); err != nil {
			return err
		}
	}
	return forEachListing(tx, func(ref []byte, hashes []string) error { return indexPhotoRefs(tx, ref, hashes) })
}

// checkPhotoRefs reports where the photo index disagrees with the records,
// for Check.
func checkPhotoRefs(tx *bolt.Tx) []error {
	var problems []error
	want := map[string]bool{}
	add := func(ref []byte, hashes []string) error {
		for _, h := range hashes {
			if h != "" {
				want[string(refKey(ref, []byte(h)))] = true
			}
		}
		return nil
	}
	if err := forEachListing(tx, add); err != nil {
		problems = append(problems, err)
	}
	_ = tx.Bucket(bFindings).ForEach(func(k, v []byte) error {
		var f sv.Finding
		if json.Unmarshal(v, &f) == nil {
			_ = add(findingRef(f.ID), findingPhotos(f))
		}
		return nil
	})
	refs := tx.Bucket(bPhotoRefs)
	_ = tx.Bucket(bRefPhotos).ForEach(func(k, _ []byte) error {
		if !want[string(k)] {
			problems = append(problems, fmt.Errorf("photo index entry %q names a photo its record does not list", k))
		}
		delete(want, string(k))
		i := bytes.LastIndexByte(k, 0)
		if refs.Get(refKey(k[i+1:], k[:i])) == nil {
			problems = append(problems, fmt.Errorf("photo index entry %q has no reverse entry", k))
		}
		return nil
	})
	for k := range want {
		problems = append(problems, fmt.Errorf("photo index lacks %q", k))
	}
	_ = refs.ForEach(func(k, _ []byte) error {
		h, ref, _ := cutZero(k)
		if tx.Bucket(bRefPhotos).Get(refKey(ref, h)) == nil {
			problems = append(problems, fmt.Errorf("photo index entry %q has no forward entry", k))
		}
		return nil
	})
	return problems
}
