package storage

import (
	bolt "go.etcd.io/bbolt"

	sv "fieldbrief/supervision"
)

// historyBatch bounds one import transaction: big enough to amortise the
// fsync, small enough to keep memory and the write lock short.
const historyBatch = 100

// ImportHistory stores visits (with answers) and findings that already exist
// elsewhere — the sample data, or a portal pull — so they make no outbox
// entries. It commits in batches; a rerun with the same records is harmless.
func (s *Store) ImportHistory(visits []sv.Visit, findings []sv.Finding) error {
	now := s.now()
	for start := 0; start < len(visits); start += historyBatch {
		batch := visits[start:min(start+historyBatch, len(visits))]
		if err := s.update(func(tx *bolt.Tx) error {
			for _, in := range batch {
				if err := writeVisit(tx, in, now); err != nil {
					return err
				}
				for _, a := range in.Answers {
					if err := storeAnswer(tx, in.ID, a); err != nil {
						return err
					}
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	for start := 0; start < len(findings); start += historyBatch * 10 {
		batch := findings[start:min(start+historyBatch*10, len(findings))]
		if err := s.update(func(tx *bolt.Tx) error {
			for _, f := range batch {
				if err := storeFinding(tx, f); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}
