package app

import (
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
	sv "fieldbrief/supervision"
)

// AppID identifies fieldbrief to the OS (preferences folder, notifications).
const AppID = "cn.gov.cqkxc.fieldbrief"

// Preference keys.
const (
	prefLanguage = "language"
	prefTheme    = "theme"
)

// Config is what the window needs from main.
type Config struct {
	Data Data
	// Lang forces a language; empty means the saved setting (Chinese by default).
	Lang sv.Lang
	// LoadSample fills an empty store with the sample data.
	LoadSample func() error
	// Now is the clock; nil means time.Now.
	Now func() time.Time
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
	w := a.NewWindow(t0("app.title"))
	msg := widget.NewLabel(sv.ErrorMessage(err, l))
	msg.Wrapping = fyne.TextWrapWord
	w.SetContent(container.NewBorder(nil,
		container.NewHBox(layout.NewSpacer(), widget.NewButton(t0("common.close"), a.Quit)), nil, nil,
		container.NewHBox(widget.NewIcon(theme.ErrorIcon()), msg)))
	w.Resize(fyne.NewSize(560, 200))
	w.ShowAndRun()
	return err
}

// mainUI is the main window: a header and the current screen.
type mainUI struct {
	app    fyne.App
	window fyne.Window
	cfg    Config
	lang   sv.Lang

	dash   *dashboard
	badge  *widget.Label
	header *fyne.Container
}

func newMainUI(a fyne.App, cfg Config) (*mainUI, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Background == nil {
		cfg.Background = func(work func()) { go work() }
	}
	prefs := a.Preferences()
	l := cfg.Lang
	if l == "" {
		l = sv.Lang(prefs.StringWithFallback(prefLanguage, string(sv.Chinese)))
	}
	if err := setupLanguage(l); err != nil {
		return nil, err
	}
	a.Settings().SetTheme(newTheme(ThemeMode(prefs.StringWithFallback(prefTheme, string(ThemeLight)))))
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon()))

	ui := &mainUI{app: a, cfg: cfg, lang: l}
	ui.window = a.NewWindow(t0("app.title"))
	ui.window.SetMaster()
	ui.dash = newDashboard(cfg.Data, l, cfg.Now, cfg.Background)
	ui.badge = widget.NewLabelWithStyle(t0("app.sample_badge"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	ui.badge.Importance = widget.WarningImportance
	ui.badge.Hide()
	title := widget.NewLabelWithStyle(t0("app.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	settings := widget.NewButtonWithIcon(t0("settings.title"), theme.SettingsIcon(), ui.showSettings)
	ui.header = container.NewHBox(title, ui.badge, layout.NewSpacer(), settings)
	ui.window.SetContent(container.NewBorder(ui.header, nil, nil, nil, ui.dash.content))
	ui.window.Resize(fyne.NewSize(1240, 760))
	ui.window.Canvas().AddShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault},
		func(fyne.Shortcut) { a.Quit() })
	ui.refresh(true)
	return ui, nil
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
			fyne.Do(func() {
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
	ui.window.SetTitle(title)
}

func (ui *mainUI) offerSample() {
	dialog.ShowConfirm(t0("firstrun.title"), t0("firstrun.body"), func(ok bool) {
		if !ok {
			return
		}
		prog := dialog.NewCustomWithoutButtons(t0("firstrun.loading"), widget.NewProgressBarInfinite(), ui.window)
		prog.Show()
		ui.cfg.Background(func() {
			err := ui.cfg.LoadSample()
			fyne.Do(func() {
				prog.Hide()
				if err != nil {
					ui.showError(err)
					return
				}
				ui.refresh(false)
			})
		})
	}, ui.window)
}

// showError shows an error in the user's language; never Go's text.
func (ui *mainUI) showError(err error) {
	d := dialog.NewInformation(t0("common.error"), sv.ErrorMessage(err, ui.lang), ui.window)
	d.Show()
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
		ui.app.Settings().SetTheme(newTheme(m))
	}
	form := widget.NewForm(
		widget.NewFormItem(t0("settings.language"), langSel),
		widget.NewFormItem("", widget.NewLabel(t0("settings.lang_restart"))),
		widget.NewFormItem(t0("settings.theme"), themeSel),
		widget.NewFormItem(t0("settings.data"), widget.NewLabel(ui.cfg.Data.Path())),
	)
	dialog.ShowCustom(t0("settings.title"), t0("common.close"), form, ui.window)
}
