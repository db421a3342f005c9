package storage

import (
	"encoding/binary"
	"encoding/json"
	"strings"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal/wire"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// The laptop's device on the portal (decision 0024): the id belongs to the
// user it was signed in for, and the records it sent are remembered with
// that user, so that after a restored portal the laptop can send them again
// — as their author, never as someone else.
var (
	bSyncMine   = []byte("sync_mine") // entity, 0, id → name of the user who sent it from here
	kDeviceUser = []byte("device_user")
)

func mineKey(entity, id string) []byte { return []byte(entity + "\x00" + id) }

// markMine remembers that the acknowledged outbox entry v was sent from
// here by the device's user.
func markMine(tx *bolt.Tx, v []byte) error {
	user := deviceUser(tx)
	if user == "" {
		return nil
	}
	var ch wire.Change
	if err := decode(v, &ch, "outbox"); err != nil {
		return err
	}
	b, err := tx.CreateBucketIfNotExists(bSyncMine)
	if err != nil {
		return err
	}
	return b.Put(mineKey(ch.Entity, ch.ID), []byte(user))
}

func deviceUser(tx *bolt.Tx) string {
	if b := tx.Bucket(bSync); b != nil {
		return string(b.Get(kDeviceUser))
	}
	return ""
}

// DeviceUser returns the portal user this laptop's device id belongs to:
// the last user who signed in here, whose changes the outbox holds.
// Empty before the first sign-in.
func (s *Store) DeviceUser() (string, error) {
	var u string
	err := s.view(func(tx *bolt.Tx) error {
		u = deviceUser(tx)
		return nil
	})
	return u, err
}

// SetDeviceUser records who signed in with this laptop's device id.
func (s *Store) SetDeviceUser(user string) error {
	return s.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bSync)
		if err != nil {
			return err
		}
		return b.Put(kDeviceUser, []byte(user))
	})
}

// OwnRecord is a record this laptop sent, as it stands here now; Data is
// nil when the record is gone here (a deleted draft).
type OwnRecord struct {
	Entity string
	ID     string
	Data   json.RawMessage
}

// OwnRecords returns the records that user sent from this laptop, as they
// stand here: what a restored portal may lack.
func (s *Store) OwnRecords(user string) ([]OwnRecord, error) {
	var out []OwnRecord
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSyncMine)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			if string(v) != user {
				return nil
			}
			entity, id, _ := strings.Cut(string(k), "\x00")
			r, ok, err := ownRecord(tx, entity, id)
			if err != nil || !ok {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// ownRecord reads a record as it stands here; ok is false for an entity
// that is not sent.
func ownRecord(tx *bolt.Tx, entity, id string) (OwnRecord, bool, error) {
	r := OwnRecord{Entity: entity, ID: id}
	var raw []byte
	switch entity {
	case wire.EntityVisit:
		raw = tx.Bucket(bVisits).Get([]byte(id))
	case wire.EntityFinding:
		raw = tx.Bucket(bFindings).Get([]byte(id))
	case wire.EntityPhoto:
		raw = tx.Bucket(bPhotos).Get([]byte(id))
	case wire.EntityAnswer:
		visit, item, ok := strings.Cut(id, "/")
		if !ok {
			return r, false, nil
		}
		if a := tx.Bucket(bAnswers).Get(answerKey(visit, item)); a != nil {
			var ans sv.Answer
			if err := decode(a, &ans, "answer"); err != nil {
				return r, false, err
			}
			var err error
			if raw, err = json.Marshal(answerChange{VisitID: visit, Answer: ans}); err != nil {
				return r, false, err
			}
		}
	default:
		return r, false, nil
	}
	if raw != nil {
		r.Data = append(json.RawMessage(nil), raw...)
	}
	return r, true, nil
}

// Reregister makes device this laptop's new device id, in one transaction:
// the outbox is numbered again from 1 under it, after the records resend
// names, queued again as they stand here when this runs (not as the caller
// read them) (a visit that is submitted here
// goes up as a draft first, then its answers, then submitted, so a portal
// that lacks it accepts the answers). A pending change of a record that is
// sent again is folded into it. bases replaces the sync base of the
// findings sent again (the portal's version, so only the fields that
// differ get new clocks; a finding the portal lacks gets none, so every
// field does). resetCursor makes the next pull start from the beginning.
// Photos sent again whose original is still here are uploaded again.
// Nothing of the outbox is lost: on any failure nothing changes.
func (s *Store) Reregister(device string, resend []OwnRecord, bases map[string]sv.Finding, resetCursor bool) error {
	if device == "" {
		return translate.Errorf(sv.EInvalid, "storage.error.the_new_device_id_is_empty")
	}
	now := s.now().UTC()
	err := s.update(func(tx *bolt.Tx) error {
		// The records as they stand now: one may have changed since the
		// caller read it, and its pending change is folded in below.
		current := make([]OwnRecord, 0, len(resend))
		for _, r := range resend {
			if cur, ok, err := ownRecord(tx, r.Entity, r.ID); err != nil {
				return err
			} else if ok {
				current = append(current, cur)
			}
		}
		resend := current
		again := map[string]bool{}
		for _, r := range resend {
			again[r.Entity+"\x00"+r.ID] = true
		}
		var pending []wire.Change
		if err := tx.Bucket(bOutbox).ForEach(func(k, v []byte) error {
			var c wire.Change
			if err := decode(v, &c, "outbox"); err != nil {
				return err
			}
			if !again[c.Entity+"\x00"+c.ID] {
				pending = append(pending, c)
			}
			return nil
		}); err != nil {
			return err
		}
		var queue []wire.Change
		add := func(entity, id, op string, data json.RawMessage) {
			queue = append(queue, wire.Change{Entity: entity, ID: id, Op: op, At: now, Data: data})
		}
		var submitted []OwnRecord
		for _, r := range resend {
			if r.Entity != wire.EntityVisit {
				continue
			}
			if r.Data == nil {
				add(r.Entity, r.ID, wire.OpDelete, nil)
				continue
			}
			var in sv.Visit
			if err := decode(r.Data, &in, "inspection"); err != nil {
				return err
			}
			if in.Status == sv.Submitted {
				submitted = append(submitted, r)
				in.Status = sv.Draft
				raw, err := json.Marshal(in)
				if err != nil {
					return err
				}
				add(r.Entity, r.ID, wire.OpPut, raw)
				continue
			}
			add(r.Entity, r.ID, wire.OpPut, r.Data)
		}
		for _, entity := range []string{wire.EntityFinding, wire.EntityPhoto, wire.EntityAnswer} {
			for _, r := range resend {
				if r.Entity == entity && r.Data != nil {
					add(r.Entity, r.ID, wire.OpPut, r.Data)
				}
			}
		}
		for _, r := range submitted {
			add(r.Entity, r.ID, wire.OpPut, r.Data)
		}
		queue = append(queue, pending...)
		ob := tx.Bucket(bOutbox)
		c := ob.Cursor()
		for k, _ := c.First(); k != nil; k, _ = c.First() {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		for i, ch := range queue {
			ch.Seq = uint64(i + 1)
			var key [8]byte
			binary.BigEndian.PutUint64(key[:], ch.Seq)
			if err := put(ob, key[:], ch); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bMeta)
		if err := meta.Delete(kSeq); err != nil {
			return err
		}
		if err := meta.Put(kDevice, []byte(device)); err != nil {
			return err
		}
		baseB, err := tx.CreateBucketIfNotExists(bSyncBase)
		if err != nil {
			return err
		}
		for _, r := range resend {
			switch r.Entity {
			case wire.EntityFinding:
				if f, ok := bases[r.ID]; ok {
					err = put(baseB, []byte(r.ID), f)
				} else {
					err = baseB.Delete([]byte(r.ID))
				}
			case wire.EntityPhoto:
				err = uploadAgain(tx, r.ID)
			}
			if err != nil {
				return err
			}
		}
		if resetCursor {
			b, err := tx.CreateBucketIfNotExists(bSync)
			if err != nil {
				return err
			}
			return b.Delete(kCursor)
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.deviceMu.Lock()
	s.device = device
	s.deviceMu.Unlock()
	return nil
}

// uploadAgain marks a photo not uploaded when its original is still here,
// so the next sync asks the portal whether it has the bytes, and forgets
// the old portal's confirmation, so the original is not let go before the
// portal confirms it again.
func uploadAgain(tx *bolt.Tx, hash string) error {
	v := tx.Bucket(bPhotos).Get([]byte(hash))
	if v == nil || blobGet(tx, hash, BlobOriginal) == nil {
		return nil
	}
	if err := unconfirmOriginal(tx, hash); err != nil {
		return err
	}
	var p sv.Photo
	if err := decode(v, &p, "photo"); err != nil {
		return err
	}
	p.Uploaded = false
	return put(tx.Bucket(bPhotos), []byte(hash), p)
}
