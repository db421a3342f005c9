package app

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	sv "fieldbrief/supervision"
	"fieldbrief/syncer"
	"fieldbrief/translate"
)

// signInDialog asks for the portal's address, the user and the password.
// It stays open on a failure and says why in plain words, so a mistyped
// password costs one retype, not the whole form.
type signInDialog struct {
	s      *syncUI
	addr   *widget.Entry
	user   *widget.Entry
	pass   *widget.Entry
	msg    *widget.Label
	submit *widget.Button
	cancel *widget.Button
	dlg    dialog.Dialog
	// warnedFor is the plain-http address the user was warned about.
	warnedFor string
}

// plainHTTPAgain tells how to go ahead after the plain-http warning.
var plainHTTPAgain = translate.Errorf(sv.EInvalid, "error.to_use_this_address_anyway_press")

func (s *syncUI) showSignIn() {
	if s == nil {
		return
	}
	if s.signInDlg != nil {
		s.signInDlg.dlg.Show()
		return
	}
	prefs := s.ui.app.Preferences()
	d := &signInDialog{s: s}
	d.addr = widget.NewEntry()
	d.addr.SetPlaceHolder(t0("signin.portal_hint"))
	d.addr.SetText(prefs.String(prefSyncPortal))
	d.user = widget.NewEntry()
	d.user.SetText(prefs.String(prefSyncUser))
	d.pass = widget.NewPasswordEntry()
	d.pass.OnSubmitted = func(string) { d.signIn() }
	d.msg = widget.NewLabel("")
	d.msg.Wrapping = fyne.TextWrapWord
	d.msg.Importance = widget.DangerImportance
	d.submit = widget.NewButton(t0("signin.submit"), d.signIn)
	d.submit.Importance = widget.HighImportance
	d.cancel = widget.NewButton(t0("common.cancel"), func() { d.dlg.Hide() })
	form := widget.NewForm(
		widget.NewFormItem(t0("signin.portal"), d.addr),
		widget.NewFormItem(t0("signin.user"), d.user),
		widget.NewFormItem(t0("signin.password"), d.pass))
	body := container.NewVBox(form, d.msg, container.NewHBox(layout.NewSpacer(), d.cancel, d.submit))
	d.dlg = dialog.NewCustomWithoutButtons(t0("signin.title"), body, s.ui.window)
	d.dlg.SetOnClosed(func() {
		if s.signInDlg == d {
			s.signInDlg = nil
		}
	})
	s.signInDlg = d
	d.dlg.Resize(fyne.NewSize(480, d.dlg.MinSize().Height))
	d.dlg.Show()
	focus := d.addr
	switch {
	case d.addr.Text == "":
	case d.user.Text == "":
		focus = d.user
	default:
		focus = d.pass
	}
	s.ui.window.Canvas().Focus(focus)
}

func (d *signInDialog) signIn() {
	addr, user, pw := strings.TrimSpace(d.addr.Text), strings.TrimSpace(d.user.Text), d.pass.Text
	if addr == "" || user == "" || pw == "" {
		d.msg.SetText(t0("signin.missing"))
		return
	}
	if !strings.Contains(addr, "://") {
		// People type the host they were told; the portal speaks HTTPS
		// unless its address says otherwise.
		addr = "https://" + addr
	}
	// Plain http to another computer is said once, before the password
	// goes out; pressing sign-in again with the same address goes ahead.
	if w := syncer.PlainHTTPWarning(addr); w != nil && d.warnedFor != addr {
		d.warnedFor = addr
		d.msg.Importance = widget.WarningImportance
		d.msg.SetText(translate.Message(w, d.s.ui.lang) + "\n" + translate.Message(plainHTTPAgain, d.s.ui.lang))
		return
	}
	d.submit.Disable()
	d.msg.Importance = widget.MediumImportance
	d.msg.SetText(t0("signin.busy"))
	s := d.s
	s.agent.SignIn(addr, user, pw, func(cred syncer.Credentials, err error) {
		s.ui.do(func() {
			d.submit.Enable()
			if err != nil {
				d.msg.Importance = widget.DangerImportance
				d.msg.SetText(signInMessage(err, addr, s.ui.lang))
				d.pass.SetText("")
				s.ui.window.Canvas().Focus(d.pass)
				return
			}
			prefs := s.ui.app.Preferences()
			prefs.SetString(prefSyncPortal, cred.Portal)
			prefs.SetString(prefSyncUser, user)
			d.dlg.Hide()
			s.say("", false)
		})
	})
}

// signInMessage says why a sign-in failed, in words an inspector can act
// on: retype the password, wait, or check the address and network.
func signInMessage(err error, addr string, l sv.Lang) string {
	switch sv.ErrorCode(err) {
	case syncer.ErrUnauthorized:
		return t0("signin.wrong_password")
	case syncer.ErrTooMany:
		// The wait is the portal's Retry-After, in whole minutes.
		if wait := syncer.RetryAfter(err); wait > 0 {
			return t("signin.locked", max(1, int((wait+time.Minute-1)/time.Minute)))
		}
		return translate.Message(err, l)
	case sv.EUnavailable:
		return t("signin.unreachable", addr)
	}
	return translate.Message(err, l)
}
