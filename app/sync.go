package app

import (
	"context"
	"errors"
	"net/http"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/syncer"
	"fieldbrief/translate"
)

// SyncConfig connects the window to the central portal: sign-in, the
// background sync and the status bar. The engine works on the store
// itself (not Data) because pushing and pulling are transactions of the
// storage package that no screen needs.
type SyncConfig struct {
	Store *storage.Store
	// Dir is the data folder; the sign-in file lives there.
	Dir string
	// HTTP is the client for the portal; nil means bounded waits for a
	// connection and an answer, but none for a whole (slow) upload.
	HTTP *http.Client
	// SyncEvery is how often the app syncs while the portal answers;
	// zero means 5 minutes.
	SyncEvery time.Duration

	// manual leaves out the Agent's watching goroutine: tests call
	// checkNow, so every widget change happens on the test's goroutine.
	manual bool
}

// Preference keys that prefill the sign-in form after a sign-out.
const (
	prefSyncPortal = "sync.portal"
	prefSyncUser   = "sync.user"
)

// syncUI is the status bar: it draws the state of the sync Agent, which
// decides when to check and to sync (decision 0043), and turns the ends
// of syncs into words and dialogs. All its fields belong to the UI
// goroutine; the Agent reaches it only through ui.do.
type syncUI struct {
	ui    *mainUI
	cfg   SyncConfig
	agent *syncer.Agent

	// life ends when the window closes: the bar's own store reads stop,
	// and a sync cancelled by the closing is not announced.
	life context.Context
	end  context.CancelFunc

	st         syncer.State // the state drawn, latest Seq
	rejections []syncer.Rejection

	icon      *widget.Icon
	state     *widget.Label
	pending   *widget.Label
	last      *widget.Label
	user      *widget.Label
	message   *widget.Label
	rejected  *widget.Button
	bar       *widget.ProgressBar
	barMore   *widget.ProgressBarInfinite
	barText   *widget.Label
	cancel    *widget.Button
	busy      *fyne.Container
	now       *widget.Button
	signIn    *widget.Button
	signOut   *widget.Button
	content   fyne.CanvasObject
	rejectDlg *rejectionsDialog
	signInDlg *signInDialog // the open sign-in dialog, if any
}

// newSyncUI returns nil when the window has no portal to talk to.
func newSyncUI(ui *mainUI) *syncUI {
	if ui.cfg.Sync == nil {
		return nil
	}
	s := &syncUI{ui: ui, cfg: *ui.cfg.Sync}
	s.life, s.end = context.WithCancel(context.Background())

	s.icon = widget.NewIcon(theme.MediaRecordIcon())
	s.state = widget.NewLabel(t0("sync.not_signed_in"))
	s.pending = widget.NewLabel("")
	s.last = widget.NewLabel("")
	s.user = widget.NewLabel("")
	s.message = widget.NewLabel("")
	s.message.Truncation = fyne.TextTruncateEllipsis
	s.rejected = widget.NewButtonWithIcon("", theme.WarningIcon(), s.showRejections)
	s.rejected.Importance = widget.DangerImportance
	s.rejected.Hide()
	s.bar = widget.NewProgressBar()
	s.barMore = widget.NewProgressBarInfinite()
	s.barMore.Stop()
	s.barMore.Hide()
	s.barText = widget.NewLabel("")
	s.cancel = widget.NewButtonWithIcon(t0("common.cancel"), theme.CancelIcon(), s.cancelSync)
	bars := container.NewGridWrap(fyne.NewSize(160, s.bar.MinSize().Height), container.NewStack(s.bar, s.barMore))
	s.busy = container.NewHBox(s.barText, container.NewCenter(bars), s.cancel)
	s.busy.Hide()
	s.now = widget.NewButtonWithIcon(t0("sync.now"), theme.ViewRefreshIcon(), s.syncNow)
	s.now.Importance = widget.HighImportance
	s.signIn = widget.NewButtonWithIcon(t0("sync.sign_in"), theme.LoginIcon(), s.showSignIn)
	s.signOut = widget.NewButtonWithIcon(t0("sync.sign_out"), theme.LogoutIcon(), s.confirmSignOut)
	s.signOut.Hide()
	left := container.NewHBox(s.icon, s.state, widget.NewSeparator(), s.pending, widget.NewSeparator(), s.last, widget.NewSeparator(), s.user)
	right := container.NewHBox(s.rejected, s.busy, s.now, s.signIn, s.signOut)
	s.content = container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, left, right, s.message))
	s.showState()

	s.agent = syncer.NewAgent(syncer.AgentConfig{
		Store: s.cfg.Store, Dir: s.cfg.Dir, HTTP: s.cfg.HTTP, SyncEvery: s.cfg.SyncEvery,
		Now:        ui.cfg.Now,
		Background: ui.cfg.Background,
		OnChange:   func(st syncer.State) { ui.do(func() { s.draw(st) }) },
	})
	if !s.cfg.manual {
		go s.agent.Run(s.life)
	}
	s.agent.Load(func(err error) {
		ui.do(func() {
			// Not signed in yet is the normal first start; a damaged
			// file says so once, in the bar, and asks for a sign-in.
			if err != nil && sv.ErrorCode(err) != sv.ENotFound {
				s.say(translate.Message(err, s.ui.lang), true)
			}
			s.refreshStatus()
		})
	})
	return s
}

// bottom is the status bar, or nothing without sync.
// portalCopy reads the portal's copy of a visit, or is nil when there is
// no portal to ask (no portal configured, signed out or offline).
func (s *syncUI) portalCopy() func(id string) (syncer.PortalVisit, error) {
	if s == nil || s.agent == nil {
		return nil
	}
	return s.agent.PortalCopy()
}

// portalSnapshot asks the portal to rebuild a printed brief's or tour
// pack's snapshot, or is nil when there is no portal to ask.
func (s *syncUI) portalSnapshot() func(req portal.SnapshotRequest) (portal.SnapshotResponse, []string, error) {
	if s == nil || s.agent == nil {
		return nil
	}
	return s.agent.PortalSnapshot()
}

func (s *syncUI) bottom() fyne.CanvasObject {
	if s == nil {
		return nil
	}
	return s.content
}

// addMenu adds the Sync menu to the window's menu, with Ctrl+Shift+S for
// Sync now. It is a menu item as well as a canvas shortcut for the reason
// addShortcuts gives: an Entry with the focus would swallow the key.
func (s *syncUI) addMenu() {
	if s == nil {
		return
	}
	sc := &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	now := fyne.NewMenuItem(t0("sync.now"), s.syncNow)
	now.Shortcut = sc
	s.ui.window.Canvas().AddShortcut(sc, func(fyne.Shortcut) { s.syncNow() })
	m := fyne.NewMenu(t0("sync.menu"), now,
		fyne.NewMenuItem(t0("sync.rejections_title"), s.showRejections),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(t0("sync.sign_in"), s.showSignIn),
		fyne.NewMenuItem(t0("sync.sign_out"), s.confirmSignOut))
	mm := s.ui.window.MainMenu()
	if mm == nil {
		mm = fyne.NewMainMenu()
	}
	mm.Items = append(mm.Items, m)
	s.ui.window.SetMainMenu(mm)
}

// endAll ends the watching, any sync and any download when the window
// closes; wait then waits a little for them to stop between steps, so
// that the store is not closed under them. What they did is saved either
// way.
func (s *syncUI) endAll() {
	if s != nil {
		s.end()
		s.agent.Stop()
	}
}

func (s *syncUI) wait() {
	if s != nil {
		s.agent.Close()
	}
}

// background runs work through Config.Background, unless the window is
// closing.
func (s *syncUI) background(work func()) {
	if s.life.Err() != nil {
		return
	}
	s.ui.cfg.Background(work)
}

// draw shows a state of the Agent. States may arrive out of order (they
// are sent from several goroutines); an older one than drawn is dropped.
func (s *syncUI) draw(st syncer.State) {
	if st.Seq <= s.st.Seq {
		return
	}
	prev := s.st
	s.st = st
	switch {
	case st.SignedIn:
		s.user.SetText(t("sync.user", userName(st)))
		s.signOut.Show()
		s.signIn.Hide()
		if st.Expired {
			s.signIn.Show()
			if !prev.Expired || !prev.SignedIn {
				s.say(t0("sync.expired"), true)
			}
		}
	default:
		s.user.SetText("")
		s.signOut.Hide()
		s.signIn.Show()
	}
	s.showState()
	switch {
	case st.Syncing:
		if !prev.Syncing {
			s.now.Disable()
			s.say("", false)
			s.bar.SetValue(0)
			s.barText.SetText(t0("sync.starting"))
			s.busy.Show()
		}
		if st.Progress.Phase != "" {
			s.progress(st.Progress)
		}
		if st.Cancelling {
			s.barText.SetText(t0("sync.cancelling"))
			s.cancel.Disable()
		}
	case prev.Syncing:
		s.busy.Hide()
		s.showIndefinite(false)
		s.cancel.Enable()
		s.now.Enable()
	}
	switch {
	case st.Syncs != prev.Syncs:
		s.refreshStatus()
		s.finished(st.Last)
	case st.Checks != prev.Checks && !st.Syncing:
		// A check every half minute also refreshes what is waiting.
		s.refreshStatus()
	}
}

func userName(st syncer.State) string {
	if st.DisplayName != "" && st.DisplayName != st.User {
		return st.DisplayName + " (" + st.User + ")"
	}
	return st.User
}

// checkNow asks the portal once whether it answers, off the UI goroutine,
// the way the Agent's watching does; tests drive the window with it.
func (s *syncUI) checkNow() { s.agent.Check() }

func (s *syncUI) showState() {
	st := s.st
	switch {
	case !st.SignedIn:
		s.icon.SetResource(theme.MediaRecordIcon())
		s.state.SetText(t0("sync.not_signed_in"))
		s.state.Importance = widget.MediumImportance
	case !st.Known:
		s.icon.SetResource(theme.MediaRecordIcon())
		s.state.SetText(t0("sync.checking"))
		s.state.Importance = widget.MediumImportance
	case st.Online:
		s.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
		s.state.SetText(t0("sync.online"))
		s.state.Importance = widget.SuccessImportance
	default:
		s.icon.SetResource(theme.NewWarningThemedResource(theme.MediaRecordIcon()))
		s.state.SetText(t0("sync.offline"))
		s.state.Importance = widget.WarningImportance
	}
	s.state.Refresh()
	s.relayout()
}

// relayout re-lays the bar after its labels change length, so a longer
// user name or time does not overlap its neighbour until the next resize.
func (s *syncUI) relayout() { s.content.Refresh() }

// syncNow is Sync now (or a fresh sign-in): its failures open a dialog;
// without a usable sign-in it asks for one instead.
func (s *syncUI) syncNow() {
	if st := s.agent.State(); !st.SignedIn || st.Expired {
		s.showSignIn()
		return
	}
	s.agent.Sync(true)
}

// progress shows one step. Pushes and uploads run side by side, so the bar
// follows the photos when there are any (they take the time) and the
// changes otherwise; the pull's length is unknown until it ends.
func (s *syncUI) progress(p syncer.Progress) {
	more := false
	switch p.Phase {
	case syncer.PhasePush:
		s.barText.SetText(t("sync.phase_push", p.Done, p.Total))
		if p.Total > 0 {
			s.bar.SetValue(float64(p.Done) / float64(p.Total))
		}
	case syncer.PhasePhotos:
		s.barText.SetText(t("sync.phase_photos", p.Done, p.Total, mb(p.Bytes), mb(p.TotalBytes)))
		if p.TotalBytes > 0 {
			s.bar.SetValue(float64(p.Bytes) / float64(p.TotalBytes))
		}
	case syncer.PhasePull:
		s.barText.SetText(t("sync.phase_pull", p.Done))
		more = true
	case syncer.PhaseThumbnails:
		s.barText.SetText(t("sync.phase_thumbnails", p.Done, p.Total))
		if p.Total > 0 {
			s.bar.SetValue(float64(p.Done) / float64(p.Total))
		}
	case syncer.PhaseDone:
		s.bar.SetValue(1)
	}
	s.showIndefinite(more)
}

func (s *syncUI) showIndefinite(on bool) {
	if on == s.barMore.Visible() {
		return
	}
	if on {
		s.bar.Hide()
		s.barMore.Show()
		s.barMore.Start()
	} else {
		s.barMore.Stop()
		s.barMore.Hide()
		s.bar.Show()
	}
}

func mb(n int64) float64 { return float64(n) / 1e6 }

func (s *syncUI) cancelSync() { s.agent.Cancel() }

// finished says how a sync ended.
func (s *syncUI) finished(out syncer.Outcome) {
	r, err := out.Report, out.Err
	switch {
	case err == nil:
		if r.NewDevice != nil {
			// A new device id after a reset or a restored portal: said
			// once, in the bar; nothing was lost.
			s.say(translate.Message(r.NewDevice, s.ui.lang), false)
		}
		if r.ClockSkew != nil {
			// A clock running ahead loses the user's edits to later
			// ones of colleagues: said in the bar until the next sync.
			s.say(translate.Message(r.ClockSkew, s.ui.lang), false)
		}
		if r.Pulled > 0 {
			// New projects, findings or visits from elsewhere: the
			// dashboard reloads; other screens read afresh when opened.
			s.ui.refresh(false)
		}
		// Photos went up or came down: the viewer and the photo counts
		// on screen catch up in place.
		s.ui.photosArrived()
		if out.ByUser && len(r.Rejections) > 0 {
			s.showRejections()
		}
	case errors.Is(err, context.Canceled):
		if s.life.Err() == nil {
			s.say(t0("sync.cancelled"), false)
		}
	default:
		s.failed(err, out.ByUser)
	}
}

// failed shows why a sync did not happen, in plain words.
func (s *syncUI) failed(err error, byUser bool) {
	msg := translate.Message(err, s.ui.lang)
	switch {
	case sv.ErrorCode(err) == sv.EUnavailable:
		// Offline again: the Agent's next answer starts a sync.
		if !byUser {
			s.say(t0("sync.waiting"), false)
			return
		}
	case sv.ErrorCode(err) == syncer.ErrUnauthorized:
		// Expired or revoked: retrying cannot help until the user signs in.
		msg = t0("sync.expired")
	case sv.ErrorCode(err) == syncer.ErrRewound && byUser:
		// Restored from an old backup: the user chooses to go on under
		// a new device id (decision 0024).
		s.say(msg, true)
		s.offerReregister()
		return
	}
	s.say(msg, true)
	if byUser {
		s.ui.inform(t0("common.error"), msg)
	}
}

// say puts a sentence in the bar; bad marks it as a problem.
func (s *syncUI) say(msg string, bad bool) {
	s.message.Importance = widget.MediumImportance
	if bad {
		s.message.Importance = widget.DangerImportance
	}
	s.message.SetText(msg)
}

// refreshStatus reads what is waiting, off the UI goroutine.
func (s *syncUI) refreshStatus() {
	if s == nil {
		return
	}
	store := s.cfg.Store
	s.background(func() {
		st, err := syncer.ReadStatus(store)
		s.ui.do(func() { s.showStatus(st, err) })
	})
}

func (s *syncUI) showStatus(st syncer.Status, err error) {
	if err != nil {
		s.say(translate.Message(err, s.ui.lang), true)
		return
	}
	s.pending.SetText(t("sync.pending", st.PendingChanges, st.PendingPhotos, mb(st.PendingPhotoBytes)))
	if st.LastSync == nil {
		s.last.SetText(t0("sync.never"))
	} else {
		s.last.SetText(t("sync.last", s.when(*st.LastSync)))
	}
	s.rejections = st.Rejections
	if n := len(st.Rejections); n > 0 {
		s.rejected.SetText(t("sync.rejected", n))
		s.rejected.Show()
	} else {
		s.rejected.Hide()
	}
	s.relayout()
	if s.rejectDlg != nil && !sameRejections(s.rejectDlg.shown, st.Rejections) {
		s.rejectDlg.show(st.Rejections)
	}
}

// sameRejections tells whether the list on screen is still right, so the
// status refresh every half minute does not rebuild it under the reader.
func sameRejections(a, b []syncer.Rejection) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Device != b[i].Device || a[i].Seq != b[i].Seq {
			return false
		}
	}
	return true
}

// when is a time of day for today, a date and time otherwise.
func (s *syncUI) when(at time.Time) string {
	now := s.ui.cfg.Now()
	at = at.In(now.Location())
	if sv.DateOf(at) == sv.DateOf(now) {
		return t("sync.today", at.Format("15:04"))
	}
	return at.Format("2006-01-02 15:04")
}

// confirmSignOut asks first, saying what is still waiting: those changes
// stay on the laptop and go up with the next sign-in.
func (s *syncUI) confirmSignOut() {
	if !s.agent.State().SignedIn {
		return
	}
	store := s.cfg.Store
	s.background(func() {
		st, err := syncer.ReadStatus(store)
		s.ui.do(func() {
			msg := t("sync.sign_out_confirm", userName(s.agent.State()))
			if err == nil && (st.PendingChanges > 0 || st.PendingPhotos > 0) {
				msg += "\n" + t("sync.sign_out_pending", st.PendingChanges, st.PendingPhotos)
			}
			s.ui.confirmAction(t0("sync.sign_out"), msg, t0("sync.sign_out"), func(ok bool) {
				if ok {
					s.signOutNow()
				}
			})
		})
	})
}

// signOutNow forgets the sign-in here and, when the portal answers,
// revokes it there too; offline, the token lapses at its expiry.
func (s *syncUI) signOutNow() {
	s.say("", false)
	s.agent.SignOut(func(err error) {
		s.ui.do(func() {
			if err != nil {
				s.ui.showError(err)
			}
		})
	})
}

// offerReregister asks whether to register a new device id and send the
// unsent changes under it, after the portal said this laptop's data went
// back in time; yes does so and syncs.
func (s *syncUI) offerReregister() {
	q := translate.Errorf(syncer.ErrRewound,
		"error.the_portal_holds_other_changes_under")
	s.ui.confirmAction(t0("common.error"), translate.Message(q, s.ui.lang), t0("sync.reregister_do"), func(ok bool) {
		if !ok {
			return
		}
		s.agent.Reregister(func(err error) {
			s.ui.do(func() {
				if err != nil {
					s.failed(err, true)
					return
				}
				s.syncNow()
			})
		})
	})
}
