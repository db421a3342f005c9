package storage

import (
	"slices"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal/wire"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// writeFinding stores a change the user made to a finding, with its
// index entries and its outbox entry.
func writeFinding(tx *bolt.Tx, f sv.Finding, now time.Time) error {
	if err := storeFinding(tx, f); err != nil {
		return err
	}
	return enqueue(tx, now, wire.EntityFinding, f.ID, wire.OpPut, f)
}

func getFinding(tx *bolt.Tx, id string, f *sv.Finding) error {
	v := tx.Bucket(bFindings).Get([]byte(id))
	if v == nil {
		return translate.Errorf(sv.ENotFound, "storage.error.finding_not_found", id)
	}
	return decode(v, f, "finding")
}

// CreateFinding stores a new finding after checking it.
func (s *Store) CreateFinding(f sv.Finding) error {
	now := s.now()
	if f.CreatedAt.IsZero() {
		f.CreatedAt = now
	}
	if f.UpdatedAt.IsZero() {
		f.UpdatedAt = f.CreatedAt
	}
	if f.Status == "" {
		f.Status = sv.StatusOpen
	}
	if err := f.CheckCreate(); err != nil {
		return err
	}
	if err := f.Validate(); err != nil {
		return err
	}
	return s.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bFindings).Get([]byte(f.ID)) != nil {
			return translate.Errorf(sv.EConflict, "storage.error.finding_already_exists", f.ID)
		}
		var p sv.Project
		if err := getProject(tx, f.ProjectID, &p); err != nil {
			return err
		}
		return writeFinding(tx, f, now)
	})
}

// Finding returns one finding with its notes and history.
func (s *Store) Finding(id string) (sv.Finding, error) {
	var f sv.Finding
	err := s.view(func(tx *bolt.Tx) error { return getFinding(tx, id, &f) })
	return f, err
}

// modifyFinding reads, changes and writes a finding in one transaction, so
// two windows changing the same finding cannot lose each other's change.
func (s *Store) modifyFinding(id string, change func(f *sv.Finding, now time.Time) error) (sv.Finding, error) {
	now := s.now()
	var f sv.Finding
	err := s.update(func(tx *bolt.Tx) error {
		if err := getFinding(tx, id, &f); err != nil {
			return err
		}
		if err := change(&f, now); err != nil {
			return err
		}
		if err := f.Validate(); err != nil {
			return err
		}
		return writeFinding(tx, f, now)
	})
	return f, err
}

// MoveFinding applies one workflow step; the domain decides whether it is
// allowed for m.Role, the role of who signed in on this laptop (an
// inspector when no one did). The move gets its id here, so the portal
// knows it again when the history is sent again.
func (s *Store) MoveFinding(id string, m sv.Move) (sv.Finding, error) {
	return s.modifyFinding(id, func(f *sv.Finding, now time.Time) error {
		if m.At.IsZero() {
			m.At = now
		}
		if m.ID == "" {
			m.ID = sv.NewID(now)
		}
		return f.Apply(m)
	})
}

// AddFindingNote appends a note to a finding.
func (s *Store) AddFindingNote(id string, n sv.Note) (sv.Finding, error) {
	return s.modifyFinding(id, func(f *sv.Finding, now time.Time) error {
		if n.At.IsZero() {
			n.At = now
		}
		if n.ID == "" {
			n.ID = sv.NewID(now)
		}
		return f.AddNote(n)
	})
}

// FindingEdit holds the fields of a finding that may be edited while it is active.
type FindingEdit struct {
	Description     string
	ResponsibleUnit string
	Deadline        sv.Date
	Severity        sv.Severity
	Category        sv.Category
}

// EditFinding changes the descriptive fields of an active finding. A closed
// or withdrawn finding is a record and stays as it was.
func (s *Store) EditFinding(id string, e FindingEdit) (sv.Finding, error) {
	return s.modifyFinding(id, func(f *sv.Finding, now time.Time) error {
		if err := f.CheckEdit(); err != nil {
			return err
		}
		f.Description, f.ResponsibleUnit, f.Deadline = e.Description, e.ResponsibleUnit, e.Deadline
		f.Severity, f.Category = e.Severity, e.Category
		f.UpdatedAt = now
		return nil
	})
}

// FindingFilter narrows Findings. Zero fields do not filter.
type FindingFilter struct {
	ProjectID       string
	Status          sv.Status
	ActiveOnly      bool
	ResponsibleUnit string
	// OverdueAt, when set, keeps only findings overdue at that time.
	OverdueAt time.Time
	// Text keeps findings whose description or unit contains it, Latin
	// letters in any case ("dn300" finds DN300).
	Text string
	// TextUnits, with Text, also keeps findings whose responsible unit is
	// one of these: the window matches unit names by pinyin and passes the
	// ones that match.
	TextUnits []string
}

func (ff FindingFilter) match(f sv.Finding) bool {
	switch {
	case ff.ProjectID != "" && f.ProjectID != ff.ProjectID,
		ff.Status != "" && f.Status != ff.Status,
		ff.ActiveOnly && !f.Status.Active(),
		ff.ResponsibleUnit != "" && f.ResponsibleUnit != ff.ResponsibleUnit,
		!ff.OverdueAt.IsZero() && !f.Overdue(ff.OverdueAt),
		ff.Text != "" && !ff.textMatches(f):
		return false
	}
	return true
}

func (ff FindingFilter) textMatches(f sv.Finding) bool {
	q := strings.ToLower(ff.Text)
	return strings.Contains(strings.ToLower(f.Description), q) || strings.Contains(strings.ToLower(f.ResponsibleUnit), q) ||
		slices.Contains(ff.TextUnits, f.ResponsibleUnit)
}

// ActiveFindings returns a project's active findings through the index,
// without reading its closed history: what a new visit re-checks.
func (s *Store) ActiveFindings(projectID string) ([]sv.Finding, error) {
	var out []sv.Finding
	err := s.view(func(tx *bolt.Tx) error {
		prefix := append([]byte(projectID), 0)
		c := tx.Bucket(bActiveIndex).Cursor()
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
			var f sv.Finding
			if err := getFinding(tx, string(k[len(prefix):]), &f); err != nil {
				return err
			}
			out = append(out, f)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Deadline < out[j].Deadline })
	return out, err
}

// sortFindings puts active findings first, then orders by deadline, the
// order every list of findings shows.
func sortFindings(out []sv.Finding) {
	sort.SliceStable(out, func(i, j int) bool {
		ai, aj := out[i].Status.Active(), out[j].Status.Active()
		if ai != aj {
			return ai
		}
		if out[i].Deadline != out[j].Deadline {
			return out[i].Deadline < out[j].Deadline
		}
		return out[i].ID < out[j].ID
	})
}
