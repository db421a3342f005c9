package server

import (
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Devices belong to tokens and users (decision 0024): a sign-in binds its
// token to one device id, a device id to the first user who signs in with
// it, and a push is taken only for the token's own device. An admin may
// reset a device; the id then stays as a marker, so the laptop that holds
// it learns of the reset and registers a new id instead of reusing it.

// bDeviceInfo holds, per device id, its deviceRecord. bDevices keeps only
// the last applied change number, as before (schema 1).
var bDeviceInfo = []byte("device_info")

type deviceRecord struct {
	User      string    `json:"user,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastPush  time.Time `json:"last_push,omitzero"`
	State     string    `json:"state"`
}

func validDeviceID(id string) bool {
	return id != "" && len(id) <= 64 && utf8.ValidString(id) && !strings.ContainsAny(id, "/\x00")
}

func deviceReset(id string) *sv.Error {
	return translate.Errorf(portal.ErrDeviceReset, "portal.server.error.an_administrator_reset_this_laptop_s", id)
}

func deviceOwned(id string) *sv.Error {
	return translate.Errorf(portal.ErrDeviceOwned, "portal.server.error.device_id_belongs_to_another_user", id)
}

// bindDevice makes device the device of a sign-in by user within tx: a new
// id is registered to user, an unowned one (from before devices had
// owners) is claimed, and one owned by another user or reset is refused.
func bindDevice(tx *bolt.Tx, device, user string, now time.Time) *sv.Error {
	if device == "" {
		return nil // a token for tools and browsers: it may not push
	}
	if !validDeviceID(device) {
		return translate.Errorf(sv.EInvalid, "portal.server.error.the_device_id_is_not_valid")
	}
	b := tx.Bucket(bDeviceInfo)
	var d deviceRecord
	ok, err := getJSON(b, []byte(device), &d)
	if err != nil {
		return translate.Errorf(sv.EInternal, "portal.server.error.the_portal_s_device_record_cannot")
	}
	switch {
	case ok && d.State == portal.DeviceReset:
		return deviceReset(device)
	case ok && d.User != "" && d.User != user:
		return deviceOwned(device)
	case !ok:
		d = deviceRecord{FirstSeen: now.UTC(), State: portal.DeviceActive}
	}
	if d.User == user {
		return nil
	}
	d.User = user
	if putJSON(b, []byte(device), d) != nil {
		return translate.Errorf(sv.EInternal, "portal.server.error.the_portal_cannot_save_the_device")
	}
	return nil
}

// checkPushDevice admits a push for device by p: the token must be bound to
// exactly that device, and the device must be p's and not reset. The
// check reads only — a push costs no second fsync — unless the device must
// be recorded or claimed; the push's time is kept in memory (lastPush) and
// written when the portal closes. The status to answer goes with a refusal.
func (s *Server) checkPushDevice(p principal, device string) (int, *sv.Error) {
	if p.Device != device {
		return http.StatusForbidden, translate.Errorf(portal.ErrDeviceMismatch, "portal.server.error.this_sign_in_belongs_to_another", device)
	}
	now := s.opts.Now().UTC()
	status, refusal, write := 0, (*sv.Error)(nil), false
	check := func(tx *bolt.Tx) (deviceRecord, error) {
		var d deviceRecord
		ok, err := getJSON(tx.Bucket(bDeviceInfo), []byte(device), &d)
		if err != nil {
			return d, err
		}
		switch {
		case ok && d.State == portal.DeviceReset:
			status, refusal = http.StatusConflict, deviceReset(device)
		case ok && d.User != "" && d.User != p.Name:
			status, refusal = http.StatusForbidden, deviceOwned(device)
		case !ok:
			d = deviceRecord{FirstSeen: now, State: portal.DeviceActive}
			write = true
		}
		write = write || d.User == ""
		return d, nil
	}
	err := s.db.bolt.View(func(tx *bolt.Tx) error { _, err := check(tx); return err })
	if err == nil && refusal == nil && write {
		// Checked again in the writing transaction: an admin's reset may
		// have come in between.
		err = s.db.bolt.Update(func(tx *bolt.Tx) error {
			d, err := check(tx)
			if err != nil || refusal != nil {
				return err
			}
			d.User, d.LastPush = p.Name, now
			return putJSON(tx.Bucket(bDeviceInfo), []byte(device), d)
		})
	}
	if err != nil {
		return http.StatusInternalServerError, translate.Errorf(sv.EInternal, "portal.server.error.the_portal_had_an_internal_fault")
	}
	if refusal == nil {
		s.lastPush.Store(device, now)
	}
	return status, refusal
}

// pushTimes returns the pushes' times kept in memory since the start.
func (s *Server) pushTimes() map[string]time.Time {
	out := map[string]time.Time{}
	s.lastPush.Range(func(k, v any) bool {
		out[k.(string)] = v.(time.Time)
		return true
	})
	return out
}

// savePushTimes writes the pushes' times kept in memory, in one
// transaction; Close calls it. A portal that dies loses only these times.
func (s *Server) savePushTimes() error {
	times := s.pushTimes()
	if len(times) == 0 {
		return nil
	}
	return s.db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bDeviceInfo)
		for id, at := range times {
			var d deviceRecord
			ok, err := getJSON(b, []byte(id), &d)
			if err != nil {
				return err
			}
			if !ok || d.State == portal.DeviceReset || !at.After(d.LastPush) {
				continue
			}
			d.LastPush = at
			if err := putJSON(b, []byte(id), d); err != nil {
				return err
			}
		}
		return nil
	})
}

// handleRegisterDevice binds the request's token to a new device id owned
// by its user: how a laptop continues after a reset, a restore from an old
// backup or a restored portal. The id must be unknown here, so no one can
// take over another's numbering this way.
func (s *Server) handleRegisterDevice(w http.ResponseWriter, r *http.Request) {
	var req portal.DeviceRegisterRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	p := userFrom(r.Context())
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || tok == "" {
		writeError(w, http.StatusBadRequest, translate.Errorf(sv.EInvalid, "portal.server.error.only_a_signed_in_laptop_can"))
		return
	}
	if !validDeviceID(req.Device) {
		writeError(w, http.StatusBadRequest, translate.Errorf(sv.EInvalid, "portal.server.error.the_device_id_is_not_valid"))
		return
	}
	now := s.opts.Now().UTC()
	var taken, gone bool
	err := s.db.bolt.Update(func(tx *bolt.Tx) error {
		if tx.Bucket(bDeviceInfo).Get([]byte(req.Device)) != nil || tx.Bucket(bDevices).Get([]byte(req.Device)) != nil {
			taken = true
			return nil
		}
		var t tokenRecord
		found, err := getJSON(tx.Bucket(bTokens), tokenKey(tok), &t)
		if err != nil {
			return err
		}
		if !found {
			gone = true // signed out since the request was admitted
			return nil
		}
		t.Device = req.Device
		if err := putJSON(tx.Bucket(bTokens), tokenKey(tok), t); err != nil {
			return err
		}
		return putJSON(tx.Bucket(bDeviceInfo), []byte(req.Device), deviceRecord{User: p.Name, FirstSeen: now, State: portal.DeviceActive})
	})
	if err != nil {
		s.internal(w, err)
		return
	}
	if gone {
		writeError(w, http.StatusUnauthorized, translate.Errorf(portal.ErrUnauthorized, "portal.server.error.your_sign_in_has_expired_sign"))
		return
	}
	if taken {
		writeError(w, http.StatusConflict, translate.Errorf(sv.EConflict, "portal.server.error.device_id_is_already_in_use", req.Device))
		return
	}
	s.log.Info("device registered", "user", p.Name, "device", req.Device, "was", p.Device)
	writeJSON(w, http.StatusOK, portal.Device{ID: req.Device, User: p.Name, FirstSeen: now, State: portal.DeviceActive})
}

// Devices lists every device the portal knows, with its owner and the
// last change number applied from it.
func (d *DB) Devices() ([]portal.Device, error) {
	out := []portal.Device{}
	err := d.bolt.View(func(tx *bolt.Tx) error {
		seqs := tx.Bucket(bDevices)
		seen := map[string]bool{}
		if err := tx.Bucket(bDeviceInfo).ForEach(func(k, v []byte) error {
			var r deviceRecord
			if _, err := getJSON(tx.Bucket(bDeviceInfo), k, &r); err != nil {
				return err
			}
			seen[string(k)] = true
			out = append(out, portal.Device{ID: string(k), User: r.User, FirstSeen: r.FirstSeen, LastPush: r.LastPush, State: r.State, Acked: readU64(seqs.Get(k))})
			return nil
		}); err != nil {
			return err
		}
		// Numbering without a record: a device that pushed before the
		// records existed and was not seen since (migrations add them, so
		// this is only belt and braces).
		return seqs.ForEach(func(k, v []byte) error {
			if !seen[string(k)] {
				out = append(out, portal.Device{ID: string(k), State: portal.DeviceActive, Acked: readU64(v)})
			}
			return nil
		})
	})
	return out, err
}

// ResetDevice clears a device's numbering (its last change number, the
// changes' digests and refusals) and its owner, and marks it reset, so the
// laptop holding it registers a new id and sends its unsent changes again
// under it. ok is false for an unknown device.
func (d *DB) ResetDevice(id string, now time.Time) (ok bool, err error) {
	err = d.bolt.Update(func(tx *bolt.Tx) error {
		info, seqs := tx.Bucket(bDeviceInfo), tx.Bucket(bDevices)
		var r deviceRecord
		found, err := getJSON(info, []byte(id), &r)
		if err != nil {
			return err
		}
		if !found && seqs.Get([]byte(id)) == nil {
			return nil
		}
		ok = true
		if !found {
			r.FirstSeen = now.UTC()
		}
		r.User, r.State = "", portal.DeviceReset
		if err := putJSON(info, []byte(id), r); err != nil {
			return err
		}
		if err := seqs.Delete([]byte(id)); err != nil {
			return err
		}
		prefix := []byte(id + "\x00")
		for _, name := range [][]byte{bApplied, bRejections} {
			c := tx.Bucket(name).Cursor()
			for k, _ := c.Seek(prefix); k != nil && strings.HasPrefix(string(k), string(prefix)); k, _ = c.Seek(prefix) {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return ok, err
}

func (s *Server) handleListDevices(w http.ResponseWriter, r *http.Request) {
	devices, err := s.db.Devices()
	if err != nil {
		s.internal(w, err)
		return
	}
	times := s.pushTimes()
	for i, d := range devices {
		if at, ok := times[d.ID]; ok && at.After(d.LastPush) && d.State != portal.DeviceReset {
			devices[i].LastPush = at
		}
	}
	writeJSON(w, http.StatusOK, devices)
}

func (s *Server) handleResetDevice(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	ok, err := s.db.ResetDevice(id, s.opts.Now())
	if err != nil {
		s.internal(w, err)
		return
	}
	if !ok {
		writeError(w, http.StatusNotFound, translate.Errorf(sv.ENotFound, "portal.server.error.the_portal_has_no_device", short(id)))
		return
	}
	s.log.Warn("device reset", "device", id, "by", userFrom(r.Context()).Name)
	s.audit(r, "device.reset", id, nil)
	writeJSON(w, http.StatusOK, map[string]string{"device": id, "state": portal.DeviceReset})
}

// deviceRoutes registers the device endpoints.
func (s *Server) deviceRoutes(m *http.ServeMux) {
	m.Handle("POST "+portal.PathDeviceRegister, s.auth(portal.RoleInspector, s.handleRegisterDevice))
	m.Handle("GET "+portal.PathAdminDevices, s.auth(portal.RoleAdmin, s.handleListDevices))
	m.Handle("POST "+portal.PathAdminDevices+"/{id}/reset", s.auth(portal.RoleAdmin, s.handleResetDevice))
}
