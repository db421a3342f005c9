package report

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"fieldbrief/supervision"
	"fieldbrief/translate"
)

// sourceLiteralRunes collects the non-ASCII characters of every string
// literal in the non-test Go files of dirs.
func sourceLiteralRunes(t *testing.T, dirs ...string) *runeSet {
	t.Helper()
	var s runeSet
	fset := token.NewFileSet()
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") || filepath.Base(name) == "printrunes.go" {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || (lit.Kind != token.STRING && lit.Kind != token.CHAR) {
					return true
				}
				v := lit.Value
				if lit.Kind == token.CHAR {
					r, _, _, err := strconv.UnquoteChar(v[1:len(v)-1], '\'')
					if err == nil && r > 0x7E {
						s.add(r)
					}
					return true
				}
				str, err := strconv.Unquote(v)
				if err != nil {
					t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
				}
				for _, r := range str {
					if r > 0x7E {
						s.add(r)
					}
				}
				return true
			})
		}
	}
	return &s
}

// TestLiteralRunesCurrent keeps literalRunes in step with the labels, so
// that the first cut of a document already holds every label it prints.
func TestLiteralRunesCurrent(t *testing.T) {
	got := sourceLiteralRunes(t, ".", "../supervision")
	// The package's labels live in the catalogues, under "report.".
	for _, l := range []supervision.Lang{supervision.Chinese, supervision.English} {
		c := translate.For(l)
		for _, k := range c.Keys() {
			if strings.HasPrefix(k, "report.") {
				for _, r := range c.Format(k) {
					if r > 0x7E {
						got.add(r)
					}
				}
			}
		}
	}
	if got.String() == literalRunes {
		return
	}
	if !*update {
		t.Fatalf("literalRunes in printrunes.go is out of date (%d characters, source has %d): run go test ./report -run LiteralRunes -update",
			len([]rune(literalRunes)), got.len())
	}
	b, err := os.ReadFile("printrunes.go")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	i := strings.Index(src, "const literalRunes = ")
	src = src[:i] + "const literalRunes = " + strconv.Quote(got.String()) + "\n"
	if err := os.WriteFile("printrunes.go", []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCutFontsDoNotChangeTheFile: what an earlier document left in the
// cut cache must not show in the next file, or the same record would print
// to different bytes depending on what was printed before it.
func TestCutFontsDoNotChangeTheFile(t *testing.T) {
	opt := Options{Time: fixedTime, Deterministic: true}
	render := func(fonts *Fonts) []byte {
		var b bytes.Buffer
		if _, err := Brief(&b, fonts, fixtureBrief(2), opt); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	fresh, err := NewFonts(bundledFaces(t))
	if err != nil {
		t.Fatal(err)
	}
	first := render(fresh)

	// Another Fonts whose cache first grew on a long unrelated document.
	warm, err := NewFonts(bundledFaces(t))
	if err != nil {
		t.Fatal(err)
	}
	in := fixtureVisitInput()
	in.Visit.Summary = strings.Join(stressCorpus(t), "\n")
	if _, err := Visit(io.Discard, warm, in, opt); err != nil {
		t.Fatal(err)
	}
	if a, b := fresh.cuts.last.set.len(), warm.cuts.last.set.len(); b <= a {
		t.Fatalf("the other document left a cut of %d characters, the brief needs %d: the test needs a larger one", b, a)
	}
	second := render(warm)
	if !bytes.Equal(first, second) {
		t.Error("the brief printed after another document differs from the same brief printed first")
	}
}

// TestCharacterOutsideTheCutIsStillPrinted: a character the input and the
// labels do not contain — here one that only a format produces — makes
// typeset lay the document out again with it, not print a blank.
func TestCharacterOutsideTheCutIsStillPrinted(t *testing.T) {
	fonts := testFonts(t)
	const rare = "龘靐齉" // in no label, no fixture
	for _, r := range rare {
		if !fonts.canDraw(r) {
			t.Fatalf("the font cannot draw %q; pick another test character", r)
		}
		if strings.ContainsRune(literalRunes, r) {
			t.Fatalf("%q is a label character; pick another", r)
		}
	}
	builds := 0
	path, res := writeReport(t, "rare.pdf", func(b *bytes.Buffer) (Result, error) {
		return typeset(b, fonts, "只有输入的字", Options{Time: fixedTime}, func(d *Doc) {
			builds++
			d.Paragraph("只有输入的字，加上" + strings.Join(strings.Split(rare, ""), "、"))
		})
	})
	if len(res.Missing) != 0 {
		t.Errorf("Missing = %q, want none", res.Missing)
	}
	if builds != 2 {
		t.Errorf("laid out %d times, want 2 (once more with the characters the cut lacked)", builds)
	}
	mustContain(t, "rare", pdfText(t, path), "只有输入的字", "龘", "靐", "齉")
}

// TestReprintReusesTheCut: the cut is made once, not per document.
func TestReprintReusesTheCut(t *testing.T) {
	fonts, err := NewFonts(bundledFaces(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Brief(io.Discard, fonts, fixtureBrief(0), Options{Time: fixedTime}); err != nil {
		t.Fatal(err)
	}
	first := fonts.cuts.last
	if first == nil {
		t.Fatal("the brief was not set in cut fonts")
	}
	if _, err := Brief(io.Discard, fonts, fixtureBrief(0), Options{Time: fixedTime, Lang: supervision.English}); err != nil {
		t.Fatal(err)
	}
	if fonts.cuts.last != first {
		t.Error("printing the same brief again, in English, cut the fonts again")
	}
	if n := first.set.len(); n > maxCutRunes {
		t.Errorf("the cut holds %d characters, more than %d", n, maxCutRunes)
	}
}
