package report

import (
	"time"

	"fieldbrief/docinput"
)

// SnapshotVersion names the serialisation a brief's and a tour pack's
// digest is computed over, the one new documents are printed in
// (docinput.SnapshotVersion: s2, which adds the 形象进度 to s1).
const SnapshotVersion = docinput.SnapshotVersion

// knownSnapshotVersion reports whether a stamp's version is one verify
// can rebuild (s1 or s2).
func knownSnapshotVersion(v string) bool { return docinput.KnownSnapshotVersion(v) }

// Snapshot is the digest of what a brief or a tour pack printed, of the
// whole and of each project's part (docinput.Snapshot).
type Snapshot = docinput.Snapshot

// ProjectDigest is the digest of one project's part of a snapshot.
type ProjectDigest = docinput.ProjectDigest

// BriefSnapshot is the snapshot of what a brief prints, in
// in.SnapshotVersion (empty: the current one): its period, the moment it
// is as of (in.AsOf, which must be set), and each project with its
// figures, visits, findings and photos as the brief has them.
func BriefSnapshot(in BriefInput) Snapshot {
	return docinput.BriefSnapshot(in.SnapshotVersion, in.PeriodEnd, in.AsOf, in.Projects)
}

// TourSnapshot is the snapshot of what a tour pack made at asOf prints, in
// in.SnapshotVersion (empty: the current one): its quarter and its stops
// in visiting order.
func TourSnapshot(in TourInput, asOf time.Time) Snapshot {
	return docinput.TourSnapshot(in.SnapshotVersion, in.Year, in.Quarter, asOf, in.Stops)
}

// TourID names a tour pack's quarter as its stamp and the command line
// write it: 2026Q4.
func TourID(year, quarter int) string { return docinput.TourID(year, quarter) }
