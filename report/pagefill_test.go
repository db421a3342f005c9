package report

import (
	"bytes"
	"os/exec"
	"regexp"
	"strconv"
	"testing"

	"fieldbrief/supervision"
)

// pageFill returns, for each page of path, how far down the text block its
// lowest text reaches, as a share of the block (pdftotext -bbox). Photos,
// rules and charts always have text — captions, labels — below them.
func pageFill(t *testing.T, path string) []float64 {
	t.Helper()
	bin := needTool(t, "pdftotext")
	out, err := exec.Command(bin, "-bbox", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext -bbox: %v\n%s", err, out)
	}
	pt := func(mm float64) float64 { return mm / 25.4 * 72 }
	top, bottom := pt(marginTop), pt(297-marginBottom)
	word := regexp.MustCompile(`<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">`)
	var fills []float64
	for _, page := range regexp.MustCompile(`(?s)<page .*?</page>`).FindAll(out, -1) {
		low := top
		for _, m := range word.FindAllSubmatch(page, -1) {
			y0, _ := strconv.ParseFloat(string(m[1]), 64)
			y1, _ := strconv.ParseFloat(string(m[2]), 64)
			if y0 >= top-1 && y1 <= bottom+1 {
				low = max(low, y1)
			}
		}
		fills = append(fills, (low-top)/(bottom-top))
	}
	return fills
}

// TestBriefPagesAreFilled prints the brief of the 20 sample projects in
// both languages: no page but the last is filled less than a third (the
// projects flow, no page is forced), and the English brief is not much
// longer than the Chinese.
func TestBriefPagesAreFilled(t *testing.T) {
	ds := sampleData(t)
	fonts := testFonts(t)
	in := NewBriefInput(sampleNow.AddDate(0, -1, 0), sampleNow, ds.Projects, ds.Visits, ds.Findings, samplePhotos)
	pages := map[supervision.Lang]int{}
	for _, l := range []supervision.Lang{supervision.Chinese, supervision.English} {
		path, res := writeReport(t, "sample-brief-"+string(l)+".pdf", func(b *bytes.Buffer) (Result, error) {
			return Brief(b, fonts, in, Options{Time: sampleNow, Lang: l})
		})
		fills := pageFill(t, path)
		if len(fills) != res.Pages {
			t.Fatalf("%s: %d pages read back, %d written", l, len(fills), res.Pages)
		}
		for i, f := range fills[:len(fills)-1] {
			if f < 1.0/3 {
				t.Errorf("%s brief: page %d of %d is filled to %.0f%% only", l, i+1, len(fills), f*100)
			}
		}
		pages[l] = res.Pages
		least := 1.0
		for _, f := range fills[:len(fills)-1] {
			least = min(least, f)
		}
		t.Logf("%s: %d pages, the least filled to %.0f%%", l, res.Pages, least*100)
	}
	// Issue 15: the English brief is at most a fifth longer. English
	// tables use short forms of the longest status and category names
	// (statusText, categoryText) so their narrow columns do not run to
	// three or four lines a row.
	if float64(pages[supervision.English]) > 1.20*float64(pages[supervision.Chinese]) {
		t.Errorf("the English brief has %d pages, the Chinese %d: more than a fifth longer", pages[supervision.English], pages[supervision.Chinese])
	}
	t.Logf("pages: zh %d, en %d", pages[supervision.Chinese], pages[supervision.English])
}
