package report

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"fieldbrief/linebreak"
	"fieldbrief/supervision"
)

func TestPersonNamesTakeTheNameFromALabel(t *testing.T) {
	got := personNames([]supervision.Project{
		{Leader: "管委会副主任 周立新", ChainLeader: "王敏", Contacts: []supervision.Contact{{Name: "赵建国"}, {Name: "王敏"}}},
		{Leader: "李"},
	}, []string{"张海波", "欧阳明月"})
	want := "周立新 王敏 赵建国 张海波 欧阳明月"
	if strings.Join(got, " ") != want {
		t.Errorf("personNames = %q, want %q (one-character names are too short to matter and are left out)", got, want)
	}
}

func TestJustifiableNeverSplitsALatinWord(t *testing.T) {
	got := justifiable("采用BIM Level 2协同，C30混凝土")
	want := []string{"采", "用", "BIM", " ", "Level", " ", "2", "协", "同", "，", "C30", "混", "凝", "土"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("justifiable = %q, want %q", got, want)
	}
}

// lineBreakCorpus reads package linebreak's stress corpus: its paragraphs and
// the names it keeps whole.
func lineBreakCorpus(t *testing.T) (paras, names []string) {
	t.Helper()
	f, err := os.Open("../linebreak/testdata/stress.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "#"); ok {
			if _, list, ok := strings.Cut(rest, "Names kept whole:"); ok {
				names = strings.Fields(list)
			}
			continue
		}
		paras = append(paras, line)
	}
	return paras, names
}

// TestLineBreakCorpusRoundTrip prints every paragraph of the line breaker's
// stress corpus at three column widths, justified with a first-line indent
// as body text is, reads each page back with pdftotext and checks that the
// printed lines are the ones laid out, and that on paper no line starts or
// ends with a forbidden mark, no name, date or amount is split, no Latin
// word is cut without a hyphen and no paragraph ends on a lone character
// where one could be pulled down.
func TestLineBreakCorpusRoundTrip(t *testing.T) {
	fonts := testFonts(t)
	paras, names := lineBreakCorpus(t)
	d := NewDoc(fonts, Options{Time: fixedTime, Names: names})
	widths := []float64{38, 71, d.Width()}
	st := style{size: bodySize, color: colText, indent: 2 * bodySize * ptToMM, justify: true}
	type page struct {
		para  string
		width float64
		lines []wrapped
	}
	var pages []page
	for _, p := range paras {
		for _, w := range widths {
			d.PageBreak()
			d.ensure(1)
			pages = append(pages, page{p, w, d.wrap(p, serif, bodySize, w, st.indent)})
			d.textBlock(p, st, d.left, w)
		}
	}
	path, res := writePDF(t, d, "linebreak-corpus.pdf")
	qpdfCheck(t, path)
	if res.Pages != len(pages) {
		t.Fatalf("%d pages, want one per paragraph and width (%d)", res.Pages, len(pages))
	}
	for _, r := range res.Missing {
		if r < 0x10000 && !isIgnorable(r) {
			t.Errorf("the fonts lack %q, which only 𠮷 and emoji should", r)
		}
	}
	b := newBreaker(names)
	for i, pg := range pages {
		n := strconv.Itoa(i + 1)
		// -layout, or pdftotext joins a hyphenated word across lines.
		got := nonEmptyLines(bodyText(t, path, A4, "-layout", "-f", n, "-l", n))
		if len(got) != len(pg.lines) {
			t.Errorf("page %d (%.0f mm): %d lines printed, %d laid out:\n%s", i+1, pg.width, len(got), len(pg.lines), strings.Join(got, "\n"))
			continue
		}
		var printed []rune
		for k, l := range got {
			if string(ink(l)) != string(ink(pg.lines[k].text)) {
				t.Errorf("page %d line %d: printed %q, laid out %q", i+1, k+1, l, pg.lines[k].text)
			}
			printed = append(printed, ink(l)...)
		}
		// The text read back is the paragraph's, with placeholders for what
		// the fonts lack and hyphens where a word was cut.
		want := ink(fonts.clean(pg.para, &missing{}))
		if dropHyphens(printed, want) != string(want) {
			t.Errorf("page %d: text changed: %s", i+1, string(printed))
		}
		checkPrintedLines(t, i+1, got, b, names)
		checkWordsCut(t, i+1, []rune(fonts.clean(pg.para, &missing{})), pg.lines)
	}
}

// checkWordsCut follows the laid-out lines through the paragraph: where a
// line ends between two Latin letters of the text, it must end with a
// hyphen the breaker added.
func checkWordsCut(t *testing.T, page int, para []rune, lines []wrapped) {
	t.Helper()
	pos := 0
	for k, l := range lines {
		for pos < len(para) && linebreak.IsSpace(para[pos]) {
			pos++
		}
		rs := []rune(l.text)
		added := false
		for j, r := range rs {
			if pos < len(para) && para[pos] == r {
				pos++
				continue
			}
			if r == '-' && j == len(rs)-1 {
				added = true
				continue
			}
			t.Fatalf("page %d line %d: %q does not follow the text at %d", page, k+1, l.text, pos)
		}
		if k < len(lines)-1 && pos > 0 && pos < len(para) && latinLetter(para[pos-1]) && latinLetter(para[pos]) && !added {
			t.Errorf("page %d: a word is cut without a hyphen after %q", page, l.text)
		}
	}
}

// dropHyphens removes from got the hyphens the breaker added: those at which
// got departs from want.
func dropHyphens(got, want []rune) string {
	var out []rune
	j := 0
	for _, r := range got {
		if j < len(want) && want[j] == r {
			out = append(out, r)
			j++
			continue
		}
		if r != '-' {
			out = append(out, r)
		}
	}
	return string(out)
}

func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(strings.Trim(l, "\f")); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// checkPrintedLines checks the rules on lines as pdftotext read them.
func checkPrintedLines(t *testing.T, page int, lines []string, b linebreak.Breaker, names []string) {
	t.Helper()
	for k, l := range lines {
		rs := []rune(l)
		if k > 0 && linebreak.NoLineStart(rs[0]) {
			t.Errorf("page %d: line %d starts with %q", page, k+1, rs[0])
		}
		if k < len(lines)-1 && linebreak.NoLineEnd(rs[len(rs)-1]) {
			t.Errorf("page %d: line %d ends with %q", page, k+1, rs[len(rs)-1])
		}
		if k == len(lines)-1 {
			if len(lines) > 1 && weightOf(rs) == 1 {
				t.Errorf("page %d: the last line %q holds one character", page, l)
			}
			continue
		}
		next := []rune(lines[k+1])
		a := rs[len(rs)-1]
		joint := string(rs[max(0, len(rs)-6):]) + "|" + string(next[:min(len(next), 6)])
		for _, name := range names {
			for cut := 1; cut < len([]rune(name)); cut++ {
				nr := []rune(name)
				if strings.HasSuffix(l, string(nr[:cut])) && strings.HasPrefix(lines[k+1], string(nr[cut:])) {
					t.Errorf("page %d: the name %s is split: %s", page, name, joint)
				}
			}
		}
		if isDigitRune(a) && (strings.HasPrefix(lines[k+1], "年") || strings.HasPrefix(lines[k+1], "月") ||
			strings.HasPrefix(lines[k+1], "日") || strings.HasPrefix(lines[k+1], "万元") || strings.HasPrefix(lines[k+1], "号") || strings.HasPrefix(lines[k+1], "项")) {
			t.Errorf("page %d: a number is parted from its unit: %s", page, joint)
		}
	}
}

func weightOf(rs []rune) int {
	n := 0
	for _, r := range rs {
		if !unicode.IsPunct(r) && !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}

func latinLetter(r rune) bool { return r < 0x2E80 && unicode.IsLetter(r) }

func isDigitRune(r rune) bool { return r >= '0' && r <= '9' }
