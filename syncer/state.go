package syncer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"time"

	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// canonical re-encodes a record through its domain type, so that two
// stores that hold the same record hash alike whatever JSON wrote it; it
// returns the record's id as the protocol names it.
func canonical(entity string, data []byte) (string, []byte, error) {
	var v any
	var id string
	switch entity {
	case portal.EntityProject:
		var p sv.Project
		if err := json.Unmarshal(data, &p); err != nil {
			return "", nil, err
		}
		id, v = p.ID, p
	case portal.EntityTemplate:
		var t sv.Template
		if err := json.Unmarshal(data, &t); err != nil {
			return "", nil, err
		}
		id, v = portal.TemplateID(t.ID, t.Version), t
	case portal.EntityVisit:
		var in sv.Visit
		if err := json.Unmarshal(data, &in); err != nil {
			return "", nil, err
		}
		in.Answers = nil
		id, v = in.ID, in
	case portal.EntityAnswer:
		var a portal.AnswerData
		if err := json.Unmarshal(data, &a); err != nil {
			return "", nil, err
		}
		id, v = a.ItemKey, a.Answer
	case portal.EntityFinding:
		var f sv.Finding
		if err := json.Unmarshal(data, &f); err != nil {
			return "", nil, err
		}
		id, v = f.ID, f
	case portal.EntityPhoto:
		var p sv.Photo
		if err := json.Unmarshal(data, &p); err != nil {
			return "", nil, err
		}
		p.Uploaded = false // this laptop's bookkeeping
		id, v = p.Hash, p
	default:
		return "", nil, nil
	}
	out, err := json.Marshal(v)
	return id, out, err
}

type hasher struct{ lines []string }

func (h *hasher) add(entity, id string, data []byte) error {
	cid, c, err := canonical(entity, data)
	if err != nil {
		return translate.Wrap(err, sv.EInternal, "syncer.error.a_record_cannot_be_read")
	}
	if c == nil {
		return nil
	}
	if entity == portal.EntityAnswer {
		// An answer's own data names only its item; the record id adds the visit.
		cid = id
	}
	sum := sha256.Sum256(c)
	h.lines = append(h.lines, entity+"/"+cid+"\t"+hex.EncodeToString(sum[:]))
	return nil
}

func (h *hasher) sum() string {
	sort.Strings(h.lines)
	s := sha256.New()
	for _, l := range h.lines {
		s.Write([]byte(l + "\n"))
	}
	return hex.EncodeToString(s.Sum(nil))
}

// StateHash hashes every synced record of a laptop store: two stores with
// the same hash hold the same projects, templates, visits, answers,
// findings and photo metadata.
func StateHash(s *storage.Store) (string, error) {
	var h hasher
	if err := s.ForEachRecord(h.add); err != nil {
		return "", err
	}
	return h.sum(), nil
}

// PortalStateHash hashes what the portal holds, read through pull from the
// beginning, the same way StateHash reads a laptop.
func PortalStateHash(ctx context.Context, c *portal.Client) (string, error) {
	var h hasher
	cursor := ""
	for {
		resp, err := c.Pull(ctx, cursor, 1000)
		if err != nil {
			return "", err
		}
		for _, r := range resp.Records {
			if r.Deleted {
				continue
			}
			if err := h.add(r.Entity, r.ID, r.Data); err != nil {
				return "", err
			}
		}
		cursor = resp.Cursor
		if !resp.More {
			return h.sum(), nil
		}
	}
}

// CredentialsFile is the name of the sign-in file in the data folder.
const CredentialsFile = "portal.json"

// Credentials are what a laptop keeps of its sign-in: the portal, the user
// and the token. The file is readable only by its owner.
type Credentials struct {
	Portal    string      `json:"portal"`
	User      portal.User `json:"user"`
	Token     string      `json:"token"`
	ExpiresAt time.Time   `json:"expires_at"`
}

// SaveCredentials writes the sign-in file in dir with mode 0600, replacing
// it atomically.
func SaveCredentials(dir string, c Credentials) error {
	raw, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return translate.Wrap(err, sv.EInternal, "syncer.error.cannot_save_the_sign_in")
	}
	tmp, err := os.CreateTemp(dir, ".portal-*.json")
	if err != nil {
		return translate.Wrap(err, sv.EUnavailable, "syncer.error.cannot_save_the_sign_in_in")
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err == nil {
		_, err = tmp.Write(raw)
		if err == nil {
			err = tmp.Sync()
		}
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), filepath.Join(dir, CredentialsFile))
		}
		if err == nil {
			return nil
		}
	}
	tmp.Close()
	return translate.Wrap(err, sv.EUnavailable, "syncer.error.cannot_save_the_sign_in_in")
}

// LoadCredentials reads the sign-in file in dir; ENotFound when the laptop
// has not signed in.
func LoadCredentials(dir string) (Credentials, error) {
	var c Credentials
	raw, err := os.ReadFile(filepath.Join(dir, CredentialsFile))
	if os.IsNotExist(err) {
		return c, translate.Errorf(sv.ENotFound, "syncer.error.this_laptop_has_not_signed_in")
	}
	if err != nil {
		return c, translate.Wrap(err, sv.EUnavailable, "syncer.error.cannot_read_the_sign_in")
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, translate.Wrap(err, sv.EInvalid, "syncer.error.the_sign_in_file_is_damaged")
	}
	return c, nil
}

// Status is what the laptop's status area and `fieldbrief status` show.
type Status struct {
	PendingChanges    int                `json:"pending_changes"`
	PendingPhotos     int                `json:"pending_photos"`
	PendingPhotoBytes int64              `json:"pending_photo_bytes"`
	LastSync          *time.Time         `json:"last_sync"`
	Rejections        []portal.Rejection `json:"rejections"`
}

// ReadStatus reads the sync status of a store.
func ReadStatus(s *storage.Store) (Status, error) {
	var st Status
	n, err := s.OutboxLen()
	if err != nil {
		return st, err
	}
	st.PendingChanges = n
	photos, err := s.PendingPhotos()
	if err != nil {
		return st, err
	}
	st.PendingPhotos = len(photos)
	for _, p := range photos {
		st.PendingPhotoBytes += p.Size
	}
	ss, err := s.SyncState()
	if err != nil {
		return st, err
	}
	if !ss.LastSync.IsZero() {
		t := ss.LastSync
		st.LastSync = &t
	}
	st.Rejections, err = s.Rejections()
	if st.Rejections == nil {
		st.Rejections = []portal.Rejection{}
	}
	return st, err
}
