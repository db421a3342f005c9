package server

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// maxChanges bounds one push so a transaction stays short.
const maxChanges = 1000

// errRewound is returned when a device sends a different change under a
// number the portal has already applied.
type errRewound struct{ seq uint64 }

func (e errRewound) Error() string {
	return "change " + strconv.FormatUint(e.seq, 10) + " differs from the one applied"
}

// changeDigest identifies a change's content, to tell a repeat from a
// different change under the same number. Clocks are left out: they are
// stamped at push time and are not part of what the person changed.
func changeDigest(c portal.Change) []byte {
	h := sha256.New()
	for _, part := range []string{c.Entity, c.ID, c.Op, string(c.Data)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}

// errGap is returned from the push transaction when the first new change
// does not follow the last one applied.
type errGap struct{ expected uint64 }

func (e errGap) Error() string { return "gap, expected " + strconv.FormatUint(e.expected, 10) }

func (s *Server) handlePush(w http.ResponseWriter, r *http.Request) {
	var req portal.PushRequest
	if !s.readJSON(w, r, &req) || !s.recordsFit(w, userFrom(r.Context()), req) {
		return
	}
	if req.Device == "" || len(req.Device) > 64 {
		writeError(w, http.StatusBadRequest, translate.Errorf(sv.EInvalid, "portal.server.error.the_request_has_no_device_id"))
		return
	}
	if len(req.Changes) > maxChanges {
		writeError(w, http.StatusRequestEntityTooLarge, translate.Errorf(sv.EInvalid, "portal.server.error.at_most_changes_may_be_pushed", maxChanges))
		return
	}
	for i := 1; i < len(req.Changes); i++ {
		if req.Changes[i].Seq != req.Changes[i-1].Seq+1 {
			writeError(w, http.StatusBadRequest, translate.Errorf(sv.EInvalid, "portal.server.error.change_numbers_must_be_consecutive_change", i+1))
			return
		}
	}
	p := userFrom(r.Context())
	if status, refused := s.checkPushDevice(p, req.Device); refused != nil {
		s.log.Warn("push refused for device", "user", p.Name, "device", req.Device, "token_device", p.Device, "reason", refused.En)
		writeError(w, status, refused)
		return
	}
	resp, err := s.push(p, req)
	var gap errGap
	var rewound errRewound
	switch {
	case errors.As(err, &rewound):
		s.log.Warn("device rewound", "user", p.Name, "device", req.Device, "seq", rewound.seq)
		writeError(w, http.StatusConflict, translate.Errorf(portal.ErrRewound, "portal.server.error.this_laptop_s_change_differs_from", rewound.seq))
	case errors.As(err, &gap):
		e := translate.Errorf(portal.ErrGap, "portal.server.error.change_numbers_have_a_gap", gap.expected)
		writeJSON(w, http.StatusConflict, portal.ErrorBody{Code: e.Code, Expected: gap.expected, Epoch: s.db.Epoch(), Zh: e.Zh, En: e.En})
	case err != nil:
		s.internal(w, err)
	default:
		s.log.Info("push", "user", p.Name, "device", req.Device, "changes", len(req.Changes), "acked", resp.Acked, "rejected", len(resp.Rejections))
		writeJSON(w, http.StatusOK, resp)
	}
}

// push applies the request's new changes in one transaction. Changes at or
// below the device's last applied number were applied before (a response
// was lost): they are acknowledged again, with their rejections, and not
// applied twice.
func (s *Server) push(p principal, req portal.PushRequest) (portal.PushResponse, error) {
	var out portal.PushResponse
	now := s.opts.Now().UTC()
	pc := &pushCtx{device: req.Device, stamp: portal.Stamp{Actor: actorOf(p), Now: now}}
	err := s.db.bolt.Update(func(tx *bolt.Tx) error {
		pc.ahead = 0
		devices := tx.Bucket(bDevices)
		last := readU64(devices.Get([]byte(req.Device)))
		if len(req.Changes) > 0 && req.Changes[0].Seq > last+1 {
			return errGap{expected: last + 1}
		}
		applied := tx.Bucket(bApplied)
		for _, c := range req.Changes {
			key := rejectionKey(req.Device, c.Seq)
			if c.Seq <= last {
				// A repeat must be the same change. A different one under
				// a number already used means the laptop's data went back
				// in time (restored from an old copy): acknowledging it
				// would lose it silently.
				if prev := applied.Get(key); prev != nil && string(prev) != string(changeDigest(c)) {
					return errRewound{seq: c.Seq}
				}
				continue
			}
			if err := applied.Put(key, changeDigest(c)); err != nil {
				return err
			}
			pc.noteClock(c.At)
			if rej := s.apply(tx, pc, c); rej != nil {
				rj := portal.Rejection{Device: req.Device, Seq: c.Seq, Entity: c.Entity, ID: c.ID, Code: rej.Code, Zh: rej.Zh, En: rej.En, At: now}
				if err := putJSON(tx.Bucket(bRejections), rejectionKey(req.Device, c.Seq), rj); err != nil {
					return err
				}
				s.log.Info("change refused", "user", p.Name, "device", req.Device, "seq", c.Seq, "entity", c.Entity, "id", c.ID, "reason", rej.En)
			}
			last = c.Seq
		}
		if err := devices.Put([]byte(req.Device), u64(last)); err != nil {
			return err
		}
		out.Acked = last
		out.ClockSkewSeconds = int64(pc.ahead / time.Second)
		for _, c := range req.Changes {
			var rj portal.Rejection
			if ok, err := getJSON(tx.Bucket(bRejections), rejectionKey(req.Device, c.Seq), &rj); err != nil {
				return err
			} else if ok {
				out.Rejections = append(out.Rejections, rj)
			}
		}
		return nil
	})
	return out, err
}

func rejectionKey(device string, seq uint64) []byte {
	return append([]byte(device+"\x00"), u64(seq)...)
}

// pushCtx is what the portal knows of one push and its changes cannot say.
type pushCtx struct {
	device string
	stamp  portal.Stamp
	// ahead is how far the laptop's clock ran ahead of the portal's,
	// at most, in the changes applied so far.
	ahead time.Duration
}

// actorOf is the signed-in user as the rulebook sees them.
func actorOf(p principal) sv.Actor {
	return sv.Actor{Name: p.Name, DisplayName: p.DisplayName, Role: sv.Role(p.Role), Projects: p.Projects}
}

// noteClock records how far a time the laptop sent runs ahead of the portal.
func (pc *pushCtx) noteClock(at time.Time) {
	if d := at.Sub(pc.stamp.Now); d > portal.MaxClockSkew && d > pc.ahead {
		pc.ahead = d
	}
}

// clocks checks a change's clock readings (format, this device's own) and
// clamps those ahead of the portal's time.
func (pc *pushCtx) clocks(in map[string]string) (map[string]string, *sv.Error) {
	out := make(map[string]string, len(in))
	for field, c := range in {
		if !slices.Contains(portal.FindingFields(), field) {
			return nil, translate.Errorf(sv.EInvalid, "portal.server.error.the_change_carries_a_clock_for")
		}
		h, err := portal.CheckClock(c, pc.device)
		if err != nil {
			return nil, err
		}
		h, ahead := h.Clamp(pc.stamp.Now)
		if ahead > pc.ahead {
			pc.ahead = ahead
		}
		out[field] = h.String()
	}
	return out, nil
}

// apply applies one change, returning a refusal or nil: a change refused
// for a reason the user can act on. A store fault is not a refusal: it
// fails the whole push, which is retried. Refused changes still count as
// applied (the device's numbering moves on); the record is touched so that
// the device pulls the portal's version back.
func (s *Server) apply(tx *bolt.Tx, pc *pushCtx, c portal.Change) *sv.Error {
	if c.ID == "" || len(c.ID) > 200 {
		return translate.Errorf(sv.EInvalid, "portal.server.error.the_change_has_no_record_id")
	}
	if c.Op != portal.OpPut && c.Op != portal.OpDelete {
		return translate.Errorf(sv.EInvalid, "portal.server.error.unknown_change_type", c.Op)
	}
	var rej *sv.Error
	var err error
	switch c.Entity {
	case portal.EntityVisit:
		rej, err = s.applyVisit(tx, pc, c)
	case portal.EntityAnswer:
		rej, err = s.applyAnswer(tx, pc, c)
	case portal.EntityFinding:
		rej, err = s.applyFinding(tx, pc, c)
	case portal.EntityPhoto:
		rej, err = s.applyPhoto(tx, pc, c)
	default:
		return translate.Errorf(sv.EInvalid, "portal.server.error.the_portal_does_not_accept_changes", c.Entity)
	}
	if err != nil {
		return translate.Errorf(sv.EInternal, "portal.server.error.the_portal_failed_to_save_this")
	}
	if rej != nil {
		// Re-store the portal's version for everyone, the refused device
		// included, so its next pull puts the record back.
		if rec, ok, _ := getRecord(tx, c.Entity, c.ID); ok {
			if err := putRecord(tx, rec); err != nil {
				return translate.Errorf(sv.EInternal, "portal.server.error.the_portal_failed_to_save_this")
			}
		}
	}
	return rej
}

func malformed(entity string) *sv.Error {
	return translate.Errorf(sv.EInvalid, "portal.server.error.the_change_s_content_cannot_be", entity)
}

// tombstone is what the portal keeps of a deleted visit: whose it was, so
// that no one else can take its id.
func tombstone(in sv.Visit) sv.Visit {
	return sv.Visit{ID: in.ID, ProjectID: in.ProjectID, Inspectors: in.Inspectors, Status: in.Status}
}

func (s *Server) applyVisit(tx *bolt.Tx, pc *pushCtx, c portal.Change) (*sv.Error, error) {
	actor := pc.stamp.Actor
	stored, exists, err := getRecord(tx, portal.EntityVisit, c.ID)
	if err != nil {
		return nil, err
	}
	var old sv.Visit
	if exists && stored.Deleted {
		// A deleted visit's id stays its inspectors': only they (or a
		// leader) may bring it back, as a laptop still editing the draft
		// does. A tombstone from before owners were kept names no one.
		if len(stored.Data) == 0 || json.Unmarshal(stored.Data, &old) != nil {
			if !actor.Role.Oversees() {
				return translate.Errorf(sv.EConflict, "portal.server.error.this_visit_was_deleted_its_id"), nil
			}
		} else if err := actor.CheckRecord(old); err != nil {
			return refusalOf(err), nil
		}
	}
	if exists && !stored.Deleted {
		if err := json.Unmarshal(stored.Data, &old); err != nil {
			return nil, err
		}
		check := old.CheckChange
		if c.Op == portal.OpDelete {
			check = old.CheckDelete
		}
		if err := check(); err != nil {
			return refusalOf(err), nil
		}
		if err := actor.CheckRecord(old); err != nil {
			return refusalOf(err), nil
		}
	}
	if c.Op == portal.OpDelete {
		if !exists || stored.Deleted {
			return nil, nil
		}
		data, err := json.Marshal(tombstone(old))
		if err != nil {
			return nil, err
		}
		return nil, putRecord(tx, portal.Record{Entity: portal.EntityVisit, ID: c.ID, Deleted: true, Data: data})
	}
	var in sv.Visit
	if json.Unmarshal(c.Data, &in) != nil || in.ID != c.ID {
		return malformed("inspection"), nil
	}
	if _, ok, err := getRecord(tx, portal.EntityProject, in.ProjectID); err != nil {
		return nil, err
	} else if !ok {
		return translate.Errorf(sv.ENotFound, "portal.server.error.the_portal_has_no_project", in.ProjectID), nil
	}
	if err := actor.CheckRecord(in); err != nil {
		return refusalOf(err), nil
	}
	if exists && old.ProjectID != "" && old.ProjectID != in.ProjectID {
		return translate.Errorf(sv.EConflict, "portal.server.error.a_visit_cannot_move_to_another"), nil
	}
	in.Answers = nil
	data, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	// The laptop keeps the visit's header without answers too: exact.
	return nil, putRecordFrom(tx, portal.Record{Entity: portal.EntityVisit, ID: c.ID, Data: data}, pc.device)
}

// refusalOf turns a rulebook error into a refusal.
func refusalOf(err error) *sv.Error {
	var e *sv.Error
	if errors.As(err, &e) {
		return e
	}
	return translate.Errorf(sv.EInternal, "portal.server.error.the_portal_failed_to_check_this")
}

// refusalOrNil is refusalOf for an error that may be nil.
func refusalOrNil(err error) *sv.Error {
	if err == nil {
		return nil
	}
	return refusalOf(err)
}

// visitOf reads a visit the portal holds, ok false when it has none (or
// only its tombstone).
func visitOf(tx *bolt.Tx, id string) (sv.Visit, bool, error) {
	stored, ok, err := getRecord(tx, portal.EntityVisit, id)
	if err != nil || !ok || stored.Deleted {
		return sv.Visit{}, false, err
	}
	var in sv.Visit
	if err := json.Unmarshal(stored.Data, &in); err != nil {
		return sv.Visit{}, false, err
	}
	return in, true, nil
}

func (s *Server) applyAnswer(tx *bolt.Tx, pc *pushCtx, c portal.Change) (*sv.Error, error) {
	var a portal.AnswerData
	if c.Op != portal.OpPut || json.Unmarshal(c.Data, &a) != nil || portal.AnswerID(a.VisitID, a.ItemKey) != c.ID {
		return malformed("answer"), nil
	}
	in, ok, err := visitOf(tx, a.VisitID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return translate.Errorf(sv.ENotFound, "portal.server.error.the_portal_has_no_visit", a.VisitID), nil
	}
	if err := in.CheckChange(); err != nil {
		return refusalOf(err), nil
	}
	if err := pc.stamp.Actor.CheckRecord(in); err != nil {
		return refusalOf(err), nil
	}
	return nil, putRecordFrom(tx, portal.Record{Entity: portal.EntityAnswer, ID: c.ID, Data: c.Data}, pc.device)
}

func (s *Server) applyFinding(tx *bolt.Tx, pc *pushCtx, c portal.Change) (*sv.Error, error) {
	var in sv.Finding
	if c.Op != portal.OpPut || json.Unmarshal(c.Data, &in) != nil || in.ID != c.ID {
		return malformed("finding"), nil
	}
	sent := in
	if err := in.Validate(); err != nil {
		return refusalOf(err), nil
	}
	clocks, rej := pc.clocks(c.Clocks)
	if rej != nil {
		return rej, nil
	}
	stored, exists, err := getRecord(tx, portal.EntityFinding, c.ID)
	if err != nil {
		return nil, err
	}
	var old *sv.Finding
	if exists {
		old = new(sv.Finding)
		if err := json.Unmarshal(stored.Data, old); err != nil {
			return nil, err
		}
		in.ProjectID = old.ProjectID // a finding never moves to another project
	} else if _, ok, err := getRecord(tx, portal.EntityProject, in.ProjectID); err != nil {
		return nil, err
	} else if !ok {
		return translate.Errorf(sv.ENotFound, "portal.server.error.the_portal_has_no_project", in.ProjectID), nil
	}
	if err := pc.stamp.Actor.CheckProject(in.ProjectID); err != nil {
		return refusalOf(err), nil
	}
	// Fields without a clock did not change in this change (a note, a
	// photo): only the sets merge. What only the portal knows (who, when
	// it arrived) it stamps; the moves are checked one by one.
	res, refused := portal.AcceptFinding(old, stored.Clocks, in, clocks, pc.stamp)
	if refused != nil {
		return refused, nil
	}
	data, err := json.Marshal(res.Finding)
	if err != nil {
		return nil, err
	}
	if err := putRecordFrom(tx, portal.Record{Entity: portal.EntityFinding, ID: c.ID, Data: data, Clocks: res.Clocks}, originIfSame(pc.device, data, sent)); err != nil {
		return nil, err
	}
	return res.StatusRefused, nil
}

// captionClock is the portal's own clock for a photo's caption: the time
// the caption arrived here, never a time a laptop says, so that a far-off
// laptop clock cannot keep a caption for ever.
func captionClock(now time.Time, prev string) string {
	h := portal.HLC{Wall: now.UnixMilli(), Node: "portal"}
	if p := portal.ParseHLC(prev); p.Wall >= h.Wall {
		h = portal.HLC{Wall: p.Wall, Logical: p.Logical + 1, Node: "portal"}
	}
	return h.String()
}

// checkPhotoLink says whether the signed-in user may link a photo to what
// l names (the rulebook's CheckVisitPhotoAdd, CheckFindingPhotoAdd); a
// target the portal does not hold cannot take a link.
func checkPhotoLink(tx *bolt.Tx, actor sv.Actor, l sv.PhotoLink) (*sv.Error, error) {
	if l.VisitID != "" {
		in, ok, err := visitOf(tx, l.VisitID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return translate.Errorf(sv.ENotFound, "portal.server.error.the_portal_has_no_visit_to", l.VisitID), nil
		}
		if err := actor.CheckVisitPhotoAdd(in); err != nil {
			return refusalOf(err), nil
		}
	}
	if l.FindingID != "" {
		f, ok, err := findingOf(tx, l.FindingID)
		if err != nil {
			return nil, err
		}
		if !ok {
			return translate.Errorf(sv.ENotFound, "portal.server.error.the_portal_has_no_finding_to", l.FindingID), nil
		}
		if err := actor.CheckFindingPhotoAdd(f); err != nil {
			return refusalOf(err), nil
		}
	}
	return nil, nil
}

// findingOf reads a finding the portal holds.
func findingOf(tx *bolt.Tx, id string) (sv.Finding, bool, error) {
	stored, ok, err := getRecord(tx, portal.EntityFinding, id)
	if err != nil || !ok {
		return sv.Finding{}, false, err
	}
	var f sv.Finding
	if err := json.Unmarshal(stored.Data, &f); err != nil {
		return sv.Finding{}, false, err
	}
	return f, true, nil
}

// mayDescribe says whether the signed-in user may change the caption or
// turn of a photo with these links (the rulebook's CheckPhotoDescribe).
func mayDescribe(tx *bolt.Tx, actor sv.Actor, links []sv.PhotoLink) (*sv.Error, error) {
	var visits []sv.Visit
	var findings []sv.Finding
	for _, l := range links {
		if l.VisitID != "" {
			// A deleted visit's tombstone still names its inspectors.
			stored, ok, err := getRecord(tx, portal.EntityVisit, l.VisitID)
			if err != nil {
				return nil, err
			}
			var in sv.Visit
			if ok && json.Unmarshal(stored.Data, &in) == nil {
				visits = append(visits, in)
			}
		}
		if l.FindingID != "" {
			f, ok, err := findingOf(tx, l.FindingID)
			if err != nil {
				return nil, err
			}
			if ok {
				findings = append(findings, f)
			}
		}
	}
	return refusalOrNil(actor.CheckPhotoDescribe(visits, findings)), nil
}

// checkPhotoUnlink says whether the signed-in user may take a photo off
// what l names (the rulebook's CheckVisitPhotoRemove,
// CheckFindingPhotoRemove); a target the portal no longer holds keeps
// nothing.
func checkPhotoUnlink(tx *bolt.Tx, actor sv.Actor, hash string, l sv.PhotoLink) (*sv.Error, error) {
	switch {
	case l.FindingID != "":
		f, ok, err := findingOf(tx, l.FindingID)
		if err != nil || !ok {
			return nil, err
		}
		var raisedIn *sv.Visit
		if in, ok, err := visitOf(tx, f.VisitID); err != nil {
			return nil, err
		} else if ok {
			raisedIn = &in
		}
		return refusalOrNil(actor.CheckFindingPhotoRemove(f, hash, l.Role, raisedIn)), nil
	case l.VisitID != "":
		in, ok, err := visitOf(tx, l.VisitID)
		if err != nil || !ok {
			return nil, err
		}
		return refusalOrNil(actor.CheckVisitPhotoRemove(in)), nil
	}
	return nil, nil
}

// unlinkPhoto applies a laptop's deletion of a photo: it took the photo
// off everything it knew, so the portal takes it off every link — if the
// signed-in user may take it off each of them. The record and the bytes
// stay (other laptops may still show them; evidence is not destroyed by a
// push); the record, without links, is sent to everyone.
func (s *Server) unlinkPhoto(tx *bolt.Tx, pc *pushCtx, c portal.Change) (*sv.Error, error) {
	stored, exists, err := getRecord(tx, portal.EntityPhoto, c.ID)
	if err != nil || !exists {
		return nil, err
	}
	var p sv.Photo
	if err := json.Unmarshal(stored.Data, &p); err != nil {
		return nil, err
	}
	for _, l := range p.Links {
		if rej, err := checkPhotoUnlink(tx, pc.stamp.Actor, p.Hash, l); err != nil || rej != nil {
			return rej, err
		}
	}
	if len(p.Links) == 0 {
		return nil, nil
	}
	p.Links = nil
	data, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	stored.Data = data
	return nil, putRecord(tx, stored)
}

func (s *Server) applyPhoto(tx *bolt.Tx, pc *pushCtx, c portal.Change) (*sv.Error, error) {
	if c.Op == portal.OpDelete && validHash(c.ID) {
		return s.unlinkPhoto(tx, pc, c)
	}
	var in sv.Photo
	if c.Op != portal.OpPut || json.Unmarshal(c.Data, &in) != nil || in.Hash != c.ID || !validHash(in.Hash) {
		return malformed("photo"), nil
	}
	in.Uploaded = false // a laptop's own bookkeeping, not part of the record
	sent := in
	stored, exists, err := getRecord(tx, portal.EntityPhoto, c.ID)
	if err != nil {
		return nil, err
	}
	actor := pc.stamp.Actor
	var old sv.Photo
	if exists {
		if err := json.Unmarshal(stored.Data, &old); err != nil {
			return nil, err
		}
	}
	// Links are a union (absence is no removal: a laptop may not know a
	// link made elsewhere); each new one is checked like the record it
	// attaches to.
	links := slices.Clone(old.Links)
	for _, l := range in.Links {
		if slices.Contains(links, l) {
			continue
		}
		if rej, err := checkPhotoLink(tx, actor, l); err != nil || rej != nil {
			return rej, err
		}
		links = append(links, l)
	}
	clocks := map[string]string{"caption": captionClock(pc.stamp.Now, stored.Clocks["caption"])}
	if exists {
		if in.Caption != old.Caption || in.Rotation != old.Rotation {
			if rej, err := mayDescribe(tx, actor, old.Links); err != nil || rej != nil {
				return rej, err
			}
			old.Caption, old.Rotation = in.Caption, in.Rotation
		} else {
			clocks["caption"] = stored.Clocks["caption"]
		}
		old.Links = links
		in = old
	}
	data, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	// The bytes may have arrived before this record: an upload finished
	// while no record existed marks nothing (see markPhotoStored).
	rec := portal.Record{Entity: portal.EntityPhoto, ID: c.ID, Data: data, Clocks: clocks, Stored: stored.Stored || s.hasPhoto(c.ID)}
	return nil, putRecordFrom(tx, rec, originIfSame(pc.device, data, sent))
}

// originIfSame returns device when the stored record is exactly what the
// device sent (no one else's change merged in), so its pull can skip it.
func originIfSame(device string, stored []byte, sent any) string {
	raw, err := json.Marshal(sent)
	if err != nil || string(raw) != string(stored) {
		return ""
	}
	return device
}
