package app

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/internal/portaltest"
	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/syncer"
)

const demoPassword = "fieldbrief-demo"

// startPortal takes the reference portal (built once), fills it with the demo register
// and users, and serves it on a free loopback port, the way the syncer's
// tests do. It returns the address and a function that stops the portal
// (also called when the test ends).
func startPortal(t *testing.T) (string, func()) {
	t.Helper()
	p := portaltest.Start(t, portalBinary(t))
	return p.URL, p.Stop
}

// runner runs background work in place, or holds it until drain when
// hold is set, so a test can act while a sync is "under way".
type runner struct {
	hold  bool
	queue []func()
}

func (r *runner) bg(work func()) {
	if r.hold {
		r.queue = append(r.queue, work)
		return
	}
	work()
}

func (r *runner) drain() {
	r.hold = false
	for len(r.queue) > 0 {
		w := r.queue[0]
		r.queue = r.queue[1:]
		w()
	}
}

// laptopUI is a window on an empty laptop store, with sync.
func laptopUI(t *testing.T, l sv.Lang) (*mainUI, *storage.Store, *runner) {
	t.Helper()
	a := windowApp(t)
	dir := t.TempDir()
	s, err := storage.Open(dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	r := &runner{}
	ui, err := newMainUI(a, Config{Data: s, Lang: l, Background: r.bg,
		Sync: &SyncConfig{Store: s, Dir: dir, manual: true}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ui.closed)
	return ui, s, r
}

// savedToken is the token of the sign-in file in the store's folder.
func savedToken(t *testing.T, s *storage.Store) string {
	t.Helper()
	cred, err := syncer.LoadCredentials(filepath.Dir(s.Path()))
	if err != nil {
		t.Fatal(err)
	}
	return cred.Token
}

// signIn fills in the sign-in dialog and presses its button.
func signIn(t *testing.T, ui *mainUI, base, user, pw string) *signInDialog {
	t.Helper()
	ui.sync.showSignIn()
	d := ui.sync.signInDlg
	if d == nil || ui.window.Canvas().Overlays().Top() == nil {
		t.Fatal("no sign-in dialog")
	}
	d.addr.SetText(base)
	d.user.SetText(user)
	d.pass.SetText(pw)
	test.Tap(d.submit)
	return d
}

func TestSignInSyncsAndTheDashboardShowsTheProjects(t *testing.T) {
	base, _ := startPortal(t)
	ui, s, _ := laptopUI(t, sv.Chinese)
	if got := ui.sync.state.Text; got != "未登录平台" {
		t.Errorf("status before sign-in: %q", got)
	}
	if len(ui.dash.rows) != 0 {
		t.Fatalf("an empty laptop shows %d projects", len(ui.dash.rows))
	}
	signIn(t, ui, base, "inspector1", demoPassword)
	waitFor(t, "the 20 projects", func() bool { return len(ui.dash.rows) == 20 })
	if ui.window.Canvas().Overlays().Top() != nil {
		t.Errorf("a dialog is still open after signing in: %q", overlayText(ui))
	}
	if got := ui.sync.state.Text; got != "在线" {
		t.Errorf("state %q", got)
	}
	if got := ui.sync.user.Text; !strings.Contains(got, "inspector1") {
		t.Errorf("user %q", got)
	}
	if got := ui.sync.last.Text; !strings.Contains(got, "上次同步") {
		t.Errorf("last sync %q", got)
	}
	if got := ui.sync.pending.Text; !strings.Contains(got, "0 条修改") || !strings.Contains(got, "0 张照片") {
		t.Errorf("pending %q", got)
	}
	if ui.sync.busy.Visible() || !ui.sync.signOut.Visible() || ui.sync.signIn.Visible() {
		t.Error("after a sync: progress shown, or sign-in/out buttons wrong")
	}
	fi, err := os.Stat(filepath.Join(filepath.Dir(s.Path()), syncer.CredentialsFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("sign-in file: %v %v", fi, err)
	}
	if ts := must(s.Templates())(t); len(ts) != 2 {
		t.Errorf("templates after sync: %d", len(ts))
	}

	// A change made here shows as waiting, goes up with Sync now.
	f := sv.Finding{ID: sv.NewID(time.Now()), ProjectID: "p03", Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMinor,
		Description: "临边防护缺失", ResponsibleUnit: "施工单位", Deadline: "2026-12-31"}
	if err := s.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	ui.showDashboard()
	if got := ui.sync.pending.Text; !strings.Contains(got, "1 条修改") {
		t.Errorf("pending after a change: %q", got)
	}
	test.Tap(ui.sync.now)
	if got := ui.sync.pending.Text; !strings.Contains(got, "0 条修改") {
		t.Errorf("pending after Sync now: %q", got)
	}

	// Signing out asks, forgets the token here and revokes it on the
	// portal, and the bar says so.
	token := savedToken(t, s)
	portalURL := ui.sync.st.Portal
	test.Tap(ui.sync.signOut)
	yes := findButton(ui.window.Canvas().Overlays().Top(), "退出登录")
	if yes == nil {
		t.Fatalf("no sign-out confirmation: %q", overlayText(ui))
	}
	test.Tap(yes)
	if _, err := os.Stat(filepath.Join(filepath.Dir(s.Path()), syncer.CredentialsFile)); !os.IsNotExist(err) {
		t.Errorf("sign-in file after sign-out: %v", err)
	}
	if ui.sync.state.Text != "未登录平台" || !ui.sync.signIn.Visible() {
		t.Errorf("after sign-out: %q", ui.sync.state.Text)
	}
	old, err := portal.NewClient(portalURL, nil, token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.Me(context.Background()); err == nil {
		t.Error("the portal still accepts the token after sign-out")
	}
}

func TestWrongPasswordAndLockoutInPlainWords(t *testing.T) {
	base, _ := startPortal(t)
	ui, s, _ := laptopUI(t, sv.Chinese)
	d := signIn(t, ui, base, "inspector1", "not-the-password")
	if got := d.msg.Text; !strings.Contains(got, "用户名或密码不正确") {
		t.Fatalf("wrong password says %q", got)
	}
	if ui.window.Canvas().Overlays().Top() == nil {
		t.Fatal("the dialog closed on a wrong password")
	}
	if d.pass.Text != "" || d.submit.Disabled() {
		t.Errorf("after a failure the password is cleared and the button usable: %q %v", d.pass.Text, d.submit.Disabled())
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(s.Path()), syncer.CredentialsFile)); !os.IsNotExist(err) {
		t.Errorf("a failed sign-in left a sign-in file: %v", err)
	}
	// Four more failures, then the portal locks the name for a while.
	for i := 0; i < 5; i++ {
		d.pass.SetText("still-wrong")
		test.Tap(d.submit)
	}
	if got := d.msg.Text; !strings.Contains(got, "锁定") || !strings.Contains(got, "1 分钟") {
		t.Errorf("lockout says %q", got)
	}

	// A portal that is not there: the address in plain words, no Go text.
	d.addr.SetText("http://127.0.0.1:1")
	d.pass.SetText(demoPassword)
	test.Tap(d.submit)
	if got := d.msg.Text; !strings.Contains(got, "无法连接平台 http://127.0.0.1:1") || strings.Contains(got, "connection refused") {
		t.Errorf("unreachable says %q", got)
	}
	d.addr.SetText("")
	test.Tap(d.submit)
	if got := d.msg.Text; !strings.Contains(got, "请填写") {
		t.Errorf("empty address says %q", got)
	}
}

func TestPortalDownShowsOfflineWithoutErrorDialogs(t *testing.T) {
	base, stop := startPortal(t)
	ui, _, _ := laptopUI(t, sv.English)
	signIn(t, ui, base, "inspector2", demoPassword)
	waitFor(t, "the projects", func() bool { return len(ui.dash.rows) == 20 })
	stop()
	for i := 0; i < 3; i++ {
		ui.sync.checkNow()
	}
	if got := ui.sync.state.Text; got != "Offline" {
		t.Errorf("state with the portal down: %q", got)
	}
	// A background sync while the portal is away: a quiet line, no dialog.
	ui.sync.agent.Sync(false)
	if o := ui.window.Canvas().Overlays().Top(); o != nil {
		t.Errorf("a dialog while offline: %q", overlayText(ui))
	}
	if ui.sync.message.Importance == widget.DangerImportance || !strings.Contains(ui.sync.message.Text, "will sync when it is back") {
		t.Errorf("offline message %q (importance %v)", ui.sync.message.Text, ui.sync.message.Importance)
	}
	// Sync now, pressed by the user, does say why nothing happened.
	test.Tap(ui.sync.now)
	if got := overlayText(ui); !strings.Contains(got, "Cannot reach the portal") {
		t.Errorf("Sync now offline says %q", got)
	}
	if ui.sync.busy.Visible() || ui.sync.now.Disabled() {
		t.Error("progress still shown after the failed sync")
	}
}

func TestRejectedChangeIsListedAndDismissed(t *testing.T) {
	base, _ := startPortal(t)
	ui, s, _ := laptopUI(t, sv.Chinese)
	signIn(t, ui, base, "inspector1", demoPassword)
	waitFor(t, "the projects", func() bool { return len(ui.dash.rows) == 20 })
	// An inspector may not close a finding; only a leader may.
	f := sv.Finding{ID: sv.NewID(time.Now()), ProjectID: "p02", Kind: sv.KindProblem, Category: sv.CategoryQuality, Severity: sv.SeverityMinor,
		Description: "钢筋保护层不足", ResponsibleUnit: "监理单位", Deadline: "2026-12-31"}
	if err := s.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MoveFinding(f.ID, sv.Move{To: sv.StatusFixed, By: "李督查", Note: "已整改"}); err != nil {
		t.Fatal(err)
	}
	// The window offers no closing to an inspector; a laptop that claims
	// a leader's role for it anyway is refused by the portal.
	if _, err := s.MoveFinding(f.ID, sv.Move{To: sv.StatusClosed, By: "李督查", Role: sv.RoleLeader, Note: "我自己销号"}); err != nil {
		t.Fatal(err)
	}
	test.Tap(ui.sync.now)
	if !ui.sync.rejected.Visible() || !strings.Contains(ui.sync.rejected.Text, "1") {
		t.Fatalf("rejected button %q visible %v", ui.sync.rejected.Text, ui.sync.rejected.Visible())
	}
	d := ui.sync.rejectDlg
	if d == nil {
		t.Fatal("the refused change was not shown after Sync now")
	}
	text := overlayText(ui)
	if !strings.Contains(text, "问题：钢筋保护层不足") || !strings.Contains(text, "只有领导可以销号") {
		t.Errorf("the list says %q", text)
	}
	dismiss := findButton(ui.window.Canvas().Overlays().Top(), "知道了")
	if dismiss == nil {
		t.Fatal("no dismiss button")
	}
	test.Tap(dismiss)
	if ui.sync.rejected.Visible() {
		t.Error("the rejected button stays after dismissing")
	}
	if !strings.Contains(overlayText(ui), "没有被平台拒绝的修改") {
		t.Errorf("after dismissing: %q", overlayText(ui))
	}
	if rs := must(s.Rejections())(t); len(rs) != 0 {
		t.Errorf("store still has %d rejections", len(rs))
	}
}

func TestCancelStopsTheSyncAndKeepsTheChanges(t *testing.T) {
	base, _ := startPortal(t)
	ui, s, r := laptopUI(t, sv.Chinese)
	signIn(t, ui, base, "inspector1", demoPassword)
	waitFor(t, "the projects", func() bool { return len(ui.dash.rows) == 20 })
	f := sv.Finding{ID: sv.NewID(time.Now()), ProjectID: "p04", Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMinor,
		Description: "消防通道堵塞", ResponsibleUnit: "施工单位", Deadline: "2026-12-31"}
	if err := s.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	r.hold = true
	test.Tap(ui.sync.now)
	if !ui.sync.busy.Visible() || !ui.sync.now.Disabled() {
		t.Fatal("no progress while syncing")
	}
	test.Tap(ui.sync.cancel)
	r.drain()
	if ui.sync.busy.Visible() || ui.sync.message.Text != "同步已取消，已完成的部分已保存。" {
		t.Errorf("after cancel: busy %v, %q", ui.sync.busy.Visible(), ui.sync.message.Text)
	}
	if !strings.Contains(ui.sync.pending.Text, "1 条修改") {
		t.Errorf("pending after cancel: %q", ui.sync.pending.Text)
	}
	if ui.window.Canvas().Overlays().Top() != nil {
		t.Errorf("a dialog after cancel: %q", overlayText(ui))
	}
	test.Tap(ui.sync.now)
	if !strings.Contains(ui.sync.pending.Text, "0 条修改") {
		t.Errorf("pending after the next sync: %q", ui.sync.pending.Text)
	}
}

// TestExpiredSignInAsksForANewOne starts with a sign-in file whose token
// has lapsed: the bar says so and offers to sign in; nothing is tried.
func TestExpiredSignInAsksForANewOne(t *testing.T) {
	a := windowApp(t)
	dir := t.TempDir()
	s, err := storage.Open(dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cred := syncer.Credentials{Portal: "http://127.0.0.1:1", Token: "x", ExpiresAt: testNow.Add(-time.Hour)}
	cred.User.Name = "inspector1"
	if err := syncer.SaveCredentials(dir, cred); err != nil {
		t.Fatal(err)
	}
	ui, err := newMainUI(a, Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: inPlace,
		Sync: &SyncConfig{Store: s, Dir: dir, manual: true}})
	if err != nil {
		t.Fatal(err)
	}
	defer ui.closed()
	if !strings.Contains(ui.sync.message.Text, "重新登录") || !ui.sync.signIn.Visible() || !strings.Contains(ui.sync.user.Text, "inspector1") {
		t.Errorf("expired sign-in: %q, sign-in shown %v, user %q", ui.sync.message.Text, ui.sync.signIn.Visible(), ui.sync.user.Text)
	}
	test.Tap(ui.sync.now)
	if ui.sync.agent.State().Syncing || ui.sync.agent.State().Syncs != 0 || ui.sync.signInDlg == nil {
		t.Error("Sync now with an expired sign-in should open the sign-in dialog, not sync")
	}
}
