package app

import (
	"image/color"

	"fyne.io/fyne/v2"
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
	return theme.DefaultTheme().Color(n, v)
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
