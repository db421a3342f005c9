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

// Keys of the arrays a list leaves out. encoding/json validates a whole
// record before decoding it, byte by byte, and the notes and history are
// most of a closed finding's bytes: cutting them out first halves the cost
// of a list over years of findings.
const (
	notesKey   = `"notes":`
	historyKey = `"history":`
)

// withoutArrays returns the JSON object rec without the members whose keys
// are given, when their values are arrays; rec is returned unchanged when
// a key is absent or its value is not an array. It relies on what
// json.Marshal writes for a Finding: no spaces, each key once at the top
// level, and no nested object using these keys (a note's fields are id,
// at, by, text and photos; a status change has "note", not "notes").
func withoutArrays(rec []byte, keys ...string) []byte {
	out := rec
	copied := false
	for _, key := range keys {
		i := bytes.Index(out, []byte(key))
		if i < 0 {
			continue
		}
		start, end := i, i+len(key)
		if end >= len(out) || out[end] != '[' {
			continue
		}
		end = skipArray(out, end)
		if end < 0 {
			return rec
		}
		// Take one comma with the member: the one before it, or the one
		// after it when it is the first member.
		switch {
		case start > 0 && out[start-1] == ',':
			start--
		case end < len(out) && out[end] == ',':
			end++
		}
		if !copied {
			out = append([]byte(nil), out...)
			copied = true
		}
		out = append(out[:start], out[end:]...)
	}
	return out
}

// skipArray returns the index just past the JSON array that starts at
// rec[i] ('['), or -1 when it does not end.
func skipArray(rec []byte, i int) int {
	depth, inString := 0, false
	for ; i < len(rec); i++ {
		c := rec[i]
		if inString {
			switch c {
			case '\\':
				i++ // the escaped byte cannot end the string
			case '"':
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return -1
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
		if err := decode(withoutArrays(v, notesKey, historyKey), &h, "finding"); err != nil {
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
	sortFindings(out)
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
