package supervision

import (
	"slices"
	"strings"
	"time"
)

// This file is the rulebook: who may create, change, move and attach
// photos to what. The laptop's store, its window and the portal all ask
// these checks, so a refusal reads the same wherever it happens.

// Role is what a person may do in the workflow. The portal's accounts carry
// one; a laptop never signed in acts as an inspector.
type Role string

// Roles, from least to most rights.
const (
	RoleInspector Role = "inspector" // records visits and works the findings of their projects
	RoleLeader    Role = "leader"    // may also close findings (销号) and send verified ones back, on every project
	RoleAdmin     Role = "admin"     // manages the portal; has a leader's rights in the workflow
)

var roleLabels = map[Role][2]string{
	RoleInspector: {"督查人员", "Inspector"},
	RoleLeader:    {"领导", "Leader"},
	RoleAdmin:     {"管理员", "Administrator"},
}

// Label returns the role's name for people.
func (r Role) Label(lang Lang) string { return label(roleLabels, r, lang) }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { _, ok := roleLabels[r]; return ok }

// Oversees reports whether r has a leader's rights: closing findings and
// acting on every project and visit.
func (r Role) Oversees() bool { return r == RoleLeader || r == RoleAdmin }

// leaderMoves are the moves only a leader (or an admin) may make: closing
// (from a verification, or verifying and closing at once) and sending a
// verified finding back. Everything else in the workflow an inspector may do.
var leaderMoves = map[[2]Status]bool{
	{StatusFixed, StatusClosed}:        true,
	{StatusVerified, StatusClosed}:     true,
	{StatusVerified, StatusInProgress}: true,
}

// CheckMove reports whether someone with role may move f to status to: an
// EInvalid error when the workflow has no such move, an EForbidden one when
// the move is not the role's. It does not look at what the move carries
// (note, evidence); Apply does.
func (f Finding) CheckMove(to Status, role Role) error {
	if !CanMove(f.Status, to) {
		return &Error{Code: EInvalid,
			Zh: "问题当前为“" + f.Status.Label(Chinese) + "”，不能改为“" + to.Label(Chinese) + "”。",
			En: "The finding is “" + f.Status.Label(English) + "” and cannot become “" + to.Label(English) + "”."}
	}
	if leaderMoves[[2]Status{f.Status, to}] && !role.Oversees() {
		if to == StatusClosed {
			return Coded(EForbidden, "supervision.only_a_leader_may_close_a")
		}
		return Coded(EForbidden, "supervision.only_a_leader_may_send_a")
	}
	return nil
}

// CheckRedispatch reports whether someone with role may re-dispatch f
// (再次督办: a new deadline, the status unchanged): an inspector or a
// leader, while the responsible unit still has to act.
func (f Finding) CheckRedispatch(role Role) error {
	if role != "" && !role.Valid() {
		return Coded(EForbidden, "supervision.your_account_may_not_re_dispatch")
	}
	if !f.Status.Rectifying() {
		return &Error{Code: EInvalid,
			Zh: "只有待整改或整改中的问题可以再次督办；问题当前为“" + f.Status.Label(Chinese) + "”。",
			En: "Only an open or in-progress finding can be re-dispatched; this one is “" + f.Status.Label(English) + "”."}
	}
	return nil
}

// MovesFor returns the statuses f may move to by someone with role, in
// workflow order: the buttons a window offers.
func (f Finding) MovesFor(role Role) []Status {
	var out []Status
	for _, to := range transitions[f.Status] {
		if f.CheckMove(to, role) == nil {
			out = append(out, to)
		}
	}
	return out
}

// CheckEdit reports whether the finding's description, unit, deadline,
// severity and category may still change: only while it is active.
func (f Finding) CheckEdit() error {
	if !f.Status.Active() {
		return Coded(EConflict, "supervision.a_closed_or_withdrawn_finding_cannot")
	}
	return nil
}

// CheckCreate reports whether f may be recorded as new: a finding is born
// open, with no history; every later status is reached by moves, each
// checked with CheckMove.
func (f Finding) CheckCreate() error {
	if f.Status != StatusOpen || len(f.History) > 0 || f.VerifiedBy != "" || !f.ClosedAt.IsZero() {
		return Coded(EInvalid, "supervision.a_new_finding_starts_as_open")
	}
	return nil
}

// DefaultDeadlineDays is the committee's usual term for a rectification.
const DefaultDeadlineDays = 15

// NewFinding starts an open finding of a project, raised by by at at, with
// the usual deadline; visitID may be empty (a finding raised outside
// a visit). The caller fills in description, unit and category.
func NewFinding(id, projectID, visitID string, kind FindingKind, by string, at time.Time) Finding {
	cat := CategoryOther
	if kind == KindRequest {
		cat = CategoryFactors
	}
	return Finding{
		ID: id, ProjectID: projectID, VisitID: visitID, Kind: kind, Category: cat,
		Severity: SeverityMinor, Deadline: DateOf(at.AddDate(0, 0, DefaultDeadlineDays)), Status: StatusOpen,
		CreatedAt: at, CreatedBy: by, UpdatedAt: at,
	}
}

// Actor is a signed-in person as the rules need them: the names they go by
// (a visit lists its inspectors by name), their role and, for an
// inspector, the projects assigned to them (none means all).
type Actor struct {
	Name, DisplayName string
	Role              Role
	Projects          []string
}

// CheckProject reports whether a may act on the project's visits and findings.
func (a Actor) CheckProject(projectID string) error {
	if a.Role.Oversees() || len(a.Projects) == 0 || slices.Contains(a.Projects, projectID) {
		return nil
	}
	return Coded(EForbidden, "supervision.you_are_not_assigned_to_this")
}

// isInspectorOf reports whether a is listed on the visit (by name or
// display name), or oversees every visit.
func (a Actor) isInspectorOf(in Visit) bool {
	if a.Role.Oversees() {
		return true
	}
	for _, n := range in.Inspectors {
		n = strings.TrimSpace(n)
		if n != "" && (n == a.Name || (a.DisplayName != "" && n == a.DisplayName)) {
			return true
		}
	}
	return false
}

// CheckRecord reports whether a may record or change the visit: a leader,
// or an inspector assigned to its project who is listed among its
// inspectors.
func (a Actor) CheckRecord(in Visit) error {
	if err := a.CheckProject(in.ProjectID); err != nil {
		return err
	}
	if !a.isInspectorOf(in) {
		return Coded(EForbidden, "supervision.you_may_only_record_and_change")
	}
	return nil
}

// CheckChange reports whether the visit may still change (its header,
// answers, photos): only a draft. A submitted visit is evidence; a
// correction is an amendment.
func (in Visit) CheckChange() error {
	if !in.Editable() {
		return errSubmitted()
	}
	return nil
}

// CheckDelete reports whether the visit may be deleted: only a draft
// started by mistake.
func (in Visit) CheckDelete() error {
	if !in.Editable() {
		return Coded(EConflict, "supervision.a_submitted_visit_cannot_be_deleted")
	}
	return nil
}

// CheckPhotoAdd reports whether a photo may be linked to the visit or one
// of its items.
func (in Visit) CheckPhotoAdd() error {
	if !in.Editable() {
		return Coded(EConflict, "supervision.this_visit_has_been_submitted_photos")
	}
	return nil
}

// CheckPhotoRemove reports whether a photo may be taken off the visit or
// one of its items.
func (in Visit) CheckPhotoRemove() error {
	if !in.Editable() {
		return errEvidenceStays()
	}
	return nil
}

func errEvidenceStays() error {
	return Coded(EConflict,
		"supervision.this_visit_has_been_submitted_its")
}

func errFindingPhotosLocked() error {
	return Coded(EConflict, "supervision.this_finding_is_closed_or_withdrawn")
}

// CheckPhotoAdd reports whether a photo may be linked to the finding.
func (f Finding) CheckPhotoAdd() error {
	if !f.Status.Active() {
		return errFindingPhotosLocked()
	}
	return nil
}

// CheckPhotoRemove reports whether the photo hash may be taken off the
// finding's photos of role. raisedIn is the visit the finding was raised
// in, when known: the photos of the problem taken on a submitted visit are
// that visit's evidence. A photo recorded as the evidence of a move or in a
// note stays too: the history and the notes never change.
func (f Finding) CheckPhotoRemove(hash string, role PhotoRole, raisedIn *Visit) error {
	if raisedIn != nil && !raisedIn.Editable() && role != RoleAfter {
		return errEvidenceStays()
	}
	if !f.Status.Active() {
		return errFindingPhotosLocked()
	}
	for _, h := range f.History {
		if slices.Contains(h.Evidence, hash) {
			return Coded(EConflict, "supervision.this_photo_is_the_evidence_of")
		}
	}
	for _, n := range f.Notes {
		if slices.Contains(n.Photos, hash) {
			return Coded(EConflict, "supervision.this_photo_belongs_to_a_note")
		}
	}
	return nil
}

// CheckVisitPhotoAdd reports whether a may link a photo to the visit (or
// one of its items): someone who may record the visit, while it is a draft.
func (a Actor) CheckVisitPhotoAdd(in Visit) error {
	if err := a.CheckRecord(in); err != nil {
		return err
	}
	return in.CheckPhotoAdd()
}

// CheckVisitPhotoRemove reports whether a may take a photo off the visit
// (or one of its items).
func (a Actor) CheckVisitPhotoRemove(in Visit) error {
	if err := a.CheckRecord(in); err != nil {
		return err
	}
	return in.CheckPhotoRemove()
}

// CheckFindingPhotoAdd reports whether a may link a photo to the finding:
// someone who may act on its project, while it is active.
func (a Actor) CheckFindingPhotoAdd(f Finding) error {
	if err := a.CheckProject(f.ProjectID); err != nil {
		return err
	}
	return f.CheckPhotoAdd()
}

// CheckFindingPhotoRemove reports whether a may take the photo hash off
// the finding's photos of role; raisedIn as for Finding.CheckPhotoRemove.
func (a Actor) CheckFindingPhotoRemove(f Finding, hash string, role PhotoRole, raisedIn *Visit) error {
	if err := a.CheckProject(f.ProjectID); err != nil {
		return err
	}
	return f.CheckPhotoRemove(hash, role, raisedIn)
}

// CheckPhotoDescribe reports whether a may change the caption or turn of a
// photo linked to these visits and findings: a leader, someone who may
// record one of the visits or act on the project of one of the findings.
// A photo linked to nothing yet is its importer's to describe.
func (a Actor) CheckPhotoDescribe(visits []Visit, findings []Finding) error {
	if a.Role.Oversees() || len(visits)+len(findings) == 0 {
		return nil
	}
	for _, in := range visits {
		if a.CheckRecord(in) == nil {
			return nil
		}
	}
	for _, f := range findings {
		if a.CheckProject(f.ProjectID) == nil {
			return nil
		}
	}
	return Coded(EForbidden, "supervision.only_the_inspectors_of_the_photos")
}
