package app

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// newTestUI opens the window on a fresh sample store, in Chinese, with
// background work run in place.
func newTestUI(t *testing.T) (*mainUI, *storage.Store) {
	t.Helper()
	s := sampleStore(t)
	return openTestUI(t, windowApp(t), s, inPlace), s
}

// openTestUI opens the window of app a on data, in Chinese, once the
// dashboard shows.
func openTestUI(t *testing.T, a fyne.App, data Data, bg func(func())) *mainUI {
	t.Helper()
	ui, err := newMainUI(a, Config{Data: data, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: bg})
	if err != nil {
		t.Fatal(err)
	}
	ui.window.Resize(fyne.NewSize(1240, 760))
	waitFor(t, "dashboard rows", func() bool { return len(ui.dash.rows) == 20 })
	return ui
}

// startVisit opens a project with Ctrl+N from its page and returns the
// visit screen once its checklist is built.
func startVisit(t *testing.T, ui *mainUI, projectID string) *visitScreen {
	t.Helper()
	ui.openProject(projectID, true)
	waitFor(t, "project page", func() bool { return ui.project() != nil && ui.project().data.project.ID == projectID })
	ui.window.Canvas().(fyne.Shortcutable).TypedShortcut(shortcutN())
	// A project visited this month already is asked about first.
	if top := ui.window.Canvas().Overlays().Top(); ui.visit() == nil && top != nil {
		if b := findButton(top, "再开始一次督查"); b != nil {
			test.Tap(b)
		}
	}
	waitFor(t, "visit screen", func() bool { return ui.visit() != nil && ui.visit().loaded })
	return ui.visit()
}

// shortcutN is Ctrl+N as the canvas receives it.
func shortcutN() fyne.Shortcut { return ctrl(fyne.KeyN) }

// ctrl is Ctrl (Cmd on macOS) with a key.
func ctrl(k fyne.KeyName) fyne.Shortcut {
	return &desktop.CustomShortcut{KeyName: k, Modifier: fyne.KeyModifierShortcutDefault}
}

func field(t *testing.T, v *visitScreen, key string) *itemField {
	t.Helper()
	f := v.fields[key]
	if f == nil {
		t.Fatalf("no field for item %s", key)
	}
	return f
}

// stored reads the visit back from the store.
func stored(t *testing.T, s *storage.Store, id string) sv.Visit {
	t.Helper()
	in, err := s.Visit(id)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// overlayButton finds a button in the top dialog.
func overlayButton(t *testing.T, ui *mainUI, text string) *widget.Button {
	t.Helper()
	top := ui.window.Canvas().Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog open; wanted button %q", text)
	}
	b := findButton(top, text)
	if b == nil {
		t.Fatalf("the dialog has no button %q", text)
	}
	return b
}

// overlayEntries returns the entries of the top dialog in order.
func overlayEntries(ui *mainUI) []*widget.Entry {
	var out []*widget.Entry
	walk(ui.window.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if e, ok := o.(*widget.Entry); ok {
			out = append(out, e)
		}
		return false
	})
	return out
}

// overlayText joins the label texts of the top dialog.
func overlayText(ui *mainUI) string {
	var b strings.Builder
	walk(ui.window.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if l, ok := asLabel(o); ok {
			b.WriteString(l.Text)
			b.WriteByte('\n')
		}
		return false
	})
	return b.String()
}

func TestStartVisitAndAnswerEveryKind(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[0].Project.ID)
	if v.in.Status != sv.Draft || v.tmpl.Version != 2 {
		t.Fatalf("new visit: status %s, template v%d", v.in.Status, v.tmpl.Version)
	}
	if !strings.Contains(v.progress.Text, "已答 0 / 41") {
		t.Errorf("progress %q", v.progress.Text)
	}
	test.Type(v.inspector, "张三、李四")

	// number, with its bounds checked beside the field
	num := field(t, v, "progress.image_pct")
	test.Type(num.entry(), "55")
	num.entry().SetText("150")
	if num.msg.Importance != widget.DangerImportance || !strings.Contains(num.msg.Text, "不能大于 100") || !strings.Contains(num.msg.Text, "未保存") {
		t.Errorf("out-of-bounds message %q (%v)", num.msg.Text, num.msg.Importance)
	}
	num.entry().SetText("５５.５") // full-width digits as typed with a Chinese IME
	if num.msg.Importance == widget.DangerImportance {
		t.Errorf("valid number flagged: %q", num.msg.Text)
	}
	stage := field(t, v, "progress.stage")
	stage.choice().SetSelected("在建")
	if stage.carrying {
		// Carried from last month as 在建: choosing it again changes
		// nothing; the inspector confirms it.
		test.Tap(stage.confirm)
	}
	field(t, v, "safety.duty").verdict().SetSelected("符合")
	test.Type(field(t, v, "progress.this_month").entry(), "主体结构封顶")
	field(t, v, "safety.major_works").checks().SetSelected([]string{"高支模", "深基坑"})
	field(t, v, "progress.next_milestone").entry().SetText("2026/12/31")
	bad := field(t, v, "permits.expected")
	bad.entry().SetText("明年")
	if bad.msg.Importance != widget.DangerImportance {
		t.Errorf("a bad date is not flagged: %q", bad.msg.Text)
	}

	waitFor(t, "saved state", func() bool { return strings.HasPrefix(v.saved.Text, "已保存") })
	in := stored(t, s, v.id)
	if got := in.Answers["progress.image_pct"].Number; got == nil || *got != 55.5 {
		t.Errorf("number stored %v, want 55.5 (150 was out of bounds and not saved)", got)
	}
	if got := in.Answers["progress.stage"].Choices; len(got) != 1 || got[0] != "在建" {
		t.Errorf("single choice stored %v", got)
	}
	if got := in.Answers["safety.duty"].Verdict; got != sv.Pass {
		t.Errorf("verdict stored %q", got)
	}
	if got := in.Answers["progress.this_month"].Text; got != "主体结构封顶" {
		t.Errorf("text stored %q", got)
	}
	if got := in.Answers["safety.major_works"].Choices; strings.Join(got, ",") != "深基坑,高支模" {
		t.Errorf("multiple choice stored %v, want template order", got)
	}
	if got := in.Answers["progress.next_milestone"].Date; got != "2026-12-31" {
		t.Errorf("date stored %q", got)
	}
	if _, ok := in.Answers["permits.expected"]; ok {
		t.Errorf("an invalid date was stored")
	}
	if strings.Join(in.Inspectors, ",") != "张三,李四" {
		t.Errorf("inspectors stored %v", in.Inspectors)
	}
	if !strings.Contains(v.progress.Text, "已答 6 / 41") {
		t.Errorf("progress %q", v.progress.Text)
	}
	if !strings.Contains(v.paneLabel(1), "4/7") {
		t.Errorf("section label %q", v.paneLabel(1))
	}
}

func TestFailRaisesAPrefilledFinding(t *testing.T) {
	ui, s := newTestUI(t)
	p := ui.dash.rows[1].Project
	v := startVisit(t, ui, p.ID)
	f := field(t, v, "safety.cranes")
	test.Type(f.note, "塔吊限位器失灵")
	f.verdict().SetSelected("不符合")
	if v.form == nil || ui.window.Canvas().Overlays().Top() == nil {
		t.Fatal("a fail did not open the finding form")
	}
	if !strings.Contains(v.form.desc.Text, "塔吊") || !strings.Contains(v.form.desc.Text, "限位器失灵") {
		t.Errorf("description not prefilled: %q", v.form.desc.Text)
	}
	// Safety is the contractor's to answer for.
	contractor := p.UnitFor(sv.UnitContractor)
	if contractor == p.LeadDepartment || p.RoleOf(contractor) != sv.UnitContractor {
		t.Fatalf("the sample project %s has no contractor", p.ID)
	}
	if v.form.unit.Text != contractor {
		t.Errorf("unit prefilled %q, want the contractor %q", v.form.unit.Text, contractor)
	}
	if v.form.deadline.Text != "2026-12-05" {
		t.Errorf("deadline prefilled %q, want 15 days on", v.form.deadline.Text)
	}
	if len(v.form.units) < 3 || v.form.units[0] != contractor {
		t.Errorf("unit choices %v", v.form.units)
	}
	// Without a unit it is refused, with the reason shown.
	v.form.unit.SetText("")
	test.Tap(v.form.save)
	if !strings.Contains(v.form.problem.Text, "责任单位") {
		t.Errorf("missing unit not explained: %q", v.form.problem.Text)
	}
	v.form.unit.SetText("高新区建设局")
	v.form.severity.SetSelected("较大")
	test.Tap(v.form.save)
	if ui.window.Canvas().Overlays().Top() != nil {
		t.Fatalf("the form stayed open: %q", v.form.problem.Text)
	}
	active, err := s.ActiveFindings(p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var raised *sv.Finding
	for i := range active {
		if active[i].VisitID == v.id {
			raised = &active[i]
		}
	}
	if raised == nil {
		t.Fatal("no finding stored for the visit")
	}
	if raised.ItemKey != "safety.cranes" || raised.ResponsibleUnit != "高新区建设局" || raised.Severity != sv.SeverityMajor ||
		raised.Status != sv.StatusOpen || raised.Category != sv.CategorySafety {
		t.Errorf("finding stored as %+v", *raised)
	}
	if in := stored(t, s, v.id); in.Answers["safety.cranes"].Verdict != sv.Fail {
		t.Errorf("the fail itself was not stored")
	}
	if !f.raised.Visible() || !strings.Contains(f.raised.Text, "高新区建设局") {
		t.Errorf("the item does not show its finding: %q", f.raised.Text)
	}
	// Failing it again does not open a second form.
	f.verdict().SetSelected("符合")
	f.verdict().SetSelected("不符合")
	if ui.window.Canvas().Overlays().Top() != nil {
		t.Error("a second form opened for the same item")
	}
}

func TestResumeDraft(t *testing.T) {
	ui, s := newTestUI(t)
	id := ui.dash.rows[2].Project.ID
	v := startVisit(t, ui, id)
	visitID := v.id
	test.Type(field(t, v, "progress.workers").entry(), "120")
	ui.showDashboard()
	ui.openProject(id, true)
	waitFor(t, "project page", func() bool { return ui.project() != nil && ui.project().draft != "" })
	if ui.project().draft != visitID || !strings.Contains(ui.project().start.Text, "继续") {
		t.Fatalf("project page offers %q for draft %s", ui.project().start.Text, ui.project().draft)
	}
	test.Tap(ui.project().start)
	waitFor(t, "resumed visit", func() bool { return ui.visit() != nil && ui.visit().loaded })
	if ui.visit().id != visitID {
		t.Fatalf("resumed %s, want %s", ui.visit().id, visitID)
	}
	if got := field(t, ui.visit(), "progress.workers").entry().Text; got != "120" {
		t.Errorf("resumed draft shows %q", got)
	}
	if n := len(mustVisits(t, s, id, sv.Draft)); n != 1 {
		t.Errorf("%d drafts after resuming, want 1", n)
	}
}

func mustVisits(t *testing.T, s *storage.Store, projectID string, status sv.VisitStatus) []sv.Visit {
	t.Helper()
	all, err := s.ProjectVisits(projectID)
	if err != nil {
		t.Fatal(err)
	}
	var out []sv.Visit
	for _, in := range all {
		if in.Status == status {
			out = append(out, in)
		}
	}
	return out
}

// completeVisit answers every required item and marks photo-required
// items not applicable.
func completeVisit(t *testing.T, v *visitScreen) {
	t.Helper()
	for _, it := range v.tmpl.Items() {
		f := field(t, v, it.Key)
		switch {
		case it.PhotoRequired:
			f.verdict().SetSelected("不适用")
		case !it.Required:
		case it.Kind == sv.KindPassFail:
			f.verdict().SetSelected("符合")
		case it.Kind == sv.KindNumber:
			f.entry().SetText("10")
		case it.Kind == sv.KindText:
			f.entry().SetText("正常推进")
		case it.Kind == sv.KindSingleChoice && f.pair() != nil:
			f.pair().SetSelected(f.pair().Options[0])
		case it.Kind == sv.KindSingleChoice:
			f.choice().SetSelectedIndex(0)
		}
		if f.carrying {
			// Carried from last visit with the same value: confirmed.
			test.Tap(f.confirm)
		}
	}
}

func TestSubmitChecksGapsThenReadOnly(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[3].Project.ID)
	test.Type(v.inspector, "王五")
	test.Tap(v.submit)
	if len(v.gaps) == 0 || ui.window.Canvas().Overlays().Top() == nil {
		t.Fatal("an incomplete visit was not refused")
	}
	if text := overlayText(ui); !strings.Contains(text, "还有") {
		t.Errorf("gaps dialog says %q", text)
	}
	// Choosing a gap goes to its item.
	v.gapList.Select(0)
	if v.panes[v.current].kind != paneSection {
		t.Errorf("choosing a gap did not go to its section")
	}
	if in := stored(t, s, v.id); in.Status != sv.Draft {
		t.Fatalf("incomplete visit stored as %s", in.Status)
	}
	completeVisit(t, v)
	test.Tap(v.submit)
	test.Tap(overlayButton(t, ui, "确认提交"))
	waitFor(t, "submitted", func() bool { return v.in.Status == sv.Submitted })
	if in := stored(t, s, v.id); in.Status != sv.Submitted || in.FinishedAt.IsZero() {
		t.Fatalf("stored as %s", in.Status)
	}
	f := field(t, v, "progress.image_pct")
	if !f.entry().Disabled() || !field(t, v, "safety.duty").verdict().Disabled() || !v.inspector.Disabled() {
		t.Error("a submitted visit is still editable")
	}
	if v.submit.Visible() || !v.amend.Visible() {
		t.Error("submit should give way to amend")
	}
	// Even a forced change is not written.
	before := stored(t, s, v.id).Answers["progress.image_pct"]
	f.setting = false
	f.value.(*numberValue).changed("99")
	if after := stored(t, s, v.id).Answers["progress.image_pct"]; *after.Number != *before.Number {
		t.Error("a submitted answer changed")
	}
	// An amendment is a new draft that names the original.
	test.Tap(v.amend)
	test.Tap(overlayButton(t, ui, "新建更正记录"))
	waitFor(t, "amendment", func() bool { return ui.visit() != nil && ui.visit() != v && ui.visit().loaded })
	if ui.visit().in.Replaces != v.id || !ui.visit().editable() {
		t.Errorf("amendment replaces %q, editable %v", ui.visit().in.Replaces, ui.visit().editable())
	}
	// Submitted, the amendment marks the original as corrected.
	am := ui.visit()
	test.Tap(am.submit)
	test.Tap(overlayButton(t, ui, "确认提交"))
	waitFor(t, "amendment submitted", func() bool { return am.in.Status == sv.Submitted })
	ui.goBack()
	ui.goBack()
	waitFor(t, "project page", func() bool { return ui.project() != nil && ui.project().data.project.ID != "" })
	if !ui.project().replaced[v.id] {
		t.Errorf("the original is not marked as corrected")
	}
}

// projectWithOpenFinding finds a project with an open finding from an
// earlier visit.
func projectWithOpenFinding(t *testing.T, ui *mainUI, s *storage.Store) (string, sv.Finding) {
	t.Helper()
	for _, r := range ui.dash.rows {
		fs, err := s.ActiveFindings(r.Project.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.Status == sv.StatusOpen {
				return r.Project.ID, f
			}
		}
	}
	t.Fatal("the sample data has no open finding")
	return "", sv.Finding{}
}

func TestRecheckAndCloseFindingFromNextVisit(t *testing.T) {
	ui, s := newTestUI(t)
	pid, open := projectWithOpenFinding(t, ui, s)
	v := startVisit(t, ui, pid)
	test.Type(v.inspector, "赵六")
	v.showPane(len(v.panes) - 1)
	actions := v.recheck.cards[open.ID]
	if actions == nil {
		t.Fatalf("finding %s is not offered for re-check", open.ID)
	}
	// Only valid moves are offered: an open finding cannot be closed yet.
	if findButton(actions, "核验通过，销号") != nil {
		t.Error("closing an open finding is offered")
	}
	for _, want := range []string{"开始整改", "报告已整改", "撤销此问题（登记有误）", "添加备注"} {
		if findButton(actions, want) == nil {
			t.Errorf("move %q not offered", want)
		}
	}
	// Still open: a note.
	test.Tap(findButton(actions, "添加备注"))
	test.Type(overlayEntries(ui)[0], "仍未整改，已督促")
	test.Tap(overlayButton(t, ui, "添加备注"))
	// Fixed needs evidence: refused without a note, with the reason.
	test.Tap(findButton(v.recheck.cards[open.ID], "报告已整改"))
	test.Tap(overlayButton(t, ui, "报告已整改"))
	if text := overlayText(ui); !strings.Contains(text, "请附上照片或说明") {
		t.Errorf("fix without evidence not refused: %q", text)
	}
	if f := must(s.Finding(open.ID))(t); f.Status != sv.StatusOpen {
		t.Fatalf("refused move was stored: %s", f.Status)
	}
	test.Type(overlayEntries(ui)[0], "限位器已更换")
	test.Tap(overlayButton(t, ui, "报告已整改"))
	f, _ := s.Finding(open.ID)
	if f.Status != sv.StatusFixed || len(f.Notes) != len(open.Notes)+1 {
		t.Fatalf("after fix: status %s, %d notes", f.Status, len(f.Notes))
	}
	// Verified on site: the finding waits for a leader's closing (待销号),
	// with the verifier prefilled from the visit. A laptop not signed in
	// acts as an inspector: closing is not offered.
	actions = v.recheck.cards[open.ID]
	if findButton(actions, "核验通过（待销号）") == nil || findButton(actions, "核验未通过，退回整改") == nil {
		t.Fatal("verification moves not offered after the fix")
	}
	if findButton(actions, "核验通过，销号") != nil || findButton(actions, "销号") != nil {
		t.Error("an inspector is offered to close")
	}
	test.Tap(findButton(actions, "核验通过（待销号）"))
	entries := overlayEntries(ui)
	if entries[1].Text != "赵六" {
		t.Errorf("verifier prefilled %q", entries[1].Text)
	}
	test.Type(entries[0], "现场复核合格")
	test.Tap(overlayButton(t, ui, "核验通过（待销号）"))
	f, _ = s.Finding(open.ID)
	if f.Status != sv.StatusVerified || f.VerifiedBy != "赵六" {
		t.Fatalf("after verification: %s by %q", f.Status, f.VerifiedBy)
	}
	last := f.History[len(f.History)-1]
	if last.VisitID != v.id || last.From != sv.StatusFixed {
		t.Errorf("history does not name the visit: %+v", last)
	}
	actions = v.recheck.cards[open.ID]
	if actions == nil || findButton(actions, "销号") != nil || findButton(actions, "退回整改") != nil {
		t.Error("an inspector is offered a leader's move on a verified finding")
	}
}

func TestInvalidTransitionRefused(t *testing.T) {
	ui, s := newTestUI(t)
	pid, open := projectWithOpenFinding(t, ui, s)
	v := startVisit(t, ui, pid)
	v.showPane(len(v.panes) - 1)
	// Someone else withdraws the finding while it is on screen as open.
	if _, err := s.MoveFinding(open.ID, sv.Move{To: sv.StatusWithdrawn, By: "其他人", Note: "重复登记"}); err != nil {
		t.Fatal(err)
	}
	test.Tap(findButton(v.recheck.cards[open.ID], "开始整改"))
	test.Tap(overlayButton(t, ui, "开始整改"))
	text := overlayText(ui)
	if !strings.Contains(text, "不能改为") || strings.Contains(text, "invalid") {
		t.Errorf("the store's refusal is not shown in Chinese: %q", text)
	}
	if f := must(s.Finding(open.ID))(t); f.Status != sv.StatusWithdrawn {
		t.Errorf("status became %s", f.Status)
	}
	// The domain never offers a move out of a final status.
	if len(sv.NextStatuses(sv.StatusClosed)) != 0 {
		t.Error("closed is not final")
	}
	fd := showFindingDetail(ui.env, open.ID, "", nil)
	if b := findButton(fd.actions, "开始整改"); b != nil {
		t.Error("a withdrawn finding offers moves")
	}
}

func TestFindingsListFilters(t *testing.T) {
	ui, s := newTestUI(t)
	ui.openFindings(storage.FindingFilter{ActiveOnly: true}, true)
	fs := ui.findings()
	waitFor(t, "findings", func() bool { return len(fs.rows) > 0 })
	for _, f := range fs.rows {
		if !f.Status.Active() {
			t.Fatalf("active filter shows %s", f.Status)
		}
	}
	all := len(fs.rows)
	all0 := slices.Clone(fs.rows)
	test.Tap(fs.overdue)
	if len(fs.rows) == 0 || len(fs.rows) >= all {
		t.Errorf("overdue filter: %d of %d", len(fs.rows), all)
	}
	for _, f := range fs.rows {
		if !f.Overdue(testNow) {
			t.Errorf("not overdue: %s %s", f.Status, f.Deadline)
		}
	}
	test.Tap(fs.overdue)
	unit := fs.rows[0].ResponsibleUnit
	fs.unit.SetSelected(unit)
	for _, f := range fs.rows {
		if f.ResponsibleUnit != unit {
			t.Errorf("unit filter shows %s", f.ResponsibleUnit)
		}
	}
	fs.unit.SetSelectedIndex(0)

	// The search finds a unit by its pinyin initials, and Latin letters
	// in any case.
	test.Type(fs.search, "kxcjsj")
	if len(fs.rows) == 0 {
		t.Fatal("kxcjsj finds no finding of 科学城建设局")
	}
	for _, f := range fs.rows {
		if f.ResponsibleUnit != "科学城建设局" {
			t.Errorf("kxcjsj finds a finding of %s: %s", f.ResponsibleUnit, f.Description)
		}
	}
	var latin string
	for _, f := range all0 {
		if i := strings.Index(f.Description, "DN"); i >= 0 {
			latin = f.Description[i : i+5]
			break
		}
	}
	if latin == "" {
		t.Fatal("the sample data has no finding with a Latin code such as DN300")
	}
	fs.search.SetText(strings.ToLower(latin))
	if len(fs.rows) == 0 {
		t.Errorf("%q finds nothing, though findings mention %q", strings.ToLower(latin), latin)
	}
	for _, f := range fs.rows {
		if !strings.Contains(f.Description, latin) {
			t.Errorf("%q finds %s", strings.ToLower(latin), f.Description)
		}
	}
	fs.search.SetText("")
	fs.project.SetSelectedIndex(1)
	for _, f := range fs.rows {
		if f.ProjectID != fs.projects[0].ID {
			t.Errorf("project filter shows %s", f.ProjectID)
		}
	}
	fs.project.SetSelectedIndex(0)
	fs.status.SetSelected(sv.StatusClosed.Label(sv.Chinese))
	if len(fs.rows) == 0 || fs.rows[0].Status != sv.StatusClosed {
		t.Fatalf("closed filter: %d rows", len(fs.rows))
	}
	// A closed finding's detail shows its history, and no moves.
	fs.table.Select(widget.TableCellID{Row: 0, Col: 2})
	if fs.detail == nil || findButton(fs.detail.actions, "核验通过，销号") != nil {
		t.Fatal("detail not shown, or a closed finding offers moves")
	}
	if text := overlayText(ui); !strings.Contains(text, "→ 已销号") {
		t.Errorf("detail lacks the history: %q", text)
	}
	// Ctrl+F goes to the search box.
	fs.detail.dlg.Hide()
	ui.window.Canvas().(fyne.Shortcutable).TypedShortcut(ctrl(fyne.KeyF))
	if ui.window.Canvas().Focused() != fs.search {
		t.Error("Ctrl+F did not focus the search")
	}
	_ = s
}

func TestPhotoForAnItem(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[4].Project.ID)
	f := field(t, v, "safety.edges")
	if !strings.Contains(f.marks.Text, "需照片") || f.photos.Importance != widget.WarningImportance {
		t.Errorf("photo-required item not marked: %q", f.marks.Text)
	}
	f.verdict().SetSelected("符合")
	f.attach([]string{"testdata/Canon_40D.jpg", "testdata/README.md"})
	if text := overlayText(ui); !strings.Contains(text, "README.md") {
		t.Errorf("the file that is not a photo is not reported: %q", text)
	}
	if f.photos.Text != "照片 1 张" {
		t.Errorf("photo count %q", f.photos.Text)
	}
	in := stored(t, s, v.id)
	a := in.Answers["safety.edges"]
	if len(a.Photos) != 1 || a.Verdict != sv.Pass {
		t.Fatalf("answer stored as %+v", a)
	}
	thumb, err := s.PhotoBlob(a.Photos[0], storage.BlobThumbnail)
	if err != nil || len(thumb) == 0 {
		t.Errorf("thumbnail: %v", err)
	}
	for _, g := range in.Gaps(v.tmpl) {
		if g.ItemKey == "safety.edges" {
			t.Errorf("the photo does not satisfy the item: %s", g.Zh)
		}
	}
	// A photo of the whole site.
	v.attachSitePhotos([]string{"testdata/Canon_40D.jpg"})
	if v.sitePhotos.Text != "照片 1 张" || len(stored(t, s, v.id).Photos) != 1 {
		t.Errorf("site photo: %q", v.sitePhotos.Text)
	}
	// The project page shows it.
	ui.goBack()
	waitFor(t, "project page", func() bool { return ui.project() != nil && ui.project().data.project.ID != "" })
	if n := len(ui.project().data.photos); n != 1 || len(ui.project().data.photos[0].thumb) == 0 {
		t.Errorf("project page has %d photos", n)
	}
}

func TestDashboardFiltersScheduleAndCtrlN(t *testing.T) {
	ui, s := newTestUI(t)
	d := ui.dash
	if !strings.Contains(d.schedule.dispatch.Text, "2026-12-25") || !strings.Contains(d.schedule.tour.Text, "2026-12-15") {
		t.Errorf("schedule: %q, %q", d.schedule.dispatch.Text, d.schedule.tour.Text)
	}
	if len(d.schedule.due) == 0 || !d.schedule.due[0].Next.Overdue {
		t.Errorf("schedule does not list overdue visits first: %d rows", len(d.schedule.due))
	}
	for _, r := range d.schedule.due {
		if r.Next.VisitedThisMonth {
			t.Errorf("%s was visited this month but is listed as due", r.Project.Name)
		}
	}
	d.industry.SetSelected(sv.IndustryIT.Label(sv.Chinese))
	if len(d.rows) == 0 || len(d.rows) == 20 {
		t.Fatalf("industry filter kept %d rows", len(d.rows))
	}
	for _, r := range d.rows {
		if r.Project.Industry != sv.IndustryIT {
			t.Errorf("industry filter kept %s", r.Project.Name)
		}
	}
	d.industry.SetSelectedIndex(0)
	leader := d.all[0].Project.Leader
	d.leader.SetSelected(leader)
	for _, r := range d.rows {
		if r.Project.Leader != leader {
			t.Errorf("leader filter kept %s", r.Project.Leader)
		}
	}
	d.leader.SetSelectedIndex(0)
	// Ctrl+F, a project's code, Enter: its page; Ctrl+N there starts a visit.
	ui.window.Canvas().(fyne.Shortcutable).TypedShortcut(ctrl(fyne.KeyF))
	if ui.window.Canvas().Focused() != d.search {
		t.Fatal("Ctrl+F did not focus the dashboard search")
	}
	test.Type(d.search, "p07")
	d.search.OnSubmitted(d.search.Text)
	waitFor(t, "project page", func() bool { return ui.project() != nil && ui.project().data.project.ID == "p07" })
	ui.window.Canvas().(fyne.Shortcutable).TypedShortcut(ctrl(fyne.KeyN))
	if b := findButton(ui.window.Canvas().Overlays().Top(), "再开始一次督查"); b != nil {
		test.Tap(b) // p07 was visited this month: asked first
	}
	waitFor(t, "visit", func() bool { return ui.visit() != nil && ui.visit().loaded })
	if ui.visit().in.ProjectID != "p07" || len(mustVisits(t, s, "p07", sv.Draft)) != 1 {
		t.Fatalf("Ctrl+N started a visit of %s", ui.visit().in.ProjectID)
	}
	// Back twice: the project page, then the dashboard.
	ui.goBack()
	if ui.project() == nil || ui.project().id != "p07" {
		t.Fatal("back did not return to the project page")
	}
	ui.goBack()
	if ui.project() != nil || ui.visit() != nil {
		t.Fatal("back did not return to the dashboard")
	}
}

func TestProjectPageHighlightsOverdueFindings(t *testing.T) {
	ui, s := newTestUI(t)
	var pid string
	for _, r := range ui.dash.rows {
		if r.OverdueFindings > 0 {
			pid = r.Project.ID
			break
		}
	}
	ui.openProject(pid, true)
	p := ui.project()
	waitFor(t, "project page", func() bool { return p.data.project.ID == pid })
	if len(p.data.visits) == 0 || len(p.facts.Items) < 8 {
		t.Fatalf("%d visits, %d facts", len(p.data.visits), len(p.facts.Items))
	}
	seenClosed := false
	for i, f := range p.data.findings {
		if !f.Status.Active() {
			seenClosed = true
		} else if seenClosed {
			t.Fatalf("active finding %d listed after a closed one", i)
		}
	}
	// The first overdue one in the list (a fix awaiting verification may
	// come before it by deadline: it is not the unit's to be late with).
	first := p.data.findings[0]
	for _, f := range p.data.findings {
		if f.Overdue(testNow) {
			first = f
			break
		}
	}
	if !first.Overdue(testNow) || ui.env.findingImportance(first) != widget.DangerImportance {
		t.Errorf("the first finding should be overdue and red: %q", ui.env.findingLine(first))
	}
	// How late comes before the description, which a narrow list cuts.
	late := fmt.Sprintf("［%s］期限 %s（逾期 %d 天） · ", first.Status.Label(sv.Chinese), first.Deadline, first.DaysLate(testNow))
	if line := ui.env.findingLine(first); !strings.HasPrefix(line, late) {
		t.Errorf("the overdue finding reads %q, want it to start %q", line, late)
	}
	_ = s
}

func TestDarkTheme(t *testing.T) {
	ui, _ := newTestUI(t)
	ui.showSettings()
	var themeSel *widget.Select
	walk(ui.window.Canvas().Overlays().Top(), func(o fyne.CanvasObject) bool {
		if s, ok := o.(*widget.Select); ok && len(s.Options) == 3 {
			themeSel = s
			return true
		}
		return false
	})
	if themeSel == nil {
		t.Fatal("no theme choice in the settings")
	}
	themeSel.SetSelectedIndex(2)
	th, ok := ui.app.Settings().Theme().(*fieldTheme)
	if !ok || th.mode != ThemeDark || ui.app.Preferences().String(prefTheme) != string(ThemeDark) {
		t.Fatalf("theme not dark: %#v", ui.app.Settings().Theme())
	}
	bg := th.Color(theme.ColorNameBackground, theme.VariantLight)
	if r, g, b, _ := bg.RGBA(); r+g+b > 3*0x8000 {
		t.Errorf("dark background is light: %v", bg)
	}
}

// TestLeavingAPageLeavesItsFields: Ctrl+PageDown from a page whose first
// field is a choice (企业诉求) to the re-check page takes the keyboard
// away from that choice: Space or an arrow must not open, out of sight,
// the list of a page no longer shown.
func TestLeavingAPageLeavesItsFields(t *testing.T) {
	ui, _ := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[3].Project.ID)
	c := ui.window.Canvas()
	v.showPane(len(v.panes) - 2)
	// 是 / 否 is two buttons, reached with Tab; the page starts on its note.
	if first := field(t, v, "requests.any").focusTarget(); first == nil || c.Focused() != first {
		t.Fatalf("the 企业诉求 page starts on %T, not its first item", c.Focused())
	}
	c.(fyne.Shortcutable).TypedShortcut(ctrl(fyne.KeyPageDown))
	if v.current != len(v.panes)-1 || c.Focused() != nil {
		t.Errorf("on page %d of %d, the keyboard is still with %T", v.current+1, len(v.panes), c.Focused())
	}
}

// TestPageKeepsItsScroll: a page left and come back to is the same view,
// scrolled where it was, and only the page in view is shown.
func TestPageKeepsItsScroll(t *testing.T) {
	ui, _ := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[3].Project.ID)
	v.showPane(3) // 安全生产, longer than the window
	view := v.panes[3].view
	var scroll *container.Scroll
	walk(view, func(o fyne.CanvasObject) bool {
		if w, ok := o.(*wheelScroll); ok {
			scroll = w.Scroll
		}
		return scroll != nil
	})
	if scroll == nil {
		t.Fatal("the page has no scroll")
	}
	scroll.ScrollToOffset(fyne.NewPos(0, 200))
	v.showPane(4)
	if view.Visible() || !v.panes[4].view.Visible() {
		t.Fatal("the page left is still shown, or the new one is not")
	}
	v.showPane(3)
	if v.panes[3].view != view || !view.Visible() || scroll.Offset.Y != 200 {
		t.Errorf("back on the page: same view %v, shown %v, scrolled to %v", v.panes[3].view == view, view.Visible(), scroll.Offset.Y)
	}
}

// TestTabOrderFollowsTheChecklist tabs through a section and checks the
// focus moves from item to item in checklist order, never back.
func TestTabOrderFollowsTheChecklist(t *testing.T) {
	ui, _ := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[8].Project.ID)
	v.showPane(1) // 工程进度: number, choice, pass/fail, text, text, date, number
	c := ui.window.Canvas()
	if c.Focused() != field(t, v, "progress.image_pct").entry() {
		t.Fatalf("the section does not start on its first item: %T", c.Focused())
	}
	// A value, then its note: where and why it was measured.
	c.FocusNext()
	if c.Focused() != field(t, v, "progress.image_pct").note {
		t.Fatalf("Tab from a number goes to %T, not its note", c.Focused())
	}
	owner := func(o fyne.Focusable) int {
		for i, it := range v.tmpl.Sections[0].Items {
			found := false
			walk(field(t, v, it.Key).box, func(x fyne.CanvasObject) bool {
				if fo, ok := x.(fyne.Focusable); ok && fo == o {
					found = true
				}
				return found
			})
			if found {
				return i
			}
		}
		return -1
	}
	last, visited := 0, map[int]bool{}
	for range 80 {
		c.FocusNext()
		i := owner(c.Focused())
		if i < 0 {
			break // left the section: the navigation buttons
		}
		if i < last {
			t.Fatalf("Tab went back from item %d to item %d", last, i)
		}
		last = i
		visited[i] = true
	}
	if len(visited) < len(v.tmpl.Sections[0].Items)-1 {
		t.Errorf("Tab reached %d of %d items", len(visited), len(v.tmpl.Sections[0].Items))
	}
}

func TestVisitInEnglish(t *testing.T) {
	a := windowApp(t)
	s := sampleStore(t)
	ui, err := newMainUI(a, Config{Data: s, Lang: sv.English, Now: func() time.Time { return testNow }, Background: inPlace})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "rows", func() bool { return len(ui.dash.rows) == 20 })
	v := startVisit(t, ui, "p01")
	if !strings.Contains(v.progress.Text, "Answered 0 / 41") || v.submit.Text != "Submit visit" {
		t.Errorf("progress %q, submit %q", v.progress.Text, v.submit.Text)
	}
	f := field(t, v, "safety.duty")
	if f.item.TitleEn != "" && f.title.Text != f.item.TitleEn {
		t.Errorf("item title %q, want %q", f.title.Text, f.item.TitleEn)
	}
	if f.verdict().Options[1] != "Fail" {
		t.Errorf("verdicts %v", f.verdict().Options)
	}
	num := field(t, v, "progress.image_pct")
	num.entry().SetText("150")
	if !strings.Contains(num.msg.Text, "at most 100") {
		t.Errorf("bounds message %q", num.msg.Text)
	}

	// Hints and options read in English; the answer is stored in Chinese,
	// so the visit reads the same on a colleague's laptop in Chinese.
	v.showPane(3) // 安全生产
	hint := f.item.DisplayHint(sv.English)
	if hint == f.item.Hint || !strings.Contains(labelsUnder(v.body), hint) {
		t.Errorf("the hint of %s is not shown in English:\n%s", f.item.Key, labelsUnder(v.body))
	}
	works := field(t, v, "safety.major_works")
	if got := strings.Join(works.checks().Options, "|"); got != strings.Join(works.item.OptionsEn, "|") || got == "" {
		t.Fatalf("multiple choice shows %q", got)
	}
	works.checks().SetSelected([]string{"None", "Deep excavation"})
	stage := field(t, v, "progress.stage")
	stage.choice().SetSelected("Under construction")
	if stage.carrying {
		test.Tap(stage.confirm) // carried as 在建 from last month
	}
	in := stored(t, s, v.id)
	if got := in.Answers["safety.major_works"].Choices; strings.Join(got, "|") != "深基坑|无" {
		t.Errorf("stored hazardous works %v, want the Chinese options in the checklist's order", got)
	}
	if got := in.Answers["progress.stage"].Choices; strings.Join(got, "|") != "在建" {
		t.Errorf("stored stage %v", got)
	}

	// The same visit opened in Chinese shows the Chinese options ticked.
	zhUI, err := newMainUI(windowApp(t), Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: inPlace})
	if err != nil {
		t.Fatal(err)
	}
	zhUI.openVisit(v.id, true)
	waitFor(t, "the visit in Chinese", func() bool { return zhUI.visit() != nil && zhUI.visit().loaded })
	if sel := field(t, zhUI.visit(), "safety.major_works").checks().Selected; strings.Join(sel, "|") != "深基坑|无" {
		t.Errorf("in Chinese the ticked options are %v", sel)
	}
	if sel := field(t, zhUI.visit(), "progress.stage").choice().Selected; sel != "在建" {
		t.Errorf("in Chinese the stage reads %q", sel)
	}
}

// TestPhotoIsEvidenceOfAFix reports a finding fixed with a photo and no
// note: the domain accepts a photo as evidence.
func TestPhotoIsEvidenceOfAFix(t *testing.T) {
	ui, s := newTestUI(t)
	_, open := projectWithOpenFinding(t, ui, s)
	var got sv.Finding
	m := showMoveForm(ui.env, open, sv.StatusFixed, "", "张三", func(f sv.Finding) { got = f })
	m.attach([]string{"testdata/Canon_40D.jpg"})
	if len(m.evidence) != 1 || m.photos.Text != "照片 1 张" {
		t.Fatalf("evidence %v, label %q", m.evidence, m.photos.Text)
	}
	test.Tap(m.confirm)
	if got.Status != sv.StatusFixed {
		t.Fatalf("not moved: %q", m.problem.Text)
	}
	f, err := s.Finding(open.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := f.History[len(f.History)-1]
	if f.Status != sv.StatusFixed || len(last.Evidence) != 1 || len(f.PhotosAfter) != 1 || last.By != "张三" {
		t.Errorf("stored %s, evidence %v, after %v, by %q", f.Status, last.Evidence, f.PhotosAfter, last.By)
	}
}

func TestCompanyRequestFromTheVisit(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[9].Project.ID)
	v.showPane(len(v.panes) - 1)
	test.Tap(findButton(v.recheck.box, "登记企业诉求…"))
	if v.form == nil {
		t.Fatal("no form")
	}
	test.Tap(v.form.save)
	if !strings.Contains(v.form.problem.Text, "问题描述") {
		t.Errorf("empty description not refused: %q", v.form.problem.Text)
	}
	test.Type(v.form.desc, "申请协调10kV临时用电接入")
	test.Tap(v.form.save)
	fs, err := s.ActiveFindings(v.in.ProjectID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fs {
		if f.VisitID == v.id && f.Kind == sv.KindRequest && f.Description == "申请协调10kV临时用电接入" {
			found = true
		}
	}
	if !found {
		t.Error("the request was not stored")
	}
	if !strings.Contains(v.paneLabel(len(v.panes)-1), "问题复查") {
		t.Errorf("pane label %q", v.paneLabel(len(v.panes)-1))
	}
}

func TestDiscardDraft(t *testing.T) {
	ui, s := newTestUI(t)
	pid := ui.dash.rows[10].Project.ID
	v := startVisit(t, ui, pid)
	test.Type(field(t, v, "progress.workers").entry(), "12")
	test.Tap(v.discard)
	test.Tap(overlayButton(t, ui, "删除草稿"))
	waitFor(t, "project page", func() bool { return ui.project() != nil && ui.project().data.project.ID == pid })
	if n := len(mustVisits(t, s, pid, sv.Draft)); n != 0 {
		t.Errorf("%d drafts left", n)
	}
	if strings.Contains(ui.project().start.Text, "继续") {
		t.Errorf("the page still offers to resume: %q", ui.project().start.Text)
	}
}

func TestEditFindingFromDetail(t *testing.T) {
	ui, s := newTestUI(t)
	_, open := projectWithOpenFinding(t, ui, s)
	d := showFindingDetail(ui.env, open.ID, "", nil)
	b := findButton(d.actions, "修改…")
	if b == nil {
		t.Fatal("an active finding cannot be edited")
	}
	test.Tap(b)
	d.form.unit.SetText("科学城规划和自然资源局")
	d.form.deadline.SetText("2027/1/15")
	test.Tap(d.form.save)
	f, err := s.Finding(open.ID)
	if err != nil {
		t.Fatal(err)
	}
	if f.ResponsibleUnit != "科学城规划和自然资源局" || f.Deadline != "2027-01-15" || f.Description != open.Description {
		t.Errorf("stored unit %q deadline %q", f.ResponsibleUnit, f.Deadline)
	}
	if findButton(d.actions, "修改…") == nil || !strings.Contains(overlayText(ui), "2027-01-15") {
		t.Errorf("the detail was not reloaded: %q", overlayText(ui))
	}
}
