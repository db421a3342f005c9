package supervision

import (
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestParseNumber(t *testing.T) {
	ok := []struct {
		in, unit string
		want     float64
	}{
		{"129,272", "万元", 129272},
		{"129，272", "万元", 129272},
		{"１２９，２７２", "万元", 129272},
		{"  129272  ", "万元", 129272},
		{"\u3000129,272 万元\u3000", "万元", 129272},
		{"129,272万元", "万元", 129272},
		{"1,234,567.5", "万元", 1234567.5},
		{"12.5", "MPa", 12.5},
		{"１２．５", "MPa", 12.5},
		{"74.8%", "%", 74.8},
		{"74.8％", "%", 74.8},
		{"100", "%", 100},
		{"-3", "", -3},
		{"－3", "", -3},
		{"+3", "", 3},
		{"-0", "", 0},
		{".5", "", 0.5},
		{"0.1", "", 0.1},
		{"007", "人", 7},
		{"999,999,999,999,999", "", 999999999999999},
	}
	for _, c := range ok {
		got, err := ParseNumber(c.in, c.unit)
		if err != nil || got != c.want {
			t.Errorf("ParseNumber(%q, %q) = %v, %v; want %v", c.in, c.unit, got, err, c.want)
		}
	}
	bad := []struct {
		in, unit, reason string
	}{
		{"", "万元", NumberEmpty},
		{"   ", "万元", NumberEmpty},
		{"12,5", "万元", NumberGrouping},
		{"1,2,3", "", NumberGrouping},
		{"1234,567", "", NumberGrouping},
		{",123", "", NumberGrouping},
		{"1.5,000", "", NumberGrouping},
		{"129.272.1", "万元", NumberDecimals},
		{"1e5", "", NumberExponent},
		{"1E-3", "", NumberExponent},
		{"abc", "", NumberGarbage},
		{"12 345", "", NumberGarbage},
		{"12元5", "万元", NumberGarbage},
		{"--5", "", NumberGarbage},
		{"5-", "", NumberGarbage},
		{"NaN", "", NumberGarbage},
		{"Inf", "", NumberGarbage},
		{"0x10", "", NumberGarbage},
		{".", "", NumberGarbage},
		{"1.2亿元", "万元", NumberUnit},
		{"8000元", "万元", NumberUnit},
		{"120 万元", "", NumberUnit},
		{"50%", "万元", NumberUnit},
		{"1234567890123456", "", NumberTooPrecise},
		{"0.1234567890123456", "", NumberTooPrecise},
	}
	for _, c := range bad {
		got, err := ParseNumber(c.in, c.unit)
		var ne *NumberError
		if !errors.As(err, &ne) || ne.Reason != c.reason {
			t.Errorf("ParseNumber(%q, %q) = %v, %v; want refusal %q", c.in, c.unit, got, err, c.reason)
			continue
		}
		if ErrorCode(err) != EInvalid || strings.Contains(ErrorMessage(err, Chinese), "程序内部") || strings.Contains(ErrorMessage(err, English), "inside fieldbrief") {
			t.Errorf("ParseNumber(%q): refusal without a message in both languages: %v", c.in, err)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	for _, c := range []struct {
		v    float64
		unit string
		want string
	}{
		{129272, "万元", "129,272 万元"},
		{1234567.5, "万元", "1,234,567.5 万元"},
		{74.8, "%", "74.8%"},
		{-1234, "", "-1,234"},
		{0, "人", "0 人"},
		{999, "", "999"},
	} {
		if got := FormatNumber(c.v, c.unit); got != c.want {
			t.Errorf("FormatNumber(%v, %q) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
}

// FuzzParseNumber holds the promise of the number field: whatever is typed,
// the value saved is the value shown beside the field (FormatNumber of it),
// reading that shown text back gives the same value, and the digits typed
// are the digits saved.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"129,272", "129，272", "１２９", " 74.8% ", "1.2亿元", "1e5", "12,5", "-0.5", "999,999,999,999,999", "0.000000000000001"} {
		f.Add(s, "万元")
		f.Add(s, "%")
	}
	f.Fuzz(func(t *testing.T, in, unit string) {
		v, err := ParseNumber(in, unit)
		if err != nil {
			var ne *NumberError
			if !errors.As(err, &ne) || ne.Reason == "" || strings.Contains(ErrorMessage(err, Chinese), "程序内部") {
				t.Fatalf("ParseNumber(%q, %q): refusal without a reason: %v", in, unit, err)
			}
			return
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			t.Fatalf("ParseNumber(%q) = %v", in, v)
		}
		shown := FormatNumber(v, "")
		back, err := ParseNumber(shown, "")
		if err != nil || back != v {
			t.Fatalf("ParseNumber(%q) = %v, shown as %q, read back as %v, %v", in, v, shown, back, err)
		}
		// The number typed, stripped of separators and unit, is the number saved.
		typed := strings.Map(func(r rune) rune {
			switch {
			case r >= '0' && r <= '9', r == '.', r == '-':
				return r
			}
			return -1
		}, normaliseNumber(strings.TrimSuffix(normaliseNumber(in), normaliseNumber(unit))))
		if typed == "" || typed == "-" {
			t.Fatalf("ParseNumber(%q) = %v from no digits", in, v)
		}
		want, perr := strconv.ParseFloat(typed, 64)
		if perr != nil || want != v {
			t.Fatalf("ParseNumber(%q) = %v, but the digits typed say %q", in, v, typed)
		}
	})
}
