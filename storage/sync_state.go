package storage

import (
	"encoding/binary"
	"encoding/json"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal/wire"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// What the sync engine keeps on the laptop, in buckets of its own so that
// the rest of the store is unchanged by sync. The buckets are created by
// the first write that needs them; readers treat a missing bucket as empty.
var (
	bSync       = []byte("sync")            // kCursor, kLastSync, kHLC → values
	bSyncBase   = []byte("sync_base")       // finding id → Finding as last agreed with the portal
	bSyncReject = []byte("sync_rejections") // device, 0, seq (8 bytes BE) → wire.Rejection
	bSyncUpload = []byte("sync_uploads")    // sha256 → tus upload address
)

var (
	kCursor   = []byte("cursor")
	kLastSync = []byte("last_sync")
	kHLC      = []byte("hlc")
)

// SyncState is what the engine remembers between syncs.
type SyncState struct {
	// Cursor is the portal's position after the last applied pull page.
	Cursor string
	// LastSync is when a sync last completed.
	LastSync time.Time
	// HLC is the latest hybrid logical clock reading made or seen here.
	HLC string
}

// SyncState returns the engine's saved state; zero on a laptop never synced.
func (s *Store) SyncState() (SyncState, error) {
	var st SyncState
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSync)
		if b == nil {
			return nil
		}
		st.Cursor = string(b.Get(kCursor))
		st.HLC = string(b.Get(kHLC))
		if v := b.Get(kLastSync); v != nil {
			st.LastSync, _ = time.Parse(time.RFC3339Nano, string(v))
		}
		return nil
	})
	return st, err
}

// SetLastSync records when a sync completed.
func (s *Store) SetLastSync(t time.Time) error {
	return s.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bSync)
		if err != nil {
			return err
		}
		return b.Put(kLastSync, []byte(t.UTC().Format(time.RFC3339Nano)))
	})
}

func rejectionKey(device string, seq uint64) []byte {
	k := make([]byte, 0, len(device)+9)
	k = append(k, device...)
	k = append(k, 0)
	return binary.BigEndian.AppendUint64(k, seq)
}

// Acked is what the portal confirmed of one push.
type Acked struct {
	// Seq is the highest change number the portal applied.
	Seq uint64
	// Bases are the findings as pushed: what the portal now holds as this
	// laptop's version, the base against which later edits are compared.
	Bases []sv.Finding
	// Rejections are the changes among them that the portal refused.
	Rejections []wire.Rejection
	// HLC is the clock after stamping the pushed changes.
	HLC string
}

// AckPushed removes the acknowledged changes from the outbox and, in the
// same transaction, stores the findings' new bases, the rejections and the
// clock — so a crash cannot leave the outbox trimmed without them.
// Rejections already stored (from a repeated push) are not duplicated.
func (s *Store) AckPushed(a Acked) error {
	return s.update(func(tx *bolt.Tx) error {
		if a.Seq > lastSeq(tx) {
			return translate.Errorf(sv.EInvalid, "storage.error.acknowledged_change_is_beyond_this_laptop", a.Seq)
		}
		meta := tx.Bucket(bMeta)
		if cur := meta.Get(kSeq); len(cur) != 8 || binary.BigEndian.Uint64(cur) < a.Seq {
			var k [8]byte
			binary.BigEndian.PutUint64(k[:], a.Seq)
			if err := meta.Put(kSeq, k[:]); err != nil {
				return err
			}
		}
		c := tx.Bucket(bOutbox).Cursor()
		for k, v := c.First(); k != nil && binary.BigEndian.Uint64(k) <= a.Seq; k, v = c.First() {
			if err := markMine(tx, v); err != nil {
				return err
			}
			if err := c.Delete(); err != nil {
				return err
			}
		}
		bases, err := tx.CreateBucketIfNotExists(bSyncBase)
		if err != nil {
			return err
		}
		for _, f := range a.Bases {
			if err := put(bases, []byte(f.ID), f); err != nil {
				return err
			}
		}
		rej, err := tx.CreateBucketIfNotExists(bSyncReject)
		if err != nil {
			return err
		}
		for _, r := range a.Rejections {
			if err := put(rej, rejectionKey(r.Device, r.Seq), r); err != nil {
				return err
			}
		}
		return putHLC(tx, a.HLC)
	})
}

func putHLC(tx *bolt.Tx, hlc string) error {
	if hlc == "" {
		return nil
	}
	b, err := tx.CreateBucketIfNotExists(bSync)
	if err != nil {
		return err
	}
	// Readings compare as strings; the clock never goes back.
	if cur := b.Get(kHLC); cur != nil && string(cur) >= hlc {
		return nil
	}
	return b.Put(kHLC, []byte(hlc))
}

// FindingBase returns the finding as last agreed with the portal, or
// ok false for a finding the portal has not seen from or sent to this laptop.
func (s *Store) FindingBase(id string) (f sv.Finding, ok bool, err error) {
	err = s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSyncBase)
		if b == nil {
			return nil
		}
		v := b.Get([]byte(id))
		if v == nil {
			return nil
		}
		ok = true
		return decode(v, &f, "sync base")
	})
	return f, ok, err
}

// Rejections returns the refused changes the user has not dismissed, oldest first.
func (s *Store) Rejections() ([]wire.Rejection, error) {
	var out []wire.Rejection
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSyncReject)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var r wire.Rejection
			if err := decode(v, &r, "rejection"); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	})
	return out, err
}

// DismissRejection forgets a refusal once the user has read it.
func (s *Store) DismissRejection(device string, seq uint64) error {
	return s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSyncReject)
		if b == nil {
			return nil
		}
		return b.Delete(rejectionKey(device, seq))
	})
}

// Pulled is one record sent by the portal.
type Pulled struct {
	Entity  string
	ID      string
	Deleted bool
	Data    json.RawMessage
	// Stored: of a photo, the portal holds its bytes. A photo pulled
	// without them is not fetched until the portal sends its record
	// again, stored.
	Stored bool
}

// ApplyPulled stores a page of records from the portal and the cursor after
// it in one transaction, without outbox entries: a crash leaves either the
// whole page and its cursor or neither, and the page is pulled again.
//
// A record with a change still waiting in the outbox is skipped: the local
// change goes up with the next push, and the portal then sends back the
// merged record. hlc is the clock after seeing the page. It returns how
// many records were stored.
func (s *Store) ApplyPulled(page []Pulled, cursor, hlc string) (int, error) {
	now := s.now()
	applied := 0
	templates := false
	err := s.update(func(tx *bolt.Tx) error {
		applied = 0
		pending := map[string]bool{}
		if err := tx.Bucket(bOutbox).ForEach(func(k, v []byte) error {
			var ch struct {
				Entity string `json:"entity"`
				ID     string `json:"id"`
			}
			if err := decode(v, &ch, "outbox"); err != nil {
				return err
			}
			pending[ch.Entity+"\x00"+ch.ID] = true
			return nil
		}); err != nil {
			return err
		}
		for _, r := range page {
			if pending[r.Entity+"\x00"+r.ID] {
				continue
			}
			ok, err := applyRecord(tx, r, now)
			if err != nil {
				return err
			}
			if ok {
				applied++
			}
			templates = templates || r.Entity == wire.EntityTemplate
		}
		b, err := tx.CreateBucketIfNotExists(bSync)
		if err != nil {
			return err
		}
		if err := b.Put(kCursor, []byte(cursor)); err != nil {
			return err
		}
		return putHLC(tx, hlc)
	})
	if templates {
		s.templates.Clear()
	}
	return applied, err
}

// ResetCursor forgets the pull position, so the next pull starts from the
// beginning; the outbox is kept.
func (s *Store) ResetCursor() error {
	return s.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bSync)
		if err != nil {
			return err
		}
		return b.Delete(kCursor)
	})
}

// applyRecord stores one pulled record; unknown entities are ignored so an
// older laptop keeps syncing with a newer portal.
func applyRecord(tx *bolt.Tx, r Pulled, now time.Time) (bool, error) {
	switch r.Entity {
	case wire.EntityProject:
		var p sv.Project
		if err := decode(r.Data, &p, "pulled project"); err != nil {
			return false, err
		}
		if err := put(tx.Bucket(bProjects), []byte(p.ID), p); err != nil {
			return false, err
		}
		if err := recordRegister(tx, p, now); err != nil {
			return false, err
		}
		return true, refreshSummary(tx, p.ID, now)
	case wire.EntityTemplate:
		var t sv.Template
		if err := decode(r.Data, &t, "pulled template"); err != nil {
			return false, err
		}
		return true, put(tx.Bucket(bTemplates), templateKey(t.ID, t.Version), t)
	case wire.EntityVisit:
		if r.Deleted {
			return true, removeVisit(tx, r.ID, now)
		}
		var in sv.Visit
		if err := decode(r.Data, &in, "pulled inspection"); err != nil {
			return false, err
		}
		in.Answers = nil
		return true, writeVisit(tx, in, now)
	case wire.EntityAnswer:
		var a answerChange
		if err := decode(r.Data, &a, "pulled answer"); err != nil {
			return false, err
		}
		return true, storeAnswer(tx, a.VisitID, a.Answer)
	case wire.EntityFinding:
		var f sv.Finding
		if err := decode(r.Data, &f, "pulled finding"); err != nil {
			return false, err
		}
		if err := storeFinding(tx, f); err != nil {
			return false, err
		}
		bases, err := tx.CreateBucketIfNotExists(bSyncBase)
		if err != nil {
			return false, err
		}
		return true, put(bases, []byte(f.ID), f)
	case wire.EntityPhoto:
		var p sv.Photo
		if err := decode(r.Data, &p, "pulled photo"); err != nil {
			return false, err
		}
		// The portal's record says nothing about this laptop's upload; a
		// photo taken elsewhere has nothing to upload from here.
		p.Uploaded = true
		if v := tx.Bucket(bPhotos).Get([]byte(p.Hash)); v != nil {
			var local sv.Photo
			if err := decode(v, &local, "photo"); err != nil {
				return false, err
			}
			p.Uploaded = local.Uploaded
		}
		if r.Stored && tx.Bucket(bBlobs).Bucket([]byte(p.Hash)) == nil {
			// Only the record came, and the portal has the bytes: the
			// sync downloads the thumbnail after the pull. A record
			// without bytes comes again, stored, when they arrive.
			if err := queueFetch(tx, p.Hash); err != nil {
				return false, err
			}
		}
		return true, put(tx.Bucket(bPhotos), []byte(p.Hash), p)
	}
	return false, nil
}

// removeVisit deletes a visit with its answers, its index entry and
// its place in the project's summary: a draft deleted here, or a visit
// deleted on the portal. A visit not here is left alone.
func removeVisit(tx *bolt.Tx, id string, now time.Time) error {
	var in sv.Visit
	v := tx.Bucket(bVisits).Get([]byte(id))
	if v == nil {
		return nil
	}
	if err := decode(v, &in, "inspection"); err != nil {
		return err
	}
	prefix := append([]byte(id), 0)
	c := tx.Bucket(bAnswers).Cursor()
	for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := indexPhotoRefs(tx, append([]byte{'a'}, k...), nil); err != nil {
			return err
		}
		if err := c.Delete(); err != nil {
			return err
		}
	}
	if err := indexPhotoRefs(tx, visitRef(id), nil); err != nil {
		return err
	}
	if err := tx.Bucket(bVisits).Delete([]byte(id)); err != nil {
		return err
	}
	if err := tx.Bucket(bVisitIndex).Delete(visitKey(in.ProjectID, in.StartedAt, in.ID)); err != nil {
		return err
	}
	return refreshSummary(tx, in.ProjectID, now)
}

// SetUploadURL remembers the tus upload of a photo so a cut upload resumes
// where the portal got to, even after the app restarts.
func (s *Store) SetUploadURL(hash, url string) error {
	return s.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bSyncUpload)
		if err != nil {
			return err
		}
		if url == "" {
			return b.Delete([]byte(hash))
		}
		return b.Put([]byte(hash), []byte(url))
	})
}

// UploadURL returns the remembered upload of a photo, or "".
func (s *Store) UploadURL(hash string) (string, error) {
	var url string
	err := s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bSyncUpload); b != nil {
			url = string(b.Get([]byte(hash)))
		}
		return nil
	})
	return url, err
}

// MarkUploaded records that the portal holds these photos' original bytes,
// and when it said so, in one transaction. It is bookkeeping of this
// laptop, not a change for the portal: no outbox entry.
func (s *Store) MarkUploaded(hashes ...string) error {
	now := s.now()
	return s.update(func(tx *bolt.Tx) error {
		pb := tx.Bucket(bPhotos)
		for _, hash := range hashes {
			var p sv.Photo
			if err := getPhoto(tx, hash, &p); err != nil {
				return err
			}
			p.Uploaded = true
			if err := put(pb, []byte(hash), p); err != nil {
				return err
			}
			// The portal has the evidence now, but a portal restored from
			// an older backup would not: the original stays until
			// LetGoOriginals finds the retention passed.
			if err := confirmOriginal(tx, hash, now); err != nil {
				return err
			}
			if b := tx.Bucket(bSyncUpload); b != nil {
				if err := b.Delete([]byte(hash)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// PendingPhotos returns the photos whose original bytes are on this laptop
// and not yet confirmed by the portal, oldest import first.
func (s *Store) PendingPhotos() ([]sv.Photo, error) {
	var out []sv.Photo
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bPhotos).ForEach(func(k, v []byte) error {
			var p sv.Photo
			if err := decode(v, &p, "photo"); err != nil {
				return err
			}
			if !p.Uploaded && blobGet(tx, p.Hash, BlobOriginal) != nil {
				out = append(out, p)
			}
			return nil
		})
	})
	return out, err
}

// PutPulledPhotoBlob stores a rendition downloaded from the portal for a
// photo already known here, without an outbox entry.
func (s *Store) PutPulledPhotoBlob(hash string, kind BlobKind, data []byte) error {
	return s.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bPhotos).Get([]byte(hash)) == nil {
			return translate.Errorf(sv.ENotFound, "storage.error.photo_not_found", hash)
		}
		if kind == BlobThumbnail {
			if err := unqueueFetch(tx, hash); err != nil {
				return err
			}
		}
		return blobPut(tx, hash, kind, data)
	})
}

// ForEachRecord calls fn with every synced record as it is stored — the
// register, visits, answers, findings and photo metadata — in key order
// within each entity. The sync engine hashes them to compare stores.
func (s *Store) ForEachRecord(fn func(entity, id string, data []byte) error) error {
	return s.view(func(tx *bolt.Tx) error {
		for _, e := range []struct {
			entity string
			bucket []byte
		}{{wire.EntityProject, bProjects}, {wire.EntityTemplate, bTemplates}, {wire.EntityVisit, bVisits},
			{wire.EntityAnswer, bAnswers}, {wire.EntityFinding, bFindings}, {wire.EntityPhoto, bPhotos}} {
			if err := tx.Bucket(e.bucket).ForEach(func(k, v []byte) error {
				id := string(k)
				switch e.entity {
				case wire.EntityTemplate:
					id = strings.TrimRight(id[:max(0, len(id)-8)], "\x00")
				case wire.EntityAnswer:
					id = strings.Replace(id, "\x00", "/", 1)
				}
				return fn(e.entity, id, v)
			}); err != nil {
				return err
			}
		}
		return nil
	})
}
