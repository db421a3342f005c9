package server

import (
	"encoding/json"
	"sync"

	tusd "github.com/tus/tusd/v2/pkg/handler"
	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// A laptop pushes its records and uploads its photos side by side, so a
// photo's bytes may come before the record that names it. Uploads of
// photos no record names yet are allowed, but only so many per user: the
// disk cannot be filled with photos nobody's record will ever show
// (docs/decisions/0023). Limits.UploadQuota bounds their bytes.
const unannouncedCount = 2000

// uploadQuota counts, per user, the uploads of photos no record named when
// they started. An entry leaves once a record names its photo. It is kept
// in memory: a restart forgets it, which costs at most one more quota.
type uploadQuota struct {
	mu      sync.Mutex
	pending map[string]map[string]int64 // user → hash → bytes
}

func newUploadQuota() *uploadQuota { return &uploadQuota{pending: map[string]map[string]int64{}} }

// admit reports whether user may start an upload of size bytes of the
// photo hash, counting it when no record names it.
func (s *Server) admitUpload(user, hash string, size int64) *sv.Error {
	q := s.quota
	q.mu.Lock()
	defer q.mu.Unlock()
	mine := q.pending[user]
	hashes := make([]string, 0, len(mine)+1)
	for h := range mine {
		hashes = append(hashes, h)
	}
	hashes = append(hashes, hash)
	named, err := s.photosNamed(hashes)
	if err != nil {
		return translate.Errorf(sv.EInternal, "portal.server.error.the_portal_failed_to_read_its")
	}
	if named[hash] {
		return nil
	}
	var total int64
	for h, n := range mine {
		if named[h] {
			delete(mine, h)
			continue
		}
		total += n
	}
	if _, again := mine[hash]; again {
		return nil // a restarted upload of the same photo
	}
	if len(mine) >= unannouncedCount || total+size > s.opts.Limits.UploadQuota {
		return translate.Errorf(portal.ErrTooLarge, "portal.server.error.the_portal_holds_of_your_photos", len(mine), total>>20)
	}
	if mine == nil {
		mine = map[string]int64{}
		q.pending[user] = mine
	}
	mine[hash] = size
	return nil
}

// photosNamed reports which of hashes a photo record names.
func (s *Server) photosNamed(hashes []string) (map[string]bool, error) {
	out := make(map[string]bool, len(hashes))
	err := s.db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bRecords)
		for _, h := range hashes {
			if v := b.Get(recordKey(portal.EntityPhoto, h)); v != nil {
				var r storedRecord
				if json.Unmarshal(v, &r) == nil && !r.Deleted {
					out[h] = true
				}
			}
		}
		return nil
	})
	return out, err
}

// tusRefusal is a refusal from a tus hook, with the JSON body every other
// refusal has, so the laptop shows its message.
func tusRefusal(status int, e *sv.Error) tusd.Error {
	body, _ := json.Marshal(portal.ErrorBody{Code: e.Code, Zh: e.Zh, En: e.En})
	return tusd.Error{ErrorCode: "ERR_" + string(e.Code), Message: e.En,
		HTTPResponse: tusd.HTTPResponse{StatusCode: status, Body: string(body) + "\n",
			Header: tusd.HTTPHeader{"Content-Type": "application/json; charset=utf-8"}}}
}
