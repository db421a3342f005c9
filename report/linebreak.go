package report

import "unicode"

// Chinese line-breaking rules (行首行尾禁则), after GB/T 15834 and the W3C
// "Requirements for Chinese Text Layout". The sets also hold the ASCII
// marks, because mixed text puts "," or ")" right after a Chinese character.

// noLineStart reports the characters that must not begin a line: closing
// brackets and quotes, pause and stop marks, and marks that belong to the
// character before them.
func noLineStart(r rune) bool {
	switch r {
	case '，', '。', '、', '；', '：', '？', '！', '）', '》', '」', '』', '】', '〕', '〉', '〗', '〙', '〛',
		'］', '｝', '＞', '…', '‥', '—', '～', '·', '・', '’', '”', '％', '‰', '℃', '°', '．', '｡', '､', '｣',
		',', '.', ';', ':', '?', '!', ')', ']', '}', '%', '〜', '〟', '゛', '゜', 'ー',
		'ぁ', 'ぃ', 'ぅ', 'ぇ', 'ぉ', 'っ', 'ゃ', 'ゅ', 'ょ', 'ァ', 'ィ', 'ゥ', 'ェ', 'ォ', 'ッ', 'ャ', 'ュ', 'ョ':
		return true
	}
	return false
}

// noLineEnd reports the characters that must not end a line: opening
// brackets and quotes, and currency signs that belong to the amount after them.
func noLineEnd(r rune) bool {
	switch r {
	case '（', '《', '「', '『', '【', '〔', '〈', '〖', '〘', '〚', '［', '｛', '＜', '‘', '“', '〝',
		'(', '[', '{', '￥', '＄', '£', '¥', '$':
		return true
	}
	return false
}

// isWordRune reports the characters that stay together with their
// neighbours of the same kind, as Latin words and numbers with units do
// ("C30", "28.5MPa", "±0.000", "m²", "30℃"). Everything else — Chinese
// characters, full-width forms, circled numbers, general punctuation — may
// be broken before or after, subject to the 禁则.
func isWordRune(r rune) bool {
	switch {
	case r == ' ' || r == '\u00A0' || r == '\u3000':
		return false
	case r < 0x2000:
		// ASCII, Latin, Greek (Φ12 rebar), Cyrillic and the like.
		return r != '\u00B7'
	case r >= 0x2070 && r <= 0x209F: // super- and subscripts
		return true
	case r >= 0x20A0 && r <= 0x215F: // currency, letterlike (℃, №), fractions
		return true
	case r >= 0x2160 && r <= 0x218F: // Roman numerals
		return true
	case r >= 0x2200 && r <= 0x22FF: // mathematical operators (≤ ≥ ≈ ×)
		return true
	case r >= 0xFB00 && r <= 0xFB4F: // Latin ligatures
		return true
	}
	return false
}

// isSpace reports a space at which a line may break and which is not
// printed at the end of a line. U+00A0 is excluded on purpose: it means "do
// not break here".
func isSpace(r rune) bool {
	return r == ' ' || r == '\u3000' || (r != '\u00A0' && unicode.IsSpace(r) && r != '\n')
}

// canBreakBefore reports whether a line may end between t[i-1] and t[i].
func canBreakBefore(t []rune, i int) bool {
	a, b := t[i-1], t[i]
	if isSpace(b) {
		// Spaces hang at the end of the line they follow.
		return false
	}
	if noLineStart(b) || noLineEnd(a) {
		return false
	}
	if a == b && (a == '…' || a == '—' || a == '⋯' || a == '－') {
		// 省略号 …… and 破折号 —— are one mark printed as two halves.
		return false
	}
	if isSpace(a) {
		// The spaces will be dropped, so what ends the line is the last
		// character before them.
		j := i - 1
		for j > 0 && isSpace(t[j]) {
			j--
		}
		return !noLineEnd(t[j])
	}
	if a == '\u00A0' || b == '\u00A0' {
		return false
	}
	return !(isWordRune(a) && isWordRune(b))
}

// breakLines splits one paragraph (no '\n') into lines no wider than maxW,
// as measured by width. Breaks fall only where canBreakBefore allows; a run
// that cannot fit on a line of its own is cut at the widest point that still
// keeps the 禁则, or, if no such point exists, at the widest point. Spaces
// at a break are dropped; no other character is ever dropped.
func breakLines(t []rune, maxW float64, width func(rune) float64) [][]rune {
	return breakIndented(t, maxW, maxW, width)
}

// breakIndented is breakLines with a first line of its own width, for a
// paragraph whose first line is indented.
func breakIndented(t []rune, firstW, maxW float64, width func(rune) float64) [][]rune {
	if len(t) == 0 {
		return [][]rune{{}}
	}
	// Cut the text into segments that must not be split.
	var segs [][]rune
	start := 0
	for i := 1; i < len(t); i++ {
		if canBreakBefore(t, i) {
			segs = append(segs, t[start:i])
			start = i
		}
	}
	segs = append(segs, t[start:])

	var lines [][]rune
	var line []rune
	lineW := 0.0
	flush := func() {
		lines = append(lines, trimTrailingSpace(line))
		line, lineW = nil, 0
	}
	for len(segs) > 0 {
		seg := segs[0]
		segs = segs[1:]
		if len(line) == 0 && len(lines) > 0 {
			seg = trimLeadingSpace(seg)
			if len(seg) == 0 {
				continue
			}
		}
		limit := maxW
		if len(lines) == 0 {
			limit = firstW
		}
		inkW := measure(trimTrailingSpace(seg), width)
		if lineW+inkW <= limit {
			line = append(line, seg...)
			lineW += measure(seg, width)
			continue
		}
		if len(line) > 0 {
			flush()
			segs = append([][]rune{seg}, segs...)
			continue
		}
		// The segment alone is too wide: cut it.
		k := fitCount(seg, limit, width)
		head, tail := seg[:k], seg[k:]
		line = append(line, head...)
		flush()
		segs = append([][]rune{tail}, segs...)
	}
	if len(line) > 0 || len(lines) == 0 {
		flush()
	}
	return lines
}

// fitCount says how many leading runes of seg go on a line of width maxW
// when seg as a whole does not fit: at least one, preferring a cut the 禁则
// allow.
func fitCount(seg []rune, maxW float64, width func(rune) float64) int {
	n, w := 0, 0.0
	for n < len(seg) && w+width(seg[n]) <= maxW {
		w += width(seg[n])
		n++
	}
	if n == 0 {
		return 1
	}
	if n >= len(seg) {
		return len(seg)
	}
	for k := n; k > 0; k-- {
		if !noLineStart(seg[k]) && !noLineEnd(seg[k-1]) {
			return k
		}
	}
	return n
}

func measure(t []rune, width func(rune) float64) float64 {
	w := 0.0
	for _, r := range t {
		w += width(r)
	}
	return w
}

func trimTrailingSpace(t []rune) []rune {
	for len(t) > 0 && isSpace(t[len(t)-1]) {
		t = t[:len(t)-1]
	}
	return t
}

func trimLeadingSpace(t []rune) []rune {
	for len(t) > 0 && isSpace(t[0]) {
		t = t[1:]
	}
	return t
}
