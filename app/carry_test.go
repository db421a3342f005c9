package app

import (
	"image/color"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// projectVisited picks a project whose newest visit is submitted and was
// (thisMonth) or was not made this month.
func projectVisited(t *testing.T, ui *mainUI, s *storage.Store, thisMonth bool) (string, sv.Visit) {
	t.Helper()
	for _, r := range ui.dash.rows {
		visits, err := s.ProjectVisits(r.Project.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(visits) == 0 || visits[0].Status != sv.Submitted {
			continue
		}
		if same := len(sv.SameMonthVisits(visits, testNow)) > 0; same == thisMonth {
			return r.Project.ID, visits[0]
		}
	}
	t.Fatalf("the sample has no project visited this month = %v", thisMonth)
	return "", sv.Visit{}
}

func TestSecondVisitInAMonthAsksFirstAndNamesTheVisit(t *testing.T) {
	ui, s := newTestUI(t)
	pid, done := projectVisited(t, ui, s, true)
	ui.openProject(pid, true)
	waitFor(t, "project page", func() bool { return ui.project() != nil && ui.project().data.project.ID == pid })
	if !strings.Contains(ui.project().start.Text, "本月已督查") {
		t.Errorf("the start button of a project visited this month reads %q", ui.project().start.Text)
	}
	ui.window.Canvas().(fyne.Shortcutable).TypedShortcut(shortcutN())
	if ui.visit() != nil {
		t.Fatal("Ctrl+N started a second visit in the month without asking")
	}
	text := overlayText(ui)
	if !strings.Contains(text, ui.date(done.StartedAt)) || !strings.Contains(text, joinNames(done.Inspectors)) {
		t.Errorf("the question does not name the month's visit (%s, %v): %q", ui.date(done.StartedAt), done.Inspectors, text)
	}
	if findButton(ui.window.Canvas().Overlays().Top(), "是") != nil {
		t.Error("the question is answered 是 / 不 instead of naming the action")
	}
	test.Tap(overlayButton(t, ui, "取消"))
	if n := len(mustVisits(t, s, pid, sv.Draft)); n != 0 || ui.visit() != nil {
		t.Fatalf("cancelling left %d drafts", n)
	}
	// The button asks too.
	test.Tap(ui.project().start)
	test.Tap(overlayButton(t, ui, "再开始一次督查"))
	waitFor(t, "visit screen", func() bool { return ui.visit() != nil && ui.visit().loaded })
	if n := len(mustVisits(t, s, pid, sv.Draft)); n != 1 {
		t.Fatalf("%d drafts after confirming, want 1", n)
	}
}

func TestFirstVisitOfTheMonthStartsWithoutAQuestion(t *testing.T) {
	ui, s := newTestUI(t)
	pid, _ := projectVisited(t, ui, s, false)
	ui.openProject(pid, true)
	waitFor(t, "project page", func() bool { return ui.project() != nil && ui.project().data.project.ID == pid })
	ui.window.Canvas().(fyne.Shortcutable).TypedShortcut(shortcutN())
	waitFor(t, "visit screen", func() bool { return ui.visit() != nil && ui.visit().loaded })
}

func TestNewVisitShowsLastMonthAndCarriesWhatTheTemplateMarks(t *testing.T) {
	ui, s := newTestUI(t)
	pid, last := projectVisited(t, ui, s, false)
	last = stored(t, s, last.ID)
	v := startVisit(t, ui, pid)
	if !v.hasLast || v.last.ID != last.ID {
		t.Fatalf("the visit follows %q, want the last submitted %q", v.last.ID, last.ID)
	}
	tmpl := v.tmpl
	pctItem, _ := tmpl.Item("progress.image_pct")
	if !pctItem.Carry {
		t.Fatal("the monthly template does not carry the progress")
	}
	want := pctItem.AnswerText(last.Answers["progress.image_pct"], sv.Chinese)
	if want == "" {
		t.Fatal("the last visit has no progress to carry")
	}
	pct := field(t, v, "progress.image_pct")
	if got := pct.entry().Text + pctItem.Unit; got != want {
		t.Errorf("progress prefilled %q, want last visit's %q", got, want)
	}
	if !pct.pastRow.Visible() || !pct.confirm.Visible() || !strings.Contains(pct.pastLine.Text, "确认前不计入") {
		t.Errorf("the carried progress does not ask to be confirmed: %q", pct.pastLine.Text)
	}
	// Not this visit's until confirmed: not stored, not counted.
	if _, ok := stored(t, s, v.id).Answers["progress.image_pct"]; ok {
		t.Fatal("the carried progress was stored before it was confirmed")
	}
	before, _ := v.in.Progress(tmpl)
	// A note alone does not confirm it.
	test.Type(pct.note, "与上月相同")
	if a := stored(t, s, v.id).Answers["progress.image_pct"]; a.Number != nil || a.Note != "与上月相同" {
		t.Fatalf("a note on a carried value stored %+v", a)
	}
	test.Tap(pct.confirm)
	a := stored(t, s, v.id).Answers["progress.image_pct"]
	if pctItem.AnswerText(a, sv.Chinese) != want || a.Note != "与上月相同" {
		t.Fatalf("confirming stored %+v, want %s", a, want)
	}
	if after, _ := v.in.Progress(tmpl); after != before+1 {
		t.Errorf("confirming counted %d → %d answered", before, after)
	}
	if pct.confirm.Visible() || !strings.Contains(pct.pastLine.Text, "上次督查") {
		t.Errorf("after confirming the item still asks: %q", pct.pastLine.Text)
	}
	// A carried value changed is this visit's at once.
	stage := field(t, v, "progress.stage")
	if !stage.confirm.Visible() {
		t.Fatal("the stage is not carried")
	}
	stage.choice().SetSelectedIndex(len(stage.item.Options) - 1)
	if a := stored(t, s, v.id).Answers["progress.stage"]; len(a.Choices) != 1 || stage.confirm.Visible() {
		t.Errorf("a changed carried stage stored %+v", a)
	}
	// An item not carried starts empty and tells last month's answer.
	edges := field(t, v, "safety.edges")
	lastEdges := last.Answers["safety.edges"].Verdict
	if edges.verdict().Selected != "" {
		t.Errorf("a safety verdict was prefilled: %q", edges.verdict().Selected)
	}
	if lastEdges != "" && !strings.Contains(edges.pastLine.Text, lastEdges.Label(sv.Chinese)) {
		t.Errorf("the item does not tell last visit's %s: %q", lastEdges, edges.pastLine.Text)
	}
}

// openItemFinding finds an open finding raised from a pass/fail item that
// raises findings, on a project not visited this month.
func openItemFinding(t *testing.T, ui *mainUI, s *storage.Store) (string, sv.Finding) {
	t.Helper()
	for _, r := range ui.dash.rows {
		visits, _ := s.ProjectVisits(r.Project.ID)
		if len(sv.SameMonthVisits(visits, testNow)) > 0 {
			continue
		}
		fs, err := s.ActiveFindings(r.Project.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			if f.ItemKey == "" || f.Status != sv.StatusOpen || f.DaysLate(testNow) <= 0 {
				continue
			}
			in, err := s.Visit(f.VisitID)
			if err != nil {
				t.Fatal(err)
			}
			tmpl, err := s.Template(in.TemplateID, in.TemplateVersion)
			if err != nil {
				t.Fatal(err)
			}
			if it, ok := tmpl.Item(f.ItemKey); ok && it.Kind == sv.KindPassFail && it.FailRaisesFinding {
				return r.Project.ID, f
			}
		}
	}
	t.Fatal("the sample has no overdue finding from an item on a project due a visit")
	return "", sv.Finding{}
}

func TestItemShowsItsOpenFindingAndAFailOffersToRecheckIt(t *testing.T) {
	ui, s := newTestUI(t)
	pid, open := openItemFinding(t, ui, s)
	v := startVisit(t, ui, pid)
	f := field(t, v, open.ItemKey)
	if f.item.Kind != sv.KindPassFail {
		t.Fatalf("item %s is not pass/fail", open.ItemKey)
	}
	late := t2("finding.days_late", open.DaysLate(testNow))
	if !f.openRow.Visible() || !strings.Contains(f.openLine.Text, "未销号问题") || !strings.Contains(f.openLine.Text, late) {
		t.Errorf("the item does not show its open finding %q with %q: %q", open.Description, late, f.openLine.Text)
	}
	findings := func() int {
		fs, err := s.ActiveFindings(pid)
		if err != nil {
			t.Fatal(err)
		}
		return len(fs)
	}
	n := findings()
	f.verdict().SetSelected("不符合")
	if v.offer == nil || v.form != nil {
		t.Fatal("a fail on an item with an open finding went straight to a new finding")
	}
	if text := overlayText(ui); !strings.Contains(text, open.Description) || !strings.Contains(text, late) {
		t.Errorf("the question does not name the open finding: %q", text)
	}
	test.Tap(overlayButton(t, ui, "复查已有问题"))
	top := ui.window.Canvas().Overlays().Top()
	if top == nil || findButton(top, "添加备注") == nil {
		t.Fatal("re-checking did not open the finding with its actions")
	}
	if text := overlayText(ui); strings.Contains("\n"+text, "\n"+sv.KindProblem.Label(sv.Chinese)+"\n") {
		t.Errorf("a problem's detail shows 类型 beside 类别: %q", text)
	}
	if findButton(top, "撤销") != nil {
		t.Error("撤销 does not say what it undoes")
	}
	test.Tap(findButton(top, "添加备注"))
	test.Type(overlayEntries(ui)[0], "复查仍未整改")
	test.Tap(overlayButton(t, ui, "添加备注"))
	if got := must(s.Finding(open.ID))(t); len(got.Notes) != len(open.Notes)+1 {
		t.Errorf("the re-check note was not added to the finding")
	}
	if findings() != n {
		t.Fatal("re-checking created a finding")
	}
	// The button asks too, and a new one can still be recorded.
	for ui.window.Canvas().Overlays().Top() != nil {
		ui.window.Canvas().Overlays().Top().Hide()
	}
	v.offer = nil
	test.Tap(f.raise)
	if v.offer == nil {
		t.Fatal("登记问题 did not ask about the open finding")
	}
	test.Tap(overlayButton(t, ui, "另登记新问题"))
	if v.form == nil {
		t.Fatal("choosing a new finding did not open the form")
	}
}

func TestVerificationDefaultsToTheVisitsInspectors(t *testing.T) {
	ui, s := newTestUI(t)
	pid, open := openItemFinding(t, ui, s)
	if _, err := s.MoveFinding(open.ID, sv.Move{To: sv.StatusFixed, By: "施工单位", Role: sv.RoleInspector, Note: "已整改", At: testNow}); err != nil {
		t.Fatal(err)
	}
	v := startVisit(t, ui, pid)
	v.inspector.SetText("赵六、钱七")
	v.showPane(len(v.panes) - 1)
	actions := v.recheck.cards[open.ID]
	if actions == nil {
		t.Fatal("the fixed finding is not offered for re-check")
	}
	test.Tap(findButton(actions, "核验通过（待销号）"))
	if got := overlayEntries(ui)[1].Text; got != "赵六、钱七" {
		t.Errorf("the verifier defaults to %q, want the visit's inspectors", got)
	}
}

// t2 is t for a test: the translated text.
func t2(key string, args ...any) string { return t(key, args...) }

func TestJumpToAnItemScrollsItIntoView(t *testing.T) {
	ui, _ := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[4].Project.ID)
	items := v.tmpl.Sections[2].Items // 安全生产: eight items, taller than the window
	key := items[len(items)-1].Key
	v.goTo(key)
	p := v.panes[v.current]
	f := field(t, v, key)
	top := f.box.Position().Y - p.scroll.Offset.Y
	if p.scroll.Offset.Y <= 0 || top < 0 || top+f.box.Size().Height > p.scroll.Size().Height+1 {
		t.Fatalf("the item at %v (height %v) is out of view: scrolled %v of %v", f.box.Position().Y, f.box.Size().Height, p.scroll.Offset.Y, p.scroll.Size().Height)
	}
	// Back to the first item: the top.
	v.goTo(items[0].Key)
	if v.panes[v.current].scroll.Offset.Y > field(t, v, items[0].Key).box.Position().Y {
		t.Error("a jump to the first item left the page scrolled down")
	}
}

func TestSubmittedVisitsButtonsLookDisabledAndSayWhy(t *testing.T) {
	ui, s := newTestUI(t)
	visits := mustVisits(t, s, ui.dash.rows[0].Project.ID, sv.Submitted)
	ui.openVisit(visits[0].ID, true)
	waitFor(t, "the visit", func() bool { return ui.visit() != nil && ui.visit().loaded })
	v := ui.visit()
	if !v.readOnly.Visible() || !strings.Contains(v.readOnly.Text, "更正") {
		t.Errorf("a submitted visit does not say why it cannot change: %q", v.readOnly.Text)
	}
	v.showPane(1)
	v.showPane(0)
	f := field(t, v, v.tmpl.Sections[0].Items[0].Key)
	for name, b := range map[string]*widget.Button{"the item's 添加照片": f.photo, "the visit's 添加照片": v.addPhoto} {
		if !b.Disabled() {
			t.Errorf("%s is enabled on a submitted visit", name)
		}
		variant := fyne.CurrentApp().Settings().ThemeVariant()
		want := fyne.CurrentApp().Settings().Theme().Color(theme.ColorNameDisabled, variant)
		if got := theme.CurrentForWidget(b).Color(theme.ColorNameDisabled, variant); got != want {
			t.Errorf("%s is drawn disabled in %v, not the window's disabled colour %v: it looks enabled", name, got, want)
		}
	}
	// The values themselves, in disabled fields, are read, not used: they
	// are drawn in the readable grey of secondary text.
	if !v.inspector.Disabled() || v.inspector.Text == "" {
		t.Fatalf("the inspectors of a submitted visit: disabled %v, %q", v.inspector.Disabled(), v.inspector.Text)
	}
	var drawn color.Color
	walk(v.inspector, func(o fyne.CanvasObject) bool {
		if c, ok := o.(*canvas.Text); ok && c.Text == v.inspector.Text {
			drawn = c.Color
			return true
		}
		return false
	})
	variant := fyne.CurrentApp().Settings().ThemeVariant()
	bg := fyne.CurrentApp().Settings().Theme().Color(theme.ColorNameBackground, variant)
	if drawn == nil || contrast(drawn, bg) < 4.5 {
		t.Errorf("the inspectors of a submitted visit are drawn in %v, not readable on %v", drawn, bg)
	}
}

func TestFindingFormOffersTheProjectsUnitsFirstAndSearches(t *testing.T) {
	ui, _ := newTestUI(t)
	p := ui.dash.rows[1].Project
	v := startVisit(t, ui, p.ID)
	// A permit problem is the owner's.
	f := field(t, v, "permits.construction")
	f.verdict().SetSelected("不符合")
	if v.form == nil {
		test.Tap(f.raise)
	}
	if v.offer != nil && ui.window.Canvas().Overlays().Top() != nil && findButton(ui.window.Canvas().Overlays().Top(), "另登记新问题") != nil {
		test.Tap(overlayButton(t, ui, "另登记新问题"))
	}
	if v.form == nil {
		t.Fatal("no finding form")
	}
	owner := p.UnitFor(sv.UnitOwner)
	if v.form.unit.Text != owner {
		t.Errorf("a permit finding names %q, want the owner %q", v.form.unit.Text, owner)
	}
	own := p.Units()
	if len(v.form.units) <= len(own) {
		t.Fatalf("only the project's units are offered: %v", v.form.units)
	}
	for i, u := range own {
		if v.form.units[i] != u {
			t.Fatalf("unit %d offered is %q, want the project's %q first: %v", i, v.form.units[i], u, v.form.units)
		}
	}
	rest := v.form.units[len(own):]
	if !slices.IsSorted(rest) {
		t.Errorf("the other units are not sorted: %v", rest)
	}
	if len(v.form.offered) > maxUnitOptions {
		t.Errorf("the drop-down lists %d units", len(v.form.offered))
	}
	// Typing filters the drop-down: characters, or pinyin.
	frag := string([]rune(owner)[2:5])
	v.form.unit.SetText(frag)
	for _, o := range v.form.offered {
		if !strings.Contains(o, frag) {
			t.Errorf("typing %s offers %q", frag, o)
		}
	}
	if !slices.Contains(v.form.offered, owner) {
		t.Errorf("typing %s does not offer %s: %v", frag, owner, v.form.offered)
	}
	if !slices.Contains(v.form.units, "卫生健康局") {
		t.Fatalf("the sample's units changed: %v", v.form.units)
	}
	v.form.unit.SetText("wsjkj")
	if !slices.Contains(v.form.offered, "卫生健康局") || len(v.form.offered) > 3 {
		t.Errorf("typing wsjkj offers %v", v.form.offered)
	}
}

func TestFindingFormKeepsTheItemAndHasACalendar(t *testing.T) {
	ui, s := newTestUI(t)
	p := ui.dash.rows[2].Project
	v := startVisit(t, ui, p.ID)
	f := field(t, v, "dust.cover")
	f.verdict().SetSelected("不符合")
	if top := ui.window.Canvas().Overlays().Top(); v.form == nil && top != nil && findButton(top, "另登记新问题") != nil {
		test.Tap(findButton(top, "另登记新问题"))
	}
	if v.form == nil {
		t.Fatal("no finding form")
	}
	if !v.form.item.Visible() || !strings.Contains(v.form.item.Text, f.item.Title) {
		t.Errorf("the form does not name the item: %q", v.form.item.Text)
	}
	v.form.desc.SetText("裸土未覆盖约 200 平方米")
	// The calendar writes the day chosen; a typed day is still taken.
	test.Tap(v.form.pick)
	var cal *widget.Calendar
	for _, o := range ui.window.Canvas().Overlays().List() {
		walk(o, func(x fyne.CanvasObject) bool {
			if c, ok := x.(*widget.Calendar); ok {
				cal = c
			}
			return cal != nil
		})
	}
	if cal == nil {
		t.Fatal("the deadline's calendar did not open")
	}
	ui.window.Canvas().Overlays().Top().Hide()
	v.form.deadline.SetText("2026/12/10")
	v.form.severity.SetSelected("一般")
	test.Tap(v.form.save)
	active, err := s.ActiveFindings(p.ID)
	if err != nil {
		t.Fatal(err)
	}
	var saved *sv.Finding
	for i := range active {
		if active[i].VisitID == v.id {
			saved = &active[i]
		}
	}
	if saved == nil {
		t.Fatalf("not saved: %q", v.form.problem.Text)
	}
	if saved.Description != f.item.Title+"：裸土未覆盖约 200 平方米" || saved.Deadline != "2026-12-10" {
		t.Errorf("saved %q due %s; want the item named and the typed day", saved.Description, saved.Deadline)
	}
}

func TestAYesNoItemIsTwoButtons(t *testing.T) {
	ui, s := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[6].Project.ID)
	f := field(t, v, "requests.any")
	if f.pair() == nil || f.choice() != nil || len(f.pair().Options) != 2 || !f.pair().Horizontal {
		t.Fatal("企业是否提出诉求 is not two buttons side by side")
	}
	f.pair().SetSelected("否")
	if a := stored(t, s, v.id).Answers["requests.any"]; len(a.Choices) != 1 || a.Choices[0] != "否" {
		t.Errorf("choosing 否 stored %+v", a)
	}
	// Four options stay a drop-down.
	if field(t, v, "factors.finance").choice() == nil {
		t.Error("a choice of four became buttons")
	}
}

func TestSectionListKeepsItsWidthOnASmallScreen(t *testing.T) {
	ui, _ := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[0].Project.ID)
	ui.window.Resize(fyne.NewSize(1024, 600))
	v.split.SetOffset(0) // dragged to the edge
	if w := v.nav.Size().Width; w < sectionListWidth-1 {
		t.Errorf("the section list is %v wide at 1024×600, under %d", w, sectionListWidth)
	}
	if min := ui.window.Content().MinSize(); min.Width > 1024 || min.Height > 600 {
		t.Errorf("the visit needs %v, more than a 1024×600 screen", min)
	}
}

// A draft's buttons carry no theme override of their own: in Fyne 2.7.1
// each override has the fonts parsed again when it is first drawn (see
// buttonRow), which every item of a page paid. They take one when the page
// is shaded as submitted.
func TestDraftVisitsButtonsHaveNoOverrideOfTheirOwn(t *testing.T) {
	ui, _ := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[4].Project.ID)
	v.showPane(1)
	v.showPane(0)
	f := field(t, v, v.tmpl.Sections[0].Items[0].Key)
	buttons := map[string]*widget.Button{"the item's 添加照片": f.photo, "the visit's 添加照片": v.addPhoto}
	overridden := func(want bool) {
		t.Helper()
		for name, b := range buttons {
			// Outside every override a widget's theme is the window's own.
			if got := theme.CurrentForWidget(b) != fyne.CurrentApp().Settings().Theme(); got != want {
				t.Errorf("%s: in an override %v, want %v", name, got, want)
			}
		}
	}
	overridden(false)
	v.shadePages(true)
	overridden(true)
}
