package app

import (
	"image/color"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"fieldbrief/assets"
	sv "fieldbrief/supervision"
)

// ThemeMode is the user's choice of light or dark, or the system's.
type ThemeMode string

// Theme modes.
const (
	ThemeSystem ThemeMode = "system"
	ThemeLight  ThemeMode = "light"
	ThemeDark   ThemeMode = "dark"
)

// fieldTheme draws every text with the bundled Noto Sans SC, so Chinese
// renders the same on a laptop without Chinese fonts, and can force a
// light or dark variant.
type fieldTheme struct {
	regular, bold fyne.Resource
	mode          ThemeMode
}

// useTheme gives a the theme of mode, unless a has it already: setting a
// theme empties Fyne's caches of fonts and text sizes, and parsing the two
// Noto Sans SC faces again costs about 170 ms and 75 MB of allocations.
func useTheme(a fyne.App, mode ThemeMode) {
	if th, ok := a.Settings().Theme().(*fieldTheme); ok && th.mode == mode {
		return
	}
	a.Settings().SetTheme(newTheme(mode))
}

func newTheme(mode ThemeMode) *fieldTheme {
	return &fieldTheme{
		regular: fyne.NewStaticResource("NotoSansSC-Regular.ttf", assets.FontRegular()),
		bold:    fyne.NewStaticResource("NotoSansSC-Bold.ttf", assets.FontBold()),
		mode:    mode,
	}
}

func (th *fieldTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	switch th.mode {
	case ThemeLight:
		v = theme.VariantLight
	case ThemeDark:
		v = theme.VariantDark
	}
	if n == colorNameSecondary {
		return secondaryGrey(v == theme.VariantLight)
	}
	if v == theme.VariantLight {
		if c, ok := outdoorLight(n); ok {
			return c
		}
	}
	if n == theme.ColorNameInputBorder {
		return outline(v)
	}
	return theme.DefaultTheme().Color(n, v)
}

// outline is the edge of a control: the ring of a radio button, the box
// of a check box, the frame of a text field. Fyne's is 1.3:1 on white
// (1.6:1 on its dark background): the choices 符合 / 不符合 / 不适用 of an
// unanswered item showed as text with barely a circle. These greys reach
// the 3:1 WCAG asks for the parts of a control, against both the
// background and a field's own fill.
func outline(v fyne.ThemeVariant) color.Color {
	if v == theme.VariantLight {
		return color.NRGBA{R: 0x8c, G: 0x8c, B: 0x8c, A: 0xff}
	}
	return color.NRGBA{R: 0x6e, G: 0x6e, B: 0x6e, A: 0xff}
}

// outdoorLight replaces the light variant's status colours, which Fyne
// makes for a screen indoors: its green text (已保存) is 1.5:1 on white, its
// orange (草稿, 必答, due dates) 2.2:1 and its red (overdue) 3.7:1, where
// WCAG asks 4.5:1 for text — and an inspector reads this screen on a site,
// in daylight. These darker shades keep their meaning and reach 5.1–5.6:1,
// with white text on them (buttons) the same. The dark variant's are
// already 4.9:1 or more.
func outdoorLight(n fyne.ThemeColorName) (color.Color, bool) {
	switch n {
	case theme.ColorNameSuccess:
		return color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}, true
	case theme.ColorNameWarning:
		return color.NRGBA{R: 0xa8, G: 0x54, B: 0x00, A: 0xff}, true
	case theme.ColorNameError:
		return color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}, true
	}
	return nil, false
}

// colorNameSecondary is the colour of secondary text (textLabel's
// LowImportance): item hints, photo counts, "saved at", finished findings.
// Fyne draws LowImportance text in the disabled colour, 1.3:1 on white,
// which cannot be read in daylight.
const colorNameSecondary fyne.ThemeColorName = "fieldbrief-secondary"

// secondaryGrey stays a step below the body text (7.3:1 on white) but is
// readable: 4.9:1 on the light background, 6.8:1 on the dark one.
func secondaryGrey(light bool) color.Color {
	if light {
		return color.NRGBA{R: 0x70, G: 0x70, B: 0x70, A: 0xff}
	}
	return color.NRGBA{R: 0xa0, G: 0xa0, B: 0xa0, A: 0xff}
}

// mutedText is the theme of secondary text: item hints, photo counts,
// "saved at", the picker's status line. Fyne draws LowImportance text in
// the disabled colour, 1.3:1 on white, which cannot be read in daylight;
// inside muted it is a grey that stays a step below the body text (7.3:1)
// but readable (4.9:1; 6.8:1 on the dark background). Disabled widgets
// elsewhere keep the faint colour that says they are disabled.
type mutedText struct{}

func (mutedText) base() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }

func (m mutedText) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	base := m.base()
	if n != theme.ColorNameDisabled {
		return base.Color(n, v)
	}
	// The base theme may force a variant; its background says which.
	r, g, b, _ := base.Color(theme.ColorNameBackground, v).RGBA()
	return secondaryGrey(r+g+b > 3*0x8000)
}

func (m mutedText) Font(s fyne.TextStyle) fyne.Resource     { return m.base().Font(s) }
func (m mutedText) Icon(n fyne.ThemeIconName) fyne.Resource { return m.base().Icon(n) }
func (m mutedText) Size(n fyne.ThemeSizeName) float32       { return m.base().Size(n) }

// muted shows the LowImportance labels in obj in the readable grey of
// mutedText. Disabled widgets inside take that grey too, which suits what
// is read, not used — the values of a submitted visit — but not a disabled
// button, which would no longer look disabled.
//
// It is a container.ThemeOverride, and in Fyne 2.7.1 each refresh of one
// (a container refreshed above it refreshes it too) empties the window's
// caches of text sizes and icons and has everything inside measured again.
// So it is kept off lists, tables and pages that change: secondary text
// there is a textLabel, and a visit's pages are muted only once submitted.
func muted(obj fyne.CanvasObject) fyne.CanvasObject {
	return container.NewThemeOverride(obj, mutedText{})
}

// appTheme is the window's theme as it stands, for unmuted.
type appTheme struct{}

func (appTheme) base() fyne.Theme { return fyne.CurrentApp().Settings().Theme() }
func (a appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return a.base().Color(n, v)
}
func (a appTheme) Font(s fyne.TextStyle) fyne.Resource     { return a.base().Font(s) }
func (a appTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return a.base().Icon(n) }
func (a appTheme) Size(n fyne.ThemeSizeName) float32       { return a.base().Size(n) }

// unmuted gives a button inside muted its ordinary look back, so that,
// disabled on a submitted visit, it looks disabled and is not clicked in
// vain. Only buttonRow uses it.
func unmuted(obj fyne.CanvasObject) fyne.CanvasObject {
	return container.NewThemeOverride(obj, appTheme{})
}

// buttonRow is a row of widgets in a visit's page, some of whose buttons
// keep their ordinary look when the page is muted (see unmuted). The
// override is there only while the page is muted: in Fyne 2.7.1 every
// override is a scope of its own, and the first text drawn in a scope has
// the theme's fonts parsed again and kept for that scope (80 ms and 37 MB
// for each Noto Sans SC face). Wrapped always, the photo button of every
// item drawn cost that: 4.5 s and 840 MB allocated to draw twenty of them,
// against 0.15 s and 6 MB without.
type buttonRow struct {
	box   *fyne.Container
	plain []fyne.CanvasObject
	keep  []int // indexes in plain of the buttons that keep their look
	muted bool
}

func newButtonRow(objs []fyne.CanvasObject, keep ...int) *buttonRow {
	return &buttonRow{box: container.NewHBox(slices.Clone(objs)...), plain: objs, keep: keep}
}

// shade wraps the buttons that keep their look in unmuted while the page
// is muted, and unwraps them when it is not.
func (r *buttonRow) shade(muted bool) {
	if r.muted == muted {
		return
	}
	r.muted = muted
	for _, i := range r.keep {
		if muted {
			r.box.Objects[i] = unmuted(r.plain[i])
		} else {
			r.box.Objects[i] = r.plain[i]
		}
	}
	r.box.Refresh()
}

func (th *fieldTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return theme.DefaultTheme().Font(s)
	}
	if s.Bold {
		return th.bold
	}
	return th.regular
}

func (th *fieldTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }

func (th *fieldTheme) Size(n fyne.ThemeSizeName) float32 { return theme.DefaultTheme().Size(n) }

// lightColor is the colour of a project's status light, chosen to read on
// both variants.
func lightColor(l sv.StatusLight) color.Color {
	switch l {
	case sv.LightBehind:
		return color.NRGBA{R: 0xe6, G: 0xa1, B: 0x17, A: 0xff}
	case sv.LightCritical:
		return color.NRGBA{R: 0xd9, G: 0x3a, B: 0x2b, A: 0xff}
	}
	return color.NRGBA{R: 0x2e, G: 0x9d, B: 0x4f, A: 0xff}
}
