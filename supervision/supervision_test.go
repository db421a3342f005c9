package supervision

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

var shanghai = time.FixedZone("CST", 8*3600)

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func TestClosingNeedsVerifierAndEvidence(t *testing.T) {
	f := Finding{Status: StatusFixed}
	if err := f.Apply(Move{To: StatusClosed, Role: RoleLeader, Note: "已核验"}); err == nil || !strings.Contains(ErrorMessage(err, Chinese), "核验人") {
		t.Fatalf("closing without a verifier: %v", err)
	}
	if err := f.Apply(Move{To: StatusClosed, Role: RoleLeader, By: "李娜"}); err == nil || !strings.Contains(ErrorMessage(err, English), "verification photo") {
		t.Fatalf("closing without evidence: %v", err)
	}
	at := day("2026-04-01 09:30")
	if err := f.Apply(Move{To: StatusClosed, Role: RoleLeader, By: "李娜", Evidence: []string{"abc"}, At: at}); err != nil {
		t.Fatal(err)
	}
	if f.VerifiedBy != "李娜" || !f.ClosedAt.Equal(at) || f.PhotosAfter[0] != "abc" {
		t.Fatalf("closure not recorded: %+v", f)
	}
	o := Finding{Status: StatusOpen}
	if err := o.Apply(Move{To: StatusFixed, By: "x"}); err == nil {
		t.Fatal("reporting a fix without evidence was accepted")
	}
	if err := o.Apply(Move{To: StatusWithdrawn, By: "x"}); err == nil {
		t.Fatal("withdrawing without a reason was accepted")
	}
}

func TestFindingOverdueCountsWholeDaysWhileRectifying(t *testing.T) {
	f := Finding{Status: StatusOpen, Deadline: "2026-03-10"}
	cases := []struct {
		now  string
		late int
	}{{"2026-03-10 23:59", 0}, {"2026-03-11 00:01", 1}, {"2026-04-10 08:00", 31}}
	for _, c := range cases {
		if got := f.DaysLate(day(c.now)); got != c.late {
			t.Errorf("DaysLate at %s = %d, want %d", c.now, got, c.late)
		}
	}
	f.Status = StatusFixed
	if f.Overdue(day("2026-04-10 08:00")) {
		t.Error("a finding awaiting verification is not the unit's delay")
	}
}

func TestNextVisitMonthlyRhythm(t *testing.T) {
	now := day("2026-05-20 10:00")
	cases := []struct {
		name        string
		last, since time.Time
		want        VisitDue
	}{
		{"visited this month", day("2026-05-03 09:00"), time.Time{}, VisitDue{Due: "2026-06-30", VisitedThisMonth: true}},
		{"visited last month", day("2026-04-28 09:00"), time.Time{}, VisitDue{Due: "2026-05-31"}},
		{"missed April", day("2026-03-15 09:00"), time.Time{}, VisitDue{Due: "2026-05-31", Overdue: true, DaysLate: 20, Missed: "2026-04-30"}},
		{"never visited, joined this month", time.Time{}, day("2026-05-02 00:00"), VisitDue{Due: "2026-05-31"}},
		{"never visited, joined in March", time.Time{}, day("2026-03-02 00:00"), VisitDue{Due: "2026-05-31", Overdue: true, DaysLate: 50, Missed: "2026-03-31"}},
	}
	for _, c := range cases {
		if got := NextVisit(c.last, c.since, now); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestMeetingCalendar(t *testing.T) {
	c := DefaultCalendar()
	if got := c.NextDispatch(day("2026-05-20 10:00")); got != "2026-06-25" {
		t.Errorf("next dispatch = %s", got)
	}
	if got := c.NextDispatch(day("2026-06-25 18:00")); got != "2026-06-25" {
		t.Errorf("dispatch on its own day = %s", got)
	}
	if got := c.NextTour(day("2026-06-16 10:00")); got != "2026-09-15" {
		t.Errorf("next tour = %s", got)
	}
	from, to := DispatchPeriod(day("2026-04-10 00:00"))
	if DateOf(from) != "2026-03-01" || DateOf(to) != "2026-04-30" {
		t.Errorf("period = %s..%s", DateOf(from), DateOf(to))
	}
	from, to = Quarter(2026, 4, shanghai)
	if DateOf(from) != "2026-10-01" || DateOf(to) != "2026-12-31" {
		t.Errorf("quarter = %s..%s", DateOf(from), DateOf(to))
	}
}

func testTemplate() Template {
	min, max := 0.0, 100.0
	return Template{ID: "monthly", Version: 2, Title: "月度督查清单", Sections: []Section{{
		Key: "s", Title: "安全", Items: []Item{
			{Key: "scaffold", Title: "脚手架", Kind: KindPassFail, Required: true, PhotoRequired: true, FailRaisesFinding: true, FindingCategory: CategorySafety},
			{Key: "progress", Title: "形象进度", Kind: KindNumber, Unit: "%", Min: &min, Max: &max, Required: true},
			{Key: "weather", Title: "天气", Kind: KindSingleChoice, Options: []string{"晴", "雨"}},
			{Key: "issues", Title: "存在困难", Kind: KindMultiChoice, Options: []string{"用地", "用电", "资金"}},
			{Key: "remark", Title: "备注", Kind: KindText},
			{Key: "permit", Title: "施工许可日期", Kind: KindDate},
		}}}}
}

func TestAnswersAreCheckedAgainstTheirItem(t *testing.T) {
	tpl := testTemplate()
	in := NewVisit("v1", Project{ID: "p1"}, tpl, []string{"张伟"}, day("2026-05-20 09:00"))
	n := func(v float64) *float64 { return &v }
	bad := []Answer{
		{ItemKey: "progress", Number: n(120)},
		{ItemKey: "progress", Number: n(-1)},
		{ItemKey: "weather", Choices: []string{"晴", "雨"}},
		{ItemKey: "issues", Choices: []string{"土地"}},
		{ItemKey: "permit", Date: "15/03/2026"},
		{ItemKey: "scaffold", Verdict: "maybe"},
		{ItemKey: "nonexistent", Text: "x"},
	}
	for _, a := range bad {
		if err := in.SetAnswer(tpl, a); err == nil {
			t.Errorf("answer %+v accepted", a)
		} else if ErrorMessage(err, Chinese) == "" || strings.Contains(ErrorMessage(err, Chinese), "程序内部") {
			t.Errorf("answer %+v: message not fit for a person: %v", a, err)
		}
	}
	if len(in.Answers) != 0 {
		t.Fatalf("refused answers were stored: %v", in.Answers)
	}
	good := []Answer{
		{ItemKey: "progress", Number: n(62.5)}, {ItemKey: "weather", Choices: []string{"雨"}},
		{ItemKey: "issues", Choices: []string{"用地", "资金"}}, {ItemKey: "remark", Text: "夜间施工"},
		{ItemKey: "permit", Date: "2026-03-15"}, {ItemKey: "scaffold", Verdict: Fail, Note: "连墙件缺失"},
	}
	for _, a := range good {
		if err := in.SetAnswer(tpl, a); err != nil {
			t.Errorf("answer %+v refused: %v", a, err)
		}
	}
	if a, tot := in.Progress(tpl); a != 6 || tot != 6 {
		t.Errorf("progress = %d/%d", a, tot)
	}
}

func TestSubmitNeedsCompletenessThenFreezes(t *testing.T) {
	tpl := testTemplate()
	in := NewVisit("v1", Project{ID: "p1"}, tpl, nil, day("2026-05-20 09:00"))
	err := in.Submit(tpl, day("2026-05-20 11:00"))
	if err == nil {
		t.Fatal("an empty visit was submitted")
	}
	for _, want := range []string{"督查人员", "脚手架", "形象进度", "需要照片"} {
		if !strings.Contains(ErrorMessage(err, Chinese), want) {
			t.Errorf("submit error does not mention %q: %s", want, ErrorMessage(err, Chinese))
		}
	}
	in.Inspectors = []string{"张伟"}
	v := 80.0
	_ = in.SetAnswer(tpl, Answer{ItemKey: "progress", Number: &v})
	_ = in.SetAnswer(tpl, Answer{ItemKey: "scaffold", Verdict: Pass, Photos: []string{"h1"}})
	if err := in.Submit(tpl, day("2026-05-20 11:00")); err != nil {
		t.Fatalf("complete visit refused: %v", err)
	}
	if err := in.SetAnswer(tpl, Answer{ItemKey: "remark", Text: "late"}); ErrorCode(err) != EConflict {
		t.Fatalf("submitted visit accepted an answer: %v", err)
	}
	am, err := in.Amend("v2")
	if err != nil {
		t.Fatal(err)
	}
	if am.Replaces != "v1" || am.Status != Draft || in.Status != Submitted {
		t.Fatalf("amendment wrong: %+v", am)
	}
	if err := am.SetAnswer(tpl, Answer{ItemKey: "remark", Text: "补充"}); err != nil {
		t.Fatal(err)
	}
	if _, ok := in.Answers["remark"]; ok {
		t.Fatal("amending changed the original's answers")
	}
}

func TestFindingFromFailIsPrefilled(t *testing.T) {
	tpl := testTemplate()
	it, _ := tpl.Item("scaffold")
	in := NewVisit("v1", Project{ID: "p1"}, tpl, []string{"张伟"}, day("2026-05-20 09:00"))
	f := FindingFromFail("f1", in, it, Answer{ItemKey: "scaffold", Verdict: Fail, Note: "连墙件缺失", Photos: []string{"h"}}, "张伟", day("2026-05-20 09:30"))
	if f.Category != CategorySafety || f.Deadline != "2026-06-04" || f.Status != StatusOpen || f.PhotosBefore[0] != "h" || !strings.Contains(f.Description, "连墙件缺失") {
		t.Fatalf("prefill: %+v", f)
	}
	if err := f.Validate(); err == nil || !strings.Contains(ErrorMessage(err, Chinese), "责任单位") {
		t.Fatalf("a finding without a responsible unit validated: %v", err)
	}
	f.ResponsibleUnit = "科学城建设局"
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestParseNumberAcceptsWhatPeopleType(t *testing.T) {
	for in, want := range map[string]float64{"12.5": 12.5, "１２．５": 12.5, " 30 %": 30, "28,500": 28500, "－3": -3} {
		got, err := ParseNumber(in, "%")
		if err != nil || got != want {
			t.Errorf("ParseNumber(%q) = %v, %v", in, got, err)
		}
	}
	// 28,5 was once read as 28.5; it may as well mean 285 (see decision 0033).
	if _, err := ParseNumber("28,5", "%"); ErrorCode(err) != EInvalid {
		t.Errorf("28,5 was not refused: %v", err)
	}
	if _, err := ParseNumber("abc", ""); ErrorCode(err) != EInvalid {
		t.Errorf("abc: %v", err)
	}
}

func TestNewIDIsUUIDv7InTimeOrder(t *testing.T) {
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a := NewID(day("2026-01-01 00:00"))
	b := NewID(day("2026-01-01 00:01"))
	if !re.MatchString(a) || !re.MatchString(b) || !(a < b) {
		t.Fatalf("ids %s %s", a, b)
	}
}

func TestTemplateValidation(t *testing.T) {
	tpl := testTemplate()
	if err := tpl.Validate(); err != nil {
		t.Fatal(err)
	}
	tpl.Sections[0].Items = append(tpl.Sections[0].Items, Item{Key: "scaffold", Title: "重复", Kind: KindText})
	if err := tpl.Validate(); err == nil || !strings.Contains(ErrorMessage(err, Chinese), "编号重复") {
		t.Fatalf("duplicate key: %v", err)
	}
}

// TestOptionsInEnglish: an option reads in English where the template gives
// a label, the label maps back to the Chinese option an answer stores, and
// a template whose English labels do not match its options one to one is
// refused, so no English choice can store the wrong option.
func TestOptionsInEnglish(t *testing.T) {
	it := Item{Key: "rating", Title: "总体评价", Kind: KindSingleChoice, Hint: "看现场", HintEn: "On site",
		Options: []string{"好", "一般", "差"}, OptionsEn: []string{"Good", "Fair", "Poor"}}
	if got := strings.Join(it.OptionLabels(English), "|"); got != "Good|Fair|Poor" {
		t.Errorf("English labels %q", got)
	}
	if got := strings.Join(it.OptionLabels(Chinese), "|"); got != "好|一般|差" {
		t.Errorf("Chinese labels %q", got)
	}
	if o, ok := it.OptionFor("Fair", English); !ok || o != "一般" {
		t.Errorf("Fair stores %q %v", o, ok)
	}
	if _, ok := it.OptionFor("Excellent", English); ok {
		t.Error("a label no option has maps to an option")
	}
	if it.OptionLabel("已删除的选项", English) != "已删除的选项" {
		t.Error("an option the template no longer lists must read as stored")
	}
	if it.DisplayHint(English) != "On site" || it.DisplayHint(Chinese) != "看现场" {
		t.Error("hint by language")
	}
	noEnglish := Item{Options: []string{"好", "差"}}
	if strings.Join(noEnglish.OptionLabels(English), "|") != "好|差" {
		t.Error("options without English labels must read in Chinese")
	}

	for _, labels := range [][]string{{"Good", "Fair"}, {"Good", "Good", "Poor"}, {"Good", "", "Poor"}} {
		tpl := testTemplate()
		bad := it
		bad.OptionsEn = labels
		tpl.Sections[0].Items = append(tpl.Sections[0].Items, bad)
		if err := tpl.Validate(); err == nil || !strings.Contains(ErrorMessage(err, English), "English option") {
			t.Errorf("English options %q accepted: %v", labels, err)
		}
	}
}
