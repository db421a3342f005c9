package linebreak

import "unicode"

// Action says what may happen between two characters.
type Action uint8

// Actions.
const (
	// NoBreak forbids a line break.
	NoBreak Action = iota
	// Allowed permits a line break.
	Allowed
	// Mandatory requires one (after a line feed, say, and at the end of
	// the text).
	Mandatory
)

func isMark(r rune) bool { return unicode.In(r, unicode.Mn, unicode.Mc) }

// Default returns the break opportunities of UAX #14's default algorithm
// (Unicode 15.0, with the tailoring of numbers of its section 8.2, example
// 7, which the conformance test uses): out[i] is what may happen after
// s[i]. The last entry is Mandatory (rule LB3).
func Default(s []rune) []Action {
	cls := make([]Class, len(s))
	for i, r := range s {
		cls[i] = resolve(r)
	}
	return pairs(s, cls)
}

// pairs runs rules LB4 to LB31 over already resolved classes.
func pairs(s []rune, cls []Class) []Action {
	n := len(s)
	out := make([]Action, n)
	if n == 0 {
		return out
	}
	out[n-1] = Mandatory

	// State about what precedes the pair being decided. x is the class of
	// the cluster the previous character belongs to after LB9 and LB10
	// (a base with its combining marks); xBase is that base character.
	x := cls[0]
	xBase := s[0]
	if x == CM || x == ZWJ {
		x = AL // LB10: a mark with nothing to attach to
	}
	beforeX := XX  // the cluster before x
	lastNonSP := x // the last cluster that is not a space
	numeric := 0   // 1 inside NU (NU|SY|IS)*, 2 after its closing CL or CP
	riRun := 0     // regional indicators in a row, x included
	if x == NU {
		numeric = 1
	}
	if x == RI {
		riRun = 1
	}
	for i := 1; i < n; i++ {
		a, b := cls[i-1], cls[i]
		act := decide(s, cls, i, a, b, x, xBase, beforeX, lastNonSP, numeric, riRun)
		out[i-1] = act
		// LB9: a mark attaches to what it follows, unless that is a space
		// or a break; the cluster keeps its class.
		if (b == CM || b == ZWJ) && !isBreakOrSpace(x) && act == NoBreak && a != BK && a != CR && a != LF && a != NL {
			continue
		}
		B := b
		if B == CM || B == ZWJ {
			B = AL
		}
		switch {
		case B == NU:
			numeric = 1
		case numeric == 1 && (B == SY || B == IS):
		case numeric == 1 && (B == CL || B == CP):
			numeric = 2
		default:
			numeric = 0
		}
		if B == RI {
			riRun++
		} else {
			riRun = 0
		}
		beforeX, x, xBase = x, B, s[i]
		if B != SP {
			lastNonSP = B
		}
	}
	return out
}

func isBreakOrSpace(c Class) bool {
	switch c {
	case SP, BK, CR, LF, NL, ZW:
		return true
	}
	return false
}

// decide applies the rules to the pair (s[i-1], s[i]).
func decide(s []rune, cls []Class, i int, a, b, x Class, xBase rune, beforeX, lastNonSP Class, numeric, riRun int) Action {
	// LB4, LB5: after hard line breaks.
	switch a {
	case BK, LF, NL:
		return Mandatory
	case CR:
		if b == LF {
			return NoBreak
		}
		return Mandatory
	}
	// LB6, LB7.
	switch b {
	case BK, CR, LF, NL, SP, ZW:
		return NoBreak
	}
	// LB8: ZW SP* ÷.
	if lastNonSP == ZW && (x == ZW || x == SP) {
		return Allowed
	}
	// LB8a.
	if a == ZWJ {
		return NoBreak
	}
	// LB9, LB10.
	if b == CM || b == ZWJ {
		if !isBreakOrSpace(x) {
			return NoBreak
		}
		b = AL
	}
	A, B := x, b
	switch {
	case A == WJ || B == WJ: // LB11
		return NoBreak
	case A == GL: // LB12
		return NoBreak
	case B == GL && A != SP && A != BA && A != HY: // LB12a
		return NoBreak
	case B == CL || B == CP || B == EX || B == IS || B == SY: // LB13
		return NoBreak
	case lastNonSP == OP && (A == OP || A == SP): // LB14
		return NoBreak
	case lastNonSP == QU && (A == QU || A == SP) && B == OP: // LB15
		return NoBreak
	case (lastNonSP == CL || lastNonSP == CP) && (A == lastNonSP || A == SP) && B == NS: // LB16
		return NoBreak
	case lastNonSP == B2 && (A == B2 || A == SP) && B == B2: // LB17
		return NoBreak
	case A == SP: // LB18
		return Allowed
	case A == QU || B == QU: // LB19
		return NoBreak
	case A == CB || B == CB: // LB20
		return Allowed
	case B == BA || B == HY || B == NS || A == BB: // LB21
		return NoBreak
	case beforeX == HL && (A == HY || A == BA): // LB21a
		return NoBreak
	case A == SY && B == HL: // LB21b
		return NoBreak
	case B == IN: // LB22
		return NoBreak
	case (A == AL || A == HL) && B == NU, A == NU && (B == AL || B == HL): // LB23
		return NoBreak
	case A == PR && (B == ID || B == EB || B == EM), (A == ID || A == EB || A == EM) && B == PO: // LB23a
		return NoBreak
	case (A == PR || A == PO) && (B == AL || B == HL), (A == AL || A == HL) && (B == PR || B == PO): // LB24
		return NoBreak
	}
	// LB25, tailored as in UAX #14 section 8.2 example 7.
	switch {
	case (A == PR || A == PO) && B == NU:
		return NoBreak
	case (A == PR || A == PO) && (B == OP || B == HY) && nextIs(cls, i, NU):
		return NoBreak
	case (A == OP || A == HY) && B == NU:
		return NoBreak
	case numeric == 1 && (B == NU || B == SY || B == IS || B == CL || B == CP):
		return NoBreak
	case numeric >= 1 && (B == PO || B == PR):
		return NoBreak
	}
	switch {
	case A == JL && (B == JL || B == JV || B == H2 || B == H3): // LB26
		return NoBreak
	case (A == JV || A == H2) && (B == JV || B == JT):
		return NoBreak
	case (A == JT || A == H3) && B == JT:
		return NoBreak
	case isHangul(A) && B == PO, A == PR && isHangul(B): // LB27
		return NoBreak
	case (A == AL || A == HL) && (B == AL || B == HL): // LB28
		return NoBreak
	case A == IS && (B == AL || B == HL): // LB29
		return NoBreak
	case (A == AL || A == HL || A == NU) && B == OP && !isWideBracket(s[i]): // LB30
		return NoBreak
	case A == CP && !isWideBracket(xBase) && (B == AL || B == HL || B == NU):
		return NoBreak
	case A == RI && B == RI && riRun%2 == 1: // LB30a
		return NoBreak
	case B == EM && (A == EB || isExtPictUnassigned(xBase)): // LB30b
		return NoBreak
	}
	return Allowed // LB31
}

// nextIs reports whether the cluster after s[i] (marks skipped) has class c.
func nextIs(cls []Class, i int, c Class) bool {
	for j := i + 1; j < len(cls); j++ {
		if cls[j] != CM && cls[j] != ZWJ {
			return cls[j] == c
		}
	}
	return false
}

func isHangul(c Class) bool {
	switch c {
	case JL, JV, JT, H2, H3:
		return true
	}
	return false
}
