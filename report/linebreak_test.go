package report

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// unitWidth measures a Chinese or full-width character as 1 and anything
// else as 0.5, so expected lines can be worked out by hand.
func unitWidth(r rune) float64 {
	if isWordRune(r) || r == ' ' {
		return 0.5
	}
	return 1
}

func lineStrings(ls [][]rune) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = string(l)
	}
	return out
}

func TestBreakLinesExamples(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		width float64
		want  []string
	}{
		{"plain Chinese fills lines", "一二三四五六七八九十", 4, []string{"一二三四", "五六七八", "九十"}},
		{"comma is never first: the character before moves with it", "一二三四，五六", 4, []string{"一二三", "四，五六"}},
		{"two closing marks stay with the character before", "一二三四。”五", 4, []string{"一二三", "四。”五"}},
		{"opening bracket is never last", "一二三（四五）", 4, []string{"一二三", "（四五）"}},
		{"opening quote moves to the next line", "一二三“四”", 4, []string{"一二三", "“四”"}},
		{"grade and strength stay whole", "强度C30混凝土", 4, []string{"强度C30", "混凝土"}},
		{"number with unit stays whole", "实测28.5MPa偏低", 5, []string{"实测", "28.5MPa偏", "低"}},
		{"elevation stays whole", "标高±0.000处", 4, []string{"标高", "±0.000处"}},
		{"unit with superscript stays whole", "面积12500m²。", 5, []string{"面积", "12500m²。"}},
		{"ellipsis is never split", "一二三……四", 4, []string{"一二", "三……四"}},
		{"latin breaks at spaces, space dropped", "pile load test", 4, []string{"pile", "load", "test"}},
		{"a word longer than the line is cut", "RFI-0342-closed", 3, []string{"RFI-03", "42-clo", "sed"}},
		{"circled numbers break like Chinese", "①一二②三四", 3, []string{"①一二", "②三四"}},
		{"percent and semicolon stay with the number", "完成率为31.0%；", 4, []string{"完成率为", "31.0%；"}},
		{"ASCII comma after Chinese never first", "一二三四, ab", 4, []string{"一二三", "四, ab"}},
		{"empty paragraph keeps one empty line", "", 4, []string{""}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := lineStrings(breakLines([]rune(c.text), c.width, unitWidth))
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Errorf("breakLines(%q, %v) = %q, want %q", c.text, c.width, got, c.want)
			}
		})
	}
}

func TestBreakIndentedFirstLineNarrower(t *testing.T) {
	got := lineStrings(breakIndented([]rune("一二三四五六七八"), 2, 4, unitWidth))
	want := []string{"一二", "三四五六", "七八"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// stressTokens is what random paragraphs are built from: Chinese
// characters, every mark the rules care about, Latin words and numbers with
// units.
var stressTokens = func() []string {
	toks := strings.Split("督 查 项 目 混 凝 土 强 度 施 工 单 位 整 改 期 限 ① ② ③ ℃ m² C30 28.5MPa ±0.000 12,500m² BIM Φ800@1200 2025-03-12 ok", " ")
	for _, r := range "，。、；：？！）》」』】〕〉…—～·’”％,.;:?!)]}%（《「『【〔〈‘“([{￥" {
		toks = append(toks, string(r))
	}
	return append(toks, " ", "……", "——")
}()

func TestBreakLinesRandomKeepsEveryCharacterAndTheRules(t *testing.T) {
	fonts := testFonts(t)
	width := func(r rune) float64 { return fonts.width(false, bodySize, r) }
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 3000 {
		var b strings.Builder
		n := 5 + rng.IntN(120)
		for range n {
			b.WriteString(stressTokens[rng.IntN(len(stressTokens))])
		}
		text := []rune(strings.TrimSpace(b.String()))
		// The widest run that may not be broken decides the narrowest line
		// on which the rules can always be kept.
		widest, segW := 0.0, 0.0
		for i, r := range text {
			if i > 0 && canBreakBefore(text, i) {
				segW = 0
			}
			segW += width(r)
			widest = max(widest, segW)
		}
		maxW := widest + rng.Float64()*80
		lines := breakLines(text, maxW, width)

		var joined []rune
		for li, l := range lines {
			joined = append(joined, l...)
			if w := measure(l, width); w > maxW+1e-9 {
				t.Fatalf("iter %d: line %d %q is %.2f mm wide, limit %.2f", iter, li, string(l), w, maxW)
			}
			if len(l) == 0 {
				t.Fatalf("iter %d: empty line %d in %q", iter, li, string(text))
			}
			if li > 0 && noLineStart(l[0]) {
				t.Errorf("iter %d: line %d starts with %q: %q", iter, li, l[0], lineStrings(lines))
			}
			if li < len(lines)-1 && noLineEnd(l[len(l)-1]) {
				t.Errorf("iter %d: line %d ends with %q: %q", iter, li, l[len(l)-1], lineStrings(lines))
			}
			if li > 0 && isSpace(l[0]) || isSpace(l[len(l)-1]) {
				t.Errorf("iter %d: line %d %q has a space at an edge", iter, li, string(l))
			}
		}
		if i, diff := firstDiff(ink(string(text)), ink(string(joined))); i >= 0 {
			t.Fatalf("iter %d: characters lost or reordered at %d: %s", iter, i, diff)
		}
	}
}

func TestFitCountPrefersALegalCut(t *testing.T) {
	// A word too long for the line, where the widest cut would put ")"
	// first on the next line.
	seg := []rune("abc)def")
	if k := fitCount(seg, 1.5, unitWidth); k != 2 {
		t.Errorf("fitCount = %d, want 2 (cut before \"c)\" so no line starts with \")\")", k)
	}
	if k := fitCount([]rune("一二"), 0.1, unitWidth); k != 1 {
		t.Errorf("fitCount on a too-narrow line = %d, want 1: a line always takes a character", k)
	}
}
