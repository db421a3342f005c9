package storage

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/photo"
	sv "fieldbrief/supervision"
)

// phoneJPEG makes a 4032×3024 JPEG with texture and noise, like a phone
// photo, so that compression and decoding cost what real photos cost.
func phoneJPEG(rng *rand.Rand) []byte {
	const w, h = 4032, 3024
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Y[y*img.YStride+x] = uint8((x*x/97+y*3)%200 + rng.IntN(40))
		}
	}
	for y := 0; y < h/2; y++ {
		for x := 0; x < w/2; x++ {
			img.Cb[y*img.CStride+x] = uint8(100 + x%50)
			img.Cr[y*img.CStride+x] = uint8(120 + y%40)
		}
	}
	var b bytes.Buffer
	jpeg.Encode(&b, img, &jpeg.Options{Quality: 90})
	return b.Bytes()
}

// usedBytes is the data file's high-water mark: the pages in use or free
// for reuse, not the space bbolt preallocates ahead of them.
func (s *Store) usedBytes() int64 {
	var n int64
	s.db.View(func(tx *bolt.Tx) error { n = tx.Size(); return nil })
	return n
}

// BenchmarkPhotoStoreGrowth imports phone-size photos into a store and
// reports how much the data file grows per photo, against the photo's own
// bytes (original kept until the portal has it, plus upright renditions).
func BenchmarkPhotoStoreGrowth(b *testing.B) {
	const n = 10
	rng := rand.New(rand.NewPCG(3, 4))
	dir := b.TempDir()
	var originals int64
	for i := 0; i < n; i++ {
		data := phoneJPEG(rng)
		originals += int64(len(data))
		os.WriteFile(filepath.Join(dir, fmt.Sprintf("IMG_%03d.jpg", i)), data, 0o600)
	}
	b.ResetTimer()
	var growth int64
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c := &clock{t: time.Date(2026, 5, 20, 9, 0, 0, 0, cst)}
		s := openTest(b, b.TempDir(), c)
		p, tpls := testRegister()
		s.ImportRegister(p, tpls, false)
		in, _ := s.StartVisit("p01", []string{"张伟"})
		sink, err := s.NewPhotoSink(sv.PhotoLink{VisitID: in.ID})
		if err != nil {
			b.Fatal(err)
		}
		before := s.usedBytes()
		b.StartTimer()
		t0 := time.Now()
		im := photo.NewImporter(photo.NewProcessor(photo.DefaultOptions()), sink, photo.ImportOptions{})
		res, err := im.Import(context.Background(), []string{dir}, nil)
		if err != nil {
			b.Fatal(err)
		}
		elapsed += time.Since(t0)
		b.StopTimer()
		for _, r := range res {
			if r.Status != photo.StatusImported {
				b.Fatalf("%s: %v", r.Path, r.Status)
			}
		}
		growth += s.usedBytes() - before
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(growth)/float64(b.N*n)/(1<<20), "MiB-growth/photo")
	b.ReportMetric(float64(originals)/float64(n)/(1<<20), "MiB-original/photo")
	b.ReportMetric(float64(growth)/float64(b.N)/float64(originals), "growth/original")
	b.ReportMetric(float64(elapsed.Milliseconds())/float64(b.N*n), "ms/photo")
}
