// Package portal holds the sync protocol's wire types and an HTTP client
// for the central portal's API (/api/v1). The protocol itself is written
// down in docs/sync-protocol.md; the reference server is portal/server.
//
// The types here are shared by the client engine (syncer) and the server so
// both sides read the same JSON; they depend only on the domain package.
package portal

import (
	"encoding/json"
	"net/url"
	"strconv"
	"time"

	"fieldbrief/portal/wire"
	sv "fieldbrief/supervision"
)

// APIPrefix is the path every versioned endpoint lives under. A breaking
// change of the protocol gets a new prefix, so old laptops keep working
// against a portal that serves both.
const APIPrefix = "/api/v1"

// Endpoint paths, relative to the portal's base address.
const (
	PathHealth        = "/healthz"
	PathLogin         = APIPrefix + "/login"
	PathLogout        = APIPrefix + "/logout"
	PathMe            = APIPrefix + "/me"
	PathPush          = APIPrefix + "/push"
	PathPull          = APIPrefix + "/pull"
	PathPhotosMissing = APIPrefix + "/photos/missing"
	PathPhotos        = APIPrefix + "/photos/" // + sha256
	PathUploads       = APIPrefix + "/uploads/"
	PathUsers         = APIPrefix + "/admin/users"
	PathRegister      = APIPrefix + "/admin/register"
	PathAudit         = APIPrefix + "/admin/audit" // ?since=date or RFC 3339 time&limit=N
	PathCheck         = APIPrefix + "/admin/check"
	PathSnapshot      = APIPrefix + "/snapshot" // POST SnapshotRequest
	// The committee office's workbooks and the portal's backup.
	PathRegisterImport = APIPrefix + "/admin/register/import"  // POST xlsx, ?dry_run=1
	PathRegisterExport = APIPrefix + "/admin/register/export"  // GET xlsx
	PathTemplateImport = APIPrefix + "/admin/templates/import" // POST xlsx, ?dry_run=1
	PathTemplateExport = APIPrefix + "/admin/templates/export" // GET xlsx, ?id=&version=
	PathFindingsExport = APIPrefix + "/admin/findings/export"  // GET xlsx, ?status=&project=&unit=
	PathBackup         = APIPrefix + "/admin/backup"           // GET tar
	// Devices (decision 0024).
	PathDeviceRegister = APIPrefix + "/devices/register"
	PathAdminDevices   = APIPrefix + "/admin/devices" // GET; + "/{id}/reset" POST
)

// Role is what a portal user may do.
type Role string

// Roles, from least to most rights.
const (
	RoleInspector Role = "inspector" // records visits and works findings of their projects
	RoleLeader    Role = "leader"    // may also verify and close findings, on every project
	RoleAdmin     Role = "admin"     // manages users, the register and templates
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleInspector || r == RoleLeader || r == RoleAdmin }

// Entities carried by push and pull, and the operations of a change:
// defined in package wire, which storage shares.
const (
	EntityVisit    = wire.EntityVisit
	EntityAnswer   = wire.EntityAnswer
	EntityFinding  = wire.EntityFinding
	EntityPhoto    = wire.EntityPhoto
	EntityProject  = wire.EntityProject
	EntityTemplate = wire.EntityTemplate

	OpPut    = wire.OpPut
	OpDelete = wire.OpDelete
)

// LoginRequest asks for a bearer token.
type LoginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
	Device   string `json:"device,omitempty"`
}

// User describes a portal account, without its password.
type User struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name,omitempty"`
	Role        Role   `json:"role"`
	// Projects lists the projects an inspector may act on; empty means all.
	Projects []string `json:"projects,omitempty"`
	// Disabled accounts cannot sign in and their tokens are refused.
	Disabled bool `json:"disabled,omitempty"`
}

// NewUser is what an admin sends to create or replace an account.
type NewUser struct {
	User
	Password string `json:"password"`
}

// LoginResponse carries the token. The token is shown once: the portal
// keeps only its hash.
type LoginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      User      `json:"user"`
}

// Change is one outbox entry on the wire (see wire.Change).
type Change = wire.Change

// PushRequest sends changes of one device, in order.
type PushRequest struct {
	Device  string   `json:"device"`
	Changes []Change `json:"changes"`
}

// Rejection is a change the portal refused (see wire.Rejection).
type Rejection = wire.Rejection

// PushResponse acknowledges every change up to Acked; rejected ones among
// them are listed.
type PushResponse struct {
	Acked      uint64      `json:"acked"`
	Rejections []Rejection `json:"rejections,omitempty"`
	// ClockSkewSeconds, when set, says the laptop's clock runs that many
	// seconds ahead of the portal's: its clock readings and times were
	// clamped to the portal's time (see MaxClockSkew).
	ClockSkewSeconds int64 `json:"clock_skew_seconds,omitempty"`
}

// Record is a record as the portal holds it, sent down by pull.
type Record struct {
	Entity  string          `json:"entity"`
	ID      string          `json:"id"`
	Deleted bool            `json:"deleted,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
	// Clocks are a finding's field clocks, so a laptop's next change can be
	// ordered after what it has seen.
	Clocks map[string]string `json:"clocks,omitempty"`
	// Stored says, of a photo, that the portal holds its bytes, so a
	// laptop may download them. The photo's record often arrives before
	// its bytes (a laptop pushes records before it uploads); the portal
	// sends the record again, stored, once they are here, so laptops need
	// not ask for missing bytes on every sync.
	Stored bool `json:"stored,omitempty"`
}

// PullResponse is one page of changes after a cursor. Reset tells the
// laptop its cursor is unknown here (a restored or new portal): it must
// pull everything again from the empty cursor, keeping its outbox.
type PullResponse struct {
	Records []Record `json:"records"`
	Cursor  string   `json:"cursor"`
	More    bool     `json:"more"`
	Reset   bool     `json:"reset,omitempty"`
	// MarksStored says the portal sets Record.Stored. A portal older than
	// that flag leaves every photo unmarked; a laptop then asks for any
	// photo it lacks, as before, rather than for none.
	MarksStored bool `json:"marks_stored,omitempty"`
}

// MissingRequest names photos by SHA-256.
type MissingRequest struct {
	Hashes []string `json:"hashes"`
}

// MissingResponse lists the hashes the portal does not hold yet.
type MissingResponse struct {
	Missing []string `json:"missing"`
}

// RegisterRequest replaces projects and templates (admin only).
type RegisterRequest struct {
	Projects  []sv.Project  `json:"projects"`
	Templates []sv.Template `json:"templates"`
}

// SnapshotRequest asks the portal to rebuild, from its own records, the
// snapshot a printed brief or tour pack carries in its stamp (decision
// 0034): the same kind, period or quarter, moment and time zone, and for a
// tour pack the stops in the order printed.
type SnapshotRequest struct {
	// Version is the serialisation the stamp's digest is in (s1, s2), which
	// the portal rebuilds in; a laptop from before s2 sends none, and means
	// s1. The portal refuses one it does not know.
	Version string `json:"version,omitempty"`
	Kind    string `json:"kind"` // "brief" or "tour"
	// ID is a brief's last month (2026-11) or a tour pack's quarter (2026Q4).
	ID string `json:"id"`
	// Time is when the document was made, with the zone it was made in:
	// periods and dates are counted in that zone.
	Time time.Time `json:"time"`
	AsOf time.Time `json:"as_of"`
	// Projects are the project ids the stamp lists, in printed order.
	Projects []string `json:"projects"`
}

// SnapshotResponse is the portal's rebuild: the whole digest (the
// request's version, "s2:", and 64 hex digits) and each project's short digest as a stamp records it, in
// the order rebuilt. A project the portal's register lacks is not listed.
type SnapshotResponse struct {
	Digest   string            `json:"digest"`
	Projects []SnapshotProject `json:"projects"`
}

// SnapshotProject is one project's short digest (12 hex digits).
type SnapshotProject struct {
	ID     string `json:"id"`
	Digest string `json:"digest"`
}

// MaxSnapshotProjects bounds the stops a snapshot request may name: far
// more than any register, few enough that a request cannot make the
// portal loop for long.
const MaxSnapshotProjects = 5000

// ErrorBody is the JSON of every refusal: a code for programs and the
// message in both languages for people.
type ErrorBody struct {
	Code sv.Code `json:"code"`
	Zh   string  `json:"zh"`
	En   string  `json:"en"`
	// Expected is set on a gap in push: the next sequence number the
	// portal will accept from this device.
	Expected uint64 `json:"expected,omitempty"`
	// Epoch is set on a gap in push: the portal database's epoch, so a
	// laptop can tell a restored portal (another epoch than its cursor's)
	// from a lost change of its own.
	Epoch string `json:"epoch,omitempty"`
}

// MetaSHA256 is the tus Upload-Metadata key carrying the photo's SHA-256
// in hex; the portal verifies it before the photo becomes visible.
const MetaSHA256 = "sha256"

// AnswerData is the data of an answer change: the answer and its visit.
type AnswerData struct {
	VisitID string `json:"inspection_id"`
	sv.Answer
}

// AnswerID is the record id of an answer: its visit and item.
func AnswerID(visitID, itemKey string) string { return visitID + "/" + itemKey }

// TemplateID is the record id of one version of a template.
func TemplateID(id string, version int) string { return id + "@" + strconv.Itoa(version) }

// Protocol versions (decision 0025). Every request of a laptop carries
// ProtocolHeader with the version it speaks; the portal answers with its
// own, and refuses a laptop older than its minimum with 426 and
// ErrUpdateRequired. A request without the header is version 1 (laptops
// before the header existed).
const (
	ProtocolHeader = "Fieldbrief-Protocol"
	// ProtocolVersion 2 adds devices bound to tokens, device re-registration
	// and the epoch on a gap.
	ProtocolVersion = 2
)

// Device is a laptop's registration on the portal: the id it numbers its
// changes under, the user it belongs to and how far it has pushed.
type Device struct {
	ID        string    `json:"id"`
	User      string    `json:"user,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	LastPush  time.Time `json:"last_push,omitzero"`
	State     string    `json:"state"`
	// Acked is the last change number applied from this device.
	Acked uint64 `json:"acked"`
}

// Device states.
const (
	DeviceActive = "active"
	// DeviceReset: an administrator cleared the device's numbering and
	// owner; the laptop that holds the id must register a new one.
	DeviceReset = "reset"
)

// DeviceRegisterRequest asks to bind the request's token to a new device
// id, owned by the token's user.
type DeviceRegisterRequest struct {
	Device string `json:"device"`
}

// DeviceResetPath is the admin path of one device's reset.
func DeviceResetPath(id string) string { return PathAdminDevices + "/" + url.PathEscape(id) + "/reset" }
