package app

import (
	"errors"
	"net"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// screenEnv is what a screen may use of the window (decision 0043): the
// data, the clock, the language, the background runner, dialogs and
// navigation. A screen holds it instead of the window, so what a screen
// can reach is listed here rather than being all of mainUI.
type screenEnv struct {
	data Data
	now  func() time.Time
	lang sv.Lang
	// bg runs work off the UI goroutine (Config.Background, counted so
	// that quitting waits for it); do hands results back to the UI
	// goroutine, unless the window is closing.
	bg, do  func(func())
	dialogs dialogs
	nav     navigator
	// prefs are the app's preferences (who did the last visit).
	prefs fyne.Preferences
	// role is what the signed-in user may do; a sign-in changes it.
	role func() sv.Role
	// actingName is the name a finding's move or note is prefilled
	// with: the signed-in user's, else fallback.
	actingName func(fallback string) string
	// win is the window dialogs open over and whose canvas has the focus.
	win fyne.Window
	// photos are the window's imports, downloads and photo viewer.
	photos photoDesk
	// refreshWaiting has the status bar count again what waits to be
	// sent; nil without a portal.
	refreshWaiting func()
	// reports are the Reports menu's visit report.
	reports visitReports
}

// dialogs are the window's messages and questions, which the keyboard
// answers (dialogkeys.go), and the finding detail.
type dialogs interface {
	showError(err error)
	inform(title, message string)
	confirmAction(title, question, action string, answer func(bool))
	// confirmLoss asks before something typed is thrown away.
	confirmLoss(title, question, yes string, answer func(bool))
	// showKeyed shows a dialog that Enter answers with enter and Escape
	// closes.
	showKeyed(d dialog.Dialog, enter func())
	// showFinding opens a finding's detail; changed runs after each
	// change made in it.
	showFinding(id, visitID string, changed func()) *findingDetail
}

// photoDesk is what photo imports, the photo viewer and the finding detail
// need of the window: quitting waits for the imports running, downloads go
// through the sync Agent, and dropped files go to the viewer or finding
// open.
type photoDesk interface {
	// startImport counts b as running until done runs (off the UI
	// goroutine); quitting says the inspector has already asked to quit.
	startImport(b *photoBatch) (done func(), quitting bool)
	// endImport is called once b's dialog is gone.
	endImport(b *photoBatch)
	// isQuitting says whether the inspector has asked to quit: the
	// window closes once the work running ends.
	isQuitting() bool
	// downloadPhotos fetches thumbnails or originals in the background;
	// false when the portal cannot be used now.
	downloadPhotos(hashes []string, original bool, arrived func(hash string, err error)) bool
	// viewerShown records the photo viewer open (nil: none), which
	// dropped files go to.
	viewerShown(pv *photoView)
	// viewer is the photo viewer open, if any.
	viewer() *photoView
	// findingDropping sends dropped files to drop while a finding's
	// detail is open (nil: no longer).
	findingDropping(drop func(paths []string))
	// photosChanged tells the current screen its photo counts are stale.
	photosChanged()
}

// visitReports is the Reports menu's side of a visit: which visit was
// just submitted, and making its report.
type visitReports interface {
	visitSubmitted(sub submittedVisit)
	makeVisitReport(sub submittedVisit)
}

// navigator opens screens; remember keeps the way back.
type navigator interface {
	openProject(id string, remember bool) *projectPage
	openVisit(id string, remember bool)
	openFindings(f storage.FindingFilter, remember bool)
	goBack()
}

// newScreenEnv is the environment the window gives its screens.
func newScreenEnv(ui *mainUI) *screenEnv {
	return &screenEnv{data: ui.cfg.Data, now: ui.cfg.Now, lang: ui.lang, bg: ui.cfg.Background, do: ui.do,
		dialogs: ui, nav: ui, prefs: ui.app.Preferences(), role: ui.role, actingName: ui.actingName,
		win: ui.window, photos: ui, reports: ui}
}

func (ui *mainUI) startImport(b *photoBatch) (done func(), quitting bool) {
	ui.imports[b] = true
	ui.importing.start()
	return ui.importing.done, ui.quitting
}

func (ui *mainUI) endImport(b *photoBatch) { delete(ui.imports, b) }

func (ui *mainUI) isQuitting() bool { return ui.quitting }

func (ui *mainUI) viewerShown(pv *photoView) { ui.photoView = pv }

func (ui *mainUI) viewer() *photoView { return ui.photoView }

func (ui *mainUI) findingDropping(drop func(paths []string)) { ui.findingDrop = drop }

func (ui *mainUI) visitSubmitted(sub submittedVisit) { ui.submitted = &sub }

// syncWaiting has the status bar count what waits to be sent, when there
// is a portal.
func (e *screenEnv) syncWaiting() {
	if e.refreshWaiting != nil {
		e.refreshWaiting()
	}
}

// missingPhotoText says why a photo's picture is not shown yet: it is on
// its way (err nil), it waits for the network or a sign-in, or what the
// portal or the check of the bytes said, in the user's language.
func (e *screenEnv) missingPhotoText(err error) string {
	var netErr net.Error
	switch {
	case err == nil:
		return t0("photo.downloading")
	case errors.As(err, &netErr):
		return t0("photo.on_portal")
	}
	return e.message(err)
}

func (ui *mainUI) showFinding(id, visitID string, changed func()) *findingDetail {
	return showFindingDetail(ui.env, id, visitID, changed)
}

// fetchIn runs work with the background runner and hands its result to
// show on the UI goroutine: storage is never read on the UI goroutine.
func fetchIn[T any](e *screenEnv, work func() (T, error), show func(T, error)) {
	e.bg(func() {
		v, err := work()
		e.do(func() { show(v, err) })
	})
}

// backButton is the button each screen shows to return where it came from.
func (e *screenEnv) backButton() *widget.Button {
	return widget.NewButtonWithIcon(t0("nav.back"), theme.NavigateBackIcon(), e.nav.goBack)
}

// date formats a time as a calendar day in the clock's zone.
func (e *screenEnv) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return string(sv.DateOf(t.In(e.now().Location())))
}

// message returns err as a sentence in the user's language.
func (e *screenEnv) message(err error) string { return translate.Message(err, e.lang) }

// reportsDir is where the window saves briefs and ledgers: beside the
// data file, so a backup of the folder keeps them and the inspector always
// finds them.
func (e *screenEnv) reportsDir() string {
	return filepath.Join(filepath.Dir(e.data.Path()), "reports")
}
