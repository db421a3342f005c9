package storage

import (
	"time"

	bolt "go.etcd.io/bbolt"

	sv "fieldbrief/supervision"
)

// bObservations keeps every register figure a project ever had, so a
// document printed as of a past date shows the figures of that date even
// after later pulls replaced the project record: sv.Observation.Key →
// Observation.
// A visit's answers are not copied here: submitted visits are kept forever
// and FiguresAsOf reads their bound answers (decision 0033).
var bObservations = []byte("observations")

// recordRegister keeps the figures of a register record as observations as
// of the record's date (today when it carries none). The key holds the date,
// so a pull of older data adds an older observation and never replaces a
// newer one; a second pull of the same date corrects that date's figures.
func recordRegister(tx *bolt.Tx, p sv.Project, now time.Time) error {
	b := tx.Bucket(bObservations)
	for _, o := range sv.RegisterObservations(p, sv.DateOf(now)) {
		if err := put(b, o.Key(), o); err != nil {
			return err
		}
	}
	return nil
}

// migrateV3toV4 creates the observations bucket and records the figures
// the projects hold now, as of their register date.
func migrateV3toV4(tx *bolt.Tx, now time.Time) error {
	if _, err := tx.CreateBucketIfNotExists(bObservations); err != nil {
		return err
	}
	var projects []sv.Project
	if err := tx.Bucket(bProjects).ForEach(func(k, v []byte) error {
		var p sv.Project
		if err := decode(v, &p, "project"); err != nil {
			return err
		}
		projects = append(projects, p)
		return nil
	}); err != nil {
		return err
	}
	for _, p := range projects {
		if err := recordRegister(tx, p, now); err != nil {
			return err
		}
	}
	return nil
}

// RegisterObservations returns the register's history of a project's
// figures. A caller that has the visits loaded already (a brief) adds their
// sv.VisitObservations itself; Observations does both.
func (s *Store) RegisterObservations(projectID string) ([]sv.Observation, error) {
	var out []sv.Observation
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = registerObservations(tx, projectID)
		return err
	})
	return out, err
}

func registerObservations(tx *bolt.Tx, projectID string) ([]sv.Observation, error) {
	var out []sv.Observation
	prefix := append([]byte(projectID), 0)
	c := tx.Bucket(bObservations).Cursor()
	for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
		var o sv.Observation
		if err := decode(v, &o, "observation"); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

// Observations returns everything known of a project's figures: the
// register's history and the bound answers of its submitted visits.
func (s *Store) Observations(projectID string) ([]sv.Observation, error) {
	var out []sv.Observation
	loc := s.now().Location()
	err := s.view(func(tx *bolt.Tx) error {
		prefix := append([]byte(projectID), 0)
		var err error
		if out, err = registerObservations(tx, projectID); err != nil {
			return err
		}
		vc := tx.Bucket(bVisitIndex).Cursor()
		for k, status := vc.Seek(prefix); k != nil && hasPrefix(k, prefix); k, status = vc.Next() {
			if sv.VisitStatus(status) != sv.Submitted {
				continue
			}
			_, id, ok := parseVisitKey(k[len(prefix):])
			if !ok {
				continue
			}
			var in sv.Visit
			if err := getVisit(tx, id, &in, true); err != nil {
				return err
			}
			var t sv.Template
			if err := s.cachedTemplate(tx, in.TemplateID, in.TemplateVersion, &t); err != nil {
				continue // a visit whose checklist is not here yet observes nothing
			}
			out = append(out, sv.VisitObservations(t, in, loc)...)
		}
		return nil
	})
	return out, err
}

// FiguresAsOf returns a project's figures on date: the one answer the
// dashboard, project page, visit report, brief and tour pack all print.
func (s *Store) FiguresAsOf(projectID string, date sv.Date) (sv.Figures, error) {
	obs, err := s.Observations(projectID)
	if err != nil {
		return sv.Figures{}, err
	}
	return sv.FiguresAsOf(projectID, obs, date), nil
}
