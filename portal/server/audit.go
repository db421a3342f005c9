package server

import (
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// bAudit holds the audit log: sequence number (8 bytes BE) → portal.AuditEntry.
// It is made at the first entry, so a portal's data from before the log
// needs no migration.
var bAudit = []byte("audit")

// audit records an administrative action taken by the request's user:
// who, when, from where (the local admin socket or a remote address),
// what, on what, and any detail worth keeping (never a password). A
// failure to record is logged and does not undo the action, which is
// already done and answered for; the portal's log has it too.
func (s *Server) audit(r *http.Request, action, target string, detail any) {
	e := portal.AuditEntry{At: s.opts.Now().UTC(), Who: userFrom(r.Context()).Name, From: remoteOf(r), Action: action, Target: target}
	if detail != nil {
		raw, err := json.Marshal(detail)
		if err == nil {
			e.Detail = raw
		}
	}
	err := s.db.bolt.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists(bAudit)
		if err != nil {
			return err
		}
		seq, err := b.NextSequence()
		if err != nil {
			return err
		}
		e.Seq = seq
		return putJSON(b, u64(seq), e)
	})
	s.log.Info("audit", "action", action, "target", target, "who", e.Who, "from", e.From)
	if err != nil {
		s.log.Error("audit log", "action", action, "target", target, "err", err)
	}
}

// remoteOf names where a request came from: "local" for the admin socket
// and a stopped portal's folder, else the peer's address (never a header
// a client could set).
func remoteOf(r *http.Request) string {
	if _, ok := r.Context().Value(localKey{}).(principal); ok {
		return "local"
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// Audit returns up to limit entries at or after since, oldest first: the
// latest ones when there are more.
func (d *DB) Audit(since time.Time, limit int) ([]portal.AuditEntry, error) {
	out := []portal.AuditEntry{}
	err := d.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		if b == nil {
			return nil
		}
		c := b.Cursor()
		for k, v := c.Last(); k != nil && len(out) < limit; k, v = c.Prev() {
			var e portal.AuditEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if e.At.Before(since) {
				break
			}
			out = append(out, e)
		}
		return nil
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, err
}

const maxAuditPage = 10000

func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request) {
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := parseSince(v)
		if err != nil {
			writeError(w, http.StatusBadRequest, translate.Errorf(sv.EInvalid, "portal.server.error.since_must_be_a_date_2026"))
			return
		}
		since = t
	}
	limit := 1000
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxAuditPage {
			writeError(w, http.StatusBadRequest, translate.Errorf(sv.EInvalid, "portal.server.error.limit_must_be_between_1_and", maxAuditPage))
			return
		}
		limit = n
	}
	entries, err := s.db.Audit(since, limit)
	if err != nil {
		s.internal(w, err)
		return
	}
	writeJSONTo(w, r, http.StatusOK, entries)
}

// parseSince reads a date (taken as the start of that day, UTC) or an RFC
// 3339 time.
func parseSince(v string) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, v)
}
