package app

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// contrast is the WCAG 2 contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	lum := func(c color.Color) float64 {
		r, g, bl, _ := c.RGBA()
		ch := func(v uint32) float64 {
			s := float64(v) / 0xffff
			if s <= 0.03928 {
				return s / 12.92
			}
			return math.Pow((s+0.055)/1.055, 2.4)
		}
		return 0.2126*ch(r) + 0.7152*ch(g) + 0.0722*ch(bl)
	}
	la, lb := lum(a), lum(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// TestStatusColoursReadInDaylight: the text colours that carry meaning —
// saved (green), draft and due (orange), overdue (red) — reach WCAG AA
// (4.5:1) on the background in both variants, and so does white text on
// them in the light variant, where buttons use them.
func TestStatusColoursReadInDaylight(t *testing.T) {
	for _, mode := range []ThemeMode{ThemeLight, ThemeDark} {
		th := newTheme(mode)
		bg := th.Color(theme.ColorNameBackground, theme.VariantLight)
		for _, n := range []fyne.ThemeColorName{theme.ColorNameForeground, theme.ColorNameSuccess, theme.ColorNameWarning, theme.ColorNameError} {
			if c := contrast(th.Color(n, theme.VariantLight), bg); c < 4.5 {
				t.Errorf("%s theme: %s text is %.2f:1 on the background", mode, n, c)
			}
		}
		if mode != ThemeLight {
			continue
		}
		for on, n := range map[fyne.ThemeColorName]fyne.ThemeColorName{
			theme.ColorNameForegroundOnSuccess: theme.ColorNameSuccess,
			theme.ColorNameForegroundOnWarning: theme.ColorNameWarning,
			theme.ColorNameForegroundOnError:   theme.ColorNameError,
		} {
			if c := contrast(th.Color(on, theme.VariantLight), th.Color(n, theme.VariantLight)); c < 4.5 {
				t.Errorf("text on a %s button is %.2f:1", n, c)
			}
		}
	}
}

// TestControlsShowTheirEdges: the ring of a radio button, the box of a
// check box and the frame of a text field reach 3:1 (WCAG's figure for
// the parts of a control) against the background and against a field's
// fill, in both variants.
func TestControlsShowTheirEdges(t *testing.T) {
	for _, mode := range []ThemeMode{ThemeLight, ThemeDark} {
		th := newTheme(mode)
		edge := th.Color(theme.ColorNameInputBorder, theme.VariantLight)
		for _, n := range []fyne.ThemeColorName{theme.ColorNameBackground, theme.ColorNameInputBackground} {
			if c := contrast(edge, th.Color(n, theme.VariantLight)); c < 3 {
				t.Errorf("%s theme: a control's edge is %.2f:1 on %s", mode, c, n)
			}
		}
	}
}

// TestSecondaryTextReadsInDaylight: an item's hint and the picker's status
// line, drawn as LowImportance labels, are readable (4.5:1) yet a step
// below the body text, in both variants; a disabled button elsewhere keeps
// the faint colour that says it is disabled.
func TestSecondaryTextReadsInDaylight(t *testing.T) {
	for _, mode := range []ThemeMode{ThemeLight, ThemeDark} {
		ui, _ := newTestUI(t)
		ui.app.Settings().SetTheme(newTheme(mode))
		v := startVisit(t, ui, ui.dash.rows[4].Project.ID)
		v.showPane(1)
		hint := v.fields[v.tmpl.Sections[0].Items[0].Key].item.Hint
		if hint == "" {
			t.Fatal("the first item of the sample checklist has no hint to check")
		}
		var found fyne.CanvasObject
		walk(v.body, func(o fyne.CanvasObject) bool {
			if l, ok := asLabel(o); ok && l.Text == hint && l.Visible() {
				if l.Importance != widget.LowImportance {
					t.Fatalf("%s: the hint %q is not shown as secondary text", mode, hint)
				}
				found = o
				return true
			}
			return false
		})
		if found == nil {
			t.Fatalf("%s: the hint %q is not shown", mode, hint)
		}
		// The colour checked is the one the text is drawn in.
		readable := func(what string, w fyne.CanvasObject) {
			t.Helper()
			var text color.Color
			walk(w, func(o fyne.CanvasObject) bool {
				if c, ok := o.(*canvas.Text); ok && c.Text != "" {
					text = c.Color
					return true
				}
				return false
			})
			if text == nil {
				t.Fatalf("%s theme: %s draws no text", mode, what)
			}
			th, variant := ui.app.Settings().Theme(), ui.app.Settings().ThemeVariant()
			bg, fg := th.Color(theme.ColorNameBackground, variant), th.Color(theme.ColorNameForeground, variant)
			if c := contrast(text, bg); c < 4.5 || c >= contrast(fg, bg) {
				t.Errorf("%s theme: %s is %.2f:1 on the background (body text %.2f:1)", mode, what, c, contrast(fg, bg))
			}
		}
		readable("an item's hint", found)
		if v.prev.Disabled() {
			t.Fatal("the second section's Previous button is disabled")
		}
		v.showPane(0)
		variant := ui.app.Settings().ThemeVariant()
		th := v.prev.Theme()
		if !v.prev.Disabled() || contrast(th.Color(theme.ColorNameDisabled, variant), th.Color(theme.ColorNameBackground, variant)) > 2 {
			t.Errorf("%s theme: the disabled Previous button does not look disabled", mode)
		}
		ui.goBack()
		ui.showDashboard()
		p := openPicker(t, ui)
		readable("the picker's status line", p.status)
		p.cancel()
	}
}

// asLabel is the label o is, a widget.Label or a textLabel.
func asLabel(o fyne.CanvasObject) (*widget.Label, bool) {
	switch l := o.(type) {
	case *widget.Label:
		return l, true
	case *textLabel:
		return &l.Label, true
	}
	return nil, false
}
