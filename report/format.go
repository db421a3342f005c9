package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fieldbrief/supervision"
)

// date prints a calendar day as an official document does: 2025年3月12日,
// or 12 Mar 2025.
func (l printLang) date(t time.Time) string {
	if t.IsZero() {
		return l.missing()
	}
	if l.Lang() == supervision.English {
		return t.Format("2 Jan 2006")
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// day prints a supervision.Date the same way; an unset date prints as
// not recorded, a malformed one as it is, rather than failing.
func (l printLang) day(d supervision.Date) string {
	t, ok := d.Time(time.UTC)
	if !ok {
		if d == "" {
			return l.missing()
		}
		return string(d)
	}
	return l.date(t)
}

// span prints a planned period from one day to another; with neither
// recorded it is one 未填写, not a pair of them around a dash.
func (l printLang) span(from, to supervision.Date) string {
	if from == "" && to == "" {
		return l.missing()
	}
	return l.day(from) + " — " + l.day(to)
}

// clock prints a time of day with its date, for visit times and photo
// captions, in the one date style of the language: 2025年3月12日 16:30.
func (l printLang) clock(t time.Time) string {
	if t.IsZero() {
		return l.missing()
	}
	return l.date(t) + " " + t.Format("15:04")
}

// month prints a year and month: 2025年3月 or Mar 2025.
func (l printLang) month(t time.Time) string {
	if l.Lang() == supervision.English {
		return t.Format("Jan 2006")
	}
	return fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))
}

// months prints a span of months without spaced separators: 2025年1月—2月,
// 2025年12月—2026年1月, or Jan–Feb 2025.
func (l printLang) months(from, to time.Time) string {
	if from.Year() != to.Year() {
		if l.Lang() == supervision.English {
			return from.Format("Jan 2006") + "–" + to.Format("Jan 2006")
		}
		return l.month(from) + "—" + l.month(to)
	}
	if l.Lang() == supervision.English {
		return from.Format("Jan") + "–" + to.Format("Jan 2006")
	}
	return l.month(from) + "—" + fmt.Sprintf("%d月", int(to.Month()))
}

// yi converts 万元, the registers' unit, to 亿元, the briefs' unit, with two
// decimals.
func yi(wan float64) string { return strconv.FormatFloat(wan/10000, 'f', 2, 64) }

// money prints an amount given in 万元: 12.50亿元, or CNY 1,250.0 M.
func (l printLang) money(wan float64) string {
	if l.Lang() == supervision.English {
		return "CNY " + strconv.FormatFloat(wan/100, 'f', 1, 64) + " M"
	}
	return yi(wan) + "亿元"
}

// paren wraps s in the brackets of the language: full-width in Chinese.
func (l printLang) paren(s string) string {
	if l.Lang() == supervision.English {
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
func (l printLang) joinList(items []string) string {
	var kept []string
	for _, s := range items {
		if s = strings.TrimSpace(s); s != "" {
			kept = append(kept, s)
		}
	}
	if len(kept) == 0 {
		return l.missing()
	}
	if l.Lang() == supervision.English {
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
func (l printLang) statusText(f supervision.Finding, asOf time.Time) string {
	s := l.short("status", string(f.Status), f.Status.Label(l.Lang()))
	if n := f.DaysLate(asOf); n > 0 {
		// On a line of its own: the days late is what a leader looks for.
		s += "\n" + l.count("report.unit.days_overdue", n)
	}
	return s
}

// categoryText is a finding's category, after "企业诉求" for a request.
func (l printLang) categoryText(f supervision.Finding) string {
	parts := []string{l.short("category", string(f.Category), f.Category.Label(l.Lang()))}
	if f.Kind == supervision.KindRequest {
		parts = append([]string{l.short("kind", string(f.Kind), f.Kind.Label(l.Lang()))}, parts...)
	}
	return l.joinList(parts)
}

// short is a register label as a table's narrow column prints it: the
// catalogue's report.short.<what>.<value> where one is written, else the
// label. English names such as "Verified, awaiting closing" run to three
// lines of a status column, and the brief's English must stay within a
// fifth of the Chinese's length (TestBriefPagesAreFilled).
func (l printLang) short(what, value, label string) string {
	if key := "report.short." + what + "." + value; l.Has(key) {
		return l.Format(key)
	}
	return label
}

// severityText is a finding's severity, or 未填写 when none is recorded.
func (l printLang) severityText(f supervision.Finding) string {
	return l.orMissing(f.Severity.Label(l.Lang()))
}

// missing is what a document prints for a value nobody recorded: words,
// never a dash, which a reader takes for a printing fault or a pair of
// dashes for a range (issue 13).
func (l printLang) missing() string { return l.t("report.text.not_answered") }

// orMissing prints an empty value as not recorded.
func (l printLang) orMissing(s string) string {
	if strings.TrimSpace(s) == "" {
		return l.missing()
	}
	return s
}
