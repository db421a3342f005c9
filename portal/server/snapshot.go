package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/docinput"
	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// The portal rebuilds a printed brief's or tour pack's snapshot from its
// own records (decision 0034), through docinput.Rebuild, the code the
// laptop assembled and verifies it with; a laptop's verify compares the
// digests. Package docinput holds no PDF writer or fonts, so the portal
// links none.

// bObservations keeps every register figure a project had, as the laptop's
// store does (storage/figures.go), so the portal answers a past date with
// the figures of that date, under sv.Observation.Key like the laptop's, so
// both keep the same history of the same records.
var bObservations = []byte("observations")

// recordRegister keeps the figures of a register record as observations,
// in the transaction that stores the record, by the laptop's rule
// (sv.RegisterObservations): as of the record's date, or of today (in the
// portal's zone) when it carries none.
func recordRegister(tx *bolt.Tx, p sv.Project, now time.Time) error {
	b := tx.Bucket(bObservations)
	for _, o := range sv.RegisterObservations(p, sv.DateOf(now)) {
		if err := putJSON(b, o.Key(), o); err != nil {
			return err
		}
	}
	return nil
}

// migrateObservations (2 → 3) records the figures the register holds now,
// as of their register date (today for a record without one), as the
// laptop's store did when it gained its history.
func migrateObservations(tx *bolt.Tx, now time.Time) error {
	if _, err := tx.CreateBucketIfNotExists(bObservations); err != nil {
		return err
	}
	prefix := recordKey(portal.EntityProject, "")
	var projects []sv.Project
	c := tx.Bucket(bRecords).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var r storedRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		if r.Deleted || len(r.Data) == 0 {
			continue
		}
		var p sv.Project
		if err := json.Unmarshal(r.Data, &p); err != nil {
			return err
		}
		projects = append(projects, p)
	}
	for _, p := range projects {
		if err := recordRegister(tx, p, now); err != nil {
			return err
		}
	}
	return nil
}

// txSource reads the records docinput.Rebuild needs from one read
// transaction, so a rebuild sees one state of the portal. Photo bytes are
// never needed: a snapshot holds captions and times only.
type txSource struct{ tx *bolt.Tx }

var _ docinput.Source = txSource{}

func txDecodeAll[T any](tx *bolt.Tx, entity string, each func(T)) error {
	prefix := recordKey(entity, "")
	c := tx.Bucket(bRecords).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		// Only what the rebuild reads: the clocks and origin are skipped.
		var r struct {
			Deleted bool            `json:"deleted"`
			Data    json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		if r.Deleted || len(r.Data) == 0 {
			continue
		}
		var x T
		if err := json.Unmarshal(r.Data, &x); err != nil {
			return err
		}
		each(x)
	}
	return nil
}

func (s txSource) Projects() ([]sv.Project, error) {
	var out []sv.Project
	err := txDecodeAll(s.tx, portal.EntityProject, func(p sv.Project) { out = append(out, p) })
	return out, err
}

func (s txSource) Templates() ([]sv.Template, error) {
	var out []sv.Template
	err := txDecodeAll(s.tx, portal.EntityTemplate, func(t sv.Template) { out = append(out, t) })
	return out, err
}

func (s txSource) FindingRecords() ([]sv.Finding, error) {
	var out []sv.Finding
	err := txDecodeAll(s.tx, portal.EntityFinding, func(f sv.Finding) { out = append(out, f) })
	return out, err
}

// VisitsWithAnswers joins each visit with its answer records, as the
// laptop's store holds them.
func (s txSource) VisitsWithAnswers() ([]sv.Visit, error) {
	var out []sv.Visit
	index := map[string]int{}
	if err := txDecodeAll(s.tx, portal.EntityVisit, func(in sv.Visit) {
		in.Answers = map[string]sv.Answer{}
		index[in.ID] = len(out)
		out = append(out, in)
	}); err != nil {
		return nil, err
	}
	err := txDecodeAll(s.tx, portal.EntityAnswer, func(a portal.AnswerData) {
		if i, ok := index[a.VisitID]; ok {
			out[i].Answers[a.ItemKey] = a.Answer
		}
	})
	return out, err
}

func (s txSource) Photo(hash string) (sv.Photo, error) {
	r, ok, err := getRecord(s.tx, portal.EntityPhoto, hash)
	if err != nil || !ok || r.Deleted || len(r.Data) == 0 {
		return sv.Photo{}, translate.Errorf(sv.ENotFound, "storage.error.photo_not_found", hash)
	}
	var p sv.Photo
	return p, json.Unmarshal(r.Data, &p)
}

func (s txSource) RegisterObservations(projectID string) ([]sv.Observation, error) {
	var out []sv.Observation
	prefix := append([]byte(projectID), 0)
	c := s.tx.Bucket(bObservations).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var o sv.Observation
		if err := json.Unmarshal(v, &o); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// Snapshot rebuilds the snapshot req names from the portal's records, as
// they stand in one read transaction.
func (d *DB) Snapshot(req portal.SnapshotRequest) (portal.SnapshotResponse, error) {
	var snap docinput.Snapshot
	err := d.bolt.View(func(tx *bolt.Tx) error {
		var err error
		snap, err = docinput.Rebuild(txSource{tx}, snapshotVersion(req), req.Kind, req.ID, req.Time, req.AsOf, req.Projects)
		return err
	})
	if err != nil {
		return portal.SnapshotResponse{}, err
	}
	out := portal.SnapshotResponse{Digest: snap.Digest, Projects: []portal.SnapshotProject{}}
	for _, p := range snap.Projects {
		out.Projects = append(out.Projects, portal.SnapshotProject{ID: p.ID, Digest: p.Digest})
	}
	return out, nil
}

var (
	briefIDRE = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)
	tourIDRE  = regexp.MustCompile(`^\d{4}Q[1-4]$`)
)

// snapshotVersion is the serialisation req asks for: a laptop from before
// s2 names none, and its documents are all s1.
func snapshotVersion(req portal.SnapshotRequest) string {
	if req.Version == "" {
		return "s1"
	}
	return req.Version
}

// checkSnapshotRequest refuses a request no printed document could make,
// or made in a version this portal does not know (a laptop newer than the
// portal), before any record is read.
func checkSnapshotRequest(req portal.SnapshotRequest) *sv.Error {
	if v := snapshotVersion(req); !docinput.KnownSnapshotVersion(v) {
		return translate.Errorf(sv.EInvalid, "portal.server.error.unknown_snapshot_version", short(v))
	}
	switch {
	case req.Kind == "brief" && briefIDRE.MatchString(req.ID):
	case req.Kind == "tour" && tourIDRE.MatchString(req.ID):
	default:
		return translate.Errorf(sv.EInvalid, "portal.server.error.not_a_printed_brief_or_tour", short(req.Kind), short(req.ID))
	}
	if req.Time.IsZero() || req.AsOf.IsZero() {
		return translate.Errorf(sv.EInvalid, "portal.server.error.not_a_printed_brief_or_tour", short(req.Kind), short(req.ID))
	}
	if len(req.Projects) > portal.MaxSnapshotProjects {
		return translate.Errorf(sv.EInvalid, "portal.server.error.the_snapshot_names_too_many_projects", portal.MaxSnapshotProjects)
	}
	seen := map[string]bool{}
	for _, id := range req.Projects {
		if id == "" || len(id) > 200 || seen[id] {
			// A printed tour visits each project once.
			return translate.Errorf(sv.EInvalid, "portal.server.error.not_a_printed_brief_or_tour", short(req.Kind), short(req.ID))
		}
		seen[id] = true
	}
	return nil
}

// handleSnapshot answers a laptop verifying a printed brief or tour pack:
// the portal's digests of the same snapshot. It only reads.
func (s *Server) handleSnapshot(w http.ResponseWriter, r *http.Request) {
	var req portal.SnapshotRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	if e := checkSnapshotRequest(req); e != nil {
		writeError(w, http.StatusBadRequest, e)
		return
	}
	out, err := s.db.Snapshot(req)
	if err != nil {
		s.refuse(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
