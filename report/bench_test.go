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

	"fieldbrief/photo"
)

// benchPhotos makes n distinct w×h JPEGs with the fine texture of a site
// photo, so that they compress like one (about 1 MB at 2560×1920, quality 85).
func benchPhotos(b testing.TB, n, w, h int) [][]byte {
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

// BenchmarkBrief60Photos is the brief of issue 5 — twenty projects, three
// photos each — timed against a baseline in the same iteration that only
// puts the same 60 JPEG files, as they are, into a PDF with fpdf, three to
// a page: the floor any brief with these photos has to pay. The photos are
// package photo's renditions of 60 distinct 2560×1920 site-like pictures:
//
//   - print: the print copies (640×480), which the brief embeds without
//     decoding; this is what the CLI and the app give it;
//   - display: the 2560 px display copies, decoded and reduced, as before
//     print copies existed (and still for photos imported before them);
//   - display-cached: the display copies with a warm Options.ImageCache.
//
// It reports brief-s (also ns/op), baseline-s, their ratio, text-only-s (the
// same brief without photos: the typesetting and fonts, which no photo size
// changes), photos-s (brief-s minus text-only-s: what the photos add), the
// brief's PDF size, and the heap: MB-held is in use before the brief starts
// (the benchmark's photos and the fonts), MB-peak-heap the most in use
// while it runs.
func BenchmarkBrief60Photos(b *testing.B) {
	srcs := benchPhotos(b, 60, 2560, 1920)
	proc := photo.NewProcessor(photo.Options{})
	display, prints := make([][]byte, len(srcs)), make([][]byte, len(srcs))
	for i, src := range srcs {
		p, err := proc.Process(fmt.Sprintf("p%d.jpg", i), src)
		if err != nil {
			b.Fatal(err)
		}
		display[i], prints[i] = p.Display, p.Print
	}
	b.Run("print", func(b *testing.B) { benchBrief(b, prints, false, false) })
	b.Run("print-first", func(b *testing.B) { benchBrief(b, prints, false, true) })
	b.Run("display", func(b *testing.B) { benchBrief(b, display, false, false) })
	b.Run("display-cached", func(b *testing.B) { benchBrief(b, display, true, false) })
}

// benchBrief times the brief with photos. first makes every brief the
// first of its process: the fonts are cut for it (see typeset), where
// otherwise the cut of the iteration before is reused, as it is when a
// brief is printed again or after another document.
func benchBrief(b *testing.B, photos [][]byte, cached, first bool) {
	fonts := testFonts(b)
	forget := func() {
		if first {
			fonts.cuts.mu.Lock()
			fonts.cuts.last = nil
			fonts.cuts.mu.Unlock()
		}
	}
	textOnly := fixtureBrief(0)
	in := fixtureBrief(0)
	for i := range in.Projects {
		for k := range 3 {
			in.Projects[i].Photos = append(in.Projects[i].Photos, Photo{JPEG: photos[i*3+k], Caption: fmt.Sprintf("现场照片%d", k+1), Taken: fixedTime})
		}
	}
	var size, baseSize int
	var peak uint64
	var briefT, baseT, textT time.Duration
	opt := Options{Time: fixedTime}
	if cached {
		opt.ImageCache = &mapCache{m: map[string][]byte{}}
	}
	// A first printing, untimed, fills the image cache and the fonts' cut.
	if _, err := Brief(io.Discard, fonts, in, opt); err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	held := ms.HeapInuse
	b.ResetTimer()
	for b.Loop() {
		var buf bytes.Buffer
		forget()
		t0 := time.Now()
		peak = max(peak, peakHeap(func() {
			res, err := Brief(&buf, fonts, in, opt)
			if err != nil || len(res.Warnings) > 0 {
				b.Fatal(err, res.Warnings)
			}
		}))
		t1 := time.Now()
		baseSize = baselineEmbed(b, photos)
		forget()
		t2 := time.Now()
		if _, err := Brief(io.Discard, fonts, textOnly, opt); err != nil {
			b.Fatal(err)
		}
		briefT += t1.Sub(t0)
		baseT += t2.Sub(t1)
		textT += time.Since(t2)
		size = buf.Len()
	}
	n := float64(b.N)
	b.ReportMetric(briefT.Seconds()/n*1e9, "ns/op")
	b.ReportMetric(briefT.Seconds()/n, "brief-s")
	b.ReportMetric(baseT.Seconds()/n, "baseline-s")
	b.ReportMetric(briefT.Seconds()/baseT.Seconds(), "ratio")
	b.ReportMetric(textT.Seconds()/n, "text-only-s")
	b.ReportMetric((briefT-textT).Seconds()/n, "photos-s")
	b.ReportMetric(float64(size)/1e6, "MB/pdf")
	b.ReportMetric(float64(baseSize)/1e6, "MB/baseline-pdf")
	b.ReportMetric(float64(peak)/1e6, "MB-peak-heap")
	b.ReportMetric(float64(held)/1e6, "MB-held")
}

// baselineEmbed puts the photos, as they are, into a PDF with fpdf, three
// to a page, and returns its size.
func baselineEmbed(b *testing.B, photos [][]byte) int {
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
	return buf.Len()
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
