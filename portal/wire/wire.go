// Package wire holds the sync records that the laptop's store keeps as
// they travel: a change waiting in the outbox, a change the portal
// refused, and the names of entities and operations. Package portal (the
// protocol) and package storage (the outbox) both use these definitions;
// this package depends only on the domain, so storage does not import the
// portal's HTTP client to get them.
package wire

import (
	"encoding/json"
	"time"

	sv "fieldbrief/supervision"
)

// Entities carried by push and pull. The first four are the laptop's outbox
// entities; projects and templates only travel down.
const (
	EntityVisit    = "inspection"
	EntityAnswer   = "answer"
	EntityFinding  = "finding"
	EntityPhoto    = "photo"
	EntityProject  = "project"
	EntityTemplate = "template"
)

// Operations of a change.
const (
	OpPut    = "put"
	OpDelete = "delete"
)

// Change is one outbox entry, as the laptop keeps it and as it is pushed.
// Seq numbers the device's changes without gaps; the portal applies each
// (device, seq) exactly once.
type Change struct {
	Seq    uint64          `json:"seq"`
	Entity string          `json:"entity"`
	ID     string          `json:"id"`
	Op     string          `json:"op"`
	At     time.Time       `json:"at"`
	Data   json.RawMessage `json:"data,omitempty"`
	// Clocks gives, for a finding, the hybrid logical clock of each field
	// this change set; fields not named did not change. The laptop sets
	// them when it pushes (see portal.MergeFinding); the outbox has none.
	Clocks map[string]string `json:"clocks,omitempty"`
}

// Rejection is a change the portal refused (rights, workflow, validation).
// The portal keeps it so a repeated push reports it again; the laptop keeps
// it until the user has read it. It is never silently dropped.
type Rejection struct {
	Device string    `json:"device"`
	Seq    uint64    `json:"seq"`
	Entity string    `json:"entity"`
	ID     string    `json:"id"`
	Code   sv.Code   `json:"code"`
	Zh     string    `json:"zh"`
	En     string    `json:"en"`
	At     time.Time `json:"at"`
}

// Message returns the refusal's reason in lang.
func (r Rejection) Message(lang sv.Lang) string {
	if lang == sv.English {
		return r.En
	}
	return r.Zh
}
