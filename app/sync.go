package app

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
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

	// manual leaves out the watcher goroutine: tests call checkNow, so
	// every widget change happens on the test's goroutine.
	manual bool
}

// Preference keys that prefill the sign-in form after a sign-out.
const (
	prefSyncPortal = "sync.portal"
	prefSyncUser   = "sync.user"
)

// syncUI owns the status bar and everything sync does in the window. All
// its fields belong to the UI goroutine; the watcher and the engine reach
// it only through fyne.Do.
type syncUI struct {
	ui   *mainUI
	cfg  SyncConfig
	http *http.Client

	// life ends when the window closes; every request and sync runs
	// under it, so quitting stops them.
	life context.Context
	end  context.CancelFunc
	wg   sync.WaitGroup

	cred       *syncer.Credentials // nil when signed out
	expired    bool                // the portal refused the token: wait for a new sign-in
	online     bool
	known      bool // a check has answered since sign-in
	gen        int  // bumped on sign-in/out, so late reports of an old watcher are ignored
	watch      *watcher
	watchEnd   context.CancelFunc
	running    context.CancelFunc // the sync under way, nil when idle
	lastTry    time.Time
	rejections []portal.Rejection

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
	s := &syncUI{ui: ui, cfg: *ui.cfg.Sync, http: ui.cfg.Sync.HTTP}
	if s.http == nil {
		s.http = portalHTTP()
	}
	if s.cfg.SyncEvery <= 0 {
		s.cfg.SyncEvery = 5 * time.Minute
	}
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
	s.now = widget.NewButtonWithIcon(t0("sync.now"), theme.ViewRefreshIcon(), func() { s.start(true) })
	s.now.Importance = widget.HighImportance
	s.signIn = widget.NewButtonWithIcon(t0("sync.sign_in"), theme.LoginIcon(), s.showSignIn)
	s.signOut = widget.NewButtonWithIcon(t0("sync.sign_out"), theme.LogoutIcon(), s.confirmSignOut)
	s.signOut.Hide()
	left := container.NewHBox(s.icon, s.state, widget.NewSeparator(), s.pending, widget.NewSeparator(), s.last, widget.NewSeparator(), s.user)
	right := container.NewHBox(s.rejected, s.busy, s.now, s.signIn, s.signOut)
	s.content = container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, left, right, s.message))
	s.showSignedOut()
	s.loadCredentials()
	return s
}

// bottom is the status bar, or nothing without sync.
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
	now := fyne.NewMenuItem(t0("sync.now"), func() { s.start(true) })
	now.Shortcut = sc
	s.ui.window.Canvas().AddShortcut(sc, func(fyne.Shortcut) { s.start(true) })
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

// endAll ends the watcher, any sync and any download when the window
// closes; wait then waits a little for them to stop between steps, so
// that the store is not closed under them. What they did is saved either
// way.
func (s *syncUI) endAll() {
	if s != nil {
		s.end()
	}
}

func (s *syncUI) wait() {
	if s == nil {
		return
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// portalHTTP bounds the wait for a connection and for each answer, but not
// a whole request: a photo upload over a slow link may take minutes.
func portalHTTP() *http.Client {
	return &http.Client{Transport: &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second}).DialContext,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		IdleConnTimeout:       60 * time.Second,
	}}
}

// background runs work through Config.Background, counted so that stop
// can wait for it.
func (s *syncUI) background(work func()) {
	if s.life.Err() != nil {
		return // closing: wait may be waiting already
	}
	s.wg.Add(1)
	s.ui.cfg.Background(func() {
		defer s.wg.Done()
		work()
	})
}

func (s *syncUI) loadCredentials() {
	s.background(func() {
		cred, err := syncer.LoadCredentials(s.cfg.Dir)
		s.ui.do(func() {
			if err != nil {
				// Not signed in yet is the normal first start; a damaged
				// file says so once, in the bar, and asks for a sign-in.
				if sv.ErrorCode(err) != sv.ENotFound {
					s.say(translate.Message(err, s.ui.lang), true)
				}
				s.refreshStatus()
				return
			}
			s.useCredentials(cred, false)
		})
	})
}

// useCredentials shows who is signed in and starts watching the portal;
// syncNow starts a sync at once (just signed in, so surely online).
func (s *syncUI) useCredentials(cred syncer.Credentials, syncNow bool) {
	s.cred = &cred
	s.gen++
	s.expired = !s.ui.cfg.Now().Before(cred.ExpiresAt)
	s.known, s.online = syncNow, syncNow
	s.user.SetText(t("sync.user", userName(cred.User)))
	s.signIn.Hide()
	s.signOut.Show()
	if s.expired {
		s.say(t0("sync.expired"), true)
		s.signIn.Show()
	}
	s.showState()
	s.startWatch()
	if syncNow {
		s.start(true)
	} else {
		s.refreshStatus()
	}
}

func userName(u portal.User) string {
	if u.DisplayName != "" && u.DisplayName != u.Name {
		return u.DisplayName + " (" + u.Name + ")"
	}
	return u.Name
}

// startWatch (re)starts the reachability watcher for the signed-in portal.
func (s *syncUI) startWatch() {
	s.stopWatch()
	client, err := portal.NewClient(s.cred.Portal, s.http, "")
	if err != nil {
		s.say(translate.Message(err, s.ui.lang), true)
		return
	}
	gen := s.gen
	s.watch = newWatcher(client.Health, func(ok bool) {
		s.ui.do(func() {
			if gen == s.gen {
				s.reachable(ok)
			}
		})
	})
	if s.cfg.manual || s.life.Err() != nil {
		return
	}
	ctx, end := context.WithCancel(s.life)
	s.watchEnd = end
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.watch.run(ctx)
	}()
}

func (s *syncUI) stopWatch() {
	if s.watchEnd != nil {
		s.watchEnd()
		s.watchEnd = nil
	}
	s.watch = nil
}

// checkNow asks the portal once whether it answers, off the UI goroutine,
// the way the watcher does; tests drive the window with it.
func (s *syncUI) checkNow() {
	if s.watch == nil {
		return
	}
	w := s.watch
	s.background(func() {
		ctx, cancel := context.WithTimeout(s.life, 10*time.Second)
		defer cancel()
		w.report(w.health(ctx) == nil)
	})
}

// reachable takes a check's answer: the bar follows, and a portal that
// answers again (or has answered for SyncEvery) gets a sync. A portal that
// does not answer is shown as offline, quietly: being away from the office
// is normal, not an error to announce every few seconds.
func (s *syncUI) reachable(ok bool) {
	was := s.known && s.online
	s.known, s.online = true, ok
	s.showState()
	if ok && (!was || s.ui.cfg.Now().Sub(s.lastTry) >= s.cfg.SyncEvery) {
		s.start(false)
		return
	}
	if s.running == nil {
		s.refreshStatus()
	}
}

func (s *syncUI) showState() {
	switch {
	case s.cred == nil:
		s.icon.SetResource(theme.MediaRecordIcon())
		s.state.SetText(t0("sync.not_signed_in"))
		s.state.Importance = widget.MediumImportance
	case !s.known:
		s.icon.SetResource(theme.MediaRecordIcon())
		s.state.SetText(t0("sync.checking"))
		s.state.Importance = widget.MediumImportance
	case s.online:
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

// start runs one sync in the background. byUser is a press of Sync now (or
// a fresh sign-in): its failures open a dialog; a background sync's only
// show in the bar.
func (s *syncUI) start(byUser bool) {
	if s.running != nil {
		return
	}
	if s.cred == nil || s.expired {
		if byUser {
			s.showSignIn()
		}
		return
	}
	client, err := portal.NewClient(s.cred.Portal, s.http, s.cred.Token)
	if err != nil {
		s.failed(err, byUser)
		return
	}
	if byUser && s.watch != nil {
		// The watcher may be deep in its backoff: check again now, so
		// the online/offline state follows what the user just saw.
		s.watch.checkSoon()
	}
	ctx, cancel := context.WithCancel(s.life)
	s.running = cancel
	s.lastTry = s.ui.cfg.Now()
	s.now.Disable()
	s.say("", false)
	s.bar.SetValue(0)
	s.barText.SetText(t0("sync.starting"))
	s.busy.Show()
	eng := syncer.New(s.cfg.Store, client, syncer.Options{Progress: func(p syncer.Progress) {
		s.ui.do(func() { s.progress(p) })
	}})
	store := s.cfg.Store
	s.background(func() {
		r, err := eng.Sync(ctx)
		st, serr := syncer.ReadStatus(store)
		s.ui.do(func() {
			cancel()
			s.finished(r, err, byUser)
			s.showStatus(st, serr)
		})
	})
}

// progress shows one step. Pushes and uploads run side by side, so the bar
// follows the photos when there are any (they take the time) and the
// changes otherwise; the pull's length is unknown until it ends.
func (s *syncUI) progress(p syncer.Progress) {
	if s.running == nil {
		return // a late report of a sync already over
	}
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

func (s *syncUI) cancelSync() {
	if s.running != nil {
		s.running()
		s.barText.SetText(t0("sync.cancelling"))
		s.cancel.Disable()
	}
}

func (s *syncUI) finished(r syncer.Report, err error, byUser bool) {
	s.running = nil
	s.busy.Hide()
	s.showIndefinite(false)
	s.cancel.Enable()
	s.now.Enable()
	switch {
	case err == nil:
		s.online, s.known = true, true
		s.showState()
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
		if byUser && len(r.Rejections) > 0 {
			s.showRejections()
		}
	case errors.Is(err, context.Canceled):
		if s.life.Err() == nil {
			s.say(t0("sync.cancelled"), false)
		}
	default:
		s.failed(err, byUser)
	}
}

// failed shows why a sync did not happen, in plain words.
func (s *syncUI) failed(err error, byUser bool) {
	msg := translate.Message(err, s.ui.lang)
	switch {
	case sv.ErrorCode(err) == sv.EUnavailable:
		// Offline again: the watcher's next answer starts a sync.
		s.online = false
		s.showState()
		if !byUser {
			s.say(t0("sync.waiting"), false)
			return
		}
	case sv.ErrorCode(err) == portal.ErrUnauthorized:
		// Expired or revoked: retrying cannot help until the user signs in.
		s.expired = true
		msg = t0("sync.expired")
		s.signIn.Show()
	case sv.ErrorCode(err) == portal.ErrRewound && byUser:
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
func sameRejections(a, b []portal.Rejection) bool {
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

func (s *syncUI) showSignedOut() {
	s.user.SetText("")
	s.signOut.Hide()
	s.signIn.Show()
	s.showState()
}

// confirmSignOut asks first, saying what is still waiting: those changes
// stay on the laptop and go up with the next sign-in.
func (s *syncUI) confirmSignOut() {
	if s.cred == nil {
		return
	}
	store := s.cfg.Store
	s.background(func() {
		st, err := syncer.ReadStatus(store)
		s.ui.do(func() {
			msg := t("sync.sign_out_confirm", userName(s.cred.User))
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

// signOutNow forgets the token here and, when the portal answers, revokes
// it there too; offline, the token lapses at its expiry.
func (s *syncUI) signOutNow() {
	if s.running != nil {
		s.running()
	}
	s.stopWatch()
	s.gen++
	cred := s.cred
	s.cred, s.expired, s.known, s.online = nil, false, false, false
	s.showSignedOut()
	s.say("", false)
	dir := s.cfg.Dir
	s.background(func() {
		if cred != nil {
			if c, err := portal.NewClient(cred.Portal, s.http, cred.Token); err == nil {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				_ = c.Logout(ctx) // best effort: signing out must work offline
				cancel()
			}
		}
		err := removeCredentials(dir)
		s.ui.do(func() {
			if err != nil {
				s.ui.showError(err)
			}
		})
	})
}

// removeCredentials deletes the sign-in file; already gone is fine.
func removeCredentials(dir string) error {
	err := os.Remove(filepath.Join(dir, syncer.CredentialsFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return translate.Wrap(err, sv.EUnavailable, "error.cannot_delete_the_sign_in_check")
	}
	return nil
}

// offerReregister asks whether to register a new device id and send the
// unsent changes under it, after the portal said this laptop's data went
// back in time; yes does so and syncs.
func (s *syncUI) offerReregister() {
	q := translate.Errorf(portal.ErrRewound,
		"error.the_portal_holds_other_changes_under")
	s.ui.confirmAction(t0("common.error"), translate.Message(q, s.ui.lang), t0("sync.reregister_do"), func(ok bool) {
		if !ok || s.cred == nil {
			return
		}
		client, err := portal.NewClient(s.cred.Portal, s.http, s.cred.Token)
		if err != nil {
			s.failed(err, true)
			return
		}
		store := s.cfg.Store
		s.background(func() {
			ctx, cancel := context.WithTimeout(s.life, 30*time.Second)
			defer cancel()
			err := syncer.New(store, client, syncer.Options{}).Reregister(ctx)
			s.ui.do(func() {
				if err != nil {
					s.failed(err, true)
					return
				}
				s.start(true)
			})
		})
	})
}
