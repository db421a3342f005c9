package portal

import (
	"encoding/json"
	"net/url"
	"time"
)

// User actions of the admin API, the last part of UserPath.
const (
	UserPassword = "password" // POST, PasswordRequest: set the password, revoking the user's tokens
	UserDisable  = "disable"  // POST: refuse sign-in and every token at once
	UserEnable   = "enable"   // POST: allow sign-in again
	UserRevoke   = "revoke"   // POST: end every sign-in of the user
)

// UserPath is the admin API path of one user (DELETE removes the account)
// or, with an action, of an action on it.
func UserPath(name, action string) string {
	p := PathUsers + "/" + url.PathEscape(name)
	if action != "" {
		p += "/" + action
	}
	return p
}

// PasswordRequest sets a user's password.
type PasswordRequest struct {
	Password string `json:"password"`
}

// UserActionResponse says what an action on a user did.
type UserActionResponse struct {
	User User `json:"user"`
	// Revoked counts the sign-ins (tokens) ended.
	Revoked int `json:"revoked"`
}

// AuditEntry is one administrative action, as the portal recorded it.
type AuditEntry struct {
	Seq    uint64          `json:"seq"`
	At     time.Time       `json:"at"`
	Who    string          `json:"who"`
	From   string          `json:"from"` // "local" (admin socket or stopped portal) or the remote address
	Action string          `json:"action"`
	Target string          `json:"target,omitempty"`
	Detail json.RawMessage `json:"detail,omitempty"`
}

// CheckReport is the portal's examination of its own data.
type CheckReport struct {
	Records  int      `json:"records"`
	Photos   int      `json:"photos"`
	Problems []string `json:"problems"`
}
