package report

import (
	"fieldbrief/supervision"
	"fieldbrief/translate"
)

// printLang is the language a document is printed in, with its words from
// the catalogues (package translate). Labels are keyed by id, as everywhere
// else; TestLabelsTranslated checks that every key the package prints is in
// both catalogues.
type printLang struct{ *translate.Catalogue }

// printLangOf returns the words of a language; any but English is Chinese.
func printLangOf(l supervision.Lang) printLang { return printLang{translate.For(l)} }

// t returns a label's text; labels that take arguments are formatted by the
// caller.
func (l printLang) t(key string) string { return l.Format(key) }

// count prints a label holding one count, %d, in the singular where the
// language writes it so ("1 day overdue").
func (l printLang) count(key string, n int) string { return l.Count(key, n) }

// pageOf is the page number in the footer.
func (l printLang) pageOf(p, n int) string { return l.T("report.page_of", p, n) }
