package report

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// benchSizes are the photo sizes the benchmarks run with: package photo's
// display copy (long edge 2560 px), and a print copy of 1280 px, which is
// still above 200 dpi for a photo 160 mm wide.
var benchSizes = []struct {
	name string
	w, h int
}{{"display2560", 2560, 1920}, {"print1280", 1280, 960}}

// benchPhotos makes n distinct w×h JPEGs with the fine texture of a site
// photo, so that they compress like one (about 1 MB at 2560×1920, quality 85).
func benchPhotos(b *testing.B, n, w, h int) [][]byte {
	b.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	base := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			i := base.PixOffset(x, y)
			noise := uint8(rng.IntN(20))
			base.Pix[i] = uint8(x*200/w) + noise
			base.Pix[i+1] = uint8(y*200/h) + noise
			base.Pix[i+2] = uint8((x+y)*100/(w+h)) + noise
			base.Pix[i+3] = 255
		}
	}
	out := make([][]byte, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for k := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			img := image.NewRGBA(base.Rect)
			copy(img.Pix, base.Pix)
			// A distinct block per photo, so no two files are the same.
			for y := 10 + k*10; y < 20+k*10; y++ {
				for x := 10; x < 200; x++ {
					img.Pix[img.PixOffset(x, y)] = uint8(k * 4)
				}
			}
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85}); err != nil {
				panic(err)
			}
			out[k] = buf.Bytes()
		}()
	}
	wg.Wait()
	return out
}

// peakHeap samples the heap in use while f runs.
func peakHeap(f func()) uint64 {
	var peak uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return peak
}

// BenchmarkBrief20Projects60Photos is the brief of the issue: twenty
// projects, three photos each. It reports the PDF size and the peak heap;
// compare its time with BenchmarkBaselineEmbed60Photos at the same size.
func BenchmarkBrief20Projects60Photos(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(sz.name, func(b *testing.B) {
			photos := benchPhotos(b, 60, sz.w, sz.h)
			fonts := testFonts(b)
			in := fixtureBrief(0)
			for i := range in.Projects {
				for k := range 3 {
					in.Projects[i].Photos = append(in.Projects[i].Photos, Photo{JPEG: photos[i*3+k], Caption: fmt.Sprintf("现场照片%d", k+1), Taken: fixedTime})
				}
			}
			var size int
			var peak uint64
			runtime.GC()
			b.ResetTimer()
			for b.Loop() {
				var buf bytes.Buffer
				peak = max(peak, peakHeap(func() {
					res, err := Brief(&buf, fonts, in, Options{Time: fixedTime})
					if err != nil || len(res.Warnings) > 0 {
						b.Fatal(err, res.Warnings)
					}
				}))
				size = buf.Len()
			}
			b.ReportMetric(float64(size)/1e6, "MB/pdf")
			b.ReportMetric(float64(peak)/1e6, "MB-peak-heap")
		})
	}
}

// BenchmarkBaselineEmbed60Photos only puts the same 60 JPEG files, as they
// are, into a PDF with fpdf, three to a page: the floor any brief with these
// photos has to pay.
func BenchmarkBaselineEmbed60Photos(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(sz.name, func(b *testing.B) {
			photos := benchPhotos(b, 60, sz.w, sz.h)
			var size int
			runtime.GC()
			b.ResetTimer()
			for b.Loop() {
				pdf := fpdf.New("P", "mm", "A4", "")
				for i, p := range photos {
					if i%3 == 0 {
						pdf.AddPage()
					}
					name := fmt.Sprintf("p%d", i)
					pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(p))
					pdf.ImageOptions(name, 20, 20+float64(i%3)*90, 80, 60, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
				}
				var buf bytes.Buffer
				if err := pdf.Output(&buf); err != nil {
					b.Fatal(err)
				}
				size = buf.Len()
			}
			b.ReportMetric(float64(size)/1e6, "MB/pdf")
		})
	}
}

// BenchmarkStressCorpusTypesetting measures text layout alone.
func BenchmarkStressCorpusTypesetting(b *testing.B) {
	fonts := testFonts(b)
	paras := stressCorpus(b)
	for b.Loop() {
		d := NewDoc(fonts, Options{Time: fixedTime})
		for _, p := range paras {
			d.Paragraph(p)
		}
		if _, err := d.Write(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
