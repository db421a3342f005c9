package report

import (
	"fmt"
	"strings"
)

// Lang is the language a document is printed in.
type Lang string

// Languages.
const (
	Chinese Lang = "zh" // Simplified Chinese, the default
	English Lang = "en"
)

// ParseLang reads "zh" or "en" as given on the command line; locale-style
// values such as "zh-CN" or "en_US" are accepted too.
func ParseLang(s string) (Lang, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "" || strings.HasPrefix(s, "zh"):
		return Chinese, nil
	case strings.HasPrefix(s, "en"):
		return English, nil
	}
	return Chinese, fmt.Errorf("unknown language %q: use zh or en", s)
}

// pageOf is the page number in the footer.
func (l Lang) pageOf(p, n int) string {
	if l == English {
		return fmt.Sprintf("Page %d of %d", p, n)
	}
	return fmt.Sprintf("第 %d 页 / 共 %d 页", p, n)
}

// t translates a label. The Chinese text is the key, so the code reads as
// the printed document does; labels live in a switch rather than a map so
// that the table cannot be changed at run time. A label with no English
// entry prints in Chinese, and TestLabelsTranslated catches that.
// count prints a label holding one count, %d: English writes a count of
// one in the singular, from the entry zh + "|1" ("1 day overdue").
func (l Lang) count(zh string, n int) string {
	format := zh
	if l == English {
		if one := english(zh + "|1"); n == 1 && one != "" {
			format = one
		} else if en := english(zh); en != "" {
			format = en
		}
	}
	return fmt.Sprintf(format, n)
}

func (l Lang) t(zh string) string {
	if l != English {
		return zh
	}
	if en := english(zh); en != "" {
		return en
	}
	return zh
}
