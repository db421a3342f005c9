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
// display copy (long edge 2560 px); a 1280 px copy, still above 200 dpi for
// a photo 160 mm wide; and a 640 px copy, which is 200 dpi for the brief's
// 80 mm photo cells on A4 and so goes into the PDF without decoding.
var benchSizes = []struct {
	name string
	w, h int
}{{"display2560", 2560, 1920}, {"print1280", 1280, 960}, {"print640", 640, 480}}

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
			for y := 4 + k*7; y < 10+k*7; y++ {
				for x := 4; x < 100; x++ {
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
		b.Run(sz.name, func(b *testing.B) { benchBrief(b, sz.w, sz.h, false) })
	}
	// The display copies again, printed a second time with a cache of the
	// reduced photos.
	b.Run("display2560-cached", func(b *testing.B) { benchBrief(b, 2560, 1920, true) })
}

func benchBrief(b *testing.B, w, h int, cached bool) {
	photos := benchPhotos(b, 60, w, h)
	fonts := testFonts(b)
	in := fixtureBrief(0)
	for i := range in.Projects {
		for k := range 3 {
			in.Projects[i].Photos = append(in.Projects[i].Photos, Photo{JPEG: photos[i*3+k], Caption: fmt.Sprintf("现场照片%d", k+1), Taken: fixedTime})
		}
	}
	var size int
	var peak uint64
	opt := Options{Time: fixedTime}
	if cached {
		// Warm the cache as a first printing would.
		opt.ImageCache = &mapCache{m: map[string][]byte{}}
		if _, err := Brief(io.Discard, fonts, in, opt); err != nil {
			b.Fatal(err)
		}
	}
	runtime.GC()
	b.ResetTimer()
	for b.Loop() {
		var buf bytes.Buffer
		peak = max(peak, peakHeap(func() {
			res, err := Brief(&buf, fonts, in, opt)
			if err != nil || len(res.Warnings) > 0 {
				b.Fatal(err, res.Warnings)
			}
		}))
		size = buf.Len()
	}
	b.ReportMetric(float64(size)/1e6, "MB/pdf")
	b.ReportMetric(float64(peak)/1e6, "MB-peak-heap")
}

// mapCache is an ImageCache in memory.
type mapCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (c *mapCache) Get(k string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.m[k]
	return b, ok
}

func (c *mapCache) Put(k string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[k] = b
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
