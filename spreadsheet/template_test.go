package spreadsheet

import (
	"archive/zip"
	"bytes"
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"fieldbrief/sample"
	sv "fieldbrief/supervision"
)

var update = flag.Bool("update", false, "rewrite docs/checklist-monthly.xlsx from the built-in checklist")

func builtInTemplate(t testing.TB) (sv.Template, []sv.Template) {
	t.Helper()
	_, ts, err := sample.Register()
	if err != nil {
		t.Fatal(err)
	}
	return ts[len(ts)-1], ts
}

// roundTrip writes a template and reads it back as the portal would store
// it: same id, the version the portal gives, no sample mark.
func roundTrip(t *testing.T, tpl sv.Template, history []sv.Template) sv.Template {
	t.Helper()
	data, err := WriteTemplate(tpl, "")
	if err != nil {
		t.Fatal(err)
	}
	tf, err := ReadTemplate(data, history)
	if err != nil {
		t.Fatalf("reading back: %v", err)
	}
	got := tf.Template
	got.Version, got.Sample = tpl.Version, tpl.Sample
	return got
}

func TestTemplateRoundTripIsExact(t *testing.T) {
	_, all := builtInTemplate(t)
	for _, tpl := range all {
		if got := roundTrip(t, tpl, all); !reflect.DeepEqual(got, tpl) {
			t.Errorf("%s v%d: round trip changed the template:\n%s", tpl.ID, tpl.Version, strings.Join(diffLines(DiffTemplates(tpl, got)), "\n"))
		}
	}
	// A generated one with every field set, bounds and choices.
	lo, hi := -2.5, 1e6
	gen := sv.Template{ID: "gen", Version: 3, Title: "生成的清单", TitleEn: "Generated", Sections: []sv.Section{
		{Key: "a", Title: "甲", TitleEn: "A", Items: []sv.Item{
			{Key: "a.n", Title: "数", TitleEn: "Num", Hint: "提示", HintEn: "hint", Kind: sv.KindNumber, Unit: "米", Min: &lo, Max: &hi, Required: true, PhotoRequired: true},
			{Key: "a.c", Title: "选", Kind: sv.KindMultiChoice, Options: []string{"一", "二", "三"}, OptionsEn: []string{"one", "two", "three"}},
		}},
		{Key: "b", Title: "乙", Items: []sv.Item{
			{Key: "b.p", Title: "查", Kind: sv.KindPassFail, FailRaisesFinding: true, FindingCategory: sv.CategorySafety},
			{Key: "b.d", Title: "日", Kind: sv.KindDate}, {Key: "b.t", Title: "文", Kind: sv.KindText, Min: &lo},
		}},
	}}
	if got := roundTrip(t, gen, nil); !reflect.DeepEqual(got, gen) {
		t.Errorf("generated template changed: %v", diffLines(DiffTemplates(gen, got)))
	}
}

func diffLines(ds []Difference) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.En)
	}
	return out
}

// docs/checklist-monthly.xlsx is the built-in checklist as an example of
// the form; it must be what an export writes today (go test -run
// TestDocsChecklistExample ./spreadsheet/ -update rewrites it).
func TestDocsChecklistExample(t *testing.T) {
	tpl, _ := builtInTemplate(t)
	fresh, err := WriteTemplate(tpl, "内置月度督查清单 / built-in monthly checklist")
	if err != nil {
		t.Fatal(err)
	}
	again, _ := WriteTemplate(tpl, "内置月度督查清单 / built-in monthly checklist")
	if !sameWorkbook(t, fresh, again) {
		t.Fatal("two exports of the same template differ; the example in docs cannot be checked byte for byte")
	}
	path := filepath.Join("..", "docs", "checklist-monthly.xlsx")
	if *update || os.Getenv("FIELDBRIEF_UPDATE_DOCS") != "" {
		if err := os.WriteFile(path, fresh, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -count=1 -run TestDocsChecklistExample ./spreadsheet/ -update)", err)
	}
	if !sameWorkbook(t, have, fresh) {
		t.Fatal("docs/checklist-monthly.xlsx differs from a fresh export of the built-in checklist; run go test -count=1 -run TestDocsChecklistExample ./spreadsheet/ -update")
	}
}

func TestTemplateImportRefusesWhatTheDomainRefuses(t *testing.T) {
	tpl, all := builtInTemplate(t)
	lo, hi := 10.0, 1.0
	bad := tpl
	bad.Sections = append([]sv.Section(nil), tpl.Sections...)
	first := append([]sv.Item(nil), bad.Sections[0].Items...)
	first[1].Key = first[0].Key           // duplicate key
	first[2].Kind = "slider"              // unknown kind
	first[3].Min, first[3].Max = &lo, &hi // min > max
	bad.Sections[0].Items = first
	reused := bad.Sections[1].Items[2] // investment.on_pace, a pass/fail item
	bad.Sections[1].Items = append([]sv.Item(nil), bad.Sections[1].Items...)
	reused.Kind = sv.KindText
	bad.Sections[1].Items[2] = reused
	data, err := WriteTemplate(bad, "")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadTemplate(data, all)
	if err == nil {
		t.Fatal("a checklist breaking four rules was accepted")
	}
	msg := sv.ErrorMessage(err, sv.English)
	for _, want := range []string{"sheet “items”, cell D3: the key", "cell E4: the kind “slider” is unknown", "cell I5: min is above max",
		"“investment.on_pace” was a “Pass / fail” item in an earlier version"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
}

// Sheets renamed (as a translated Excel may do) are still found by what
// they hold.
func TestTemplateWithRenamedSheets(t *testing.T) {
	tpl, all := builtInTemplate(t)
	data, err := WriteTemplate(tpl, "")
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetName("items", "检查项"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetName("settings", "清单信息"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	tf, err := ReadTemplate(buf.Bytes(), all)
	if err != nil {
		t.Fatal(err)
	}
	got := tf.Template
	got.Version, got.Sample = tpl.Version, tpl.Sample
	if !reflect.DeepEqual(got, tpl) {
		t.Errorf("renamed sheets read differently: %v", diffLines(DiffTemplates(tpl, got)))
	}
}

// sameWorkbook reports whether two .xlsx files hold the same parts with the
// same bytes. The zip's order of parts is not compared: excelize writes
// some of them in map order.
func sameWorkbook(t *testing.T, a, b []byte) bool {
	t.Helper()
	parts := func(data []byte) map[string][]byte {
		z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]byte{}
		for _, f := range z.File {
			r, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			raw, err := io.ReadAll(r)
			r.Close()
			if err != nil {
				t.Fatal(err)
			}
			out[f.Name] = raw
		}
		return out
	}
	pa, pb := parts(a), parts(b)
	if len(pa) != len(pb) {
		return false
	}
	for name, raw := range pa {
		if other, ok := pb[name]; !ok || !bytes.Equal(raw, other) {
			return false
		}
	}
	return true
}
