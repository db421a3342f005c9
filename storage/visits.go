package storage

import (
	"bytes"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal/wire"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

const visitTimeLayout = "2006-01-02T15:04:05.000000000Z"

func visitKey(projectID string, started time.Time, id string) []byte {
	var b bytes.Buffer
	b.WriteString(projectID)
	b.WriteByte(0)
	b.WriteString(started.UTC().Format(visitTimeLayout))
	b.WriteByte(0)
	b.WriteString(id)
	return b.Bytes()
}

func parseVisitKey(rest []byte) (time.Time, string, bool) {
	i := bytes.IndexByte(rest, 0)
	if i < 0 {
		return time.Time{}, "", false
	}
	t, err := time.Parse(visitTimeLayout, string(rest[:i]))
	return t, string(rest[i+1:]), err == nil
}

func answerKey(visitID, itemKey string) []byte {
	k := make([]byte, 0, len(visitID)+1+len(itemKey))
	k = append(k, visitID...)
	k = append(k, 0)
	return append(k, itemKey...)
}

// writeVisit stores the visit's header (answers live in their own
// bucket) and keeps the project's visit index and summary in step.
func writeVisit(tx *bolt.Tx, in sv.Visit, now time.Time) error {
	b := tx.Bucket(bVisits)
	if old := b.Get([]byte(in.ID)); old != nil {
		var prev sv.Visit
		if err := decode(old, &prev, "inspection"); err != nil {
			return err
		}
		if err := tx.Bucket(bVisitIndex).Delete(visitKey(prev.ProjectID, prev.StartedAt, prev.ID)); err != nil {
			return err
		}
		if prev.ProjectID != in.ProjectID {
			return translate.Errorf(sv.EConflict, "storage.error.a_visit_cannot_move_to_another")
		}
	}
	header := in
	header.Answers = nil
	if err := put(b, []byte(in.ID), header); err != nil {
		return err
	}
	if err := tx.Bucket(bVisitIndex).Put(visitKey(in.ProjectID, in.StartedAt, in.ID), []byte(in.Status)); err != nil {
		return err
	}
	if err := indexPhotoRefs(tx, visitRef(in.ID), in.Photos); err != nil {
		return err
	}
	return refreshSummary(tx, in.ProjectID, now)
}

func getVisit(tx *bolt.Tx, id string, in *sv.Visit, withAnswers bool) error {
	v := tx.Bucket(bVisits).Get([]byte(id))
	if v == nil {
		return translate.Errorf(sv.ENotFound, "storage.error.visit_not_found", id)
	}
	if err := decode(v, in, "inspection"); err != nil {
		return err
	}
	if !withAnswers {
		return nil
	}
	in.Answers = map[string]sv.Answer{}
	prefix := append([]byte(id), 0)
	c := tx.Bucket(bAnswers).Cursor()
	for k, v := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, v = c.Next() {
		var a sv.Answer
		if err := decode(v, &a, "answer"); err != nil {
			return err
		}
		in.Answers[a.ItemKey] = a
	}
	return nil
}

// CreateVisit stores a new visit (a draft, or an amendment copied from
// a submitted one) with its answers.
func (s *Store) CreateVisit(in sv.Visit) error {
	now := s.now()
	return s.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bVisits).Get([]byte(in.ID)) != nil {
			return translate.Errorf(sv.EConflict, "storage.error.visit_already_exists", in.ID)
		}
		var p sv.Project
		if err := getProject(tx, in.ProjectID, &p); err != nil {
			return err
		}
		var t sv.Template
		if err := getTemplate(tx, in.TemplateID, in.TemplateVersion, &t); err != nil {
			return err
		}
		if err := writeVisit(tx, in, now); err != nil {
			return err
		}
		header := in
		header.Answers = nil
		if err := enqueue(tx, now, wire.EntityVisit, in.ID, wire.OpPut, header); err != nil {
			return err
		}
		for _, a := range in.Answers {
			if err := putAnswer(tx, in.ID, a, now); err != nil {
				return err
			}
		}
		return nil
	})
}

func putAnswer(tx *bolt.Tx, visitID string, a sv.Answer, now time.Time) error {
	if err := storeAnswer(tx, visitID, a); err != nil {
		return err
	}
	return enqueue(tx, now, wire.EntityAnswer, visitID+"/"+a.ItemKey, wire.OpPut, answerChange{VisitID: visitID, Answer: a})
}

// storeAnswer writes an answer and the photos it lists into the photo
// index: every path that writes an answer comes through here.
func storeAnswer(tx *bolt.Tx, visitID string, a sv.Answer) error {
	if err := put(tx.Bucket(bAnswers), answerKey(visitID, a.ItemKey), a); err != nil {
		return err
	}
	return indexPhotoRefs(tx, answerRef(visitID, a.ItemKey), a.Photos)
}

// answerChange is the outbox payload of an answer: the answer and its visit.
type answerChange struct {
	VisitID string `json:"inspection_id"`
	sv.Answer
}

// StartVisit creates a draft visit of a project with the newest version
// of its template, ready for answers.
func (s *Store) StartVisit(projectID string, inspectors []string) (sv.Visit, error) {
	now := s.now()
	var in sv.Visit
	err := s.update(func(tx *bolt.Tx) error {
		var p sv.Project
		if err := getProject(tx, projectID, &p); err != nil {
			return err
		}
		var t sv.Template
		if err := latestTemplate(tx, p.TemplateID, &t); err != nil {
			return err
		}
		in = sv.NewVisit(sv.NewID(now), p, t, inspectors, now)
		if err := writeVisit(tx, in, now); err != nil {
			return err
		}
		return enqueue(tx, now, wire.EntityVisit, in.ID, wire.OpPut, in)
	})
	return in, err
}

// Visit returns a visit with all its answers.
func (s *Store) Visit(id string) (sv.Visit, error) {
	var in sv.Visit
	err := s.view(func(tx *bolt.Tx) error { return getVisit(tx, id, &in, true) })
	return in, err
}

// SaveAnswer checks an answer against its item and saves it at once, with
// its outbox entry: the checklist has no save button.
func (s *Store) SaveAnswer(visitID string, a sv.Answer) error {
	now := s.now()
	if a.AnsweredAt.IsZero() {
		a.AnsweredAt = now
	}
	return s.update(func(tx *bolt.Tx) error {
		var in sv.Visit
		if err := getVisit(tx, visitID, &in, false); err != nil {
			return err
		}
		var t sv.Template
		if err := s.cachedTemplate(tx, in.TemplateID, in.TemplateVersion, &t); err != nil {
			return err
		}
		// SetAnswer runs the domain's checks (draft only, item exists, value fits).
		if err := in.SetAnswer(t, a); err != nil {
			return err
		}
		return putAnswer(tx, visitID, a, now)
	})
}

// UpdateVisit saves a draft's header: inspectors, departments present,
// weather, summary. Answers are saved with SaveAnswer.
func (s *Store) UpdateVisit(in sv.Visit) error {
	now := s.now()
	return s.update(func(tx *bolt.Tx) error {
		var cur sv.Visit
		if err := getVisit(tx, in.ID, &cur, false); err != nil {
			return err
		}
		if err := cur.CheckChange(); err != nil {
			return err
		}
		// Only the header fields a person edits; identity and state stay.
		cur.Inspectors = in.Inspectors
		cur.DepartmentsPresent = in.DepartmentsPresent
		cur.Weather = in.Weather
		cur.Summary = in.Summary
		if err := writeVisit(tx, cur, now); err != nil {
			return err
		}
		return enqueue(tx, now, wire.EntityVisit, cur.ID, wire.OpPut, cur)
	})
}

// SubmitVisit checks the visit is complete and makes it final.
func (s *Store) SubmitVisit(id string) (sv.Visit, error) {
	now := s.now()
	var in sv.Visit
	err := s.update(func(tx *bolt.Tx) error {
		if err := getVisit(tx, id, &in, true); err != nil {
			return err
		}
		var t sv.Template
		if err := getTemplate(tx, in.TemplateID, in.TemplateVersion, &t); err != nil {
			return err
		}
		if err := in.Submit(t, now); err != nil {
			return err
		}
		if err := writeVisit(tx, in, now); err != nil {
			return err
		}
		header := in
		header.Answers = nil
		return enqueue(tx, now, wire.EntityVisit, in.ID, wire.OpPut, header)
	})
	return in, err
}

// AmendVisit starts a draft correction of a submitted visit. The
// original stays as it was.
func (s *Store) AmendVisit(id string) (sv.Visit, error) {
	var orig sv.Visit
	if err := s.view(func(tx *bolt.Tx) error { return getVisit(tx, id, &orig, true) }); err != nil {
		return sv.Visit{}, err
	}
	am, err := orig.Amend(sv.NewID(s.now()))
	if err != nil {
		return sv.Visit{}, err
	}
	return am, s.CreateVisit(am)
}

// DeleteDraft removes a draft visit that was started by mistake. Submitted
// visits are evidence and cannot be deleted.
func (s *Store) DeleteDraft(id string) error {
	now := s.now()
	return s.update(func(tx *bolt.Tx) error {
		var in sv.Visit
		if err := getVisit(tx, id, &in, false); err != nil {
			return err
		}
		if err := in.CheckDelete(); err != nil {
			return err
		}
		if err := removeVisit(tx, id, now); err != nil {
			return err
		}
		return enqueue(tx, now, wire.EntityVisit, id, wire.OpDelete, nil)
	})
}

// ProjectVisits returns a project's visits, newest first, without answers.
// It reads the project's index, not every visit.
func (s *Store) ProjectVisits(projectID string) ([]sv.Visit, error) {
	var out []sv.Visit
	err := s.view(func(tx *bolt.Tx) error {
		prefix := append([]byte(projectID), 0)
		c := tx.Bucket(bVisitIndex).Cursor()
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
			_, id, ok := parseVisitKey(k[len(prefix):])
			if !ok {
				continue
			}
			var in sv.Visit
			if err := getVisit(tx, id, &in, false); err != nil {
				return err
			}
			out = append(out, in)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartedAt.After(out[j].StartedAt) })
	return out, err
}

// Visits returns every visit header, newest first; projectID narrows
// the list to one project when not empty.
func (s *Store) Visits(projectID string) ([]sv.Visit, error) {
	if projectID != "" {
		return s.ProjectVisits(projectID)
	}
	var out []sv.Visit
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bVisits).ForEach(func(k, v []byte) error {
			var in sv.Visit
			if err := decode(v, &in, "inspection"); err != nil {
				return err
			}
			out = append(out, in)
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartedAt.After(out[j].StartedAt) })
	return out, err
}

// VisitsWithAnswers returns every visit with its answers, in one read
// of each bucket: what the briefs need to pick each project's latest visit
// and photos.
func (s *Store) VisitsWithAnswers() ([]sv.Visit, error) {
	var out []sv.Visit
	err := s.view(func(tx *bolt.Tx) error {
		index := map[string]int{}
		if err := tx.Bucket(bVisits).ForEach(func(k, v []byte) error {
			var in sv.Visit
			if err := decode(v, &in, "inspection"); err != nil {
				return err
			}
			in.Answers = map[string]sv.Answer{}
			index[in.ID] = len(out)
			out = append(out, in)
			return nil
		}); err != nil {
			return err
		}
		return tx.Bucket(bAnswers).ForEach(func(k, v []byte) error {
			id, _, _ := cutZero(k)
			i, ok := index[string(id)]
			if !ok {
				return nil
			}
			var a sv.Answer
			if err := decode(v, &a, "answer"); err != nil {
				return err
			}
			out[i].Answers[a.ItemKey] = a
			return nil
		})
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartedAt.After(out[j].StartedAt) })
	return out, err
}
