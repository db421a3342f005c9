// Package supervision holds fieldbrief's domain: the key projects, the
// versioned checklist templates, visits (督查) with their answers,
// findings (问题) with their rectification workflow, photo metadata and the
// supervision calendar (一月一督查、双月一调度、一季一拉练).
//
// It depends on the standard library only, so every other package — storage,
// reports, sync, the UI — can share these types without dragging in each
// other's dependencies. Workflow rules live here and nowhere else: the UI
// offers only the moves this package allows, and storage and the portal
// re-check them.
package supervision
