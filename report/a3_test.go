package report

import (
	"bytes"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"testing"
)

// wordHeights returns the height, in points, of every word pdftotext finds
// in the PDF at path: the size of the type it is set in, give or take the
// font's line box.
func wordHeights(t *testing.T, path string) []float64 {
	t.Helper()
	out, err := exec.Command(needTool(t, "pdftotext"), "-bbox", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v\n%s", err, out)
	}
	var hs []float64
	for _, m := range regexp.MustCompile(`<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">`).FindAllSubmatch(out, -1) {
		y0, _ := strconv.ParseFloat(string(m[1]), 64)
		y1, _ := strconv.ParseFloat(string(m[2]), 64)
		hs = append(hs, y1-y0)
	}
	slices.Sort(hs)
	return hs
}

// TestA3IsA4Enlarged prints the visit report and the brief on A3 and on
// A4: the A3 pages are A3 to pdfinfo, as many as on A4 (the same layout),
// the bookmarks lead to the same places, and every size of type — the
// smallest, the footer's, and the middle one, the tables' — is √2 larger,
// so nothing is set smaller on a wall copy.
func TestA3IsA4Enlarged(t *testing.T) {
	fonts := testFonts(t)
	for _, doc := range []struct {
		name   string
		render func(*bytes.Buffer, PageSize) (Result, error)
	}{
		{"visit", func(b *bytes.Buffer, s PageSize) (Result, error) {
			return Visit(b, fonts, fixtureVisitInput(), Options{Size: s, Time: fixedTime})
		}},
		{"brief", func(b *bytes.Buffer, s PageSize) (Result, error) {
			return Brief(b, fonts, fixtureBrief(1), Options{Size: s, Time: fixedTime})
		}},
	} {
		t.Run(doc.name, func(t *testing.T) {
			pathA4, a4 := writeReport(t, doc.name+"-a4.pdf", func(b *bytes.Buffer) (Result, error) { return doc.render(b, A4) })
			pathA3, a3 := writeReport(t, doc.name+"-a3.pdf", func(b *bytes.Buffer) (Result, error) { return doc.render(b, A3) })
			if info := pdfInfo(t, pathA3); info["Page size"] != "841.89 x 1190.55 pts (A3)" {
				t.Errorf("pdfinfo gives the A3 pages as %q", info["Page size"])
			}
			if a3.Pages != a4.Pages || pageCount(t, pathA3) != a4.Pages {
				t.Errorf("%d pages on A3, %d on A4: the layout should be the same", a3.Pages, a4.Pages)
			}
			qpdfCheck(t, pathA3)
			// The bookmarks lead to the same pages.
			o4, o3 := readOutline(t, pathA4), readOutline(t, pathA3)
			if len(o4) == 0 || len(o3) != len(o4) {
				t.Fatalf("%d bookmarks on A4, %d on A3", len(o4), len(o3))
			}
			for i := range o4 {
				if o3[i].Title != o4[i].Title || o3[i].Page != o4[i].Page {
					t.Errorf("bookmark %q → page %d on A3, %q → page %d on A4", o3[i].Title, o3[i].Page, o4[i].Title, o4[i].Page)
				}
				// Measured down from the top of the page, in points.
				d4, d3 := 841.89-o4[i].destY(t), 1190.55-o3[i].destY(t)
				if r := d3 / d4; d4 > 0 && (r < 1.40 || r > 1.43) {
					t.Errorf("bookmark %q is %.0f pt down the A3 page, %.0f pt down the A4 one", o3[i].Title, d3, d4)
				}
			}
			h4, h3 := wordHeights(t, pathA4), wordHeights(t, pathA3)
			if len(h4) != len(h3) || len(h4) == 0 {
				t.Fatalf("%d words on A4, %d on A3", len(h4), len(h3))
			}
			for _, q := range []float64{0, 0.1, 0.5} {
				i := int(q * float64(len(h4)-1))
				if r := h3[i] / h4[i]; r < 1.39 || r > 1.44 {
					t.Errorf("type at the %.0f%% quantile is %.1f pt high on A3, %.1f on A4: %.2f× rather than √2", q*100, h3[i], h4[i], r)
				}
			}
		})
	}
}
