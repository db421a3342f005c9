package photo

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tiffEntry is one field for buildTIFF; value holds the raw bytes in the
// byte order of the TIFF being built.
type tiffEntry struct {
	tag, typ uint16
	count    uint32
	value    []byte
}

// buildTIFF lays out IFD0 and, when given, an Exif IFD and a GPS IFD, adding
// the pointers to them in IFD0. Values longer than four bytes go to a data
// area after the IFDs, as cameras write them.
func buildTIFF(bo binary.ByteOrder, ifd0, exif, gps []tiffEntry) []byte {
	ifdSize := func(n int) int { return 2 + 12*n + 4 }
	n0 := len(ifd0)
	if exif != nil {
		n0++
	}
	if gps != nil {
		n0++
	}
	exifOff := 8 + ifdSize(n0)
	gpsOff := exifOff
	if exif != nil {
		gpsOff += ifdSize(len(exif))
	}
	dataOff := gpsOff
	if gps != nil {
		dataOff += ifdSize(len(gps))
	}
	u32 := func(v uint32) []byte { b := make([]byte, 4); bo.PutUint32(b, v); return b }
	if exif != nil {
		ifd0 = append(ifd0, tiffEntry{tagExifIFD, typeLong, 1, u32(uint32(exifOff))})
	}
	if gps != nil {
		ifd0 = append(ifd0, tiffEntry{tagGPSIFD, typeLong, 1, u32(uint32(gpsOff))})
	}
	var head, data bytes.Buffer
	if bo == binary.LittleEndian {
		head.WriteString("II*\x00")
	} else {
		head.WriteString("MM\x00*")
	}
	head.Write(u32(8))
	writeIFD := func(es []tiffEntry) {
		var n [2]byte
		bo.PutUint16(n[:], uint16(len(es)))
		head.Write(n[:])
		for _, e := range es {
			var p [12]byte
			bo.PutUint16(p[0:], e.tag)
			bo.PutUint16(p[2:], e.typ)
			bo.PutUint32(p[4:], e.count)
			if len(e.value) <= 4 {
				copy(p[8:], e.value)
			} else {
				bo.PutUint32(p[8:], uint32(dataOff+data.Len()))
				data.Write(e.value)
			}
			head.Write(p[:])
		}
		head.Write(u32(0)) // no next IFD
	}
	writeIFD(ifd0)
	if exif != nil {
		writeIFD(exif)
	}
	if gps != nil {
		writeIFD(gps)
	}
	return append(head.Bytes(), data.Bytes()...)
}

func shortVal(bo binary.ByteOrder, v uint16) []byte {
	b := make([]byte, 2)
	bo.PutUint16(b, v)
	return b
}

func asciiEntry(tag uint16, s string) tiffEntry {
	return tiffEntry{tag, typeASCII, uint32(len(s) + 1), append([]byte(s), 0)}
}

func rationalEntry(bo binary.ByteOrder, tag uint16, v ...uint32) tiffEntry {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		bo.PutUint32(b[4*i:], x)
	}
	return tiffEntry{tag, typeRational, uint32(len(v) / 2), b}
}

// withAPP1 inserts an APP1 Exif segment holding tiff right after the SOI of
// a JPEG.
func withAPP1(jpg, tiff []byte) []byte {
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

// scene draws a w×h picture with structure at every scale (gradients,
// stripes, discs, noise), so that JPEG sizes and decode times are like a
// photo's rather than a flat colour's.
func scene(w, h int, seed uint64) *image.YCbCr {
	m := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	type disc struct {
		x, y, r2 float64
		c        uint8
	}
	discs := make([]disc, 40)
	for i := range discs {
		rad := float64(w) / 40 * (1 + 3*r.Float64())
		discs[i] = disc{r.Float64() * float64(w), r.Float64() * float64(h), rad * rad, uint8(r.IntN(256))}
	}
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			v := 90 + 60*fy + 30*math.Sin(fx*40+fy*7) + 12*math.Sin(float64(x)*0.9)*math.Cos(float64(y)*0.7)
			for _, d := range discs[:8] {
				dx, dy := float64(x)-d.x, float64(y)-d.y
				if dx*dx+dy*dy < d.r2 {
					v = 0.5*v + 0.5*float64(d.c)
				}
			}
			v += float64(r.IntN(24)) - 12
			m.Y[y*m.YStride+x] = uint8(max(0, min(255, v)))
		}
	}
	for y := range (h + 1) / 2 {
		for x := range (w + 1) / 2 {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			m.Cb[y*m.CStride+x] = uint8(128 + 40*math.Sin(fx*9) + float64(r.IntN(8)))
			m.Cr[y*m.CStride+x] = uint8(128 + 40*math.Cos(fy*11+fx*3) + float64(r.IntN(8)))
		}
	}
	return m
}

func encodeTest(t testing.TB, m image.Image, q int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// smallJPEG is a 64×48 picture whose left half is dark and right half light,
// so a mirror or a quarter turn is visible in its pixels.
func smallJPEG(t testing.TB) []byte {
	m := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := range 48 {
		for x := range 64 {
			c := color.RGBA{30, 30, 30, 255}
			if x >= 32 {
				c = color.RGBA{220, 200, 180, 255}
			}
			m.SetRGBA(x, y, c)
		}
	}
	return encodeTest(t, m, 90)
}

// meanAbsDiff compares two images after shrinking both to w×h, so that
// resampling and JPEG noise average out while a wrong rotation or mirror
// does not.
func meanAbsDiff(a, b image.Image, w, h int) float64 {
	sa, sb := shrinkGray(a, w, h), shrinkGray(b, w, h)
	var sum float64
	for i := range sa.pix {
		sum += math.Abs(float64(sa.pix[i]) - float64(sb.pix[i]))
	}
	return sum / float64(len(sa.pix))
}

// shrinkGray compares luma only: enough to see a turn or a mirror, and the
// decoded planes can be used as they are.
func shrinkGray(m image.Image, w, h int) plane {
	switch m := m.(type) {
	case *image.YCbCr:
		return boxScale(plane{pix: m.Y, w: m.Rect.Dx(), h: m.Rect.Dy(), stride: m.YStride}, w, h)
	case *image.Gray:
		return boxScale(plane{pix: m.Pix, w: m.Rect.Dx(), h: m.Rect.Dy(), stride: m.Stride}, w, h)
	}
	b := m.Bounds()
	g := image.NewGray(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			g.Set(x, y, m.At(x, y))
		}
	}
	return boxScale(plane{pix: g.Pix, w: b.Dx(), h: b.Dy(), stride: g.Stride}, w, h)
}

// pixelExact marks a test that processes pixels on a single goroutine. The
// race detector can find nothing there and makes such a test ten times
// slower, so under -race it is skipped: `make test` runs this package a
// second time without -race (the plain pass), where it runs. The import
// tests, which run workers concurrently, keep -race.
func pixelExact(t *testing.T) {
	t.Helper()
	if raceDetector {
		t.Skip("pixel-exact, single goroutine: runs in make test's pass without -race")
	}
}
