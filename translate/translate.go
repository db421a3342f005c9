// Package translate is fieldbrief's one translation system. Every word a
// person reads — in the window, on a printed brief, from the command line,
// in an error — comes from the catalogues in assets/translations, one JSON
// file per language (zh-Hans.json, en.json), keyed by stable ids such as
// "dashboard.col.name" or "report.heading.findings". Code names a key and
// the catalogue of the chosen language supplies the words, so changing a
// sentence never means changing a key, and a test keeps the two files in
// step: the same keys, the same placeholders.
//
// A key's text is a fmt format. Where a language writes a count of one
// differently ("1 photo", not "1 photos"), its file has a second entry,
// key + ".one"; the rule for choosing it lives here and nowhere else.
//
// The files are also Fyne's translation files (the window registers them
// so Fyne's own buttons follow the language), which is why they hold a few
// keys Fyne reads, such as "Cancel", some of whose values are objects of
// plural forms; this package reads only the string values.
package translate

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"fieldbrief/assets"
	sv "fieldbrief/supervision"
)

// Catalogue holds the words of one language. It is read-only: For returns
// the same catalogue to every caller.
type Catalogue struct {
	lang sv.Lang
	text map[string]string
	one  map[string]string // base key → its count-of-one text
}

// oneSuffix marks the entry used for a count of one.
const oneSuffix = ".one"

// catalogues are read once from the embedded files, immutable after.
var catalogues = sync.OnceValue(func() map[sv.Lang]*Catalogue {
	all := map[sv.Lang]*Catalogue{}
	for _, l := range []sv.Lang{sv.Chinese, sv.English} {
		c, err := parse(l, JSON(l))
		if err != nil {
			// The files are embedded and a test parses them: a broken file
			// cannot ship, so this is a programming error.
			panic(err)
		}
		all[l] = c
	}
	return all
})

// For returns the catalogue of a language; any language but English reads
// as Chinese, the default.
func For(l sv.Lang) *Catalogue {
	if l != sv.English {
		l = sv.Chinese
	}
	return catalogues()[l]
}

// FileName names the catalogue file of a language, as Fyne expects it.
func FileName(l sv.Lang) string {
	if l == sv.English {
		return "en.json"
	}
	return "zh-Hans.json"
}

// JSON returns the catalogue file of a language, as embedded.
func JSON(l sv.Lang) []byte {
	b, err := assets.ReadTranslation(FileName(l))
	if err != nil {
		panic(err) // embedded at build time: a missing file cannot ship
	}
	return b
}

func parse(l sv.Lang, b []byte) (*Catalogue, error) {
	raw := map[string]any{}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("translations %s: %w", FileName(l), err)
	}
	c := &Catalogue{lang: l, text: make(map[string]string, len(raw)), one: map[string]string{}}
	for k, v := range raw {
		if s, ok := v.(string); ok {
			c.text[k] = s
			if base, ok := strings.CutSuffix(k, oneSuffix); ok {
				c.one[base] = s
			}
		}
	}
	return c, nil
}

// Lang returns the catalogue's language.
func (c *Catalogue) Lang() sv.Lang { return c.lang }

// Has reports whether the catalogue has key.
func (c *Catalogue) Has(key string) bool {
	_, ok := c.text[key]
	return ok
}

// Keys returns every key with a text, in no order.
func (c *Catalogue) Keys() []string {
	keys := make([]string, 0, len(c.text))
	for k := range c.text {
		keys = append(keys, k)
	}
	return keys
}

// Format returns key's text unformatted, for a caller that formats it
// itself; a key the catalogue lacks returns the key, so a gap shows as
// itself rather than as nothing.
func (c *Catalogue) Format(key string) string {
	if s, ok := c.text[key]; ok {
		return s
	}
	return key
}

// T returns key's text formatted with args like fmt.Sprintf. When the first
// whole number among args is 1 and the language has a key + ".one" entry,
// that entry is used: Chinese has none and needs none; English has them
// only where a count of one reads differently ("Answered 1 / 30" needs none).
// A []string argument prints as a list in the language (see List), and a
// PerLanguage argument as its text in the language.
func (c *Catalogue) T(key string, args ...any) string {
	s := c.Format(key)
	if countOf(args) == 1 {
		if one, ok := c.one[key]; ok {
			s = one
		}
	}
	if len(args) == 0 {
		return s
	}
	copied := false
	for i, a := range args {
		var s string
		switch a := a.(type) {
		case []string:
			s = c.List(a)
		case PerLanguage:
			s = a(c.lang)
		default:
			continue
		}
		if !copied { // the caller's slice is not ours to change
			args, copied = append([]any(nil), args...), true
		}
		args[i] = s
	}
	return fmt.Sprintf(s, args...)
}

// PerLanguage is an argument whose words depend on the language, such as a
// status's label (translate.PerLanguage(status.Label)) or a reason carried
// from another package in both languages: T prints the catalogue's
// language's text, so one key serves where each language needs its own part.
type PerLanguage func(sv.Lang) string

// List joins names as the language writes a list: 张伟、李娜 or Zhang Wei,
// Li Na.
func (c *Catalogue) List(names []string) string {
	return strings.Join(names, c.Format("common.name_sep"))
}

// Count returns key's text formatted with n alone, in the singular when n is
// one and the language writes it so.
func (c *Catalogue) Count(key string, n int) string { return c.T(key, n) }

// countOf returns the first whole number among args, or -1.
func countOf(args []any) int64 {
	for _, a := range args {
		switch n := a.(type) {
		case int:
			return int64(n)
		case int64:
			return n
		case uint64:
			return int64(n)
		}
	}
	return -1
}

// Placeholders lists the arguments a format reads, as "index:verb" in
// argument order, so "%d年第%s季度" and "Q%[2]s %[1]d" both give "1:d 2:s".
// Two languages' texts of one key must have the same placeholders. %q
// counts as %s: one language quotes with its own marks (“%s”), another
// with Go's.
func Placeholders(format string) string {
	var found []string
	next := 1
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		if i < len(format) && format[i] == '%' {
			continue
		}
		// Flags, width and precision.
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i < len(format) && format[i] == '[' {
			end := strings.IndexByte(format[i:], ']')
			if end < 0 {
				break
			}
			if n, err := strconv.Atoi(format[i+1 : i+end]); err == nil {
				next = n
			}
			i += end + 1
		}
		if i < len(format) {
			verb := format[i]
			if verb == 'q' {
				verb = 's'
			}
			found = append(found, fmt.Sprintf("%d:%c", next, verb))
			next++
		}
	}
	slices.Sort(found)
	return strings.Join(found, " ")
}
