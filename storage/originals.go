package storage

import (
	"time"

	bolt "go.etcd.io/bbolt"

	sv "fieldbrief/supervision"
)

// OriginalsRetention is how long an original photo stays on the laptop
// after the portal confirmed it holds the bytes, when the user does not
// keep originals. A portal restored from a backup lacks the photos it
// received after that backup; the laptop that took them sends them again
// as long as it still has them. The portal is backed up at least daily, so
// a week covers the day since the last backup, a backup run that failed
// unnoticed for a few days, and a restore from the backup before the
// newest (decision 0037).
const OriginalsRetention = 7 * 24 * time.Hour

// bSyncConfirmed remembers when the portal confirmed each photo's original
// bytes: sha256 → time (RFC 3339, UTC). Created by the first upload;
// readers treat a missing bucket as empty. An entry goes with the
// original it dates, or when the photo is to be uploaded again.
var bSyncConfirmed = []byte("sync_confirmed")

// KeepOriginals reports whether original photo bytes stay on the laptop
// after the portal has them. By default they go once OriginalsRetention has
// passed since the portal confirmed them, and only the upright display,
// print and thumbnail copies stay: a laptop's disk is small, and the portal
// keeps the evidence.
func (s *Store) KeepOriginals() (bool, error) {
	var keep bool
	err := s.view(func(tx *bolt.Tx) error {
		keep = tx.Bucket(bMeta).Get(kKeepOriginals) != nil
		return nil
	})
	return keep, err
}

// SetKeepOriginals chooses whether original photo bytes stay after upload.
// Unticking it lets go, at the end of the next sync, of every original the
// portal confirmed more than OriginalsRetention ago; originals already let
// go are fetched again from the portal when asked for.
func (s *Store) SetKeepOriginals(keep bool) error {
	now := s.now()
	return s.update(func(tx *bolt.Tx) error {
		if keep {
			return tx.Bucket(bMeta).Put(kKeepOriginals, []byte("1"))
		}
		if err := tx.Bucket(bMeta).Delete(kKeepOriginals); err != nil {
			return err
		}
		// Originals kept by a version that did not date confirmations
		// count as confirmed now, so they too go after the period.
		var undated []string
		confirmed := tx.Bucket(bSyncConfirmed)
		if err := tx.Bucket(bPhotos).ForEach(func(k, v []byte) error {
			if confirmed != nil && confirmed.Get(k) != nil {
				return nil
			}
			var p struct {
				Uploaded bool `json:"uploaded"`
			}
			if err := decode(v, &p, "photo"); err != nil {
				return err
			}
			if p.Uploaded && blobGet(tx, string(k), BlobOriginal) != nil {
				undated = append(undated, string(k))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, hash := range undated {
			if err := confirmOriginal(tx, hash, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// confirmOriginal records within tx that the portal confirmed the original
// of hash at now, if the original is here.
func confirmOriginal(tx *bolt.Tx, hash string, now time.Time) error {
	if blobGet(tx, hash, BlobOriginal) == nil {
		return nil
	}
	b, err := tx.CreateBucketIfNotExists(bSyncConfirmed)
	if err != nil {
		return err
	}
	return b.Put([]byte(hash), []byte(now.UTC().Format(time.RFC3339Nano)))
}

// unconfirmOriginal forgets the confirmation of hash, so its original is
// not let go until the portal confirms it again.
func unconfirmOriginal(tx *bolt.Tx, hash string) error {
	if b := tx.Bucket(bSyncConfirmed); b != nil {
		return b.Delete([]byte(hash))
	}
	return nil
}

// LetGoOriginals deletes the original bytes of the photos the portal
// confirmed more than OriginalsRetention ago (by the store's clock), unless
// the user keeps originals, and returns how many went. The sync engine
// calls it at the end of a successful sync: a sync that meets a restored
// portal first sends again what that portal lacks. A photo waiting to be
// uploaded again keeps its original whatever its confirmation says.
func (s *Store) LetGoOriginals() (int, error) {
	now := s.now()
	// Most syncs have nothing to let go: a read finds that out without
	// the disk write of an update.
	var work bool
	if err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSyncConfirmed)
		if b == nil || tx.Bucket(bMeta).Get(kKeepOriginals) != nil {
			return nil
		}
		due, unreadable := originalsDue(b, now)
		work = len(due)+len(unreadable) > 0
		return nil
	}); err != nil || !work {
		return 0, err
	}
	n := 0
	err := s.update(func(tx *bolt.Tx) error {
		n = 0
		b := tx.Bucket(bSyncConfirmed)
		if b == nil || tx.Bucket(bMeta).Get(kKeepOriginals) != nil {
			return nil
		}
		due, unreadable := originalsDue(b, now)
		// A date that cannot be read loses no photo and stops no sync: the
		// original counts as confirmed now and waits a full period.
		for _, hash := range unreadable {
			if err := b.Put([]byte(hash), []byte(now.UTC().Format(time.RFC3339Nano))); err != nil {
				return err
			}
		}
		for _, hash := range due {
			var p sv.Photo
			if v := tx.Bucket(bPhotos).Get([]byte(hash)); v != nil {
				if err := decode(v, &p, "photo"); err != nil {
					return err
				}
			}
			if p.Uploaded && blobGet(tx, hash, BlobOriginal) != nil {
				if err := blobDelete(tx, hash, BlobOriginal); err != nil {
					return err
				}
				n++
			}
			if err := b.Delete([]byte(hash)); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// originalsDue returns the photos in b confirmed at least OriginalsRetention
// before now, and those whose date cannot be read.
func originalsDue(b *bolt.Bucket, now time.Time) (due, unreadable []string) {
	_ = b.ForEach(func(k, v []byte) error {
		at, err := time.Parse(time.RFC3339Nano, string(v))
		switch {
		case err != nil:
			unreadable = append(unreadable, string(k))
		case now.Sub(at) >= OriginalsRetention:
			due = append(due, string(k))
		}
		return nil
	})
	return due, unreadable
}
