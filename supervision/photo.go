package supervision

import "time"

// PhotoRole says what a photo shows about a finding.
type PhotoRole string

// Photo roles.
const (
	RoleGeneral PhotoRole = ""       // attached to a visit or an item
	RoleBefore  PhotoRole = "before" // shows the problem
	RoleAfter   PhotoRole = "after"  // shows the rectification
)

// PhotoLink ties a photo to what it documents. A photo may document several
// things: one picture of a scaffold can serve an item and a finding.
type PhotoLink struct {
	VisitID   string    `json:"inspection_id,omitempty"`
	ItemKey   string    `json:"item_key,omitempty"`
	FindingID string    `json:"finding_id,omitempty"`
	Role      PhotoRole `json:"role,omitempty"`
}

// Photo is the metadata of one piece of photographic evidence. Its identity
// is the SHA-256 of the original file, so the same picture imported twice is
// one photo.
type Photo struct {
	Hash       string      `json:"hash"`
	FileName   string      `json:"file_name,omitempty"`
	Size       int64       `json:"size"`
	Width      int         `json:"width"`
	Height     int         `json:"height"`
	CapturedAt time.Time   `json:"captured_at,omitzero"`
	Lat        *float64    `json:"lat,omitempty"`
	Lon        *float64    `json:"lon,omitempty"`
	Caption    string      `json:"caption,omitempty"`
	Rotation   int         `json:"rotation,omitempty"` // extra clockwise turns by the user, in degrees
	ImportedAt time.Time   `json:"imported_at"`
	Links      []PhotoLink `json:"links,omitempty"`
	// Uploaded is set once the portal confirmed it holds the original bytes.
	Uploaded bool `json:"uploaded,omitempty"`
	Sample   bool `json:"sample,omitempty"`
}

// StalePhotoDays is how long before a visit a photo may have been taken
// and still be evidence of it without a second look.
const StalePhotoDays = 30

// TakenLongBefore reports whether the camera says the photo was taken more
// than StalePhotoDays before day: an old picture picked by mistake, or one
// passed off as new. A photo without a capture time is not judged.
func (p Photo) TakenLongBefore(day time.Time) bool {
	return !p.CapturedAt.IsZero() && p.CapturedAt.Before(day.AddDate(0, 0, -StalePhotoDays))
}

// SortTime is the time photos are ordered by: capture time when the camera
// recorded it, else import time.
func (p Photo) SortTime() time.Time {
	if !p.CapturedAt.IsZero() {
		return p.CapturedAt
	}
	return p.ImportedAt
}
