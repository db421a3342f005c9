package storage

import (
	"time"

	bolt "go.etcd.io/bbolt"

	sv "fieldbrief/supervision"
)

// Dashboard returns a row per project: last visit, next due, open and
// overdue findings, leaving out archived projects. It reads each project's summary and its active findings
// only, so its cost does not grow with the years of history.
func (s *Store) Dashboard(now time.Time) ([]sv.ProjectStatus, error) {
	var out []sv.ProjectStatus
	err := s.view(func(tx *bolt.Tx) error {
		sums := tx.Bucket(bSummary)
		active := tx.Bucket(bActiveIndex).Cursor()
		return tx.Bucket(bProjects).ForEach(func(k, v []byte) error {
			var row sv.ProjectStatus
			if err := decode(v, &row.Project, "project"); err != nil {
				return err
			}
			if row.Project.Archived {
				return nil
			}
			var sum projectSummary
			if raw := sums.Get(k); raw != nil {
				if err := decode(raw, &sum, "summary"); err != nil {
					return err
				}
			}
			row.LastVisit = sum.LastVisit
			row.VisitCount = sum.Visits
			row.Next = sv.NextVisit(sum.LastVisit, sum.RegisteredAt, now)
			prefix := append(append([]byte(nil), k...), 0)
			for ak, av := active.Seek(prefix); ak != nil && hasPrefix(ak, prefix); ak, av = active.Next() {
				var e activeEntry
				if err := decode(av, &e, "finding index"); err != nil {
					return err
				}
				row.OpenFindings++
				if e.Status.Rectifying() && sv.DaysLate(e.Deadline, now) > 0 {
					row.OverdueFindings++
				}
			}
			out = append(out, row)
			return nil
		})
	})
	return out, err
}
