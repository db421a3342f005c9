package portal

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	sv "fieldbrief/supervision"
)

// HLC is a hybrid logical clock reading: wall time in milliseconds, a
// counter for events within one millisecond (or after a reading from a
// clock that runs ahead), and the node that made it, which breaks ties.
//
// Readings are written as fixed-width strings ("0001767225600000.000000.node")
// so that comparing two strings compares the clocks; a reading travels in
// JSON and in bbolt keys without a codec.
type HLC struct {
	Wall    int64
	Logical int64
	Node    string
}

// String encodes the reading so that string order is clock order.
func (h HLC) String() string { return fmt.Sprintf("%016d.%06d.%s", h.Wall, h.Logical, h.Node) }

// ParseHLC reads a reading written by String; a malformed one reads as zero,
// which loses to every real reading.
func ParseHLC(s string) HLC {
	parts := strings.SplitN(s, ".", 3)
	if len(parts) != 3 {
		return HLC{}
	}
	w, err1 := strconv.ParseInt(parts[0], 10, 64)
	l, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil {
		return HLC{}
	}
	return HLC{Wall: w, Logical: l, Node: parts[2]}
}

// Tick returns the reading for an event at physical time at on node, given
// the last reading the node made or saw. It never goes backwards, so an
// edit made after seeing another's edit is ordered after it even when the
// laptop's clock is behind.
func (h HLC) Tick(at time.Time, node string) HLC {
	wall := at.UnixMilli()
	if wall > h.Wall {
		return HLC{Wall: wall, Node: node}
	}
	return HLC{Wall: h.Wall, Logical: h.Logical + 1, Node: node}
}

// Observe returns the later of h and a reading seen from elsewhere.
func (h HLC) Observe(s string) HLC {
	o := ParseHLC(s)
	if o.Wall > h.Wall || (o.Wall == h.Wall && o.Logical > h.Logical) {
		return HLC{Wall: o.Wall, Logical: o.Logical, Node: h.Node}
	}
	return h
}

// Field names of a finding that merge one by one, last writer (by HLC)
// winning; the status's clock only orders, the status moves by checked
// moves. Other fields are either fixed at creation (project, visit,
// creator) or merge as sets (notes, history, photos).
const (
	FieldDescription = "description"
	FieldUnit        = "responsible_unit"
	FieldDeadline    = "deadline"
	FieldSeverity    = "severity"
	FieldCategory    = "category"
	FieldKind        = "kind"
	FieldStatus      = "status"
)

// FindingFields lists the merged fields in a fixed order.
func FindingFields() []string {
	return []string{FieldDescription, FieldUnit, FieldDeadline, FieldSeverity, FieldCategory, FieldKind, FieldStatus}
}

// ChangedFields returns the merged fields in which cur differs from base;
// with no base (a new finding) every field counts as set.
func ChangedFields(base *sv.Finding, cur sv.Finding) []string {
	if base == nil {
		return FindingFields()
	}
	var out []string
	for _, f := range FindingFields() {
		if fieldValue(*base, f) != fieldValue(cur, f) {
			out = append(out, f)
		}
	}
	return out
}

func fieldValue(f sv.Finding, field string) string {
	switch field {
	case FieldDescription:
		return f.Description
	case FieldUnit:
		return f.ResponsibleUnit
	case FieldDeadline:
		return string(f.Deadline)
	case FieldSeverity:
		return string(f.Severity)
	case FieldCategory:
		return string(f.Category)
	case FieldKind:
		return string(f.Kind)
	case FieldStatus:
		return string(f.Status)
	}
	return ""
}

func setField(dst *sv.Finding, src sv.Finding, field string) {
	switch field {
	case FieldDescription:
		dst.Description = src.Description
	case FieldUnit:
		dst.ResponsibleUnit = src.ResponsibleUnit
	case FieldDeadline:
		dst.Deadline = src.Deadline
	case FieldSeverity:
		dst.Severity = src.Severity
	case FieldCategory:
		dst.Category = src.Category
	case FieldKind:
		dst.Kind = src.Kind
	}
	// The status is never taken from a laptop: it moves only by checked
	// moves (AcceptFinding).
}

// MergeResult is the outcome of merging one change into a finding.
type MergeResult struct {
	Finding sv.Finding
	Clocks  map[string]string
	// StatusRefused is set when a move of the change was made on a status
	// someone else has since changed and the workflow does not allow it
	// from the status the portal holds; the rest of the change (other
	// fields, notes) is still merged, and the refusal reported.
	StatusRefused *sv.Error
}

// sortableTime has a fixed width, so string order is time order.
const sortableTime = "2006-01-02T15:04:05.000000000Z"

func noteKey(n sv.Note) string {
	if n.ID != "" {
		return n.ID
	}
	return n.At.UTC().Format(sortableTime) + "\x00" + n.By + "\x00" + n.Text
}

func unionNotes(a, b []sv.Note) []sv.Note {
	seen := map[string]bool{}
	var out []sv.Note
	for _, n := range append(append([]sv.Note(nil), a...), b...) {
		if k := noteKey(n); !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	slices.SortStableFunc(out, func(x, y sv.Note) int {
		if c := x.At.Compare(y.At); c != 0 {
			return c
		}
		return strings.Compare(noteKey(x), noteKey(y))
	})
	return out
}

func historyKey(h sv.StatusChange) string {
	return h.At.UTC().Format(sortableTime) + "\x00" + h.By + "\x00" + string(h.From) + "\x00" + string(h.To)
}

func unionStrings(a, b []string) []string {
	out := append([]string(nil), a...)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
