package storage

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// OutboxLen returns how many local changes wait for the portal.
func (s *Store) OutboxLen() (int, error) {
	var n int
	err := s.view(func(tx *bolt.Tx) error {
		n = tx.Bucket(bOutbox).Stats().KeyN
		return nil
	})
	return n, err
}

// Outbox returns up to limit waiting changes with a sequence number above
// after, in order.
func (s *Store) Outbox(after uint64, limit int) ([]Change, error) {
	var out []Change
	err := s.view(func(tx *bolt.Tx) error {
		var k [8]byte
		binary.BigEndian.PutUint64(k[:], after+1)
		c := tx.Bucket(bOutbox).Cursor()
		for key, v := c.Seek(k[:]); key != nil && len(out) < limit; key, v = c.Next() {
			var ch Change
			if err := decode(v, &ch, "outbox"); err != nil {
				return err
			}
			out = append(out, ch)
		}
		return nil
	})
	return out, err
}

// AckOutbox removes the changes up to and including seq, once the portal
// has confirmed them.
func (s *Store) AckOutbox(seq uint64) error {
	return s.update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bOutbox).Cursor()
		for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) <= seq; k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
}
