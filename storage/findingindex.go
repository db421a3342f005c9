package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// The finding index is written in the same transaction as each finding
// (decision 0004) and holds everything the lists ask, so a list over years
// of findings never reads a finding's record (decision 0040):
//
//   - idx_active: the active findings per project, with status and deadline,
//     for the dashboard;
//   - idx_finding_rows: each finding's list row, the record without its
//     notes and history, encoded once when the finding is written;
//   - idx_project_findings: a project's findings;
//   - idx_units: the responsible units named on findings, with how many.
//
// The photos a finding lists are indexed with the visits' (photolinks.go).
var (
	bFindingRows     = []byte("idx_finding_rows")     // finding id → row (see encodeRow)
	bProjectFindings = []byte("idx_project_findings") // project id, 0, finding id → empty
	bUnits           = []byte("idx_units")            // unit → number of findings naming it (8 bytes BE)
)

// activeEntry is what the dashboard needs of an active finding.
type activeEntry struct {
	Status   sv.Status `json:"status"`
	Deadline sv.Date   `json:"deadline"`
}

// activeKey is the key of idx_active and of idx_project_findings.
func activeKey(projectID, findingID string) []byte {
	k := make([]byte, 0, len(projectID)+1+len(findingID))
	k = append(k, projectID...)
	k = append(k, 0)
	return append(k, findingID...)
}

// storeFinding writes a finding's record and its index entries. Every path
// that writes a finding — the user's changes, a pull, an import — comes
// through here, so the index cannot drift from the records.
func storeFinding(tx *bolt.Tx, f sv.Finding) error {
	if err := put(tx.Bucket(bFindings), []byte(f.ID), f); err != nil {
		return err
	}
	return indexFinding(tx, f)
}

// indexFinding brings every index entry of f in step with f, undoing what
// its previous row put there.
func indexFinding(tx *bolt.Tx, f sv.Finding) error {
	rows := tx.Bucket(bFindingRows)
	oldProject, oldUnit, had := "", "", false
	if v := rows.Get([]byte(f.ID)); v != nil {
		old, err := decodeRow(v)
		if err != nil {
			return err
		}
		oldProject, oldUnit, had = old.ProjectID, old.ResponsibleUnit, true
	}
	if had && oldProject != f.ProjectID {
		if err := tx.Bucket(bProjectFindings).Delete(activeKey(oldProject, f.ID)); err != nil {
			return err
		}
		if err := tx.Bucket(bActiveIndex).Delete(activeKey(oldProject, f.ID)); err != nil {
			return err
		}
	}
	if !had || oldUnit != f.ResponsibleUnit {
		if had {
			if err := countUnit(tx, oldUnit, -1); err != nil {
				return err
			}
		}
		if err := countUnit(tx, f.ResponsibleUnit, +1); err != nil {
			return err
		}
	}
	if err := rows.Put([]byte(f.ID), encodeRow(f)); err != nil {
		return err
	}
	if err := tx.Bucket(bProjectFindings).Put(activeKey(f.ProjectID, f.ID), nil); err != nil {
		return err
	}
	active := tx.Bucket(bActiveIndex)
	if !f.Status.Active() {
		if err := active.Delete(activeKey(f.ProjectID, f.ID)); err != nil {
			return err
		}
	} else if err := put(active, activeKey(f.ProjectID, f.ID), activeEntry{Status: f.Status, Deadline: f.Deadline}); err != nil {
		return err
	}
	return indexPhotoRefs(tx, findingRef(f.ID), findingPhotos(f))
}

// findingPhotos lists every photo a finding shows: before and after the
// fix, in its notes and as the evidence of its moves.
func findingPhotos(f sv.Finding) []string {
	out := slices.Concat(f.PhotosBefore, f.PhotosAfter)
	for _, n := range f.Notes {
		out = append(out, n.Photos...)
	}
	for _, c := range f.History {
		out = append(out, c.Evidence...)
	}
	return out
}

// countUnit adds delta to the number of findings naming unit, dropping the
// unit when none does any more.
func countUnit(tx *bolt.Tx, unit string, delta int64) error {
	if unit == "" {
		return nil
	}
	b := tx.Bucket(bUnits)
	var n int64
	if v := b.Get([]byte(unit)); len(v) == 8 {
		n = int64(binary.BigEndian.Uint64(v))
	}
	n += delta
	if n <= 0 {
		return b.Delete([]byte(unit))
	}
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], uint64(n))
	return b.Put([]byte(unit), v[:])
}

// Findings returns the list rows of the findings that match filter — each
// finding without its notes and history (Finding reads one whole) — active
// first, then by deadline. It reads only the index: active findings
// through idx_active, a project's through idx_project_findings.
func (s *Store) Findings(filter FindingFilter) ([]sv.Finding, error) {
	var out []sv.Finding
	err := s.view(func(tx *bolt.Tx) error {
		rows := tx.Bucket(bFindingRows)
		keep := func(v []byte) error {
			f, err := decodeRow(v)
			if err != nil {
				return err
			}
			if filter.match(f) {
				out = append(out, f)
			}
			return nil
		}
		activeOnly := filter.ActiveOnly || (filter.Status != "" && filter.Status.Active())
		if !activeOnly && filter.ProjectID == "" {
			return rows.ForEach(func(_, v []byte) error { return keep(v) })
		}
		index := tx.Bucket(bProjectFindings)
		if activeOnly {
			index = tx.Bucket(bActiveIndex)
		}
		var prefix []byte
		if filter.ProjectID != "" {
			prefix = append([]byte(filter.ProjectID), 0)
		}
		c := index.Cursor()
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
			_, id, _ := cutZero(k)
			v := rows.Get(id)
			if v == nil {
				return translate.Errorf(sv.EInternal, "storage.error.the_finding_index_lacks_finding_run", string(id))
			}
			if err := keep(v); err != nil {
				return err
			}
		}
		return nil
	})
	sortFindings(out)
	return out, err
}

// FindingRecords returns every finding whole, with its notes and history,
// in the order of Findings: what the reports replay. Lists use Findings.
func (s *Store) FindingRecords() ([]sv.Finding, error) {
	var out []sv.Finding
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bFindings).ForEach(func(_, v []byte) error {
			var f sv.Finding
			if err := decode(v, &f, "finding"); err != nil {
				return err
			}
			out = append(out, f)
			return nil
		})
	})
	sortFindings(out)
	return out, err
}

// ResponsibleUnits lists the units named on findings, sorted, for filters
// and forms.
func (s *Store) ResponsibleUnits() ([]string, error) {
	var out []string
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bUnits).ForEach(func(k, _ []byte) error {
			out = append(out, string(k))
			return nil
		})
	})
	// bbolt orders keys by bytes, which for UTF-8 is the order of
	// sort.Strings; sorting again keeps the promise without relying on it.
	sort.Strings(out)
	return out, err
}

// rowVersion leads every encoded row, so a later layout can tell its rows
// from these and a migration can rebuild them.
const rowVersion = 1

// encodeRow encodes the list row of f: every field but the notes and the
// history, as length-prefixed strings and times in their text form (as
// JSON holds them, so a row decodes to what the record decodes to). A
// hand-written layout because decoding JSON, which validates every byte
// first, is most of what a list costs.
func encodeRow(f sv.Finding) []byte {
	b := make([]byte, 0, 256+len(f.Description))
	b = append(b, rowVersion)
	for _, s := range []string{f.ID, f.ProjectID, f.VisitID, f.ItemKey, string(f.Kind), string(f.Category),
		string(f.Severity), f.Description, f.ResponsibleUnit, string(f.Deadline), string(f.Status), f.CreatedBy, f.VerifiedBy} {
		b = appendString(b, s)
	}
	for _, list := range [][]string{f.PhotosBefore, f.PhotosAfter} {
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, s := range list {
			b = appendString(b, s)
		}
	}
	for _, t := range []time.Time{f.CreatedAt, f.UpdatedAt, f.ClosedAt} {
		text, _ := t.MarshalText() // fails only for years beyond 9999, which Validate refuses
		b = appendString(b, string(text))
	}
	if f.Sample {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// rowReader reads what encodeRow wrote; the first fault sticks.
type rowReader struct {
	b   []byte
	bad bool
}

func (r *rowReader) uvarint() uint64 {
	n, size := binary.Uvarint(r.b)
	if size <= 0 {
		r.bad = true
		return 0
	}
	r.b = r.b[size:]
	return n
}

func (r *rowReader) string() string {
	n := r.uvarint()
	if r.bad || n > uint64(len(r.b)) {
		r.bad = true
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

func (r *rowReader) strings() []string {
	n := r.uvarint()
	if r.bad || n > uint64(len(r.b)) {
		r.bad = true
		return nil
	}
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.string()
	}
	return out
}

func (r *rowReader) time() time.Time {
	var t time.Time
	if s := r.string(); !r.bad && t.UnmarshalText([]byte(s)) != nil {
		r.bad = true
	}
	return t
}

// decodeRow decodes a row written by encodeRow.
func decodeRow(v []byte) (sv.Finding, error) {
	var f sv.Finding
	if len(v) == 0 || v[0] != rowVersion {
		return f, badRow()
	}
	r := rowReader{b: v[1:]}
	f.ID, f.ProjectID, f.VisitID, f.ItemKey = r.string(), r.string(), r.string(), r.string()
	f.Kind, f.Category, f.Severity = sv.FindingKind(r.string()), sv.Category(r.string()), sv.Severity(r.string())
	f.Description, f.ResponsibleUnit = r.string(), r.string()
	f.Deadline, f.Status = sv.Date(r.string()), sv.Status(r.string())
	f.CreatedBy, f.VerifiedBy = r.string(), r.string()
	f.PhotosBefore, f.PhotosAfter = r.strings(), r.strings()
	f.CreatedAt, f.UpdatedAt, f.ClosedAt = r.time(), r.time(), r.time()
	if r.bad || len(r.b) != 1 || r.b[0] > 1 {
		return f, badRow()
	}
	f.Sample = r.b[0] == 1
	return f, nil
}

func badRow() error {
	return translate.Errorf(sv.EInternal, "storage.error.a_row_of_the_finding_index")
}

// rebuildFindingIndex empties the finding index and fills it again from
// the records: the migration to schema 5, which added most of it.
func rebuildFindingIndex(tx *bolt.Tx) error {
	for _, name := range [][]byte{bActiveIndex, bFindingRows, bProjectFindings, bUnits} {
		if err := recreateBucket(tx, name); err != nil {
			return err
		}
	}
	return tx.Bucket(bFindings).ForEach(func(_, v []byte) error {
		var f sv.Finding
		if err := decode(v, &f, "finding"); err != nil {
			return err
		}
		return indexFinding(tx, f)
	})
}

// recreateBucket empties a bucket by deleting and creating it again.
func recreateBucket(tx *bolt.Tx, name []byte) error {
	if tx.Bucket(name) != nil {
		if err := tx.DeleteBucket(name); err != nil {
			return err
		}
	}
	_, err := tx.CreateBucket(name)
	return err
}

// checkFindingIndex reports index entries that disagree with the records,
// for Check.
func checkFindingIndex(tx *bolt.Tx) []error {
	var problems []error
	fb, rows := tx.Bucket(bFindings), tx.Bucket(bFindingRows)
	units := map[string]int64{}
	_ = fb.ForEach(func(k, v []byte) error {
		var f sv.Finding
		if err := decode(v, &f, "finding"); err != nil {
			problems = append(problems, err)
			return nil
		}
		f.Notes, f.History = nil, nil
		if row := rows.Get(k); row == nil || !bytes.Equal(row, encodeRow(f)) {
			problems = append(problems, fmt.Errorf("finding %s has no up-to-date list row", k))
		}
		if tx.Bucket(bProjectFindings).Get(activeKey(f.ProjectID, f.ID)) == nil {
			problems = append(problems, fmt.Errorf("finding %s is missing from its project's index", k))
		}
		if f.ResponsibleUnit != "" {
			units[f.ResponsibleUnit]++
		}
		return nil
	})
	_ = rows.ForEach(func(k, _ []byte) error {
		if fb.Get(k) == nil {
			problems = append(problems, fmt.Errorf("finding row %q names no finding", k))
		}
		return nil
	})
	_ = tx.Bucket(bProjectFindings).ForEach(func(k, _ []byte) error {
		if _, id, _ := cutZero(k); fb.Get(id) == nil {
			problems = append(problems, fmt.Errorf("project index entry %q names no finding", k))
		}
		return nil
	})
	_ = tx.Bucket(bUnits).ForEach(func(k, v []byte) error {
		if len(v) != 8 || int64(binary.BigEndian.Uint64(v)) != units[string(k)] {
			problems = append(problems, fmt.Errorf("unit %q is counted wrong", k))
		}
		delete(units, string(k))
		return nil
	})
	for u := range units {
		problems = append(problems, fmt.Errorf("unit %q is missing from the index", u))
	}
	return problems
}
