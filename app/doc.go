// Package app is fieldbrief's window: the dashboard of the key projects and
// the screens an inspector works in. Each screen is a small struct that owns
// its widgets. Reading and writing data goes through the Data interface,
// never bbolt or HTTP directly; every call runs through Config.Background
// (see fetchIn) and touches widgets only through ui.do, so the UI goroutine
// never waits for the disk.
//
// The window keeps one current screen (screen.go: view, load, reopen, and
// small optional interfaces it asks for by capability, never by type), and
// gives screens, and the forms and photo dialogs they open, a screenEnv
// (env.go: data, clock, language, background runner, dialogs, navigation,
// photos, the sync count, the Reports menu) rather than itself (decision
// 0043).
//
// The screens and where they live:
//
//   - app.go, screen.go, env.go: the window, navigation (back stack), menu and keyboard
//     (Ctrl+N visit, Ctrl+F search, Ctrl+L findings, Ctrl+PageUp/PageDown
//     sections, Alt+Left back, Ctrl+Q quit), settings;
//   - dashboard.go: the projects table with search and filters, and the
//     schedule panel (visits due, next dispatch meeting and tour);
//   - project.go: one project's facts, milestones, visits, findings, photos;
//   - visit.go, item.go, itemkinds.go, saver.go: a visit's checklist section
//     by section, one widget type per item kind, every change saved at once through a
//     one-write-at-a-time queue; submit, amend, discard;
//   - finding.go, findingform.go: recording a finding, the workflow moves
//     the domain allows, notes, the detail with its history, and the
//     re-check of open findings during a visit;
//   - findings.go: the findings of all projects with filters;
//   - photos.go, photoimport.go: importing photos for an item, the site or
//     a finding (files, a folder, files dropped on the window) with
//     progress, cancel and a summary of the files refused;
//   - photoview*.go: the photos of a visit, an item or a finding by capture
//     time (a finding's before and after side by side), one in full with
//     zoom, caption, rotation and delete (refused on a submitted visit),
//     and its keys (← → + − = 0 R Delete Escape);
//   - photofetch.go: colleagues' photos from the portal — thumbnails the
//     viewer lacks, originals opened in full or printed — and what a
//     visit's photos wait for (upload, download);
//   - shutdown.go: quitting — the work still running finishes, then Fyne
//     stops with no UI call in flight (decision 0019);
//   - sync.go, signin.go, sync_rejections.go: the status bar, which draws
//     the state of the syncer.Agent (online, syncing, who is signed in; the
//     Agent watches /healthz with backoff and decides when to sync), what
//     waits and the last sync, sign-in and sign-out, Sync now
//     (Ctrl+Shift+S) with progress and cancel, and the changes the portal
//     refused.
//
// Every text a person reads goes through t or t0 (i18n.go) and is in both
// assets/translations files; a test checks.
package app
