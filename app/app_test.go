package app

import (
	"bytes"
	"encoding/json"
	"log"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/assets"
	"fieldbrief/sample"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

var testNow = time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// inPlace runs background work at once, on the test's goroutine.
func inPlace(work func()) { work() }

// waitFor polls cond while the test app processes fyne.Do callbacks.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestDashboardShowsTheProjectsInChinese(t *testing.T) {
	a := windowApp(t)
	s := sampleStore(t)
	ui, err := newMainUI(a, Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: inPlace})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "dashboard rows", func() bool { return len(ui.dash.rows) == 20 })
	if got := ui.window.Title(); !strings.Contains(got, "示例数据") || !strings.Contains(got, "重点项目督查") {
		t.Errorf("window title %q does not mark the sample data", got)
	}
	if !strings.Contains(ui.dash.status.Text, "20 / 20") {
		t.Errorf("status line %q", ui.dash.status.Text)
	}
	names := map[string]bool{}
	for _, r := range ui.dash.rows {
		names[r.Project.Name] = true
	}
	if !names["中国科学院重庆科学中心"] {
		t.Errorf("the dashboard lacks 中国科学院重庆科学中心: %v", names)
	}
	// Search narrows, the overdue switch narrows to rows with something late.
	test.Type(ui.dash.search, "联合微电子")
	if len(ui.dash.rows) != 1 || !strings.Contains(ui.dash.rows[0].Project.Name, "联合微电子") {
		t.Fatalf("search left %d rows", len(ui.dash.rows))
	}
	// Pinyin initials find a project and a leader: lhwdz is 联合微电子,
	// hxm the leader 何雪梅 of three projects.
	ui.dash.search.SetText("")
	test.Type(ui.dash.search, "lhwdz")
	if len(ui.dash.rows) != 1 || !strings.Contains(ui.dash.rows[0].Project.Name, "联合微电子") {
		t.Fatalf("lhwdz left %d rows", len(ui.dash.rows))
	}
	ui.dash.search.SetText("")
	test.Type(ui.dash.search, "hxm")
	if len(ui.dash.rows) != 3 {
		t.Errorf("hxm left %d rows, want the 3 projects of 何雪梅", len(ui.dash.rows))
	}
	for _, r := range ui.dash.rows {
		if !strings.Contains(r.Project.Leader, "何雪梅") {
			t.Errorf("hxm kept %s, led by %s", r.Project.Name, r.Project.Leader)
		}
	}
	ui.dash.search.SetText("")
	test.Tap(ui.dash.overdue)
	for _, r := range ui.dash.rows {
		if !r.Next.Overdue && r.OverdueFindings == 0 {
			t.Errorf("overdue filter kept %s", r.Project.Name)
		}
	}
	if len(ui.dash.rows) == 0 || len(ui.dash.rows) == 20 {
		t.Errorf("overdue filter kept %d of 20 rows; the sample data has some late projects", len(ui.dash.rows))
	}
}

func TestFirstStartOffersSampleData(t *testing.T) {
	a := windowApp(t)
	s, err := storage.Open(t.TempDir(), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	loaded := make(chan struct{})
	ui, err := newMainUI(a, Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: inPlace, LoadSample: func() error {
		_, err := sample.Install(s, testNow)
		close(loaded)
		return err
	}})
	if err != nil {
		t.Fatal(err)
	}
	var confirm *widget.Button
	waitFor(t, "the sample-data offer", func() bool {
		confirm = findButton(ui.window.Canvas().Overlays().Top(), "载入示例数据")
		return confirm != nil
	})
	test.Tap(confirm)
	<-loaded
	waitFor(t, "the loaded projects", func() bool { return len(ui.dash.rows) == 20 })
	// The badge appears beside the title, not on it.
	ui.window.Resize(fyne.NewSize(1240, 760))
	title := ui.header.Objects[0]
	if !ui.badge.Visible() || ui.badge.Size().Width == 0 || ui.badge.Position().X < title.Position().X+title.Size().Width {
		t.Errorf("the sample badge is at %v, %v wide; the title ends at %v", ui.badge.Position(), ui.badge.Size().Width, title.Position().X+title.Size().Width)
	}
}

func TestEnglishOnRequest(t *testing.T) {
	a := windowApp(t)
	s := sampleStore(t)
	ui, err := newMainUI(a, Config{Data: s, Lang: sv.English, Now: func() time.Time { return testNow }, Background: inPlace})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "rows", func() bool { return len(ui.dash.rows) == 20 })
	if !strings.Contains(ui.window.Title(), "Key Project Supervision") || !strings.Contains(ui.dash.status.Text, "Showing 20 of 20") {
		t.Errorf("English UI: title %q, status %q", ui.window.Title(), ui.dash.status.Text)
	}
}

// TestTranslationsComplete fails when a key used in the code is missing
// from either translation file, or a file has a key the other lacks.
func TestTranslationsComplete(t *testing.T) {
	used := map[string]bool{}
	re := regexp.MustCompile(`\bt0?\("([a-z_]+\.[a-z0-9_.]+)"`)
	colRe := regexp.MustCompile(`\{"(dashboard\.col\.[a-z_]+)"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		for _, m := range colRe.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
	}
	if len(used) < 20 {
		t.Fatalf("found only %d keys in the code; the scanner is broken", len(used))
	}
	tables := map[string]map[string]any{}
	for _, name := range []string{"zh-Hans.json", "en.json"} {
		b, err := assets.ReadTranslation(name)
		if err != nil {
			t.Fatal(err)
		}
		// Values are strings, or objects of plural forms (Fyne's own keys).
		m := map[string]any{}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		tables[name] = m
		for k := range used {
			if s, _ := m[k].(string); strings.TrimSpace(s) == "" {
				t.Errorf("%s lacks %q", name, k)
			}
		}
	}
	for k := range tables["zh-Hans.json"] {
		if _, ok := tables["en.json"][k]; !ok {
			t.Errorf("en.json lacks %q, which zh-Hans.json has", k)
		}
	}
	for k := range tables["en.json"] {
		if _, ok := tables["zh-Hans.json"][k]; !ok {
			t.Errorf("zh-Hans.json lacks %q, which en.json has", k)
		}
	}
	// A count of one, used by t in place of its base key, takes the same
	// arguments. Chinese repeats the base: the language chosen last must
	// override every key of the other.
	for name, table := range tables {
		for k, v := range table {
			if base, ok := strings.CutSuffix(k, ".one"); ok {
				other, _ := table[base].(string)
				if other == "" || verbs(other) != verbs(v.(string)) {
					t.Errorf("%s: %q has no base key with the same format verbs (%q)", name, k, other)
				}
			}
		}
	}
}

// TestCountOfOneLogsNothing: a count of one with no singular entry
// ("Answered 1 / 30") reads the base text and does not make Fyne log a
// missing translation each time it is shown.
func TestCountOfOneLogsNothing(tb *testing.T) {
	if err := setupLanguage(sv.Chinese); err != nil {
		tb.Fatal(err)
	}
	var logged bytes.Buffer
	log.SetOutput(&logged)
	tb.Cleanup(func() { log.SetOutput(os.Stderr) })
	if got := t("visit.progress", 1, 30); got != "已答 1 / 30" {
		tb.Errorf("one answered reads %q", got)
	}
	if logged.Len() > 0 {
		tb.Errorf("Fyne logged:\n%s", logged.String())
	}
}

// verbs lists a format string's verbs in order.
func verbs(s string) string {
	return strings.Join(regexp.MustCompile(`%[-+ #0-9.]*[a-zA-Z]`).FindAllString(s, -1), " ")
}

// TestCountsOfOneReadInEnglish: one photo, one day, one change — not
// "1 photos" — and other counts in the plural. (tb, not t: t translates.)
func TestCountsOfOneReadInEnglish(tb *testing.T) {
	if err := setupLanguage(sv.English); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { setupLanguage(sv.Chinese) })
	if err := setupLanguage(sv.Chinese); err != nil {
		tb.Fatal(err)
	}
	if got := t("item.photos", 1); got != "照片 1 张" {
		tb.Errorf("back in Chinese, one photo reads %q", got)
	}
	if err := setupLanguage(sv.English); err != nil {
		tb.Fatal(err)
	}
	for _, c := range []struct{ got, want string }{
		{t("item.photos", 1), "1 photo"},
		{t("item.photos", 0), "0 photos"},
		{t("item.photos", 2), "2 photos"},
		{t("schedule.overdue_row", "国际医院", 1), "国际医院 · 1 day overdue"},
		{t("schedule.overdue_row", "国际医院", 26), "国际医院 · 26 days overdue"},
		{t("photo.state_waiting", 1, 2.5), "1 photo waiting to upload (2.5 MB)"},
		{t("sync.pending", 1, 1, 0.5), "To send: changes 1 · photos 1 (0.5 MB)"},
	} {
		if c.got != c.want {
			tb.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

// TestDashboardMarksWhatIsLateInRed: the late visit date and the count of
// overdue findings are red, in whichever column they sit, and nothing else
// in the row is.
func TestDashboardMarksWhatIsLateInRed(t *testing.T) {
	s := sampleStore(t)
	ui, err := newMainUI(windowApp(t), Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: inPlace})
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "dashboard rows", func() bool { return len(ui.dash.rows) == 20 })
	cols := dashboardColumns()
	row := -1
	for i, r := range ui.dash.rows {
		if r.Next.Overdue && r.OverdueFindings > 0 {
			row = i
		}
	}
	if row < 0 {
		t.Fatal("the sample data has no project with both a late visit and overdue findings")
	}
	red := map[string]bool{}
	for c := range cols {
		cell := ui.dash.table.CreateCell()
		ui.dash.table.UpdateCell(widget.TableCellID{Row: row, Col: c}, cell)
		label := cell.(*tipCell).content.(*fyne.Container).Objects[0].(*hoverLabel)
		if label.Importance == widget.DangerImportance {
			red[cols[c].key] = true
		}
	}
	want := map[string]bool{"dashboard.col.next_due": true, "dashboard.col.overdue": true}
	if !maps.Equal(red, want) {
		t.Errorf("red cells in %s's row: %v, want %v", ui.dash.rows[row].Project.Name, red, want)
	}
}
