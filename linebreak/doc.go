// Package linebreak finds where lines may break in Chinese, English and
// mixed text, and fills lines to a width.
//
// Its break opportunities are those of UAX #14, the Unicode line breaking
// algorithm (Default, checked against Unicode's conformance test), with the
// tailorings a Chinese official document needs listed one by one as
// Tailoring flags: the 行首行尾禁则 (kinsoku), Chinese quotation marks as
// brackets, and keeping dates, amounts with their unit, counts with their
// measure word, house numbers and personal names on one line; Latin words
// break only at spaces and hyphens and URLs only after / - ? & =.
//
// Lines fills a paragraph into lines by measured width: a Latin word too
// long for a line is cut with a visible hyphen, and a paragraph never ends
// on a line of one character when a character can be pulled down to it.
//
// The package depends on the standard library only; its tables come from
// the Unicode Character Database by gen.go.
package linebreak
