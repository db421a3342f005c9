package app

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// keyedDialog is a dialog the keyboard can answer.
type keyedDialog struct {
	d       dialog.Dialog
	overlay fyne.CanvasObject // its layer on the window, to know it is on top
	enter   func()
}

// Fyne's dialogs take no keys: an OK needs the mouse. The window's own key
// handler (it gets the keys no widget takes) answers the message or
// question on top instead: Enter says OK or yes, Escape closes or says no.
// Messages, yes/no questions and dialogs that only show something (a
// finding's detail, the photos, a report made) are keyed this way, through
// showKeyed; forms are not — Escape there would throw away what was typed.

// inform shows a message that Enter or Escape closes.
func (ui *mainUI) inform(title, message string) {
	d := dialog.NewInformation(title, message, ui.window)
	ui.showKeyed(d, d.Hide)
}

// confirmAction asks before doing something that is not undone with a
// click: its buttons say 取消 and what is done (action), not 不 / 是, so
// the answer reads without the question. Enter chooses the action.
func (ui *mainUI) confirmAction(title, question, action string, answer func(bool)) {
	d := dialog.NewConfirm(title, question, answer, ui.window)
	d.SetConfirmText(action)
	d.SetDismissText(t0("common.cancel"))
	ui.showKeyed(d, d.Confirm)
}

// confirmLoss asks before something is thrown away (a draft, a photo,
// typing not saved): its yes button is red, says what it does (yes), and
// only a click gives it; Enter does nothing, so no key pressed in passing
// deletes anything. Escape, or Cancel, says no.
func (ui *mainUI) confirmLoss(title, question, yes string, answer func(bool)) {
	d := dialog.NewConfirm(title, question, answer, ui.window)
	d.SetConfirmText(yes)
	d.SetDismissText(t0("common.cancel"))
	d.SetConfirmImportance(widget.DangerImportance)
	ui.showKeyed(d, func() {})
}

func (ui *mainUI) showKeyed(d dialog.Dialog, enter func()) {
	k := &keyedDialog{d: d, enter: enter}
	d.SetOnClosed(func() {
		ui.dialogs = slices.DeleteFunc(ui.dialogs, func(o *keyedDialog) bool { return o == k })
	})
	d.Show()
	k.overlay = ui.window.Canvas().Overlays().Top()
	ui.dialogs = append(ui.dialogs, k)
}

// typedKey gets the keys no widget takes: it answers the keyed dialog on
// top of the window, if that is what is on top.
func (ui *mainUI) typedKey(e *fyne.KeyEvent) {
	n := len(ui.dialogs)
	if n == 0 {
		return
	}
	top := ui.dialogs[n-1]
	if top.overlay == nil || ui.window.Canvas().Overlays().Top() != top.overlay {
		return
	}
	switch e.Name {
	case fyne.KeyEscape:
		top.d.Hide()
	case fyne.KeyReturn, fyne.KeyEnter:
		top.enter()
	}
}
