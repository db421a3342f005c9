// Package pinyinsearch matches what an inspector types in a search box
// against names: the Chinese itself, Latin letters and digits in any case,
// or the name's pinyin, in full, by initials, or any mix of the two
// ("kxc", "kexuecheng" and "kexuec" all find 科学城), as a Chinese input
// method's candidate list does. It is the only package that depends on
// github.com/mozillazg/go-pinyin.
package pinyinsearch

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// Text is a piece of text prepared for matching, so that a list searched on
// every key press looks its characters' readings up once.
type Text struct {
	lower string
	// units are the text's characters that take part in a pinyin match,
	// each with the ways it may be typed; punctuation and spaces are left
	// out so that "xbkxc" also finds 西部（重庆）科学城's first part.
	units [][]string
}

// Prepare looks up the readings of every character of s. A character with
// several readings (重: zhong, chong) matches any of them, since no
// dictionary of words decides which one a name uses.
func Prepare(s string) Text {
	t := Text{lower: strings.ToLower(s)}
	args := pinyin.NewArgs()
	args.Heteronym = true
	for _, r := range t.lower {
		switch {
		case unicode.Is(unicode.Han, r):
			readings := pinyin.SinglePinyin(r, args)
			if len(readings) == 0 {
				// A character the dictionary lacks can only be typed as itself.
				readings = []string{string(r)}
			}
			for _, p := range readings {
				// ü is typed v on a keyboard (the dictionary gives lv);
				// u is accepted too, as most input methods do.
				if strings.Contains(p, "v") {
					readings = append(readings, strings.ReplaceAll(p, "v", "u"))
				}
			}
			t.units = append(t.units, append(readings, string(r)))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			t.units = append(t.units, []string{string(r)})
		}
	}
	return t
}

// Matches reports whether the query, as typed, finds this text: a plain
// substring (case ignored), or a run of consecutive characters spelled by
// the query, each by a leading part of one of its readings.
func (t Text) Matches(query string) bool {
	q := normalise(query)
	if q == "" {
		return true
	}
	if strings.Contains(t.lower, strings.ToLower(strings.TrimSpace(query))) || strings.Contains(t.lower, q) {
		return true
	}
	// A position that failed from one start fails from any: one memo.
	seen := map[[2]int]bool{}
	for start := range t.units {
		if t.spells(start, q, seen, len(q)) {
			return true
		}
	}
	return false
}

// spells reports whether q (the last left bytes of the query) is spelled
// by the characters from unit i on. seen remembers positions already tried:
// with initials and partial syllables a query has many ways to split, and
// without it a long query on a long text would take exponential time.
func (t Text) spells(i int, q string, seen map[[2]int]bool, left int) bool {
	if q == "" {
		return true
	}
	if i == len(t.units) {
		return false
	}
	key := [2]int{i, left}
	if seen[key] {
		return false
	}
	seen[key] = true
	for _, reading := range t.units[i] {
		n := commonPrefix(reading, q)
		if n == 0 {
			continue
		}
		// A Chinese character typed as itself must be typed whole; a
		// reading may be cut anywhere after its first letter.
		shortest := 1
		if !isASCII(reading) {
			if n < len(reading) {
				continue
			}
			shortest = n
		}
		for k := n; k >= shortest; k-- {
			if t.spells(i+1, q[k:], seen, left-k) {
				return true
			}
		}
	}
	return false
}

// Matches is Prepare(s).Matches(query), for a text searched once.
func Matches(s, query string) bool {
	return Prepare(s).Matches(query)
}

// normalise lowercases the query and drops what cannot spell a character:
// spaces between syllables ("ke xue") and apostrophes ("xi'an").
func normalise(query string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(query) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// commonPrefix is the length in bytes of the longest common prefix of a
// and b, cut back to a whole character.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	for n > 0 && n < len(a) && !isRuneStart(a[n]) {
		n--
	}
	return n
}

func isRuneStart(c byte) bool { return c&0xC0 != 0x80 }

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
