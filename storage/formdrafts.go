package storage

import (
	"bytes"
	"time"

	bolt "go.etcd.io/bbolt"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// FormDraft is what was typed into one of the window's forms (a finding, a
// note, a status change) and not saved yet. The window keeps it as it is
// typed, so that a flat battery, a crash or a closed window loses none of
// it, and fills the form from it when the form is opened again. It belongs
// to this laptop: it is not a change, and never syncs.
type FormDraft struct {
	// Key names the form and what it is for, such as a new finding of a
	// visit's item; the window makes it.
	Key    string            `json:"key"`
	Fields map[string]string `json:"fields"`
	At     time.Time         `json:"at"`
}

// bFormDrafts holds the drafts: key → FormDraft. Made on the first draft.
var bFormDrafts = []byte("form_drafts")

// SaveFormDraft keeps d, replacing the draft of the same key; At is set to
// now.
func (s *Store) SaveFormDraft(d FormDraft) error {
	d.At = s.now()
	return s.update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bFormDrafts)
		if err != nil {
			return err
		}
		return put(b, []byte(d.Key), d)
	})
}

// FormDraft returns the draft of key; ENotFound when there is none.
func (s *Store) FormDraft(key string) (FormDraft, error) {
	var d FormDraft
	err := s.view(func(tx *bolt.Tx) error {
		var v []byte
		if b := tx.Bucket(bFormDrafts); b != nil {
			v = b.Get([]byte(key))
		}
		if v == nil {
			return translate.Errorf(sv.ENotFound, "storage.error.no_unsaved_form_content")
		}
		return decode(v, &d, "form draft")
	})
	return d, err
}

// FormDrafts returns the drafts whose key starts with prefix, by key.
func (s *Store) FormDrafts(prefix string) ([]FormDraft, error) {
	var out []FormDraft
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bFormDrafts)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Seek([]byte(prefix)); k != nil && bytes.HasPrefix(k, []byte(prefix)); k, v = c.Next() {
			var d FormDraft
			if err := decode(v, &d, "form draft"); err != nil {
				return err
			}
			out = append(out, d)
		}
		return nil
	})
	return out, err
}

// DeleteFormDraft forgets the draft of key, once its form is saved or
// cancelled; no draft is not an error.
func (s *Store) DeleteFormDraft(key string) error {
	return s.update(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bFormDrafts); b != nil {
			return b.Delete([]byte(key))
		}
		return nil
	})
}
