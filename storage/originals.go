package storage

import (
	bolt "go.etcd.io/bbolt"
)

// KeepOriginals reports whether original photo bytes stay on the laptop
// after the portal has them. By default they go, and only the upright
// display, print and thumbnail copies stay: a laptop's disk is small, and the
// portal keeps the evidence.
func (s *Store) KeepOriginals() (bool, error) {
	var keep bool
	err := s.view(func(tx *bolt.Tx) error {
		keep = tx.Bucket(bMeta).Get(kKeepOriginals) != nil
		return nil
	})
	return keep, err
}

// SetKeepOriginals chooses whether original photo bytes stay after upload.
// It applies to uploads from now on; originals already let go are fetched
// again from the portal when asked for.
func (s *Store) SetKeepOriginals(keep bool) error {
	return s.update(func(tx *bolt.Tx) error {
		if keep {
			return tx.Bucket(bMeta).Put(kKeepOriginals, []byte("1"))
		}
		return tx.Bucket(bMeta).Delete(kKeepOriginals)
	})
}
