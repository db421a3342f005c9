package app

import (
	"fieldbrief/translate"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
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
}

// dialogs are the window's messages and questions, which the keyboard
// answers (dialogkeys.go), and the finding detail.
type dialogs interface {
	showError(err error)
	inform(title, message string)
	confirmAction(title, question, action string, answer func(bool))
	// showFinding opens a finding's detail; changed runs after each
	// change made in it.
	showFinding(id, inspectionID string, changed func()) *findingDetail
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
		dialogs: ui, nav: ui, prefs: ui.app.Preferences(), role: ui.role}
}

func (ui *mainUI) showFinding(id, inspectionID string, changed func()) *findingDetail {
	return showFindingDetail(ui, id, inspectionID, changed)
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
