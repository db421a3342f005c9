package app

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// windowKey delivers a key as the driver does when no widget has it.
func windowKey(t *testing.T, ui *mainUI, k fyne.KeyName) {
	t.Helper()
	c := ui.window.Canvas()
	if f := c.Focused(); f != nil {
		f.TypedKey(&fyne.KeyEvent{Name: k})
		return
	}
	if h := c.OnTypedKey(); h != nil {
		h(&fyne.KeyEvent{Name: k})
	}
}

// TestMessagesAndQuestionsAnswerTheKeyboard: Enter closes a message and
// says yes to a question; Escape closes or says no; a question before a
// loss (discarding a draft) takes no Enter, only a click; a key goes to
// the dialog on top only.
func TestMessagesAndQuestionsAnswerTheKeyboard(t *testing.T) {
	ui, s := newTestUI(t)
	c := ui.window.Canvas()

	// A message: Enter closes it, and so does Escape.
	ui.askVisitReport() // on the dashboard: "open a visit first"
	if !strings.Contains(overlayText(ui), "请先打开一次督查") {
		t.Fatalf("no message:\n%s", overlayText(ui))
	}
	windowKey(t, ui, fyne.KeyReturn)
	if c.Overlays().Top() != nil {
		t.Fatalf("Enter left the message open:\n%s", overlayText(ui))
	}
	ui.askVisitReport()
	windowKey(t, ui, fyne.KeyEscape)
	if c.Overlays().Top() != nil {
		t.Fatal("Escape left the message open")
	}

	// What only shows something closes on Escape: the list of what an
	// empty visit still lacks.
	v := startVisit(t, ui, ui.dash.rows[6].Project.ID)
	v.trySubmit()
	if c.Overlays().Top() == nil {
		t.Fatal("submitting an empty visit showed nothing")
	}
	windowKey(t, ui, fyne.KeyEscape)
	if c.Overlays().Top() != nil {
		t.Fatalf("Escape left the list of gaps open:\n%s", overlayText(ui))
	}

	// Discarding the draft: Enter does nothing, Escape keeps it, and only
	// the red button discards it.
	v.confirmDiscard()
	windowKey(t, ui, fyne.KeyReturn)
	if c.Overlays().Top() == nil || ui.visit() != v {
		t.Fatal("Enter answered the question that discards a draft")
	}
	windowKey(t, ui, fyne.KeyEscape)
	if c.Overlays().Top() != nil || ui.visit() != v {
		t.Fatal("Escape did not keep the draft")
	}
	if _, err := s.Visit(v.id); err != nil {
		t.Fatalf("the draft is gone after Escape: %v", err)
	}

	// The amendment question on a submitted visit: Enter says yes.
	sub := submittedVisitWithPhoto(t, ui)
	sub.startAmendment()
	windowKey(t, ui, fyne.KeyReturn)
	waitFor(t, "the amendment", func() bool { return ui.visit() != nil && ui.visit().loaded && ui.visit().in.Replaces == sub.id })

	// A message under another dialog does not take the keys, and the
	// other dialog (a form, whose typing Escape would lose) ignores them.
	ui.showError(errors.New("under"))
	under := c.Overlays().Top()
	form := dialog.NewCustom("form", "close", widget.NewLabel("form"), ui.window)
	form.Show()
	top := c.Overlays().Top()
	windowKey(t, ui, fyne.KeyEscape)
	windowKey(t, ui, fyne.KeyReturn)
	if c.Overlays().Top() != top || !slices.Contains(c.Overlays().List(), under) {
		t.Fatal("a key closed the form, or the message under it")
	}
	form.Hide()
	windowKey(t, ui, fyne.KeyEscape)
	if slices.Contains(c.Overlays().List(), under) {
		t.Fatal("once on top, the message did not take Escape")
	}
}

// TestEveryMessageTakesTheKeyboard: messages and yes/no questions are shown
// through inform, confirm and confirmLoss, so each answers Enter and Escape;
// a new one made with Fyne's own would need the mouse again.
func TestEveryMessageTakesTheKeyboard(t *testing.T) {
	for _, found := range callsOutside(t, "dialogkeys.go", "dialog.ShowInformation(", "dialog.NewInformation(", "dialog.ShowConfirm(", "dialog.NewConfirm(", "dialog.ShowError(", "dialog.NewError(") {
		t.Errorf("%s; use ui.inform, ui.confirmAction or ui.confirmLoss", found)
	}
}

// callsOutside lists the package's source files, but for allowed and the
// tests, that contain any of calls, as "file calls call".
func callsOutside(t *testing.T, allowed string, calls ...string) []string {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == allowed {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, call := range calls {
			if strings.Contains(string(b), call) {
				found = append(found, name+" calls "+call)
			}
		}
	}
	return found
}
