package storage

import (
	"bytes"
	"encoding/json"
	"sort"

	bolt "go.etcd.io/bbolt"

	sv "fieldbrief/supervision"
)

// The methods in this file serve the window's lists. They return the same
// records as their general counterparts but read less, so that a list over
// five years of history opens without a visible pause.

// skipped is a JSON value read over and thrown away: what a list does not show.
type skipped struct{}

func (*skipped) UnmarshalJSON([]byte) error { return nil }

// findingHead is a finding without its notes and history: the outer fields
// shadow the embedded ones, so the decoder skips those arrays instead of
// building them.
type findingHead struct {
	sv.Finding
	Notes   skipped `json:"notes"`
	History skipped `json:"history"`
}

// FindingRows returns the findings that match filter, in the order of
// Findings, without their notes and history (Finding reads one whole). A
// filter on active findings walks the index of active findings; a project
// filter skips other projects' records before decoding them.
func (s *Store) FindingRows(filter FindingFilter) ([]sv.Finding, error) {
	var out []sv.Finding
	var needle []byte
	if filter.ProjectID != "" {
		id, _ := json.Marshal(filter.ProjectID)
		needle = append([]byte(`"project_id":`), id...)
	}
	keep := func(v []byte) error {
		if needle != nil && !bytes.Contains(v, needle) {
			return nil
		}
		var h findingHead
		if err := decode(v, &h, "finding"); err != nil {
			return err
		}
		if filter.match(h.Finding) {
			out = append(out, h.Finding)
		}
		return nil
	}
	activeOnly := filter.ActiveOnly || (filter.Status != "" && filter.Status.Active())
	err := s.view(func(tx *bolt.Tx) error {
		if !activeOnly {
			return tx.Bucket(bFindings).ForEach(func(_, v []byte) error { return keep(v) })
		}
		findings := tx.Bucket(bFindings)
		var prefix []byte
		if filter.ProjectID != "" {
			prefix = append([]byte(filter.ProjectID), 0)
		}
		c := tx.Bucket(bActiveIndex).Cursor()
		for k, _ := c.Seek(prefix); k != nil && hasPrefix(k, prefix); k, _ = c.Next() {
			i := bytes.IndexByte(k, 0)
			if i < 0 {
				continue
			}
			v := findings.Get(k[i+1:])
			if v == nil {
				return sv.Errorf(sv.ENotFound, "找不到问题 %s。", "Finding %s not found.", string(k[i+1:]))
			}
			if err := keep(v); err != nil {
				return err
			}
		}
		return nil
	})
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
	return out, err
}

// UnitNames returns what ResponsibleUnits does, reading only the unit out
// of each record instead of decoding it.
func (s *Store) UnitNames() ([]string, error) {
	seen := map[string]bool{}
	key := []byte(`"responsible_unit":`)
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Bucket(bFindings).ForEach(func(k, v []byte) error {
			i := bytes.Index(v, key)
			if i < 0 {
				return nil
			}
			// The value is a JSON string; the decoder reads just that token.
			var unit string
			if err := json.NewDecoder(bytes.NewReader(v[i+len(key):])).Decode(&unit); err != nil {
				return sv.Wrap(err, sv.EInternal,
					"数据记录（问题）无法读取。请运行 fieldbrief check 检查数据。",
					"A data record (finding) cannot be read. Run fieldbrief check.")
			}
			seen[unit] = true
			return nil
		})
	})
	out := make([]string, 0, len(seen))
	for u := range seen {
		if u != "" {
			out = append(out, u)
		}
	}
	sort.Strings(out)
	return out, err
}
