package app

import (
	"sync"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/assets"
	"fieldbrief/briefing"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// AppID identifies fieldbrief to the OS (preferences folder, notifications).
const AppID = "cn.gov.cqkxc.fieldbrief"

// Preference keys.
const (
	prefLanguage = "language"
	prefTheme    = "theme"
	// prefInspectors remembers who did the last visit, to prefill the next.
	prefInspectors = "inspectors"
)

// Config is what the window needs from main.
type Config struct {
	Data Data
	// Sync connects the window to the central portal (sign-in, background
	// sync, status bar); nil leaves sync out.
	Sync *SyncConfig
	// Lang forces a language; empty means the saved setting (Chinese by default).
	Lang sv.Lang
	// LoadSample fills an empty store with the sample data.
	LoadSample func() error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Printer opens and prints finished briefs; nil means the system's.
	Printer Printer
	// Background runs long work off the UI goroutine; nil means a new
	// goroutine. Tests run the work in place, because the Fyne test driver
	// runs fyne.Do callbacks on the calling goroutine.
	Background func(work func())
}

// Run opens the main window and returns when it is closed.
func Run(cfg Config) error {
	a := fyneapp.NewWithID(AppID)
	ui, err := newMainUI(a, cfg)
	if err != nil {
		return err
	}
	ui.window.ShowAndRun()
	ui.closed()
	return nil
}

// ShowError shows err in a window of its own, for failures before the main
// window can exist (the data folder cannot be opened), and returns err so
// the command line reports it too.
func ShowError(err error, l sv.Lang) error {
	a := fyneapp.NewWithID(AppID)
	if l == "" {
		l = sv.Lang(a.Preferences().StringWithFallback(prefLanguage, string(sv.Chinese)))
	}
	_ = setupLanguage(l)
	a.Settings().SetTheme(newTheme(ThemeLight))
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))
	withoutStopEvent(a)
	w := a.NewWindow(t0("app.title"))
	msg := widget.NewLabel(translate.Message(err, l))
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), widget.NewButton(t0("common.close"), a.Quit)), nil, nil,
		container.NewHBox(widget.NewIcon(theme.ErrorIcon()), msg)))
	w.Resize(fyne.NewSize(560, 200))
	w.ShowAndRun()
	return err
}

// mainUI is the main window: a header and the current screen. Screens are
// opened through it so that the back button, Ctrl+N and Ctrl+F know where
// the inspector is.
type mainUI struct {
	app    fyne.App
	window fyne.Window
	cfg    Config
	lang   sv.Lang

	env    *screenEnv // what screens may use of the window
	dash   *dashboard
	badge  *widget.Label
	header *fyne.Container
	body   *fyne.Container // holds the current screen
	sync   *syncUI         // status bar and sync; nil without a portal

	// back re-opens earlier screens, newest last; each reloads its data, so
	// what was changed meanwhile shows.
	back []func()
	// current is the screen shown (screen.go); the dashboard when home.
	current screen
	// photoView is the photo viewer open over the screen, if any: files
	// dropped on the window go to it.
	photoView *photoView
	// submitted is the visit last submitted in this session: the Reports
	// menu makes its report once the visit is left.
	submitted *submittedVisit
	// picker is the project picker while it is open (Ctrl+N on the dashboard).
	picker *projectPicker
	// findingDrop takes files dropped while a finding's detail is open.
	findingDrop func(paths []string)
	// maker makes the PDF briefs. It is made on the first report and kept:
	// it holds the fonts parsed and cut for the last document, so the next
	// one in the session starts at once. Used from background work only.
	maker func() (*briefing.Maker, error)
	// dialogs are the messages and questions open, newest last, that
	// the keyboard answers (see inform and confirmAction).
	dialogs []*keyedDialog

	// What closing the window waits for, and what it stops (shutdown.go).
	// prefs is a clock of its own: the app's preferences keep it as a
	// listener for as long as the app lives, and must not keep the window.
	calls     uiCalls
	work      inFlight
	prefs     *prefsClock
	untracked func(func())         // Config.Background, not counted in work
	imports   map[*photoBatch]bool // the photo imports whose dialogs are open
	importing inFlight             // the photo imports running
	quitting  bool
}

func newMainUI(a fyne.App, cfg Config) (*mainUI, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Background == nil {
		cfg.Background = func(work func()) { go work() }
	}
	if cfg.Printer == nil {
		cfg.Printer = osPrinter{}
	}
	prefs := a.Preferences()
	l := cfg.Lang
	if l == "" {
		l = sv.Lang(prefs.StringWithFallback(prefLanguage, string(sv.Chinese)))
	}
	if err := setupLanguage(l); err != nil {
		return nil, err
	}
	useTheme(a, ThemeMode(prefs.StringWithFallback(prefTheme, string(ThemeLight))))
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))

	ui := &mainUI{app: a, cfg: cfg, lang: l, maker: sync.OnceValues(briefing.NewMaker), imports: map[*photoBatch]bool{}, prefs: &prefsClock{}}
	ui.untracked = cfg.Background
	ui.cfg.Background = ui.work.tracked(cfg.Background)
	withoutStopEvent(a)
	prefs.AddChangeListener(ui.prefs.changed)
	ui.window = a.NewWindow(t0("app.title"))
	ui.window.SetMaster()
	ui.env = newScreenEnv(ui)
	ui.dash = newDashboard(cfg.Data, l, cfg.Now, ui.cfg.Background, ui.do)
	ui.dash.onOpen = func(r sv.ProjectStatus) { ui.openProject(r.Project.ID, true) }
	ui.badge = widget.NewLabelWithStyle(t0("app.sample_badge"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	ui.badge.Importance = widget.WarningImportance
	ui.badge.Hide()
	title := widget.NewLabelWithStyle(t0("app.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	home := widget.NewButtonWithIcon(t0("nav.projects"), theme.HomeIcon(), ui.showDashboard)
	findings := widget.NewButtonWithIcon(t0("nav.findings"), theme.ListIcon(), func() { ui.openFindings(storage.FindingFilter{ActiveOnly: true}, true) })
	settings := widget.NewButtonWithIcon(t0("settings.title"), theme.SettingsIcon(), ui.showSettings)
	ui.header = container.NewHBox(title, ui.badge, layout.NewSpacer(), home, findings, settings)
	ui.current = homeScreen{ui}
	ui.body = container.NewStack(ui.current.view())
	ui.sync = newSyncUI(ui)
	if ui.sync != nil {
		ui.env.refreshWaiting = ui.sync.refreshStatus
	}
	ui.window.SetContent(container.NewBorder(ui.header, ui.sync.bottom(), nil, nil, ui.body))
	ui.window.Resize(fyne.NewSize(1240, 760))
	ui.addShortcuts()
	ui.window.Canvas().SetOnTypedKey(ui.typedKey)
	ui.sync.addMenu()
	ui.window.SetCloseIntercept(ui.quit)
	ui.window.SetOnDropped(ui.dropped)
	ui.refresh(true)
	return ui, nil
}

// addShortcuts wires the keyboard: Ctrl+Q quits, Ctrl+N starts (or
// resumes) a visit of the project in view, Ctrl+F goes to the search box,
// Alt+Left goes back, Ctrl+PageDown/PageUp change the checklist section,
// Ctrl+L opens the list of findings.
//
// They are menu items as well as canvas shortcuts: Fyne gives a shortcut
// to the focused widget instead of the canvas when that widget handles
// shortcuts (every Entry does), so without the menu Ctrl+N would do
// nothing while the cursor is in a text field. The menu also lets people
// discover the keys.
func (ui *mainUI) addShortcuts() {
	mod := fyne.KeyModifierShortcutDefault
	key := func(k fyne.KeyName, m fyne.KeyModifier) fyne.Shortcut {
		return &desktop.CustomShortcut{KeyName: k, Modifier: m}
	}
	step := func(delta int) func() {
		return func() {
			if s, ok := ui.current.(sectioned); ok {
				s.stepSection(delta)
			}
		}
	}
	nextPane, prevPane := step(+1), step(-1)
	item := func(label string, sc fyne.Shortcut, f func()) *fyne.MenuItem {
		it := fyne.NewMenuItem(label, f)
		it.Shortcut = sc
		if sc != nil {
			ui.window.Canvas().AddShortcut(sc, func(fyne.Shortcut) { f() })
		}
		return it
	}
	quit := item(t0("menu.quit"), key(fyne.KeyQ, mod), ui.quit)
	quit.IsQuit = true
	file := fyne.NewMenu(t0("menu.file"),
		item(t0("nav.projects"), nil, ui.showDashboard),
		item(t0("nav.findings"), key(fyne.KeyL, mod), func() { ui.openFindings(storage.FindingFilter{ActiveOnly: true}, true) }),
		fyne.NewMenuItemSeparator(),
		item(t0("settings.title"), nil, ui.showSettings),
		fyne.NewMenuItemSeparator(),
		quit)
	visit := fyne.NewMenu(t0("menu.visit"),
		item(t0("menu.new_visit"), key(fyne.KeyN, mod), ui.newVisit),
		item(t0("menu.search"), key(fyne.KeyF, mod), ui.focusSearch),
		fyne.NewMenuItemSeparator(),
		item(t0("visit.prev_section"), key(fyne.KeyPageUp, mod), prevPane),
		item(t0("visit.next_section"), key(fyne.KeyPageDown, mod), nextPane),
		item(t0("nav.back"), key(fyne.KeyLeft, fyne.KeyModifierAlt), ui.goBack))
	ui.window.SetMainMenu(fyne.NewMainMenu(file, visit, ui.reportsMenu()))
}

// newVisit starts or resumes a visit of the project in view: the open
// project page, or the project chosen on the dashboard; with none chosen,
// the inspector picks one.
func (ui *mainUI) newVisit() {
	if s, ok := ui.current.(visitStarter); ok {
		s.startVisit()
	}
}

// focusSearch puts the cursor in the search box of the current list.
func (ui *mainUI) focusSearch() {
	if s, ok := ui.current.(searchable); ok {
		ui.window.Canvas().Focus(s.searchBox())
	}
}

// setScreen replaces the body. leaving, if any, goes on the back stack
// (it reopens the screen being left), so the back button returns to it.
func (ui *mainUI) setScreen(content fyne.CanvasObject, leaving func()) {
	if leaving != nil {
		ui.back = append(ui.back, leaving)
	}
	ui.body.Objects = []fyne.CanvasObject{content}
	ui.body.Refresh()
	// What was just done may be waiting to be sent: the bar says so.
	ui.sync.refreshStatus()
}

// show makes s the current screen and loads it. remember keeps the way
// back to the screen being left. Answers typed on a visit are saved as
// they are typed (writes already queued carry on in the background), so
// leaving a screen has nothing to flush.
func (ui *mainUI) show(s screen, remember bool) {
	var leaving func()
	if remember {
		leaving = ui.current.reopen()
	}
	ui.current = s
	ui.setScreen(s.view(), leaving)
	s.load()
}

// goBack returns to the previous screen, or the dashboard.
func (ui *mainUI) goBack() {
	if n := len(ui.back); n > 0 {
		prev := ui.back[n-1]
		ui.back = ui.back[:n-1]
		prev()
		return
	}
	ui.showDashboardAgain()
}

// showDashboard goes home and forgets the way back.
func (ui *mainUI) showDashboard() {
	ui.back = nil
	ui.showDashboardAgain()
}

func (ui *mainUI) showDashboardAgain() { ui.show(homeScreen{ui}, false) }

// openProject shows a project's page. remember keeps the way back.
func (ui *mainUI) openProject(id string, remember bool) *projectPage {
	ui.dash.chosen = id
	p := newProjectPage(ui.env, id)
	ui.show(p, remember)
	return p
}

// openVisit shows a visit's checklist, editable while it is a draft.
func (ui *mainUI) openVisit(id string, remember bool) {
	ui.show(newVisitScreen(ui.env, id), remember)
}

// openFindings shows the findings of all projects, filtered. Opened from
// the list itself, it replaces the list on the way back.
func (ui *mainUI) openFindings(f storage.FindingFilter, remember bool) {
	if _, onList := ui.current.(filtered); onList {
		remember = false
	}
	ui.show(newFindingsScreen(ui.env, f), remember)
}

// refresh reloads the dashboard; on first start it offers the sample data.
func (ui *mainUI) refresh(firstStart bool) {
	ui.dash.load(func(err error) {
		if err != nil {
			ui.showError(err)
			return
		}
		ui.cfg.Background(func() {
			sample, _ := ui.cfg.Data.IsSample()
			empty, _ := ui.cfg.Data.IsEmpty()
			ui.do(func() {
				ui.markSample(sample)
				if empty && firstStart && ui.cfg.LoadSample != nil {
					ui.offerSample()
				}
			})
		})
	})
}

func (ui *mainUI) markSample(sample bool) {
	title := t0("app.title")
	if sample {
		title += " — " + t0("app.sample_badge")
		ui.badge.Show()
	} else {
		ui.badge.Hide()
	}
	// Laid out now rather than at the window's next frame; the test
	// driver's canvas, which has no frames, would leave the badge on the
	// title.
	ui.header.Refresh()
	ui.window.SetTitle(title)
}

func (ui *mainUI) offerSample() {
	ui.confirmAction(t0("firstrun.title"), t0("firstrun.body"), t0("firstrun.load"), func(ok bool) {
		if !ok {
			return
		}
		prog := dialog.NewCustomWithoutButtons(t0("firstrun.loading"), widget.NewProgressBarInfinite(), ui.window)
		prog.Show()
		ui.cfg.Background(func() {
			err := ui.cfg.LoadSample()
			ui.do(func() {
				prog.Hide()
				if err != nil {
					ui.showError(err)
					return
				}
				ui.refresh(false)
			})
		})
	})
}

// showError shows an error in the user's language; never Go's text.
func (ui *mainUI) showError(err error) {
	ui.inform(t0("common.error"), translate.Message(err, ui.lang))
}

func (ui *mainUI) showSettings() {
	prefs := ui.app.Preferences()
	langs := []string{t0("settings.lang_zh"), t0("settings.lang_en")}
	langSel := widget.NewSelect(langs, nil)
	if prefs.StringWithFallback(prefLanguage, string(sv.Chinese)) == string(sv.English) {
		langSel.SetSelectedIndex(1)
	} else {
		langSel.SetSelectedIndex(0)
	}
	langSel.OnChanged = func(string) {
		l := sv.Chinese
		if langSel.SelectedIndex() == 1 {
			l = sv.English
		}
		prefs.SetString(prefLanguage, string(l))
	}
	modes := []ThemeMode{ThemeSystem, ThemeLight, ThemeDark}
	themeSel := widget.NewSelect([]string{t0("settings.theme_system"), t0("settings.theme_light"), t0("settings.theme_dark")}, nil)
	cur := ThemeMode(prefs.StringWithFallback(prefTheme, string(ThemeLight)))
	for i, m := range modes {
		if m == cur {
			themeSel.SetSelectedIndex(i)
		}
	}
	themeSel.OnChanged = func(string) {
		m := modes[themeSel.SelectedIndex()]
		prefs.SetString(prefTheme, string(m))
		useTheme(ui.app, m)
	}
	// The originals setting lives in the store (it travels with the data
	// folder); it is read and written off the UI goroutine.
	keep := widget.NewCheck(t0("settings.keep_originals"), nil)
	keep.Disable()
	fetch(ui, ui.cfg.Data.KeepOriginals, func(on bool, err error) {
		if err != nil {
			ui.showError(err)
			return
		}
		keep.SetChecked(on)
		keep.OnChanged = func(on bool) {
			ui.cfg.Background(func() {
				if err := ui.cfg.Data.SetKeepOriginals(on); err != nil {
					ui.do(func() { ui.showError(err) })
				}
			})
		}
		keep.Enable()
	})
	form := widget.NewForm(
		widget.NewFormItem(t0("settings.language"), langSel),
		widget.NewFormItem("", widget.NewLabel(t0("settings.lang_restart"))),
		widget.NewFormItem(t0("settings.theme"), themeSel),
		widget.NewFormItem(t0("settings.photos"), keep),
		widget.NewFormItem("", widget.NewLabel(t0("settings.keep_originals_note"))),
		widget.NewFormItem(t0("settings.data"), widget.NewLabel(ui.cfg.Data.Path())),
	)
	dialog.ShowCustom(t0("settings.title"), t0("common.close"), form, ui.window)
}

// fetch is fetchIn for the window's own work (settings, reports, the sync
// bar and the project picker); the screens use their screenEnv.
func fetch[T any](ui *mainUI, work func() (T, error), show func(T, error)) {
	fetchIn(ui.env, work, show)
}

// message returns err as a sentence in the user's language.
func (ui *mainUI) message(err error) string { return ui.env.message(err) }

// date formats a time as a calendar day in the clock's zone.
func (ui *mainUI) date(t time.Time) string { return ui.env.date(t) }
