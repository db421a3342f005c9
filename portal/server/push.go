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
		writeError(w, http.StatusBadRequest, sv.Errorf(sv.EInvalid, "请求缺少设备编号。", "The request has no device id."))
		return
	}
	if len(req.Changes) > maxChanges {
		writeError(w, http.StatusRequestEntityTooLarge, sv.Errorf(sv.EInvalid,
			"一次最多推送 %d 条修改。", "At most %d changes may be pushed at once.", maxChanges))
		return
	}
	for i := 1; i < len(req.Changes); i++ {
		if req.Changes[i].Seq != req.Changes[i-1].Seq+1 {
			writeError(w, http.StatusBadRequest, sv.Errorf(sv.EInvalid,
				"修改编号必须连续（第 %d 条）。", "Change numbers must be consecutive (change %d).", i+1))
			return
		}
	}
	p := userFrom(r.Context())
	resp, err := s.push(p, req)
	var gap errGap
	var rewound errRewound
	switch {
	case errors.As(err, &rewound):
		s.log.Warn("device rewound", "user", p.Name, "device", req.Device, "seq", rewound.seq)
		writeError(w, http.StatusConflict, sv.Errorf(sv.EConflict,
			"本机的修改编号 %d 与平台已收到的修改不一致，本机数据可能是从旧备份恢复的。为免丢失，平台未接受这次同步；请联系管理员。",
			"This laptop's change %d differs from the one the portal already received; the laptop's data may have been restored from an old backup. To lose nothing, the portal refused this sync; contact the administrator.", rewound.seq))
	case errors.As(err, &gap):
		writeJSON(w, http.StatusConflict, portal.ErrorBody{Code: portal.ErrGap, Expected: gap.expected,
			Zh: "修改编号不连续：平台需要从第 " + strconv.FormatUint(gap.expected, 10) + " 条开始。",
			En: "Change numbers have a gap: the portal needs change " + strconv.FormatUint(gap.expected, 10) + " next."})
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
	err := s.db.bolt.Update(func(tx *bolt.Tx) error {
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
			if rej := s.apply(tx, p, req.Device, c); rej != nil {
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

// refusal is a change refused for a reason the user can act on. A store
// fault is not a refusal: it fails the whole push, which is retried.
func refuse(code sv.Code, zh, en string, args ...any) *sv.Error {
	return sv.Errorf(code, zh, en, args...)
}

func canActOn(p principal, projectID string) bool {
	if p.Role != portal.RoleInspector || len(p.Projects) == 0 {
		return true
	}
	return slices.Contains(p.Projects, projectID)
}

func isInspectorOf(p principal, inspectors []string) bool {
	if p.Role != portal.RoleInspector {
		return true
	}
	return slices.Contains(inspectors, p.Name) || (p.DisplayName != "" && slices.Contains(inspectors, p.DisplayName))
}

// apply applies one change, returning a refusal or nil. Refused changes
// still count as applied (the device's numbering moves on); the record is
// touched so that the device pulls the portal's version back.
func (s *Server) apply(tx *bolt.Tx, p principal, device string, c portal.Change) *sv.Error {
	if c.ID == "" || len(c.ID) > 200 {
		return refuse(sv.EInvalid, "修改缺少记录编号。", "The change has no record id.")
	}
	if c.Op != portal.OpPut && c.Op != portal.OpDelete {
		return refuse(sv.EInvalid, "未知的修改类型“%s”。", "Unknown change type “%s”.", c.Op)
	}
	var rej *sv.Error
	var err error
	switch c.Entity {
	case portal.EntityInspection:
		rej, err = s.applyInspection(tx, p, device, c)
	case portal.EntityAnswer:
		rej, err = s.applyAnswer(tx, p, device, c)
	case portal.EntityFinding:
		rej, err = s.applyFinding(tx, p, device, c)
	case portal.EntityPhoto:
		rej, err = s.applyPhoto(tx, device, c)
	default:
		return refuse(sv.EInvalid, "平台不接受“%s”类记录的修改。", "The portal does not accept changes to “%s” records.", c.Entity)
	}
	if err != nil {
		return refuse(sv.EInternal, "平台保存这条修改时出错。", "The portal failed to save this change.")
	}
	if rej != nil {
		// Re-store the portal's version for everyone, the refused device
		// included, so its next pull puts the record back.
		if rec, ok, _ := getRecord(tx, c.Entity, c.ID); ok {
			if err := putRecord(tx, rec); err != nil {
				return refuse(sv.EInternal, "平台保存这条修改时出错。", "The portal failed to save this change.")
			}
		}
	}
	return rej
}

func malformed(entity string) *sv.Error {
	return refuse(sv.EInvalid, "修改内容无法读取（%s）。", "The change's content cannot be read (%s).", entity)
}

func (s *Server) applyInspection(tx *bolt.Tx, p principal, device string, c portal.Change) (*sv.Error, error) {
	stored, exists, err := getRecord(tx, portal.EntityInspection, c.ID)
	if err != nil {
		return nil, err
	}
	var old sv.Inspection
	if exists && !stored.Deleted {
		if err := json.Unmarshal(stored.Data, &old); err != nil {
			return nil, err
		}
		if old.Status == sv.Submitted {
			return refuse(sv.EConflict, "该督查记录已提交，不能再修改；如需更正，请新建更正记录。",
				"This visit was submitted and cannot change; to correct it, create an amendment."), nil
		}
		if !isInspectorOf(p, old.Inspectors) {
			return refuse(portal.ErrForbidden, "只能修改自己参加的督查记录。", "You may only change visits you took part in."), nil
		}
	}
	if c.Op == portal.OpDelete {
		if !exists || stored.Deleted {
			return nil, nil
		}
		return nil, putRecord(tx, portal.Record{Entity: portal.EntityInspection, ID: c.ID, Deleted: true})
	}
	var in sv.Inspection
	if json.Unmarshal(c.Data, &in) != nil || in.ID != c.ID {
		return malformed("inspection"), nil
	}
	if _, ok, err := getRecord(tx, portal.EntityProject, in.ProjectID); err != nil {
		return nil, err
	} else if !ok {
		return refuse(sv.ENotFound, "平台上没有项目 %s。", "The portal has no project %s.", in.ProjectID), nil
	}
	if !canActOn(p, in.ProjectID) {
		return refuse(portal.ErrForbidden, "您没有负责该项目，不能记录它的督查。", "You are not assigned to this project and cannot record its visits."), nil
	}
	if !isInspectorOf(p, in.Inspectors) {
		return refuse(portal.ErrForbidden, "只能记录自己参加的督查。", "You may only record visits you took part in."), nil
	}
	if exists && !stored.Deleted && old.ProjectID != in.ProjectID {
		return refuse(sv.EConflict, "督查记录不能改属其他项目。", "A visit cannot move to another project."), nil
	}
	in.Answers = nil
	data, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	// The laptop keeps the visit's header without answers too: exact.
	return nil, putRecordFrom(tx, portal.Record{Entity: portal.EntityInspection, ID: c.ID, Data: data}, device)
}

func (s *Server) applyAnswer(tx *bolt.Tx, p principal, device string, c portal.Change) (*sv.Error, error) {
	var a portal.AnswerData
	if c.Op != portal.OpPut || json.Unmarshal(c.Data, &a) != nil || portal.AnswerID(a.InspectionID, a.ItemKey) != c.ID {
		return malformed("answer"), nil
	}
	stored, ok, err := getRecord(tx, portal.EntityInspection, a.InspectionID)
	if err != nil {
		return nil, err
	}
	if !ok || stored.Deleted {
		return refuse(sv.ENotFound, "平台上没有督查记录 %s。", "The portal has no visit %s.", a.InspectionID), nil
	}
	var in sv.Inspection
	if err := json.Unmarshal(stored.Data, &in); err != nil {
		return nil, err
	}
	if in.Status == sv.Submitted {
		return refuse(sv.EConflict, "该督查记录已提交，答案不能再修改。", "This visit was submitted; its answers cannot change."), nil
	}
	if !isInspectorOf(p, in.Inspectors) {
		return refuse(portal.ErrForbidden, "只能修改自己参加的督查记录。", "You may only change visits you took part in."), nil
	}
	return nil, putRecordFrom(tx, portal.Record{Entity: portal.EntityAnswer, ID: c.ID, Data: c.Data}, device)
}

// needsLeader reports whether moving a finding from → to is a verification,
// which only a leader may make.
func needsLeader(from, to sv.Status) bool {
	return to == sv.StatusClosed || (from == sv.StatusFixed && to == sv.StatusInProgress)
}

func (s *Server) applyFinding(tx *bolt.Tx, p principal, device string, c portal.Change) (*sv.Error, error) {
	var in sv.Finding
	if c.Op != portal.OpPut || json.Unmarshal(c.Data, &in) != nil || in.ID != c.ID {
		return malformed("finding"), nil
	}
	sent := in
	if err := in.Validate(); err != nil {
		var e *sv.Error
		if errors.As(err, &e) {
			return e, nil
		}
		return malformed("finding"), nil
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
		return refuse(sv.ENotFound, "平台上没有项目 %s。", "The portal has no project %s.", in.ProjectID), nil
	}
	if !canActOn(p, in.ProjectID) {
		return refuse(portal.ErrForbidden, "您没有负责该项目，不能修改它的问题。", "You are not assigned to this project and cannot change its findings."), nil
	}
	// Fields without a clock did not change in this change (a note, a
	// photo): only the sets merge.
	clocks := c.Clocks
	if _, setsStatus := clocks[portal.FieldStatus]; setsStatus && p.Role == portal.RoleInspector {
		from := sv.StatusOpen
		if old != nil {
			from = old.Status
		}
		if in.Status != from && needsLeader(from, in.Status) {
			return refuse(portal.ErrForbidden, "只有领导可以核验和销号。", "Only a leader may verify and close findings."), nil
		}
	}
	res := portal.MergeFinding(old, stored.Clocks, in, clocks)
	data, err := json.Marshal(res.Finding)
	if err != nil {
		return nil, err
	}
	if err := putRecordFrom(tx, portal.Record{Entity: portal.EntityFinding, ID: c.ID, Data: data, Clocks: res.Clocks}, originIfSame(device, data, sent)); err != nil {
		return nil, err
	}
	return res.StatusRefused, nil
}

func (s *Server) applyPhoto(tx *bolt.Tx, device string, c portal.Change) (*sv.Error, error) {
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
	at := c.At.UTC().Format(time.RFC3339Nano)
	clocks := map[string]string{"caption": at}
	if exists {
		var old sv.Photo
		if err := json.Unmarshal(stored.Data, &old); err != nil {
			return nil, err
		}
		for _, l := range in.Links {
			if !slices.Contains(old.Links, l) {
				old.Links = append(old.Links, l)
			}
		}
		if prev, _ := time.Parse(time.RFC3339Nano, stored.Clocks["caption"]); prev.Before(c.At) {
			old.Caption, old.Rotation = in.Caption, in.Rotation
		} else {
			clocks["caption"] = stored.Clocks["caption"]
		}
		in = old
	}
	data, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	// The bytes may have arrived before this record: an upload finished
	// while no record existed marks nothing (see markPhotoStored).
	rec := portal.Record{Entity: portal.EntityPhoto, ID: c.ID, Data: data, Clocks: clocks, Stored: stored.Stored || s.hasPhoto(c.ID)}
	return nil, putRecordFrom(tx, rec, originIfSame(device, data, sent))
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
