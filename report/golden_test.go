package report

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
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

// TestGoldenFirstPages renders the first page of each report and compares
// it with testdata/golden. Regenerate after an intended layout change with
// `go test ./report -run Golden -update`, and look at the new pictures.
func TestGoldenFirstPages(t *testing.T) {
	fonts := testFonts(t)
	opt := Options{Time: fixedTime}
	cases := []struct {
		name   string
		render func(*bytes.Buffer) (Result, error)
	}{
		{"visit", func(b *bytes.Buffer) (Result, error) { return Visit(b, fonts, fixtureVisitInput(), opt) }},
		{"visit-en", func(b *bytes.Buffer) (Result, error) {
			return Visit(b, fonts, fixtureVisitInput(), Options{Time: fixedTime, Lang: English})
		}},
		{"brief", func(b *bytes.Buffer) (Result, error) { return Brief(b, fonts, fixtureBrief(0), opt) }},
		{"tour", func(b *bytes.Buffer) (Result, error) {
			in := fixtureBrief(0)
			return Tour(b, fonts, TourInput{Year: 2025, Quarter: 1, Stops: OrderByLocation(in.Projects)}, opt)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path, _ := writeReport(t, c.name+".pdf", c.render)
			got := renderPage(t, path, 1)
			golden := filepath.Join("testdata", "golden", c.name+"-p1.png")
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
				out := filepath.Join(t.TempDir(), c.name+"-p1.png")
				var buf bytes.Buffer
				_ = png.Encode(&buf, got)
				_ = os.WriteFile(out, buf.Bytes(), 0o644)
				t.Errorf("page 1 differs from %s: mean difference %.2f (limit %.1f), %.2f%% pixels far off (limit %.1f%%); rendered page kept at %s",
					golden, mean, goldenMeanDiff, bad*100, goldenBadPixels*100, out)
			}
		})
	}
}

// renderPage rasterises one page in grey with pdftoppm.
func renderPage(t *testing.T, path string, page int) image.Image {
	t.Helper()
	bin := needTool(t, "pdftoppm")
	pg := []string{"-f", "1", "-l", "1"}
	if page != 1 {
		t.Fatal("only first pages are kept as golden")
	}
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
