package report

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"fieldbrief/assets"
)

// loadFonts parses the bundled fonts once for the whole test binary; it
// takes a few hundred milliseconds.
var loadFonts = sync.OnceValues(func() (*Fonts, error) {
	ff, err := loadFaces()
	if err != nil {
		return nil, err
	}
	return NewFonts(ff)
})

// loadFaces unpacks the bundled faces once for the whole test binary.
var loadFaces = sync.OnceValues(func() (FontFaces, error) {
	serif, serifBold, err := assets.SerifFonts()
	return FontFaces{Sans: assets.FontRegular(), SansBold: assets.FontBold(), Serif: serif, SerifBold: serifBold}, err
})

// bundledFaces returns the faces fieldbrief ships.
func bundledFaces(t testing.TB) FontFaces {
	t.Helper()
	ff, err := loadFaces()
	if err != nil {
		t.Fatal(err)
	}
	return ff
}

func testFonts(t testing.TB) *Fonts {
	t.Helper()
	f, err := loadFonts()
	if err != nil {
		t.Fatalf("NewFonts: %v", err)
	}
	return f
}

// fixedTime makes output deterministic.
var fixedTime = time.Date(2025, 3, 12, 16, 30, 0, 0, time.FixedZone("CST", 8*3600))

// needTool fails the test when an external checker is missing: a skipped
// check would look like a passed one.
func needTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed; `make test` installs it (Debian packages poppler-utils and qpdf)", name)
	}
	return p
}

// writePDF finishes d into a file in a per-test folder.
func writePDF(t testing.TB, d *Doc, name string) (string, Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := d.Write(&buf)
	if err != nil {
		t.Fatalf("Write: %v", err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if os.Getenv("REPORT_KEEP") != "" {
		// Handy when looking at the output: REPORT_KEEP=dir go test ./report/
		_ = os.WriteFile(filepath.Join(os.Getenv("REPORT_KEEP"), name), buf.Bytes(), 0o644)
	}
	return path, res
}

// pdfText runs pdftotext on path with extra arguments and returns the text.
func pdfText(t testing.TB, path string, args ...string) string {
	t.Helper()
	bin := needTool(t, "pdftotext")
	out, err := exec.Command(bin, append(append([]string{"-enc", "UTF-8"}, args...), path, "-")...).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext %s: %v\n%s", path, err, out)
	}
	return string(out)
}

// bodyText extracts only the text area of an A-size page in our layout,
// leaving out the running header and the footer.
func bodyText(t testing.TB, path string, size PageSize, pageArgs ...string) string {
	t.Helper()
	// A3 pages are A4 pages enlarged.
	w, h := 210.0, 297.0
	s := 1.0
	if size == A3 {
		s = 297.0 / 210
	}
	pt := func(mm float64) string { return strconv.Itoa(int(mm * s / 25.4 * 72)) }
	args := append([]string{"-x", "0", "-y", pt(marginTop - 1), "-W", pt(w), "-H", pt(h - marginTop - marginBottom + 2)}, pageArgs...)
	return pdfText(t, path, args...)
}

// qpdfCheck fails unless qpdf finds the file structurally sound.
func qpdfCheck(t testing.TB, path string) {
	t.Helper()
	bin := needTool(t, "qpdf")
	out, err := exec.Command(bin, "--check", path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "No syntax or stream encoding errors") {
		t.Fatalf("qpdf --check %s: %v\n%s", path, err, out)
	}
	if strings.Contains(strings.ToLower(string(out)), "warning") {
		t.Fatalf("qpdf --check %s warns:\n%s", path, out)
	}
}

// pageCount asks pdfinfo (poppler) how many pages path has, independently of
// what Write reported.
func pageCount(t testing.TB, path string) int {
	t.Helper()
	bin := needTool(t, "pdfinfo")
	out, err := exec.Command(bin, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v\n%s", path, err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(l, "Pages:"); ok {
			n := 0
			for _, c := range strings.TrimSpace(v) {
				n = n*10 + int(c-'0')
			}
			return n
		}
	}
	t.Fatalf("pdfinfo gave no page count:\n%s", out)
	return 0
}

// ink drops whitespace: what a reader sees, and what must survive the round
// trip in order.
func ink(s string) []rune {
	var out []rune
	for _, r := range s {
		if !unicode.IsSpace(r) {
			out = append(out, r)
		}
	}
	return out
}

// firstDiff reports where two rune slices part, with context, for a
// readable failure.
func firstDiff(want, got []rune) (int, string) {
	n := min(len(want), len(got))
	for i := 0; i < n; i++ {
		if want[i] != got[i] {
			return i, "want …" + string(want[max(0, i-10):min(len(want), i+10)]) + "… got …" + string(got[max(0, i-10):min(len(got), i+10)]) + "…"
		}
	}
	if len(want) != len(got) {
		return n, "lengths differ: want " + string(want[n:min(len(want), n+20)]) + " got " + string(got[n:min(len(got), n+20)])
	}
	return -1, ""
}
