package app

import (
	"time"

	sv "fieldbrief/supervision"
)

// Data is what the window reads and writes. *storage.Store implements it;
// tests may pass the same store on a temporary folder.
type Data interface {
	Dashboard(now time.Time) ([]sv.ProjectStatus, error)
	IsEmpty() (bool, error)
	IsSample() (bool, error)
	Path() string
}
