package linebreak

import "unicode"

// Line is one line of a filled paragraph.
type Line struct {
	// Text is what the line prints: the spaces at its break dropped, and a
	// hyphen added when Hyphenated.
	Text []rune
	// Hyphenated marks a line that ends inside a word too long for any
	// line, with a hyphen added to say so.
	Hyphenated bool
	// Start and End are where the line's characters lie in the paragraph
	// (End excludes the added hyphen and the dropped spaces).
	Start, End int
}

// Lines fills paragraph s into lines no wider than width, the first no
// wider than first (for a first-line indent), as measured by measure.
// Lines break only at opportunities; a run with none that is wider than a
// line is cut — a Latin word with a visible hyphen, anything else at the
// widest point that keeps the Kinsoku rules. Spaces at a break are
// dropped; no other character is. When the last line would hold a single
// character (besides punctuation), the previous line gives up its last
// piece so it does not stand alone.
func (b *Breaker) Lines(s []rune, first, width float64, measure func(rune) float64) []Line {
	if len(s) == 0 {
		return []Line{{Text: []rune{}}}
	}
	ops := b.Opportunities(s)
	// kept[k] marks the places between s[k-1] and s[k] that a
	// keep-together tailoring or a web address holds.
	kept := make([]bool, len(s)+1)
	for _, sp := range b.keepSpans(s) {
		for k := sp[0] + 1; k < sp[1]; k++ {
			kept[k] = true
		}
	}
	url := make([]bool, len(s)+1)
	if b.Tailor&URLs != 0 {
		for _, sp := range urlSpans(s) {
			for k := sp[0] + 1; k < sp[1]; k++ {
				url[k] = true
			}
		}
	}
	limit := func(n int) float64 {
		if n == 0 {
			return first
		}
		return width
	}
	var lines []Line
	start := 0
	for start < len(s) {
		// Skip the spaces a break leaves at the start of a line.
		if len(lines) > 0 {
			for start < len(s) && IsSpace(s[start]) && ops[start] != Mandatory {
				start++
			}
			if start == len(s) {
				break
			}
		}
		lim := limit(len(lines))
		w := 0.0
		lastOp := -1 // the last index after which a break is allowed and fits
		end := start
		for end < len(s) {
			r := s[end]
			if !IsSpace(r) && w+measure(r) > lim+1e-9 {
				break
			}
			w += measure(r)
			end++
			if ops[end-1] == Mandatory {
				lastOp = end
				break
			}
			if ops[end-1] == Allowed {
				lastOp = end
			}
		}
		switch {
		case end == len(s):
			lines = append(lines, b.line(s, start, end, false))
			start = end
		case lastOp > start:
			lines = append(lines, b.line(s, start, lastOp, false))
			start = lastOp
		default:
			// Nothing fits up to an opportunity: cut the run.
			cut, hyphen := cutRun(s, start, end, lim, measure, kept, url)
			lines = append(lines, b.line(s, start, cut, hyphen))
			start = cut
		}
	}
	if len(lines) == 0 {
		return []Line{{Text: []rune{}}}
	}
	return b.pullDown(s, ops, lines, width, measure)
}

// line makes the line of s[start:end], trailing spaces dropped.
func (b *Breaker) line(s []rune, start, end int, hyphen bool) Line {
	e := end
	for e > start && IsSpace(s[e-1]) {
		e--
	}
	t := append([]rune(nil), s[start:e]...)
	if hyphen {
		t = append(t, '-')
	}
	return Line{Text: t, Hyphenated: hyphen, Start: start, End: e}
}

// cutRun cuts the run s[start:] that has no opportunity within the line,
// of which s[start:end] fits the line. In order of preference it cuts at
// the widest point in the line's second half that the Kinsoku rules allow,
// that is not inside a word and that splits nothing kept together; then
// inside a word of letters with a visible hyphen, leaving two letters on
// each side; then at any point the Kinsoku rules allow; then at end.
// Web addresses are never hyphenated: a hyphen would change them.
func cutRun(s []rune, start, end int, lim float64, measure func(rune) float64, kept, url []bool) (int, bool) {
	if end <= start {
		return start + 1, false // a line always takes a character
	}
	letter := func(r rune) bool { return unicode.IsLetter(r) && isNarrow(r) }
	legal := func(k int) bool { return !NoLineStart(s[k]) && !NoLineEnd(s[k-1]) }
	inWord := func(k int) bool { return letter(s[k-1]) && letter(s[k]) }
	for k := end; k > start+max(1, (end-start)/2); k-- {
		if legal(k) && !inWord(k) && !kept[k] {
			return k, false
		}
	}
	// Hyphenate: two letters each side if possible, else one.
	for _, keep := range []int{2, 1} {
		w := 0.0
		for k := start; k < end; k++ {
			w += measure(s[k])
		}
		for k := end; k >= start+keep; k-- {
			if w+measure('-') <= lim+1e-9 && inWord(k) && !kept[k] && !url[k] &&
				(keep == 1 || letter(s[k-2]) && k+1 < len(s) && letter(s[k+1])) {
				return k, true
			}
			w -= measure(s[k-1])
		}
	}
	for k := end; k > start; k-- {
		if legal(k) && !inWord(k) {
			return k, false
		}
	}
	for k := end; k > start; k-- {
		if legal(k) {
			return k, inWord(k) && !url[k]
		}
	}
	return end, inWord(end) && !url[end]
}

// weight counts the characters of t a reader sees as such: punctuation and
// spaces do not count.
func weight(t []rune) int {
	n := 0
	for _, r := range t {
		if !unicode.IsPunct(r) && !IsSpace(r) {
			n++
		}
	}
	return n
}

// pullDown moves the end of the next-to-last line onto the last when the
// last holds a single character, if an opportunity allows it and the
// result fits.
func (b *Breaker) pullDown(s []rune, ops []Action, lines []Line, width float64, measure func(rune) float64) []Line {
	n := len(lines)
	if n < 2 {
		return lines
	}
	last, prev := lines[n-1], lines[n-2]
	if weight(last.Text) != 1 || prev.Hyphenated || ops[prev.End-1] == Mandatory {
		return lines
	}
	prevStart := prev.Start
	for q := prev.End - 1; q > prevStart; q-- {
		if ops[q-1] != Allowed {
			continue
		}
		moved := b.line(s, q, last.End, false)
		w := 0.0
		for _, r := range moved.Text {
			w += measure(r)
		}
		if w > width+1e-9 {
			return lines
		}
		kept := b.line(s, prevStart, q, false)
		kw := 0.0
		for _, r := range kept.Text {
			kw += measure(r)
		}
		if weight(kept.Text) == 0 || kw < width/2 {
			// Better one character alone than a line left half empty.
			return lines
		}
		out := append(lines[:n-2:n-2], kept, moved)
		return out
	}
	return lines
}
