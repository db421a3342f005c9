package linebreak

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"unicode"
)

// width measures a Chinese or full-width character as 1 and a narrow one
// as 0.55, close to a proportional font's proportions.
func width(r rune) float64 {
	if isNarrow(r) || r == ' ' {
		return 0.55
	}
	return 1
}

func texts(ls []Line) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = string(l.Text)
	}
	return out
}

func TestLinesExamples(t *testing.T) {
	b := Breaker{Tailor: Chinese, Names: []string{"张海波"}}
	cases := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"plain Chinese fills lines", "一二三四五六七八九十", 4, []string{"一二三四", "五六七八", "九十"}},
		{"comma is never first", "一二三四，五六七", 4, []string{"一二三", "四，五", "六七"}},
		{"opening bracket is never last", "一二三（四五）六", 4, []string{"一二三", "（四", "五）六"}},
		{"a name stays whole", "项目长张海波到", 5, []string{"项目长", "张海波到"}},
		{"a date stays whole", "于2026年10月31日", 7.5, []string{"于", "2026年10月31日"}},
		{"an amount stays with its unit", "投资8596万元", 5, []string{"投资", "8596万元"}},
		{"Latin breaks at spaces", "pile load test", 3, []string{"pile", "load", "test"}},
		{"a long word is cut with a hyphen", "construction", 4, []string{"constr-", "uction"}},
		{"after a hyphen", "well-known fact", 4, []string{"well-", "known", "fact"}},
		{"a lone last character is pulled down", "一二三四五六七办。", 4, []string{"一二三四", "五六", "七办。"}},
		{"a short word is cut with a hyphen too", "MPa），", 3, []string{"MP-", "a），"}},
		{"a pull-down never leaves a line half empty", "一二三四，五", 4, []string{"一二三", "四，五"}},
		{"empty", "", 4, []string{""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := texts(b.Lines([]rune(c.text), c.width, c.width, width))
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("Lines(%q, %v) = %q, want %q", c.text, c.width, got, c.want)
			}
		})
	}
}

// Corpus reads testdata/stress.txt: its paragraphs and the names its
// header lists.
func Corpus(t testing.TB) (paras []string, names []string) {
	t.Helper()
	f, err := os.Open("testdata/stress.txt")
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

// TestLinesProperties fills every paragraph of the stress corpus at every
// width from 3 to 40 characters and checks what a reader relies on.
func TestLinesProperties(t *testing.T) {
	paras, names := Corpus(t)
	if len(names) == 0 || len(paras) < 10 {
		t.Fatalf("the corpus is incomplete: %d paragraphs, names %v", len(paras), names)
	}
	b := Breaker{Tailor: Chinese, Names: names}
	checked := map[string]int{}
	for _, p := range paras {
		s := []rune(p)
		ops := b.Opportunities(s)
		spans := b.keepSpans(s)
		urls := urlSpans(s)
		inURL := func(k int) bool {
			for _, u := range urls {
				if u[0] < k && k < u[1] {
					return true
				}
			}
			return false
		}
		// run returns the unbreakable run around s[lo:hi].
		run := func(lo, hi int) []rune {
			for lo > 0 && ops[lo-1] == NoBreak {
				lo--
			}
			for hi < len(s) && ops[hi-1] == NoBreak {
				hi++
			}
			return trim(s[lo:hi])
		}
		for w := 3.0; w <= 40; w += 0.5 {
			lines := b.Lines(s, w, w, width)
			where := func() string { return "\n" + strings.Join(texts(lines), "\n") }
			// Every character is kept, in order; only spaces at breaks go.
			var joined []rune
			for _, l := range lines {
				txt := l.Text
				if l.Hyphenated {
					txt = txt[:len(txt)-1]
				}
				if string(txt) != string(s[l.Start:l.End]) {
					t.Fatalf("width %v: line %q is not the text at %d–%d%s", w, string(l.Text), l.Start, l.End, where())
				}
				joined = append(joined, txt...)
			}
			if ink(string(joined)) != ink(p) {
				t.Fatalf("width %v: characters lost%s", w, where())
			}
			for i, l := range lines {
				lw := 0.0
				for _, r := range l.Text {
					lw += width(r)
				}
				if lw > w+1e-9 && len(l.Text) > 1 {
					t.Errorf("width %v: line %q is %.2f wide", w, string(l.Text), lw)
				}
				if i > 0 && len(l.Text) > 0 && NoLineStart(l.Text[0]) {
					t.Errorf("width %v: a line starts with %q%s", w, l.Text[0], where())
					checked["kinsoku"]++
				}
				if i < len(lines)-1 && len(l.Text) > 0 && NoLineEnd(l.Text[len(l.Text)-1]) {
					t.Errorf("width %v: a line ends with %q%s", w, l.Text[len(l.Text)-1], where())
				}
				if i == len(lines)-1 {
					continue
				}
				next := lines[i+1]
				// A Latin word is cut only with a hyphen.
				a, c := s[l.End-1], s[next.Start]
				if l.End == next.Start && letter(a) && letter(c) && !l.Hyphenated && !inURL(l.End) {
					t.Errorf("width %v: a word is cut without a hyphen: %q / %q", w, string(l.Text), string(next.Text))
				}
				if l.Hyphenated {
					checked["hyphen"]++
				}
				// Nothing kept together is split, unless the run it is part
				// of is wider than a line.
				for _, sp := range spans {
					if sp[0] < next.Start && next.Start < sp[1] && spanWidth(run(sp[0], sp[1])) <= w {
						t.Errorf("width %v: %q is split%s", w, string(s[sp[0]:sp[1]]), where())
					}
				}
			}
			// No single character alone on the last line, where one can be
			// pulled down to it without leaving the line before half empty.
			if n := len(lines); n >= 2 && weight(lines[n-1].Text) == 1 {
				prev, last := lines[n-2], lines[n-1]
				for q := prev.End - 1; q > prev.Start; q-- {
					if ops[q-1] == Allowed && spanWidth(trim(s[q:last.End])) <= w && weight(s[prev.Start:q]) > 0 && spanWidth(trim(s[prev.Start:q])) >= w/2 {
						t.Errorf("width %v: %q is alone on the last line, but %q could join it%s", w, string(last.Text), string(s[q:prev.End]), where())
						break
					}
				}
			}
			if n := len(lines); n >= 2 && weight(lines[n-1].Text) >= 2 {
				checked["last line"]++
			}
		}
	}
	if checked["hyphen"] == 0 || checked["last line"] == 0 {
		t.Errorf("the corpus does not exercise hyphens and last lines: %v", checked)
	}
}

func letter(r rune) bool { return unicode.IsLetter(r) && isNarrow(r) }

func spanWidth(t []rune) float64 {
	w := 0.0
	for _, r := range t {
		w += width(r)
	}
	return w
}

func trim(t []rune) []rune {
	for len(t) > 0 && IsSpace(t[len(t)-1]) {
		t = t[:len(t)-1]
	}
	return t
}

func ink(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
