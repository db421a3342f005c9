package storage

import (
	"encoding/binary"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal/wire"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
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
func (s *Store) Outbox(after uint64, limit int) ([]wire.Change, error) {
	var out []wire.Change
	err := s.view(func(tx *bolt.Tx) error {
		var k [8]byte
		binary.BigEndian.PutUint64(k[:], after+1)
		c := tx.Bucket(bOutbox).Cursor()
		for key, v := c.Seek(k[:]); key != nil && len(out) < limit; key, v = c.Next() {
			var ch wire.Change
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
// has confirmed them. The number is remembered so that numbering goes on
// from there: the portal refuses a number it has seen.
func (s *Store) AckOutbox(seq uint64) error {
	return s.update(func(tx *bolt.Tx) error {
		if seq > lastSeq(tx) {
			return translate.Errorf(sv.EInvalid, "storage.error.acknowledged_change_is_beyond_this_laptop", seq)
		}
		var k [8]byte
		binary.BigEndian.PutUint64(k[:], seq)
		if cur := tx.Bucket(bMeta).Get(kSeq); len(cur) != 8 || binary.BigEndian.Uint64(cur) < seq {
			if err := tx.Bucket(bMeta).Put(kSeq, k[:]); err != nil {
				return err
			}
		}
		c := tx.Bucket(bOutbox).Cursor()
		for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) <= seq; k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
}
