package storage

import (
	"encoding/binary"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// The register (projects and templates) comes from the portal, or from the
// sample data; laptops do not edit it, so it makes no outbox entries.

// ImportRegister stores projects and templates, replacing records with the
// same id (and version, for templates). sample marks the store as holding
// the built-in sample data (示例数据).
func (s *Store) ImportRegister(projects []sv.Project, templates []sv.Template, sample bool) error {
	for _, p := range projects {
		if err := p.Validate(); err != nil {
			return err
		}
	}
	for _, t := range templates {
		if err := t.Validate(); err != nil {
			return err
		}
	}
	now := s.now()
	defer s.templates.Clear()
	return s.update(func(tx *bolt.Tx) error {
		for _, t := range templates {
			if err := put(tx.Bucket(bTemplates), templateKey(t.ID, t.Version), t); err != nil {
				return err
			}
		}
		for _, p := range projects {
			if err := put(tx.Bucket(bProjects), []byte(p.ID), p); err != nil {
				return err
			}
			if err := recordRegister(tx, p, now); err != nil {
				return err
			}
			if err := refreshSummary(tx, p.ID, now); err != nil {
				return err
			}
		}
		if sample {
			return tx.Bucket(bMeta).Put(kSample, []byte("1"))
		}
		return nil
	})
}

// IsEmpty reports whether the store has no projects yet: a first start.
func (s *Store) IsEmpty() (bool, error) {
	var empty bool
	err := s.view(func(tx *bolt.Tx) error {
		k, _ := tx.Bucket(bProjects).Cursor().First()
		empty = k == nil
		return nil
	})
	return empty, err
}

// IsSample reports whether the store holds the built-in sample data.
func (s *Store) IsSample() (bool, error) {
	var sample bool
	err := s.view(func(tx *bolt.Tx) error {
		sample = tx.Bucket(bMeta).Get(kSample) != nil
		return nil
	})
	return sample, err
}

// Project returns one project.
func (s *Store) Project(id string) (sv.Project, error) {
	var p sv.Project
	err := s.view(func(tx *bolt.Tx) error { return getProject(tx, id, &p) })
	return p, err
}

func getProject(tx *bolt.Tx, id string, p *sv.Project) error {
	v := tx.Bucket(bProjects).Get([]byte(id))
	if v == nil {
		return translate.Errorf(sv.ENotFound, "storage.error.project_not_found", id)
	}
	return decode(v, p, "project")
}

// Projects returns every project in register order (by id).
func (s *Store) Projects() ([]sv.Project, error) {
	var out []sv.Project
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bProjects).ForEach(func(k, v []byte) error {
			var p sv.Project
			if err := decode(v, &p, "project"); err != nil {
				return err
			}
			out = append(out, p)
			return nil
		})
	})
	return out, err
}

func templateKey(id string, version int) []byte {
	k := make([]byte, len(id)+1+8)
	copy(k, id)
	binary.BigEndian.PutUint64(k[len(id)+1:], uint64(version))
	return k
}

// Template returns one version of a template.
func (s *Store) Template(id string, version int) (sv.Template, error) {
	var t sv.Template
	err := s.view(func(tx *bolt.Tx) error { return getTemplate(tx, id, version, &t) })
	return t, err
}

// cachedTemplate is getTemplate through the store's cache.
func (s *Store) cachedTemplate(tx *bolt.Tx, id string, version int, t *sv.Template) error {
	key := string(templateKey(id, version))
	if v, ok := s.templates.Load(key); ok {
		*t = v.(sv.Template)
		return nil
	}
	if err := getTemplate(tx, id, version, t); err != nil {
		return err
	}
	s.templates.Store(key, *t)
	return nil
}

func getTemplate(tx *bolt.Tx, id string, version int, t *sv.Template) error {
	v := tx.Bucket(bTemplates).Get(templateKey(id, version))
	if v == nil {
		return translate.Errorf(sv.ENotFound, "storage.error.checklist_version_not_found_sync_with", id, version)
	}
	return decode(v, t, "template")
}

// LatestTemplate returns the newest version of a template: new visits start with it.
func (s *Store) LatestTemplate(id string) (sv.Template, error) {
	var t sv.Template
	err := s.view(func(tx *bolt.Tx) error { return latestTemplate(tx, id, &t) })
	return t, err
}

func latestTemplate(tx *bolt.Tx, id string, t *sv.Template) error {
	prefix := append([]byte(id), 0)
	c := tx.Bucket(bTemplates).Cursor()
	// Seek past the highest possible version, then step back into the prefix.
	k, _ := c.Seek(templateKey(id, 1<<62))
	var v []byte
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	if k == nil || !hasPrefix(k, prefix) {
		return translate.Errorf(sv.ENotFound, "storage.error.checklist_not_found_sync_with_the", id)
	}
	return decode(v, t, "template")
}

// Templates returns every template version, newest version first within an id.
func (s *Store) Templates() ([]sv.Template, error) {
	var out []sv.Template
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bTemplates).ForEach(func(k, v []byte) error {
			var t sv.Template
			if err := decode(v, &t, "template"); err != nil {
				return err
			}
			out = append(out, t)
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		return out[i].Version > out[j].Version
	})
	return out, err
}

// projectSummary is what the dashboard needs of a project's visits, kept
// up to date in every transaction that writes a visit.
type projectSummary struct {
	RegisteredAt time.Time `json:"registered_at"`
	LastVisit    time.Time `json:"last_visit,omitzero"`
	LastVisitID  string    `json:"last_visit_id,omitempty"`
	Visits       int       `json:"visits"`
	Drafts       int       `json:"drafts"`
}

// refreshSummary recomputes a project's summary from its visit index: a
// prefix scan over keys only, a few hundred at most after years of visits.
func refreshSummary(tx *bolt.Tx, projectID string, now time.Time) error {
	b := tx.Bucket(bSummary)
	var sum projectSummary
	if v := b.Get([]byte(projectID)); v != nil {
		if err := decode(v, &sum, "summary"); err != nil {
			return err
		}
	}
	if sum.RegisteredAt.IsZero() {
		sum.RegisteredAt = now.UTC()
	}
	sum.LastVisit, sum.LastVisitID, sum.Visits, sum.Drafts = time.Time{}, "", 0, 0
	prefix := append([]byte(projectID), 0)
	c := tx.Bucket(bVisitIndex).Cursor()
	for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
		started, id, ok := parseVisitKey(k[len(prefix):])
		if !ok {
			continue
		}
		if started.Before(sum.RegisteredAt) {
			sum.RegisteredAt = started
		}
		if string(v) == string(sv.Draft) {
			sum.Drafts++
			continue
		}
		sum.Visits++
		if !started.Before(sum.LastVisit) {
			sum.LastVisit, sum.LastVisitID = started, id
		}
	}
	return put(b, []byte(projectID), sum)
}

func hasPrefix(k, prefix []byte) bool {
	return len(k) >= len(prefix) && string(k[:len(prefix)]) == string(prefix)
}
