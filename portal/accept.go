package portal

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// MaxClockSkew is how far ahead of the portal's time a laptop's clock may
// run before its readings are clamped: enough for clocks set by hand,
// too little for an edit to win against the corrections of the next days.
const MaxClockSkew = 2 * time.Minute

// clockWidth is the width of a reading's wall and counter parts, as String
// writes them: "0001767225600000.000000.".
const clockWidth = 16 + 1 + 6 + 1

// CheckClock reads a clock reading sent by device: it must be written as
// String writes it (fixed width, so that string order is clock order on
// every laptop) and carry device as its node, so that one laptop cannot
// speak for another. The error is fit to show.
func CheckClock(s, device string) (HLC, *sv.Error) {
	bad := translate.Errorf(sv.EInvalid, "portal.error.the_change_carries_a_malformed_clock")
	if len(s) != clockWidth+len(device) || s[16] != '.' || s[23] != '.' {
		return HLC{}, bad
	}
	for i, r := range s[:clockWidth-1] {
		if i != 16 && (r < '0' || r > '9') {
			return HLC{}, bad
		}
	}
	h := ParseHLC(s)
	if h.Wall <= 0 {
		return HLC{}, bad
	}
	if h.Node != device {
		return HLC{}, translate.Errorf(sv.EForbidden, "portal.error.the_change_s_clock_reading_belongs")
	}
	return h, nil
}

// Clamp bounds h by the portal's time now: a reading later than now plus
// MaxClockSkew becomes now's (keeping its counter and node), so a laptop
// whose clock runs ahead cannot make its edits win against every later
// one. ahead is how far the reading was past now, or 0.
func (h HLC) Clamp(now time.Time) (out HLC, ahead time.Duration) {
	limit := now.Add(MaxClockSkew).UnixMilli()
	if h.Wall <= limit {
		return h, 0
	}
	ahead = time.Duration(h.Wall-now.UnixMilli()) * time.Millisecond
	h.Wall = now.UnixMilli()
	return h, ahead
}

// Stamp is what the portal knows of a change and a laptop cannot say: who
// is signed in, and when the change arrived.
type Stamp struct {
	Actor sv.Actor
	Now   time.Time
}

// name is what the portal writes as the author of a change.
func (st Stamp) name() string {
	if st.Actor.DisplayName != "" {
		return st.Actor.DisplayName
	}
	return st.Actor.Name
}

// bound keeps a time a laptop says between floor and the arrival.
func (st Stamp) bound(t, floor time.Time) time.Time {
	if t.After(st.Now) {
		t = st.Now
	}
	if t.Before(floor) {
		t = floor
	}
	return t
}

// AcceptFinding is the portal's side of a pushed finding. The laptop's
// version is input to check, not to store:
//   - a new finding is born open, created by the signed-in user at a time
//     no later than its arrival;
//   - its status moves only by the history entries the portal has not seen
//     yet, each checked by the rulebook (sv.Finding.Apply) for the signed-in
//     user's role and stored with that user as its author, the laptop's time
//     bounded (not before the finding or the previous move, not after the
//     arrival) and the time the portal received it; verified_by and
//     closed_at follow from those moves;
//   - a move made on a status that someone else's move has since changed
//     is made from the current status when the workflow allows it and it
//     carries the finding forward, and dropped with an EConflict refusal
//     otherwise (the rest still merges);
//   - descriptive fields merge by their clocks (already checked and
//     clamped by the caller), and only while the finding is active; notes
//     are a union, new ones with the signed-in user as author; photo lists
//     are a union, added to only while the finding is active.
//
// A refusal that is not a conflict (a move the role may not make, a status
// no move reached, an edit of a closed finding) refuses the whole change:
// refused is set and nothing is to be stored.
func AcceptFinding(stored *sv.Finding, storedClocks map[string]string, in sv.Finding, inClocks map[string]string, st Stamp) (res MergeResult, refused *sv.Error) {
	var f sv.Finding
	clocks := map[string]string{}
	if stored == nil {
		f = in
		f.Status = sv.StatusOpen
		f.History, f.Notes = nil, nil
		f.VerifiedBy, f.ClosedAt = "", time.Time{}
		// Born with the deadline it was raised with: the 再次督办 moves in
		// its history set the later ones as they are replayed.
		f.Deadline = in.DeadlineAt(time.Time{})
		f.CreatedBy = st.name()
		f.CreatedAt = st.bound(in.CreatedAt, time.Time{})
		f.UpdatedAt = f.CreatedAt
		f.PhotosBefore = slices.Clone(in.PhotosBefore)
		f.PhotosAfter = slices.Clone(in.PhotosAfter)
		for k, v := range inClocks {
			clocks[k] = v
		}
	} else {
		f = *stored
		f.History = slices.Clone(stored.History)
		f.Notes = slices.Clone(stored.Notes)
		f.PhotosBefore = slices.Clone(stored.PhotosBefore)
		f.PhotosAfter = slices.Clone(stored.PhotosAfter)
		for k, v := range storedClocks {
			clocks[k] = v
		}
		if !stored.Status.Active() {
			if err := editsOf(*stored, storedClocks, in, inClocks); err != nil {
				return MergeResult{}, err
			}
		}
	}
	// Moves.
	known := map[string]bool{}
	for _, h := range f.History {
		known[historyID(h)] = true
		known[historyKey(h)] = true
	}
	var conflict *sv.Error
	moved := false
	for _, h := range in.History {
		if known[historyID(h)] || known[historyKey(h)] {
			continue
		}
		if conflict != nil {
			continue // later moves depend on the dropped one
		}
		if h.IsRedispatch() && (!f.Status.Rectifying() || h.Deadline <= f.Deadline) {
			// A 再次督办 made while someone else moved the finding on, or
			// set a later deadline first, no longer applies.
			conflict = translate.Errorf(sv.EConflict, "portal.error.redispatch_not_accepted",
				translate.PerLanguage(f.Status.Label), string(f.Deadline))
			continue
		}
		if h.From != f.Status && !h.IsRedispatch() {
			if h.To == f.Status {
				continue // someone else made the same move first
			}
			// Made on a stale status: taken from the current one only
			// when it carries the finding forward; a stale step back (a
			// start of work after someone reported the fix) would undo
			// another's move.
			if !sv.CanMove(f.Status, h.To) || !forward(f.Status, h.To) {
				conflict = translate.Errorf(sv.EConflict, "portal.error.status_change_not_accepted",
					translate.PerLanguage(f.Status.Label), translate.PerLanguage(h.To.Label))
				continue
			}
		}
		floor := f.CreatedAt
		if n := len(f.History); n > 0 && f.History[n-1].At.After(floor) {
			floor = f.History[n-1].At
		}
		m := sv.Move{To: h.To, By: st.name(), Role: st.Actor.Role, Note: h.Note, Evidence: h.Evidence,
			VisitID: h.VisitID, At: st.bound(h.At, floor), ID: historyID(h), Deadline: h.Deadline}
		if h.IsRedispatch() {
			m.To = "" // it keeps the status the finding has now
		}
		if err := f.Apply(m); err != nil {
			return MergeResult{}, asError(err)
		}
		f.History[len(f.History)-1].ReceivedAt = st.Now
		known[historyID(h)] = true
		moved = true
	}
	_, setsStatus := inClocks[FieldStatus]
	if in.Status != f.Status && ((conflict == nil && setsStatus) || stored == nil) {
		return MergeResult{}, translate.Errorf(sv.EInvalid, "portal.error.status_not_reached_by_moves",
			translate.PerLanguage(in.Status.Label))
	}
	if moved {
		if c := inClocks[FieldStatus]; c > clocks[FieldStatus] {
			clocks[FieldStatus] = c
		}
	}

	// Fields, notes and photos.
	if stored != nil {
		for _, field := range FindingFields() {
			c, ok := inClocks[field]
			if field == FieldStatus || !ok || c <= clocks[field] {
				continue
			}
			setField(&f, in, field)
			clocks[field] = c
		}
	}
	var notes []sv.Note
	seenNotes := map[string]bool{}
	for _, n := range f.Notes {
		seenNotes[noteKey(n)] = true
	}
	for _, n := range in.Notes {
		// A note without an id (older laptops) is known by what it says,
		// as stored before the portal gave notes ids, or by the id the
		// portal derived from it.
		if n.ID == "" {
			if seenNotes[noteKey(n)] {
				continue
			}
			n.ID = derivedID("n", n.At, n.By, n.Text)
		}
		if seenNotes[noteKey(n)] {
			continue
		}
		seenNotes[noteKey(n)] = true
		n.By = st.name()
		n.At = st.bound(n.At, f.CreatedAt)
		notes = append(notes, n)
	}
	f.Notes = unionNotes(f.Notes, notes)
	before, after := unionStrings(f.PhotosBefore, in.PhotosBefore), unionStrings(f.PhotosAfter, in.PhotosAfter)
	if stored != nil && (len(before) != len(f.PhotosBefore) || len(after) != len(f.PhotosAfter)) {
		if err := stored.CheckPhotoAdd(); err != nil {
			return MergeResult{}, asError(err)
		}
	}
	f.PhotosBefore, f.PhotosAfter = before, after
	if u := st.bound(in.UpdatedAt, f.CreatedAt); u.After(f.UpdatedAt) {
		f.UpdatedAt = u
	}
	return MergeResult{Finding: f, Clocks: clocks, StatusRefused: conflict}, nil
}

// forward reports whether to comes after from in the workflow's order.
func forward(from, to sv.Status) bool {
	order := sv.Statuses()
	return slices.Index(order, to) > slices.Index(order, from)
}

// editsOf refuses a change that sets a descriptive field of a finding no
// longer active: a closed or withdrawn finding is a record.
func editsOf(stored sv.Finding, storedClocks map[string]string, in sv.Finding, inClocks map[string]string) *sv.Error {
	for _, field := range FindingFields() {
		c, ok := inClocks[field]
		if field == FieldStatus || !ok || c <= storedClocks[field] || fieldValue(stored, field) == fieldValue(in, field) {
			continue
		}
		return asError(stored.CheckEdit())
	}
	return nil
}

// historyID names a history entry: its own id, or for an entry from a
// laptop that makes none, one derived from what it says, so the same entry
// sent again is known again.
func historyID(h sv.StatusChange) string {
	if h.ID != "" {
		return h.ID
	}
	return derivedID("h", h.At, h.By, string(h.From)+"\x00"+string(h.To)+"\x00"+h.Note)
}

func derivedID(prefix string, at time.Time, by, rest string) string {
	sum := sha256.Sum256([]byte(at.UTC().Format(sortableTime) + "\x00" + by + "\x00" + rest))
	return prefix + "-" + hex.EncodeToString(sum[:12])
}

func asError(err error) *sv.Error {
	if err == nil {
		return nil
	}
	if e, ok := err.(*sv.Error); ok {
		return e
	}
	return translate.Wrap(err, sv.EInternal, "portal.error.the_portal_failed_to_check_this")
}
