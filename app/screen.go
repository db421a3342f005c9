package app

import (
	"fyne.io/fyne/v2"

	"fieldbrief/storage"
)

// A screen is what the window shows below its header: the dashboard, a
// project's page, a visit, the list of findings. The window keeps one
// current screen and asks it for what it can do through the small
// interfaces below, never by its type (decision 0043): a new screen, or a
// screen that learns to take dropped photos, changes no code of the
// window.
type screen interface {
	// view is what goes in the window's body.
	view() fyne.CanvasObject
	// load reads the screen's data off the UI goroutine and shows it.
	load()
	// reopen returns a function that shows this screen again, reading
	// its data afresh: what the back button runs.
	reopen() func()
}

// dropTarget is a screen that takes photo files dropped on the window at
// pos (window coordinates); it returns false when it cannot take them now
// (still loading).
type dropTarget interface {
	dropped(pos fyne.Position, paths []string) bool
}

// photosWatcher is a screen that shows photo counts: photos were imported,
// deleted, uploaded or downloaded meanwhile.
type photosWatcher interface {
	photosChanged()
}

// visitStarter is a screen where Ctrl+N starts (or resumes) a visit.
type visitStarter interface {
	startVisit()
}

// searchable is a screen with a search box for Ctrl+F.
type searchable interface {
	searchBox() fyne.Focusable
}

// sectioned is a screen in sections that Ctrl+PageDown and Ctrl+PageUp
// step through.
type sectioned interface {
	stepSection(delta int)
}

// visitShown is a screen showing one visit, whose report the Reports menu
// makes; ok is false while it is loading.
type visitShown interface {
	shownVisit() (v submittedVisit, ok bool)
}

// filtered is a list of findings under a filter: opening the list again
// from it replaces it rather than stacking a second one on the way back.
type filtered interface {
	filter() storage.FindingFilter
}

// homeScreen is the dashboard as a screen. The dashboard itself outlives
// it: it keeps its search, sorting and scroll between visits to it.
type homeScreen struct{ ui *mainUI }

func (h homeScreen) view() fyne.CanvasObject { return h.ui.dash.content }

func (h homeScreen) load() {
	h.ui.dash.load(func(err error) {
		if err != nil {
			h.ui.showError(err)
		}
	})
}

func (h homeScreen) reopen() func() { return h.ui.showDashboardAgain }

func (h homeScreen) searchBox() fyne.Focusable { return h.ui.dash.search }

// startVisit visits the project the search leaves on screen; with none
// chosen, the inspector picks one.
func (h homeScreen) startVisit() {
	id := h.ui.dash.chosenProject()
	if id == "" {
		h.ui.pickProject()
		return
	}
	h.ui.openProject(id, true).startOrResumeWhenLoaded()
}

// The screens' answers to the window.

func (p *projectPage) view() fyne.CanvasObject { return p.content }

func (p *projectPage) reopen() func() {
	nav, id := p.env.nav, p.id
	return func() { nav.openProject(id, false) }
}

func (p *projectPage) startVisit() { p.startOrResume() }

func (p *projectPage) photosChanged() { p.loadPhotoStates() }

func (v *visitScreen) view() fyne.CanvasObject { return v.content }

func (v *visitScreen) reopen() func() {
	nav, id := v.env.nav, v.id
	return func() { nav.openVisit(id, false) }
}

func (v *visitScreen) stepSection(delta int) { v.showPane(v.current + delta) }

func (v *visitScreen) photosChanged() {
	if v.loaded {
		v.loadPhotoState()
	}
}

func (v *visitScreen) shownVisit() (submittedVisit, bool) {
	if !v.loaded {
		return submittedVisit{}, false
	}
	return submittedVisit{id: v.id, project: v.project.DisplayName(), started: v.in.StartedAt}, true
}

// dropped puts the files on the item under the pointer, else among the
// visit's site photos.
func (v *visitScreen) dropped(pos fyne.Position, paths []string) bool {
	if !v.loaded {
		return false
	}
	if f := v.fieldAt(pos); f != nil {
		f.attach(paths)
		return true
	}
	v.attachSitePhotos(paths)
	return true
}

func (s *findingsScreen) view() fyne.CanvasObject { return s.content }

func (s *findingsScreen) reopen() func() {
	nav, f := s.env.nav, s.filter()
	return func() { nav.openFindings(f, false) }
}

func (s *findingsScreen) searchBox() fyne.Focusable { return s.search }
