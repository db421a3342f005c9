package supervision

import (
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Why a typed number was refused, so a caller (and a test) can tell the
// cases apart without reading the message. See docs/decisions/0033.
const (
	NumberEmpty      = "empty"     // nothing but spaces
	NumberGarbage    = "garbage"   // letters or signs that are not part of a number
	NumberGrouping   = "grouping"  // a comma that is not a thousands separator (1,2,3 or 12,5)
	NumberDecimals   = "decimals"  // more than one decimal point
	NumberExponent   = "exponent"  // 1e5: never typed on purpose on a checklist
	NumberUnit       = "unit"      // a unit other than the item's (亿元 for a 万元 item)
	NumberTooPrecise = "precision" // more digits than are kept exactly
)

// maxDigits is how many significant digits a number may have: a float64
// keeps 15 exactly, so the value shown beside the field is always the
// value typed.
const maxDigits = 15

// NumberError says why a typed number was refused: Reason for the
// program, and an EInvalid *Error (reached with errors.As) for a person.
type NumberError struct {
	Reason string
	Msg    *Error
}

func (e *NumberError) Error() string { return e.Msg.Error() }

// Unwrap lets errors.As find the message in both languages.
func (e *NumberError) Unwrap() error { return e.Msg }

func numberError(reason, zh, en string) *NumberError {
	return &NumberError{Reason: reason, Msg: &Error{Code: EInvalid, Zh: zh, En: en}}
}

// knownUnits are the units people type after a number on a checklist; one
// of them that is not the item's own is refused rather than dropped, so
// 1.2亿元 is never saved as 1.2 万元.
var knownUnits = []string{"亿元", "万元", "千元", "元", "%", "‰", "人", "项", "台", "个", "MPa", "米", "m", "km", "公里", "平方米", "㎡", "m²", "立方米", "m³", "天", "吨"}

// ParseNumber reads a number as people type it into a checklist item with
// the given unit. It accepts full-width digits and signs, spaces around the
// number, a comma (ASCII or full-width) as a thousands separator — 129,272
// is 129272 — and the item's own unit after the number. It refuses, with a
// reason, anything it would have to guess: a comma in a place a thousands
// separator cannot be (12,5 might be 12.5 or 125), two decimal points, an
// exponent, another unit, or more digits than are kept exactly. A refused
// value is never saved (see docs/decisions/0033).
func ParseNumber(s, unit string) (float64, error) {
	v, nerr := parseNumber(s, unit)
	if nerr != nil {
		return 0, nerr
	}
	return v, nil
}

func parseNumber(s, unit string) (float64, *NumberError) {
	s = normaliseNumber(s)
	if s == "" {
		return 0, numberError(NumberEmpty, "请输入一个数字，例如 129,272。", "Enter a number, for example 129,272.")
	}
	body, err := stripUnit(s, normaliseNumber(unit))
	if err != nil {
		return 0, err
	}
	neg := false
	switch {
	case strings.HasPrefix(body, "-"):
		neg, body = true, strings.TrimSpace(body[1:])
	case strings.HasPrefix(body, "+"):
		body = strings.TrimSpace(body[1:])
	}
	if strings.ContainsAny(body, "eE") && strings.ContainsAny(body, "0123456789") && strings.Trim(body, "0123456789.,eE+-") == "" {
		return 0, numberError(NumberExponent, "请直接写出数字，不要用科学计数法（如 1e5 请写 100,000）。",
			"Write the number out; exponents are not accepted (write 100,000, not 1e5).")
	}
	if body == "" || strings.Trim(body, "0123456789.,") != "" {
		return 0, numberError(NumberGarbage, "“"+s+"”不是一个数字；请只写数字和单位，例如 129,272。",
			"“"+s+"” is not a number; write digits and the unit only, for example 129,272.")
	}
	intPart, frac, _ := strings.Cut(body, ".")
	if strings.Contains(frac, ".") {
		return 0, numberError(NumberDecimals, "只能有一个小数点。", "A number has one decimal point at most.")
	}
	if strings.Contains(frac, ",") || !groupedOK(intPart) {
		return 0, numberError(NumberGrouping, "逗号只能用作千位分隔（如 129,272）；小数请用小数点（如 12.5）。",
			"A comma may only separate thousands (129,272); write decimals with a point (12.5).")
	}
	intPart = strings.ReplaceAll(intPart, ",", "")
	if intPart == "" && frac == "" {
		return 0, numberError(NumberGarbage, "请输入一个数字，例如 129,272。", "Enter a number, for example 129,272.")
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	digits = strings.TrimRight(digits, "0")
	if len(digits) > maxDigits {
		return 0, numberError(NumberTooPrecise, "数字位数太多（最多 15 位有效数字）。", "Too many digits (15 significant digits at most).")
	}
	plain := intPart
	if plain == "" {
		plain = "0"
	}
	if frac != "" {
		plain += "." + frac
	}
	v, perr := strconv.ParseFloat(plain, 64)
	if perr != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, numberError(NumberTooPrecise, "数字太大。", "The number is too large.")
	}
	if neg && v != 0 {
		v = -v
	}
	return v, nil
}

// normaliseNumber turns full-width characters into their ASCII forms, the
// full-width comma into a comma and the minus signs into '-', and trims
// every kind of space around the text.
func normaliseNumber(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '．' || r == '。':
			return '.'
		case r == '，':
			return ','
		case r == '－' || r == '−':
			return '-'
		case r == '＋':
			return '+'
		case r == '％':
			return '%'
		case r >= 'Ａ' && r <= 'Ｚ':
			return 'A' + (r - 'Ａ')
		case r >= 'ａ' && r <= 'ｚ':
			return 'a' + (r - 'ａ')
		}
		return r
	}, s)
	return strings.TrimFunc(s, unicode.IsSpace)
}

// stripUnit removes the item's unit after the number, and refuses any other
// known unit or trailing word.
func stripUnit(s, unit string) (string, *NumberError) {
	if unit != "" {
		if rest, ok := strings.CutSuffix(s, unit); ok {
			return strings.TrimFunc(rest, unicode.IsSpace), nil
		}
	}
	for _, u := range knownUnits {
		if rest, ok := strings.CutSuffix(s, u); ok && rest != "" && strings.ContainsAny(rest[len(rest)-1:], "0123456789. ") {
			if unit == "" {
				return "", numberError(NumberUnit, "此项没有单位，请只写数字。", "This item has no unit; write the number only.")
			}
			return "", numberError(NumberUnit, "此项的单位是“"+unit+"”，请换算后只写数字（如 1.2亿元 写作 12,000）。",
				"This item is in “"+unit+"”; convert and write the number only (1.2亿元 is 12,000 万元).")
		}
	}
	return s, nil
}

// groupedOK reports whether the integer part uses commas as thousands
// separators correctly: none at all, or groups of three after a first
// group of one to three digits.
func groupedOK(intPart string) bool {
	if !strings.Contains(intPart, ",") {
		return true
	}
	groups := strings.Split(intPart, ",")
	if len(groups[0]) < 1 || len(groups[0]) > 3 {
		return false
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return false
		}
	}
	return true
}

// FormatNumber writes v the way the app shows it beside the field and the
// documents print it: thousands separated by commas, no trailing zeros,
// and the unit after a space (a percent sign directly). ParseNumber reads
// it back to exactly v.
func FormatNumber(v float64, unit string) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasDot := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasDot {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	switch unit {
	case "":
	case "%", "‰":
		b.WriteString(unit)
	default:
		b.WriteString(" " + unit)
	}
	return b.String()
}
