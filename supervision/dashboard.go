package supervision

import "time"

// ProjectStatus is one row of the dashboard: a project with what the
// inspectors need at a glance.
type ProjectStatus struct {
	Project         Project
	LastVisit       time.Time // zero when never visited
	VisitCount      int
	Next            VisitDue
	OpenFindings    int // findings still active (open, in progress, awaiting verification)
	OverdueFindings int
}
