package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fieldbrief/supervision"
)

// sv is the domain package's name for the same language, for its labels.
func (l Lang) sv() supervision.Lang {
	if l == English {
		return supervision.English
	}
	return supervision.Chinese
}

// date prints a calendar day as an official document does: 2025年3月12日,
// or 12 Mar 2025.
func (l Lang) date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if l == English {
		return t.Format("2 Jan 2006")
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// day prints a supervision.Date the same way; an unset or malformed date
// prints as a dash rather than failing.
func (l Lang) day(d supervision.Date) string {
	t, ok := d.Time(time.UTC)
	if !ok {
		if d == "" {
			return "—"
		}
		return string(d)
	}
	return l.date(t)
}

// clock prints a time of day with its date, for visit times and photo
// captions, in the one date style of the language: 2025年3月12日 16:30.
func (l Lang) clock(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return l.date(t) + " " + t.Format("15:04")
}

// month prints a year and month: 2025年3月 or Mar 2025.
func (l Lang) month(t time.Time) string {
	if l == English {
		return t.Format("Jan 2006")
	}
	return fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))
}

// months prints a span of months without spaced separators: 2025年1月—2月,
// 2025年12月—2026年1月, or Jan–Feb 2025.
func (l Lang) months(from, to time.Time) string {
	if from.Year() != to.Year() {
		if l == English {
			return from.Format("Jan 2006") + "–" + to.Format("Jan 2006")
		}
		return l.month(from) + "—" + l.month(to)
	}
	if l == English {
		return from.Format("Jan") + "–" + to.Format("Jan 2006")
	}
	return l.month(from) + "—" + fmt.Sprintf("%d月", int(to.Month()))
}

// yi converts 万元, the registers' unit, to 亿元, the briefs' unit, with two
// decimals.
func yi(wan float64) string { return strconv.FormatFloat(wan/10000, 'f', 2, 64) }

// money prints an amount given in 万元: 12.50亿元, or CNY 1,250.0 M.
func (l Lang) money(wan float64) string {
	if l == English {
		return "CNY " + strconv.FormatFloat(wan/100, 'f', 1, 64) + " M"
	}
	return yi(wan) + "亿元"
}

// paren wraps s in the brackets of the language: full-width in Chinese.
func (l Lang) paren(s string) string {
	if l == English {
		return " (" + s + ")"
	}
	return "（" + s + "）"
}

// percent prints a ratio as a percentage with one decimal, rounded as
// supervision.Percent rounds it for the window too.
func percent(ratio float64) string {
	return supervision.FormatPercent(ratio, 1)
}

// joinList joins names with the Chinese enumeration comma, or a comma in English.
func (l Lang) joinList(items []string) string {
	var kept []string
	for _, s := range items {
		if s = strings.TrimSpace(s); s != "" {
			kept = append(kept, s)
		}
	}
	if len(kept) == 0 {
		return "—"
	}
	if l == English {
		return strings.Join(kept, ", ")
	}
	return strings.Join(kept, "、")
}

// lightTone gives a status light its colour.
func lightTone(s supervision.StatusLight) Tone {
	switch s {
	case supervision.LightCritical:
		return ToneAlert
	case supervision.LightBehind:
		return ToneWarn
	case supervision.LightNormal:
		return ToneGood
	}
	return ToneNone
}

// findingTone colours a finding by urgency: overdue in red, due within a
// week in amber, closed in green.
func findingTone(f supervision.Finding, asOf time.Time) Tone {
	switch {
	case f.DaysLate(asOf) > 0:
		return ToneAlert
	case f.Status == supervision.StatusClosed:
		return ToneGood
	case f.Status == supervision.StatusWithdrawn:
		return ToneMuted
	}
	if d, ok := f.Deadline.Time(asOf.Location()); ok && f.Status.Rectifying() && d.Sub(asOf) < 7*24*time.Hour {
		return ToneWarn
	}
	return ToneNone
}

// statusText is a finding's status, with the days late when overdue.
func (l Lang) statusText(f supervision.Finding, asOf time.Time) string {
	s := f.Status.Label(l.sv())
	if l == English {
		// The register's "Awaiting verification" and "Verified, awaiting
		// closing" take three lines of a status column; the brief's
		// English must stay within a fifth of the Chinese's length.
		switch f.Status {
		case supervision.StatusFixed:
			s = "To verify"
		case supervision.StatusVerified:
			s = "To close"
		}
	}
	if n := f.DaysLate(asOf); n > 0 {
		// On a line of its own: the days late is what a leader looks for.
		s += "\n" + l.count("逾期%d天", n)
	}
	return s
}

// categoryText is a finding's category, after "企业诉求" for a request.
func (l Lang) categoryText(f supervision.Finding) string {
	parts := []string{f.Category.Label(l.sv())}
	if l == English {
		// The register's longer names take three or four lines of a
		// category column (see statusText).
		switch f.Category {
		case supervision.CategoryFactors:
			parts[0] = "Land, power, finance etc."
		case supervision.CategoryDust:
			parts[0] = "Dust, site order"
		case supervision.CategoryPermits:
			parts[0] = "Permits"
		}
	}
	if f.Kind == supervision.KindRequest {
		kind := f.Kind.Label(l.sv())
		if l == English {
			kind = "Request"
		}
		parts = append([]string{kind}, parts...)
	}
	return l.joinList(parts)
}

// severityText is a finding's severity, or a dash when none is recorded.
func (l Lang) severityText(f supervision.Finding) string {
	return orDash(f.Severity.Label(l.sv()))
}

// orDash prints an empty value as a dash, so an empty cell reads as "none"
// rather than as a printing fault.
func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
