package server

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Buckets of the portal's own bbolt file.
var (
	bMeta       = []byte("meta")
	bUsers      = []byte("users")      // name → userRecord
	bTokens     = []byte("tokens")     // sha256(token) hex → tokenRecord
	bDevices    = []byte("devices")    // device id → last applied seq (8 bytes BE)
	bRejections = []byte("rejections") // device, 0, seq (8 bytes BE) → portal.Rejection
	bRecords    = []byte("records")    // entity, 0, id → portal.Record
	bLog        = []byte("log")        // change number (8 bytes BE) → entity, 0, id
	bLogIndex   = []byte("log_index")  // entity, 0, id → change number
	bApplied    = []byte("applied")    // device, 0, seq (8 bytes BE) → SHA-256 of the change applied
)

var (
	kEpoch = []byte("epoch")
	kSeq   = []byte("seq")
)

// DBFile is the name of the portal's database inside its data folder.
const DBFile = "portal.db"

type userRecord struct {
	portal.User
	Hash []byte `json:"hash"`
}

type tokenRecord struct {
	User      string    `json:"user"`
	Device    string    `json:"device,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
}

// DB is the portal's record store. Every change to a record and its entry
// in the change log are written in one transaction, so a pull never sees
// one without the other.
type DB struct {
	bolt *bolt.DB
	// now dates a register record that carries no date of its own; the
	// server sets its clock here.
	now func() time.Time
}

// OpenDB opens (creating) the portal's database in dir, migrating an
// older one to the current schema (see migrate.go).
func OpenDB(dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, translate.Wrap(err, sv.EUnavailable, "portal.server.error.cannot_create_the_portal_data_folder", dir)
	}
	b, err := bolt.Open(filepath.Join(dir, DBFile), 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, translate.Wrap(err, sv.EAlreadyOpen, "portal.server.error.the_portal_data_is_already_open")
		}
		return nil, translate.Wrap(err, sv.EUnavailable, "portal.server.error.cannot_open_the_portal_data_file")
	}
	if err := upgrade(b, dir, time.Now()); err != nil {
		b.Close()
		if _, ok := err.(*sv.Error); ok {
			return nil, err
		}
		return nil, translate.Wrap(err, sv.EInternal, "portal.server.error.the_portal_data_file_cannot_be")
	}
	d := &DB{bolt: b, now: time.Now}
	if err := epochAfterRestore(d, dir); err != nil {
		b.Close()
		return nil, err
	}
	return d, nil
}

// Close closes the file.
func (d *DB) Close() error { return d.bolt.Close() }

func u64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}

func readU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}

func recordKey(entity, id string) []byte { return []byte(entity + "\x00" + id) }

func putJSON(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

func getJSON(b *bolt.Bucket, key []byte, v any) (bool, error) {
	raw := b.Get(key)
	if raw == nil {
		return false, nil
	}
	return true, json.Unmarshal(raw, v)
}

// storedRecord is a record with the device whose change it is exactly: a
// pull by that device skips it, since the laptop already holds it — the
// first sync of a full laptop does not download its own work again.
type storedRecord struct {
	portal.Record
	Origin string `json:"origin,omitempty"`
}

// getRecord reads a record; ok is false when it does not exist.
func getRecord(tx *bolt.Tx, entity, id string) (portal.Record, bool, error) {
	var r storedRecord
	ok, err := getJSON(tx.Bucket(bRecords), recordKey(entity, id), &r)
	return r.Record, ok, err
}

// putRecord stores a record that every laptop should pull.
func putRecord(tx *bolt.Tx, r portal.Record) error { return putRecordFrom(tx, r, "") }

// putRecordFrom stores a record and moves it to the end of the change log:
// the log keeps one entry per record, its latest, so a pull sends each
// changed record once however often it changed. origin names the device
// that sent exactly this record, or is empty.
func putRecordFrom(tx *bolt.Tx, r portal.Record, origin string) error {
	key := recordKey(r.Entity, r.ID)
	if err := putJSON(tx.Bucket(bRecords), key, storedRecord{Record: r, Origin: origin}); err != nil {
		return err
	}
	return touch(tx, key)
}

// touch gives a record a new place at the end of the change log, so that
// laptops pull it again — also after a refused change, to put back the
// portal's version on the laptop that made it.
func touch(tx *bolt.Tx, key []byte) error {
	idx, lg, meta := tx.Bucket(bLogIndex), tx.Bucket(bLog), tx.Bucket(bMeta)
	if old := idx.Get(key); old != nil {
		if err := lg.Delete(old); err != nil {
			return err
		}
	}
	seq := readU64(meta.Get(kSeq)) + 1
	if err := meta.Put(kSeq, u64(seq)); err != nil {
		return err
	}
	if err := lg.Put(u64(seq), key); err != nil {
		return err
	}
	return idx.Put(key, u64(seq))
}

// cursor encodes a position in the change log of this database.
func cursor(epoch []byte, seq uint64) string {
	return string(epoch) + "." + strconv.FormatUint(seq, 10)
}

// parseCursor returns the position, or ok false for a cursor of another
// database or one beyond this log's end.
func parseCursor(tx *bolt.Tx, c string) (uint64, bool) {
	if c == "" {
		return 0, true
	}
	epoch, n, found := strings.Cut(c, ".")
	if !found || epoch != string(tx.Bucket(bMeta).Get(kEpoch)) {
		return 0, false
	}
	seq, err := strconv.ParseUint(n, 10, 64)
	if err != nil || seq > readU64(tx.Bucket(bMeta).Get(kSeq)) {
		return 0, false
	}
	return seq, true
}

// Pull returns up to limit records changed after cursor c, leaving out
// those that device sent exactly as they are. A page ends early once its
// records' data reach maxBytes (0: no bound), but holds at least one
// record, so every record arrives however large.
func (d *DB) Pull(c string, limit, maxBytes int, device string) (portal.PullResponse, error) {
	var out portal.PullResponse
	err := d.bolt.View(func(tx *bolt.Tx) error {
		epoch := tx.Bucket(bMeta).Get(kEpoch)
		after, ok := parseCursor(tx, c)
		if !ok {
			out.Reset = true
			after = 0
		}
		out.Records = []portal.Record{}
		cur := tx.Bucket(bLog).Cursor()
		last := after
		size := 0
		for k, v := cur.Seek(u64(after + 1)); k != nil; k, v = cur.Next() {
			if len(out.Records) == limit {
				out.More = true
				break
			}
			var r storedRecord
			if _, err := getJSON(tx.Bucket(bRecords), v, &r); err != nil {
				return err
			}
			if device != "" && r.Origin == device {
				last = readU64(k)
				continue
			}
			if maxBytes > 0 && len(out.Records) > 0 && size+len(r.Data) > maxBytes {
				// The cursor stays before this record: the next page
				// starts with it.
				out.More = true
				break
			}
			last = readU64(k)
			size += len(r.Data)
			out.Records = append(out.Records, r.Record)
		}
		out.Cursor = cursor(epoch, last)
		out.MarksStored = true
		return nil
	})
	return out, err
}
