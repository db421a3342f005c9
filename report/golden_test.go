package report

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"fieldbrief/supervision"
)

var update = flag.Bool("update", false, "rewrite the golden first pages in testdata/golden and literalRunes in printrunes.go")

// Tolerances for comparing a rendered page with its golden copy: another
// poppler version anti-aliases glyph edges a little differently, which
// moves many pixels slightly; a layout change moves few pixels a lot.
const (
	goldenMeanDiff   = 2.0   // mean absolute difference, 0–255 grey levels
	goldenBadPixels  = 0.004 // share of pixels that differ by more than a quarter of the range
	goldenResolution = "40"
)

// TestGoldenFirstPages renders a page of each report — the first, and the
// brief's first in both languages, a table continued on a second page, a
// tour station — and compares it with testdata/golden. Regenerate after
// an intended layout change with `go test ./report -run Golden -update`,
// and look at the new pictures.
func TestGoldenFirstPages(t *testing.T) {
	fonts := testFonts(t)
	opt := Options{Time: fixedTime}
	cases := []struct {
		name   string
		page   int
		render func(*bytes.Buffer) (Result, error)
	}{
		{"visit", 1, func(b *bytes.Buffer) (Result, error) { return Visit(b, fonts, fixtureVisitInput(), opt) }},
		{"visit-en", 1, func(b *bytes.Buffer) (Result, error) {
			return Visit(b, fonts, fixtureVisitInput(), Options{Time: fixedTime, Lang: supervision.English})
		}},
		// The 整改要求 and the signatures, after the photos.
		{"visit-rectification", 5, func(b *bytes.Buffer) (Result, error) { return Visit(b, fonts, fixtureVisitInput(), opt) }},
		{"brief", 1, func(b *bytes.Buffer) (Result, error) { return Brief(b, fonts, fixtureBrief(0), opt) }},
		{"brief-en", 1, func(b *bytes.Buffer) (Result, error) {
			return Brief(b, fonts, fixtureBrief(0), Options{Time: fixedTime, Lang: supervision.English})
		}},
		{"tour", 1, func(b *bytes.Buffer) (Result, error) {
			in := fixtureBrief(0)
			return Tour(b, fonts, TourInput{Year: 2025, Quarter: 1, Stops: OrderByLocation(in.Projects)}, opt)
		}},
		// The first station, after the two pages of the route.
		{"tour-station", 3, func(b *bytes.Buffer) (Result, error) {
			in := fixtureBrief(1)
			return Tour(b, fonts, TourInput{Year: 2025, Quarter: 1, Stops: OrderByLocation(in.Projects)}, opt)
		}},
		{"continued-table", 2, func(b *bytes.Buffer) (Result, error) {
			d := NewDoc(fonts, opt)
			d.Section(1, "问题清单")
			var fs []supervision.Finding
			for _, pd := range fixtureBrief(0).Projects {
				fs = append(fs, pd.Findings...)
			}
			d.findingsTable("中国科学院重庆科学中心", fs, fixedTime, false)
			return d.Write(b)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path, _ := writeReport(t, c.name+".pdf", c.render)
			got := renderPage(t, path, c.page)
			golden := filepath.Join("testdata", "golden", fmt.Sprintf("%s-p%d.png", c.name, c.page))
			if *update {
				var buf bytes.Buffer
				if err := png.Encode(&buf, got); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			f, err := os.Open(golden)
			if err != nil {
				t.Fatalf("no golden page (%v); create it with go test ./report -run Golden -update", err)
			}
			defer f.Close()
			want, err := png.Decode(f)
			if err != nil {
				t.Fatal(err)
			}
			mean, bad := compareGray(t, want, got)
			if mean > goldenMeanDiff || bad > goldenBadPixels {
				out := filepath.Join(t.TempDir(), filepath.Base(golden))
				var buf bytes.Buffer
				_ = png.Encode(&buf, got)
				_ = os.WriteFile(out, buf.Bytes(), 0o644)
				t.Errorf("page %d differs from %s: mean difference %.2f (limit %.1f), %.2f%% pixels far off (limit %.1f%%); rendered page kept at %s",
					c.page, golden, mean, goldenMeanDiff, bad*100, goldenBadPixels*100, out)
			}
		})
	}
}

// renderPage rasterises one page in grey with pdftoppm.
func renderPage(t *testing.T, path string, page int) image.Image {
	t.Helper()
	bin := needTool(t, "pdftoppm")
	pg := []string{"-f", strconv.Itoa(page), "-l", strconv.Itoa(page)}
	prefix := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command(bin, append(pg, "-r", goldenResolution, "-gray", "-png", "-singlefile", path, prefix)...).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	data, err := os.ReadFile(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("pdftoppm output: %v", err)
	}
	return img
}

// compareGray returns the mean absolute grey difference and the share of
// pixels that differ by more than 64 levels.
func compareGray(t *testing.T, a, b image.Image) (mean, bad float64) {
	t.Helper()
	if a.Bounds() != b.Bounds() {
		t.Fatalf("page size changed: golden %v, rendered %v", a.Bounds(), b.Bounds())
	}
	var sum, far int
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ga, _, _, _ := a.At(x, y).RGBA()
			gb, _, _, _ := b.At(x, y).RGBA()
			d := int(ga>>8) - int(gb>>8)
			if d < 0 {
				d = -d
			}
			sum += d
			if d > 64 {
				far++
			}
		}
	}
	n := float64(r.Dx() * r.Dy())
	return float64(sum) / n, float64(far) / n
}
