// Package pdftext reads the documents' text back for tests, as a reader of
// the PDF would: with pdftotext (poppler-utils), the tool the tests rely on
// to check what the app and the briefing print. It is for tests only.
package pdftext

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Squeezed is a PDF's text as pdftotext reads it, without spaces and line
// breaks: Chinese lines wrap anywhere. A missing tool fails the test, since
// a skipped check would look like a pass.
func Squeezed(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext (poppler-utils) is needed to read the documents' text")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), "")
}

// PrintsInOrder reports whether text prints value and, right after it, the
// runes of rest in order. A fact's value may wrap onto two lines of a
// two-column table, where pdftotext reads the next cell's label in between:
// up to a label's length and a line's end (16 runes) of others may stand
// among rest's.
func PrintsInOrder(text, value, rest string) bool {
	want := []rune(rest)
	for r := text; ; {
		i := strings.Index(r, value)
		if i < 0 {
			return false
		}
		r = r[i+len(value):]
		window := []rune(r)[:min(len([]rune(r)), len(want)+16)]
		k := 0
		for _, c := range window {
			if k < len(want) && c == want[k] {
				k++
			}
		}
		if k == len(want) {
			return true
		}
	}
}

// PrintsCell reports whether text prints a two-column table's cell value
// after its label, as PrintsInOrder reads them, or right before it: in a
// row at the foot of a page, above the page's footer, pdftotext can read
// the value's cell before its label's.
func PrintsCell(text, label, value string) bool {
	return PrintsInOrder(text, label, value) || strings.Contains(text, value+label)
}
