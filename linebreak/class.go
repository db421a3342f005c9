package linebreak

import "sort"

// Class is a Line_Break property value of UAX #14.
type Class uint8

// The Line_Break classes, in the order gen.go's classNames lists them.
const (
	XX  Class = iota // unknown
	AI               // ambiguous (alphabetic or ideographic)
	AL               // alphabetic
	B2               // break opportunity before and after (em dash)
	BA               // break after
	BB               // break before
	BK               // mandatory break
	CB               // contingent break
	CJ               // conditional Japanese starter
	CL               // close punctuation
	CM               // combining mark
	CP               // close parenthesis
	CR               // carriage return
	EB               // emoji base
	EM               // emoji modifier
	EX               // exclamation / interrogation
	GL               // non-breaking ("glue")
	H2               // Hangul LV syllable
	H3               // Hangul LVT syllable
	HL               // Hebrew letter
	HY               // hyphen
	ID               // ideographic
	IN               // inseparable (leaders, ellipsis)
	IS               // infix numeric separator
	JL               // Hangul L jamo
	JT               // Hangul T jamo
	JV               // Hangul V jamo
	LF               // line feed
	NL               // next line
	NS               // nonstarter
	NU               // numeric
	OP               // open punctuation
	PO               // postfix numeric
	PR               // prefix numeric
	QU               // quotation
	RI               // regional indicator
	SA               // complex-context dependent (South East Asian)
	SG               // surrogate
	SP               // space
	SY               // symbols allowing break after
	WJ               // word joiner
	ZW               // zero width space
	ZWJ              // zero width joiner
)

// asciiClasses are the classes of ASCII, looked up without a search.
var asciiClasses = func() (t [0x80]Class) {
	for r := range t {
		t[r] = searchClass(rune(r))
	}
	return t
}()

// searchClass finds r's class in classRanges.
func searchClass(r rune) Class {
	i := sort.Search(len(classRanges), func(i int) bool { return classRanges[i].hi >= r })
	if i < len(classRanges) && classRanges[i].lo <= r {
		return classRanges[i].class
	}
	return XX
}

type classRange struct {
	lo, hi rune
	class  Class
}

// ClassOf returns r's Line_Break property as the Unicode Character
// Database gives it, before rule LB1 resolves AI, SA, SG, XX and CJ.
func ClassOf(r rune) Class {
	switch {
	case r >= 0 && r < 0x80:
		return asciiClasses[r]
	case r >= 0x4E00 && r <= 0x9FFF:
		return ID // CJK Unified Ideographs, the bulk of Chinese text
	}
	return searchClass(r)
}

// resolve applies rule LB1: AI, SG and XX become AL, CJ becomes NS (the
// strict breaking Chinese and Japanese text want), and SA becomes CM for
// combining marks and AL otherwise, since dictionary breaking of Thai and
// the like is out of scope.
func resolve(r rune) Class {
	switch c := ClassOf(r); c {
	case AI, SG, XX:
		return AL
	case CJ:
		return NS
	case SA:
		if isMark(r) {
			return CM
		}
		return AL
	default:
		return c
	}
}

func isWideBracket(r rune) bool {
	i := sort.Search(len(wideBrackets), func(i int) bool { return wideBrackets[i] >= r })
	return i < len(wideBrackets) && wideBrackets[i] == r
}

func isExtPictUnassigned(r rune) bool {
	i := sort.Search(len(extPictUnassigned), func(i int) bool { return extPictUnassigned[i].hi >= r })
	return i < len(extPictUnassigned) && extPictUnassigned[i].lo <= r
}
