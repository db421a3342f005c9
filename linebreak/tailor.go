package linebreak

import (
	"strings"
	"unicode"
)

// Tailoring is a set of deliberate departures from UAX #14's default
// breaking, each for a rule of Chinese official documents or of print.
// Each flag is tested on its own against Default.
type Tailoring uint32

// The tailorings.
const (
	// Kinsoku applies the 行首行尾禁则 of GB/T 15834 and the W3C's
	// "Requirements for Chinese Text Layout": the marks in NoLineStart never
	// begin a line (。，、；：？！）》」』】…), those in NoLineEnd never end one
	// (（《「『【 and currency signs), where UAX #14 alone would allow it
	// (before the middle dot ·, the dash —, the wave dash ～, say).
	Kinsoku Tailoring = 1 << iota
	// ChineseQuotes treats “ and ‘ as opening and ” and ’ as closing
	// brackets. UAX #14 15.0 gives them class QU, which forbids a break on
	// either side, so a quoted phrase in Chinese would glue itself to the
	// characters around it.
	ChineseQuotes
	// Dates keeps 2026年10月31日, 2026年10月 and 10月31日 on one line.
	Dates
	// Amounts keeps a number with its unit: 8596万元, 12.5亿元, 300平方米.
	Amounts
	// Counts keeps a number with its measure word (量词): 8项, 3个月, 第12层.
	Counts
	// HouseNumbers keeps 55号 and 3号楼 whole.
	HouseNumbers
	// Names keeps each of Breaker.Names whole wherever it appears.
	Names
	// LatinWords breaks Latin text only at spaces and after hyphens and
	// dashes, never after / or between letters and punctuation, as UAX #14
	// would ("and/or", "(a)b").
	LatinWords
	// URLs breaks a web address only after / - ? & = (never inside its
	// scheme), and nowhere else in it.
	URLs

	// Chinese is every tailoring: what fieldbrief's documents use.
	Chinese = Kinsoku | ChineseQuotes | Dates | Amounts | Counts | HouseNumbers | Names | LatinWords | URLs
)

// Breaker finds break opportunities with a set of tailorings.
type Breaker struct {
	Tailor Tailoring
	// Names are kept whole when Tailor has Names: the personal names of a
	// register's 项目长 and of the inspectors, for example.
	Names []string
}

// NoLineStart reports the characters the Kinsoku tailoring never puts at
// the start of a line: closing brackets and quotes, pause and stop marks,
// and marks that belong to the character before them.
func NoLineStart(r rune) bool {
	switch r {
	case '，', '。', '、', '；', '：', '？', '！', '）', '》', '」', '』', '】', '〕', '〉', '〗', '〙', '〛',
		'］', '｝', '＞', '…', '‥', '⋯', '—', '～', '·', '・', '’', '”', '％', '‰', '℃', '°', '．', '｡', '､', '｣',
		',', '.', ';', ':', '?', '!', ')', ']', '}', '%', '〜', '〟', '゛', '゜', 'ー',
		'ぁ', 'ぃ', 'ぅ', 'ぇ', 'ぉ', 'っ', 'ゃ', 'ゅ', 'ょ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ッ', 'ャ', 'ュ', 'ョ':
		return true
	}
	return false
}

// NoLineEnd reports the characters the Kinsoku tailoring never leaves at the
// end of a line: opening brackets and quotes, and currency signs that belong
// to the amount after them.
func NoLineEnd(r rune) bool {
	switch r {
	case '（', '《', '「', '『', '【', '〔', '〈', '〖', '〘', '〚', '［', '｛', '＜', '‘', '“', '〝',
		'(', '[', '{', '￥', '＄', '£', '¥', '$':
		return true
	}
	return false
}

// IsSpace reports a character at which a line may break and which is not
// printed at the end of a line. U+00A0 is not one: it means "do not break
// here".
func IsSpace(r rune) bool {
	return r == ' ' || r == '\u3000' || r == '\t' || (r != '\u00A0' && r != '\u202F' && r != '\n' && unicode.IsSpace(r))
}

// Opportunities returns the break opportunities of s: out[i] is what may
// happen after s[i]; the last entry is Mandatory.
func (b *Breaker) Opportunities(s []rune) []Action {
	cls := make([]Class, len(s))
	for i, r := range s {
		cls[i] = resolve(r)
		if b.Tailor&ChineseQuotes != 0 {
			switch r {
			case '“', '‘':
				cls[i] = OP
			case '”', '’':
				cls[i] = CL
			}
		}
	}
	out := pairs(s, cls)
	if b.Tailor&Kinsoku != 0 {
		for i := 0; i+1 < len(s); i++ {
			if out[i] != Allowed {
				continue
			}
			// What ends the line is the last character before the spaces
			// the break drops.
			j := i
			for j > 0 && IsSpace(s[j]) {
				j--
			}
			if NoLineStart(s[i+1]) || NoLineEnd(s[j]) {
				out[i] = NoBreak
			}
		}
	}
	if b.Tailor&LatinWords != 0 {
		for i := 0; i+1 < len(s); i++ {
			if out[i] == Allowed && isNarrow(s[i]) && isNarrow(s[i+1]) && !breaksAfter(s[i]) {
				out[i] = NoBreak
			}
		}
	}
	for _, sp := range b.keepSpans(s) {
		for k := sp[0]; k < sp[1]-1; k++ {
			if out[k] == Allowed {
				out[k] = NoBreak
			}
		}
	}
	if b.Tailor&URLs != 0 {
		for _, sp := range urlSpans(s) {
			for k := sp[0]; k < sp[1]-1; k++ {
				out[k] = NoBreak
				if k >= sp[2] && strings.ContainsRune("/-?&=", s[k]) && s[k+1] != '/' {
					out[k] = Allowed
				}
			}
		}
	}
	return out
}

// isNarrow reports a character of Latin-like text: neither a space nor
// ideographic, kana, Hangul or a full-width form.
func isNarrow(r rune) bool {
	if IsSpace(r) || r >= 0x2E80 {
		return false
	}
	switch resolve(r) {
	case ID, EB, EM, BK, CR, LF, NL, ZW, CB:
		return false
	}
	return true
}

// breaksAfter reports the hyphens and dashes after which Latin text may
// break.
func breaksAfter(r rune) bool {
	switch r {
	case '-', '\u2010', '\u2012', '\u2013', '\u2014', '\u00AD':
		return true
	}
	return false
}

// keepSpans returns the [start, end) ranges of s the keep-together
// tailorings hold on one line.
func (b *Breaker) keepSpans(s []rune) [][2]int {
	var spans [][2]int
	if b.Tailor&Names != 0 && len(b.Names) > 0 {
		names := make([][]rune, 0, len(b.Names))
		for _, name := range b.Names {
			if n := []rune(strings.TrimSpace(name)); len(n) >= 2 {
				names = append(names, n)
			}
		}
		for i, r := range s {
			if r < 0x80 {
				continue // names are Chinese; skip the cheap cases fast
			}
			for _, n := range names {
				if n[0] == r && i+len(n) <= len(s) && equalRunes(s[i:i+len(n)], n) {
					spans = append(spans, [2]int{i, i + len(n)})
				}
			}
		}
	}
	if b.Tailor&(Dates|Amounts|Counts|HouseNumbers) == 0 {
		return spans
	}
	for i := 0; i < len(s); {
		if !isDigit(s[i]) {
			i++
			continue
		}
		start := i
		end := number(s, i)
		if e := b.afterNumber(s, end); e > end {
			if b.Tailor&Counts != 0 && start > 0 && s[start-1] == '第' {
				start--
			}
			spans = append(spans, [2]int{start, e})
			i = e
			continue
		}
		i = end
	}
	return spans
}

// afterNumber returns where a kept-together unit, measure word, date or
// house number that follows a number ending at i ends, or i if none does.
func (b *Breaker) afterNumber(s []rune, i int) int {
	if b.Tailor&Dates != 0 {
		if e := date(s, i); e > i {
			return e
		}
	}
	if b.Tailor&HouseNumbers != 0 && i < len(s) && s[i] == '号' {
		return i + 1 + prefixOf(s[i+1:], houseSuffixes)
	}
	if b.Tailor&Amounts != 0 {
		if n := prefixOf(s[i:], units); n > 0 {
			return i + n
		}
	}
	if b.Tailor&Counts != 0 {
		if n := prefixOf(s[i:], measureWords); n > 0 {
			return i + n
		}
	}
	return i
}

// date continues a date after the number ending at i: 年 with an optional
// month and day, or 月 with a day.
func date(s []rune, i int) int {
	at := func(k int, r rune) bool { return k < len(s) && s[k] == r }
	switch {
	case at(i, '年'):
		e := i + 1
		if k := number(s, e); k > e && at(k, '月') {
			e = k + 1
			if k := number(s, e); k > e && (at(k, '日') || at(k, '号')) {
				e = k + 1
			}
		}
		return e
	case at(i, '月'):
		if k := number(s, i+1); k > i+1 && (at(k, '日') || at(k, '号')) {
			return k + 1
		}
		return i + 1
	}
	return i
}

// number returns the end of the number starting at i: digits, with
// decimal points and thousands separators between digits.
func number(s []rune, i int) int {
	for i < len(s) {
		switch {
		case isDigit(s[i]):
			i++
		case (s[i] == '.' || s[i] == ',') && i+1 < len(s) && isDigit(s[i+1]) && i > 0 && isDigit(s[i-1]):
			i++
		default:
			return i
		}
	}
	return i
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

// units follow an amount; longer ones first, so the longest matches.
var units = []string{
	"万平方米", "平方公里", "平方米", "立方米", "个百分点", "百分点", "千万元", "百万元", "亿元", "万元", "千瓦时",
	"千瓦", "兆瓦", "千伏", "公里", "千米", "万吨", "万人", "亿", "万", "元", "吨", "米", "倍", "亩",
}

// measureWords are the 量词 counts take in the registers and reports.
var measureWords = []string{
	"个工作日", "个月", "小时", "分钟", "项", "个", "次", "家", "人", "名", "天", "日", "周", "月", "年", "处",
	"台", "套", "栋", "幢", "层", "根", "组", "份", "条", "件", "户", "辆", "座", "批", "宗", "期", "页", "张", "支",
	"道", "段", "块", "间", "节", "所", "类", "种", "位", "轮", "标",
}

var houseSuffixes = []string{"地块", "楼", "线", "院", "门", "桩", "机", "库"}

// prefixOf returns the length of the longest word of list that s starts
// with, or 0.
func prefixOf(s []rune, list []string) int {
	best := 0
	for _, w := range list {
		n := 0
		ok := true
		for _, r := range w {
			if n >= len(s) || s[n] != r {
				ok = false
				break
			}
			n++
		}
		if ok && n > best {
			best = n
		}
	}
	return best
}

func equalRunes(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// urlSpans returns, for each web address in s, its start, its end, and
// where its scheme ("https://") ends: breaks fall only after that.
func urlSpans(s []rune) [][3]int {
	var out [][3]int
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c != 'h' && c != 'w' || i > 0 && isNarrow(s[i-1]) && unicode.IsLetter(s[i-1]) {
			continue
		}
		rest := strings.ToLower(string(s[i:min(len(s), i+8)]))
		scheme := 0
		switch {
		case strings.HasPrefix(rest, "https://"):
			scheme = 8
		case strings.HasPrefix(rest, "http://"):
			scheme = 7
		case strings.HasPrefix(rest, "www."):
			scheme = 4
		default:
			continue
		}
		e := i
		for e < len(s) && isNarrow(s[e]) && !IsSpace(s[e]) {
			e++
		}
		// Closing punctuation after an address belongs to the sentence.
		for e > i+scheme && strings.ContainsRune(".,;:!?)]}'\"", s[e-1]) {
			e--
		}
		out = append(out, [3]int{i, e, i + scheme})
		i = e
	}
	return out
}
