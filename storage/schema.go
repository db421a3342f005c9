package storage

import (
	"encoding/binary"
	"encoding/json"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal/wire"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Buckets. Keys are chosen so that the questions the UI asks are prefix
// scans: a project's visits, a project's active findings.
var (
	bMeta        = []byte("meta")
	bProjects    = []byte("projects")    // project id → Project
	bTemplates   = []byte("templates")   // template id, 0, version (8 bytes BE) → Template
	bVisits      = []byte("inspections") // visit id → Visit without answers
	bAnswers     = []byte("answers")     // visit id, 0, item key → Answer
	bFindings    = []byte("findings")    // finding id → Finding
	bPhotos      = []byte("photos")      // sha256 → Photo
	bBlobs       = []byte("blobs")       // sha256 → bucket: kind → bytes
	bOutbox      = []byte("outbox")      // seq (8 bytes BE) → wire.Change
	bVisitIndex  = []byte("idx_visits")  // project id, 0, started (RFC 3339 UTC), 0, visit id → status
	bActiveIndex = []byte("idx_active")  // project id, 0, finding id → activeEntry
	bSummary     = []byte("summary")     // project id → projectSummary
)

var (
	kSchema  = []byte("schema")
	kDevice  = []byte("device")
	kSeq     = []byte("outbox_acked") // highest outbox number the portal acknowledged
	kSample  = []byte("sample")
	kCreated = []byte("created")
	// kKeepOriginals, when present, keeps original photo bytes after upload
	// beyond OriginalsRetention.
	kKeepOriginals = []byte("keep_originals")
)

// currentSchema is the layout this code reads and writes.
//
// Version 1 kept each visit's answers inside the visit record, so saving one
// answer rewrote the whole visit, and the dashboard had to read every visit.
// Version 2 stores answers one per key and keeps per-project indexes and
// summaries that are updated in the same transaction as the records.
//
// Version 3 keeps each photo's bytes in a bucket of its own (see blobs.go).
//
// Version 4 keeps the history of the register's figures (see figures.go).
//
// Version 5 grows the finding index to hold the lists' rows, the units
// and each project's findings (findingindex.go), and indexes which records
// list each photo (photolinks.go), so no list reads a record's bytes.
const currentSchema = 5

// storeBuckets are the buckets every store at currentSchema has.
var storeBuckets = [][]byte{bMeta, bProjects, bTemplates, bVisits, bAnswers, bFindings, bPhotos, bBlobs, bOutbox,
	bVisitIndex, bActiveIndex, bSummary, bObservations, bFindingRows, bProjectFindings, bUnits, bPhotoRefs, bRefPhotos}

// migrations[i] upgrades a store from version i+1 to i+2.
var migrations = []func(tx *bolt.Tx, now time.Time) error{
	migrateV1toV2,
	func(tx *bolt.Tx, _ time.Time) error { return migrateV2toV3(tx) },
	migrateV3toV4,
	func(tx *bolt.Tx, _ time.Time) error { return migrateV4toV5(tx) },
}

func schemaVersion(tx *bolt.Tx) (int, error) {
	meta := tx.Bucket(bMeta)
	if meta == nil {
		return 0, nil
	}
	v := meta.Get(kSchema)
	if len(v) != 8 {
		return 0, translate.Errorf(sv.EInvalid, "storage.error.the_data_file_has_no_format")
	}
	return int(binary.BigEndian.Uint64(v)), nil
}

// migrate brings a new or older store to currentSchema inside tx, so a
// failed upgrade leaves the file as it was.
func migrate(tx *bolt.Tx, now time.Time) error {
	v, err := schemaVersion(tx)
	if err != nil {
		return err
	}
	if v > currentSchema {
		return translate.Errorf(sv.EConflict, "storage.error.this_data_was_written_by_a", v)
	}
	if v == 0 {
		return initialise(tx, now)
	}
	// The earlier migrations write records through today's functions,
	// which keep today's indexes: those must exist, and the last
	// migration builds them again from the records.
	for _, name := range [][]byte{bFindingRows, bProjectFindings, bUnits, bPhotoRefs, bRefPhotos} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	for ; v < currentSchema; v++ {
		if err := migrations[v-1](tx, now); err != nil {
			return err
		}
		if err := setSchema(tx, v+1); err != nil {
			return err
		}
	}
	return nil
}

func initialise(tx *bolt.Tx, now time.Time) error {
	for _, name := range storeBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	meta := tx.Bucket(bMeta)
	if meta.Get(kDevice) == nil {
		if err := meta.Put(kDevice, []byte(sv.NewID(now))); err != nil {
			return err
		}
		if err := meta.Put(kCreated, []byte(now.UTC().Format(time.RFC3339))); err != nil {
			return err
		}
	}
	return setSchema(tx, currentSchema)
}

func setSchema(tx *bolt.Tx, v int) error {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(v))
	return tx.Bucket(bMeta).Put(kSchema, b[:])
}

// migrateV1toV2 moves answers out of visit records and builds the indexes.
func migrateV1toV2(tx *bolt.Tx, now time.Time) error {
	for _, name := range [][]byte{bAnswers, bVisitIndex, bActiveIndex, bSummary, bPhotos, bBlobs, bOutbox} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	insp := tx.Bucket(bVisits)
	if insp == nil {
		return initialise(tx, now)
	}
	// A v1 visit record holds its answers; decoding it as today's type
	// picks them up, and writing it back stores them one per key.
	var all []sv.Visit
	if err := insp.ForEach(func(k, v []byte) error {
		var in sv.Visit
		if err := decode(v, &in, "v1 inspection"); err != nil {
			return err
		}
		all = append(all, in)
		return nil
	}); err != nil {
		return err
	}
	for _, in := range all {
		if err := writeVisit(tx, in, now); err != nil {
			return err
		}
		for _, a := range in.Answers {
			if err := storeAnswer(tx, in.ID, a); err != nil {
				return err
			}
		}
	}
	var findings []sv.Finding
	if err := tx.Bucket(bFindings).ForEach(func(k, v []byte) error {
		var f sv.Finding
		if err := decode(v, &f, "finding"); err != nil {
			return err
		}
		findings = append(findings, f)
		return nil
	}); err != nil {
		return err
	}
	for _, f := range findings {
		if err := indexFinding(tx, f); err != nil {
			return err
		}
	}
	var projects []string
	if err := tx.Bucket(bProjects).ForEach(func(k, v []byte) error {
		projects = append(projects, string(k))
		return nil
	}); err != nil {
		return err
	}
	for _, id := range projects {
		if err := refreshSummary(tx, id, now); err != nil {
			return err
		}
	}
	return nil
}

// migrateV4toV5 builds the photo index and the finding index from the
// records; the latter existed only as the index of active findings.
func migrateV4toV5(tx *bolt.Tx) error {
	if err := rebuildPhotoRefs(tx); err != nil {
		return err
	}
	return rebuildFindingIndex(tx)
}

// enqueue appends a change to the outbox within tx, the transaction that
// makes the change, so the two cannot be separated by a crash.
//
// The next number follows the outbox's last entry, or the last number the
// portal acknowledged when the outbox is empty; keeping no counter of its
// own saves a page write on every change.
func enqueue(tx *bolt.Tx, at time.Time, entity, id, op string, data any) error {
	seq := lastSeq(tx) + 1
	var key [8]byte
	binary.BigEndian.PutUint64(key[:], seq)
	c := wire.Change{Seq: seq, Entity: entity, ID: id, Op: op, At: at.UTC()}
	if data != nil {
		raw, err := json.Marshal(data)
		if err != nil {
			return translate.Wrap(err, sv.EInvalid, "storage.error.the_record_holds_a_value_that")
		}
		c.Data = raw
	}
	return put(tx.Bucket(bOutbox), key[:], c)
}

// lastSeq returns the highest outbox number used so far.
func lastSeq(tx *bolt.Tx) uint64 {
	var seq uint64
	if v := tx.Bucket(bMeta).Get(kSeq); len(v) == 8 {
		seq = binary.BigEndian.Uint64(v)
	}
	if k, _ := tx.Bucket(bOutbox).Cursor().Last(); len(k) == 8 {
		seq = max(seq, binary.BigEndian.Uint64(k))
	}
	return seq
}
