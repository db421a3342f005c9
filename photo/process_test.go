package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"strings"
	"testing"
	"time"
)

func decodeJPEG(t testing.TB, b []byte) image.Image {
	t.Helper()
	m, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// The nine samples show the same landscape picture stored in the eight EXIF
// orientations (plus the invalid 0); after processing, all must look like
// sample 0 as it is stored.
func TestOrientationSamplesUpright(t *testing.T) {
	pixelExact(t)
	ref := decodeJPEG(t, readTestdata(t, "orientation_landscape_0.jpg"))
	// Mean abs difference (0–255) at 90×60. A wrong orientation gives 65–80;
	// the display copy of a right one about 1, the thumbnail about 4 since
	// its pixel grid does not line up with 90×60.
	const tolerance = 8.0
	for o := range 9 {
		name := fmt.Sprintf("orientation_landscape_%d.jpg", o)
		data := readTestdata(t, name)
		p, err := Process(name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p.Width != 1800 || p.Height != 1200 || p.DisplayWidth != 1800 || p.DisplayHeight != 1200 {
			t.Errorf("%s: size %dx%d display %dx%d, want 1800x1200", name, p.Width, p.Height, p.DisplayWidth, p.DisplayHeight)
		}
		if p.ThumbWidth != 320 || p.ThumbHeight != 213 {
			t.Errorf("%s: thumb %dx%d, want 320x213", name, p.ThumbWidth, p.ThumbHeight)
		}
		if want := max(o, 1); p.Orientation != want {
			t.Errorf("%s: orientation %d, want %d", name, p.Orientation, want)
		}
		if d := meanAbsDiff(decodeJPEG(t, p.Display), ref, 90, 60); d > tolerance {
			t.Errorf("%s: display differs from upright reference by %.2f", name, d)
		}
		if d := meanAbsDiff(decodeJPEG(t, p.Thumb), ref, 90, 60); d > tolerance {
			t.Errorf("%s: thumbnail differs from upright reference by %.2f", name, d)
		}
		// The comparison must be able to fail: the stored (unrotated)
		// pixels of the mirrored and rotated samples are far from upright.
		if o >= 2 && o <= 4 {
			if d := meanAbsDiff(decodeJPEG(t, data), ref, 90, 60); d < 5*tolerance {
				t.Errorf("%s: stored pixels differ only by %.2f; the check cannot tell", name, d)
			}
		}
	}
}

func TestProcessCameraMetadata(t *testing.T) {
	pixelExact(t)
	cst := time.FixedZone("CST", 8*3600)
	tests := []struct {
		file     string
		taken    time.Time
		lat, lon float64
		w, h     int
	}{
		{"gps_DSCN0010.jpg", time.Date(2008, 10, 22, 16, 28, 39, 0, cst), 43.467448333, 11.885126667, 640, 480},
		{"gps_DSCN0012.jpg", time.Date(2008, 10, 22, 16, 29, 49, 0, cst), 43.467156667, 11.885395000, 640, 480},
	}
	for _, tt := range tests {
		data := readTestdata(t, tt.file)
		p, err := Process(tt.file, data)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if !p.Taken.Equal(tt.taken) || p.TakenZoneKnown {
			t.Errorf("%s: taken %v (zone known %v), want %v", tt.file, p.Taken, p.TakenZoneKnown, tt.taken)
		}
		if p.GPS == nil || math.Abs(p.GPS.Lat-tt.lat) > 1e-6 || math.Abs(p.GPS.Lon-tt.lon) > 1e-6 {
			t.Errorf("%s: gps %+v", tt.file, p.GPS)
		}
		if p.Width != tt.w || p.Height != tt.h || p.ThumbWidth != 320 || p.ThumbHeight != 240 {
			t.Errorf("%s: %dx%d thumb %dx%d", tt.file, p.Width, p.Height, p.ThumbWidth, p.ThumbHeight)
		}
		if p.SHA256 != hashHex(data) || len(p.SHA256) != 64 || !bytes.Equal(p.Original, data) || p.Name != tt.file || p.Format != "jpeg" {
			t.Errorf("%s: identity fields %q %q %q", tt.file, p.SHA256, p.Name, p.Format)
		}
	}
}

func TestProcessZoneOption(t *testing.T) {
	pixelExact(t)
	utc := NewProcessor(Options{Zone: time.UTC})
	p, err := utc.Process("x.jpg", readTestdata(t, "Canon_40D.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2008, 5, 30, 15, 56, 1, 0, time.UTC); !p.Taken.Equal(want) {
		t.Errorf("taken %v, want %v", p.Taken, want)
	}
	if p.GPS != nil {
		t.Errorf("gps %+v from a GPS IFD without a position", p.GPS)
	}
	// 100×68 is below both limits: never enlarged.
	if p.DisplayWidth != 100 || p.DisplayHeight != 68 || p.ThumbWidth != 100 || p.ThumbHeight != 68 {
		t.Errorf("display %dx%d thumb %dx%d", p.DisplayWidth, p.DisplayHeight, p.ThumbWidth, p.ThumbHeight)
	}
}

func TestProcessOffsetTime(t *testing.T) {
	pixelExact(t)
	bo := binary.LittleEndian
	tiff := buildTIFF(bo, nil, []tiffEntry{
		asciiEntry(tagDateTimeOriginal, "2025:06:01 10:00:00"),
		asciiEntry(tagOffsetTimeOriginal, "+09:00"),
	}, nil)
	p, err := Process("x.jpg", withAPP1(smallJPEG(t), tiff))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 6, 1, 1, 0, 0, 0, time.UTC); !p.Taken.Equal(want) || !p.TakenZoneKnown {
		t.Errorf("taken %v (known %v), want %v", p.Taken, p.TakenZoneKnown, want)
	}
}

func TestProcessLargeIsResized(t *testing.T) {
	pixelExact(t)
	// A real 4032×3024 camera file.
	p, err := Process("big.jpg", readTestdata(t, "tests_42_IndexError.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 4032 || p.Height != 3024 || p.DisplayWidth != 2560 || p.DisplayHeight != 1920 || p.ThumbWidth != 320 || p.ThumbHeight != 240 {
		t.Errorf("%dx%d display %dx%d thumb %dx%d", p.Width, p.Height, p.DisplayWidth, p.DisplayHeight, p.ThumbWidth, p.ThumbHeight)
	}
	disp := decodeJPEG(t, p.Display)
	if disp.Bounds().Dx() != 2560 || disp.Bounds().Dy() != 1920 {
		t.Errorf("display JPEG is %v", disp.Bounds())
	}
	if d := meanAbsDiff(disp, decodeJPEG(t, p.Original), 64, 48); d > 2 {
		t.Errorf("display differs from original by %.2f", d)
	}
	if d := meanAbsDiff(decodeJPEG(t, p.Thumb), disp, 64, 48); d > 2 {
		t.Errorf("thumbnail differs from display by %.2f", d)
	}
}

// Portrait picture stored sideways, in a size that needs resizing, with
// odd dimensions so that chroma rounding is exercised.
func TestProcessResizeAndRotate(t *testing.T) {
	pixelExact(t)
	src := scene(2601, 1599, 7)
	tiff := buildTIFF(binary.BigEndian, []tiffEntry{{tagOrientation, typeShort, 1, shortVal(binary.BigEndian, 8)}}, nil, nil)
	data := withAPP1(encodeTest(t, src, 90), tiff)
	p, err := Process("side.jpg", data)
	if err != nil {
		t.Fatal(err)
	}
	if p.Width != 1599 || p.Height != 2601 || p.DisplayWidth != 1574 || p.DisplayHeight != 2560 || p.ThumbWidth != 197 || p.ThumbHeight != 320 {
		t.Fatalf("%dx%d display %dx%d thumb %dx%d", p.Width, p.Height, p.DisplayWidth, p.DisplayHeight, p.ThumbWidth, p.ThumbHeight)
	}
	// Orientation 8 means: turn 90° counter-clockwise to view. Do that by
	// hand on the source and compare.
	b := src.Bounds()
	want := image.NewGray(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := range b.Dy() {
		for x := range b.Dx() {
			want.SetGray(y, b.Dx()-1-x, color.Gray{src.Y[y*src.YStride+x]})
		}
	}
	if d := meanAbsDiff(decodeJPEG(t, p.Display), want, 40, 60); d > 3 {
		t.Errorf("display differs from hand-rotated source by %.2f", d)
	}
}

func TestProcessGrayAndPNG(t *testing.T) {
	pixelExact(t)
	g := image.NewGray(image.Rect(0, 0, 300, 200))
	for i := range g.Pix {
		g.Pix[i] = uint8(i % 251)
	}
	p, err := Process("g.jpg", encodeTest(t, g, 90))
	if err != nil {
		t.Fatal(err)
	}
	if p.DisplayWidth != 300 || p.ThumbWidth != 300 || p.Format != "jpeg" {
		t.Errorf("gray: %+v", p)
	}
	// PNG (screenshots of documents) is accepted and converted to JPEG.
	rgba := image.NewNRGBA(image.Rect(0, 0, 3000, 500))
	for i := range rgba.Pix {
		rgba.Pix[i] = uint8(i * 7)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, rgba); err != nil {
		t.Fatal(err)
	}
	p, err = Process("s.png", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if p.Format != "png" || p.Width != 3000 || p.DisplayWidth != 2560 || p.DisplayHeight != 427 || p.ThumbWidth != 320 || p.ThumbHeight != 53 {
		t.Errorf("png: %s %dx%d display %dx%d thumb %dx%d", p.Format, p.Width, p.Height, p.DisplayWidth, p.DisplayHeight, p.ThumbWidth, p.ThumbHeight)
	}
	if m := decodeJPEG(t, p.Display); m.Bounds().Dx() != 2560 {
		t.Errorf("png display is %v", m.Bounds())
	}
}

func wantRejection(t *testing.T, name string, err error, code Code) *Rejection {
	t.Helper()
	var r *Rejection
	if !errors.As(err, &r) {
		t.Fatalf("%s: got %v, want a rejection %q", name, err, code)
	}
	if r.Code != code {
		t.Errorf("%s: code %q (%s), want %q", name, r.Code, r.En, code)
	}
	if r.Zh == "" || r.En == "" || r.Message("zh-CN") != r.Zh || r.Message("en") != r.En {
		t.Errorf("%s: messages %q / %q", name, r.Zh, r.En)
	}
	return r
}

func TestProcessRejections(t *testing.T) {
	pixelExact(t)
	gps := readTestdata(t, "gps_DSCN0010.jpg")
	// A header claiming 12000×10000 in front of a tiny picture: must be
	// refused from the header, so it is never decoded.
	bomb := bytes.Clone(smallJPEG(t))
	sof := bytes.Index(bomb, []byte{0xFF, 0xC0})
	bomb[sof+5], bomb[sof+6] = 12000>>8, 12000&0xFF // height
	bomb[sof+7], bomb[sof+8] = 10000>>8, 10000&0xFF // width
	zeroSize := bytes.Clone(bomb)
	copy(zeroSize[sof+5:], []byte{0, 0, 0, 0})
	tests := []struct {
		name string
		data []byte
		code Code
	}{
		{"corrupted.jpg", readTestdata(t, "corrupted.jpg"), CodeCorrupt},
		{"heic_samplefilehub.heif", readTestdata(t, "heic_samplefilehub.heif"), CodeHEIF},
		{"zero bytes", nil, CodeEmpty},
		{"text file", []byte("巡查记录 notes\n"), CodeNotImage},
		{"licence text", readTestdata(t, "LICENSE.orientation-examples.txt"), CodeNotImage},
		{"truncated", gps[:len(gps)*6/10], CodeTruncated},
		{"header only", gps[:len(gps)/20], CodeTruncated},
		{"bomb header", bomb, CodeTooManyPixels},
		{"mp4", append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42"), make([]byte, 32)...), CodeVideo},
		{"mov", append([]byte("\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  "), make([]byte, 32)...), CodeVideo},
		{"avif", append([]byte("\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf"), make([]byte, 32)...), CodeUnsupported},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), CodeUnsupported},
		{"raw (tiff)", []byte("II*\x00\x08\x00\x00\x00\x00\x00"), CodeUnsupported},
		{"zero size in header", zeroSize, CodeCorrupt},
		{"jpeg signature only", []byte{0xFF, 0xD8, 0xFF}, CodeTruncated},
	}
	for _, tt := range tests {
		_, err := Process(tt.name, tt.data)
		r := wantRejection(t, tt.name, err, tt.code)
		if tt.code == CodeHEIF {
			// The user must learn how to get JPEG out of the phone.
			if !strings.Contains(r.Zh, "设置 → 相机 → 格式 → 兼容性最佳") || !strings.Contains(r.En, "Settings → Camera → Formats → Most Compatible") {
				t.Errorf("HEIF advice missing: %q / %q", r.Zh, r.En)
			}
		}
	}
}

func TestProcessLimits(t *testing.T) {
	pixelExact(t)
	data := readTestdata(t, "gps_DSCN0010.jpg") // 640×480, 161713 bytes
	_, err := NewProcessor(Options{MaxPixels: 640*480 - 1}).Process("x.jpg", data)
	r := wantRejection(t, "pixels", err, CodeTooManyPixels)
	if !strings.Contains(r.En, "640×480") {
		t.Errorf("message does not name the size: %q", r.En)
	}
	if _, err := NewProcessor(Options{MaxPixels: 640 * 480}).Process("x.jpg", data); err != nil {
		t.Errorf("at the pixel limit: %v", err)
	}
	_, err = NewProcessor(Options{MaxBytes: int64(len(data)) - 1}).Process("x.jpg", data)
	wantRejection(t, "bytes", err, CodeTooLarge)
	if got := DefaultOptions(); got.MaxBytes != 50<<20 || got.MaxPixels != 100_000_000 {
		t.Errorf("defaults %+v", got)
	}
}

// Samples named "invalid", "memory_error" or "IndexError" broke other EXIF
// libraries; their pictures are fine, so they are imported, and their
// metadata is read as far as it is sound.
func TestProcessDifficultButValid(t *testing.T) {
	pixelExact(t)
	for _, name := range []string{"invalid_image00971.jpg", "invalid_image01551.jpg", "tests_36-memory_error.jpg", "tests_42_IndexError.jpg", "xmp_no_exif.jpg"} {
		p, err := Process(name, readTestdata(t, name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if p.DisplayWidth == 0 || len(p.Display) == 0 || len(p.Thumb) == 0 {
			t.Errorf("%s: no display copy", name)
		}
	}
}

func TestProcessBrokenExifStillImports(t *testing.T) {
	pixelExact(t)
	bo := binary.BigEndian
	tiff := buildTIFF(bo, []tiffEntry{{tagOrientation, typeShort, 1, shortVal(bo, 6)}},
		[]tiffEntry{asciiEntry(tagDateTimeOriginal, "2024:01:02 03:04:05")}, nil)
	tiff[4], tiff[5] = 0x7F, 0xFF // IFD0 offset far past the end
	p, err := Process("x.jpg", withAPP1(smallJPEG(t), tiff))
	if err != nil {
		t.Fatal(err)
	}
	if p.Orientation != 1 || !p.Taken.IsZero() || p.GPS != nil || len(p.MetadataWarnings) == 0 {
		t.Errorf("orientation %d taken %v gps %v warnings %q", p.Orientation, p.Taken, p.GPS, p.MetadataWarnings)
	}
	if p.Width != 64 || p.Height != 48 {
		t.Errorf("size %dx%d", p.Width, p.Height)
	}
	// An Exif segment whose length runs past the end of the file hides the
	// picture itself: the decoder skips by the same length and finds the
	// file ends early.
	bad := bytes.Clone(smallJPEG(t))
	bad = append(bad[:2], append([]byte{0xFF, 0xE1, 0xFF, 0xF0, 'E', 'x', 'i', 'f', 0, 0}, bad[2:]...)...)
	_, err = Process("y.jpg", bad)
	wantRejection(t, "overlong APP1", err, CodeTruncated)
}

// The print copy fits the reports' photo cell upright, whatever the
// orientation the camera stored, and is never enlarged.
func TestProcessPrintCopy(t *testing.T) {
	pixelExact(t)
	big, err := Process("big.jpg", readTestdata(t, "tests_42_IndexError.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	if big.PrintWidth != 640 || big.PrintHeight != 480 {
		t.Errorf("landscape print copy %dx%d, want 640x480", big.PrintWidth, big.PrintHeight)
	}
	prn := decodeJPEG(t, big.Print)
	if prn.Bounds().Dx() != 640 || prn.Bounds().Dy() != 480 {
		t.Errorf("print JPEG is %v", prn.Bounds())
	}
	if d := meanAbsDiff(prn, decodeJPEG(t, big.Display), 64, 48); d > 2 {
		t.Errorf("print copy differs from display by %.2f", d)
	}

	// Stored sideways (orientation 8), upright a portrait: it fits the
	// box by its height, 480 px, not its long edge.
	src := scene(2601, 1599, 7)
	tiff := buildTIFF(binary.BigEndian, []tiffEntry{{tagOrientation, typeShort, 1, shortVal(binary.BigEndian, 8)}}, nil, nil)
	side, err := Process("side.jpg", withAPP1(encodeTest(t, src, 90), tiff))
	if err != nil {
		t.Fatal(err)
	}
	if side.PrintWidth != 295 || side.PrintHeight != 480 {
		t.Errorf("portrait print copy %dx%d, want 295x480", side.PrintWidth, side.PrintHeight)
	}
	if d := meanAbsDiff(decodeJPEG(t, side.Print), decodeJPEG(t, side.Display), 40, 60); d > 3 {
		t.Errorf("portrait print copy differs from display by %.2f", d)
	}

	small, err := NewProcessor(Options{PrintWidth: 1000, PrintHeight: 800}).Process("s.jpg", encodeTest(t, scene(300, 200, 3), 90))
	if err != nil {
		t.Fatal(err)
	}
	if small.PrintWidth != 300 || small.PrintHeight != 200 || len(small.Print) == 0 {
		t.Errorf("small picture's print copy %dx%d (%d bytes), want 300x200 as it is", small.PrintWidth, small.PrintHeight, len(small.Print))
	}
}

func TestFitBox(t *testing.T) {
	pixelExact(t)
	for _, tt := range []struct{ w, h, bw, bh, ww, wh int }{
		{4032, 3024, 640, 480, 640, 480},
		{3024, 4032, 640, 480, 360, 480},
		{1920, 1080, 640, 480, 640, 360},
		{1000, 1000, 640, 480, 480, 480},
		{600, 400, 640, 480, 600, 400},
		{10000, 1, 640, 480, 640, 1},
	} {
		if w, h := fitBox(tt.w, tt.h, tt.bw, tt.bh); w != tt.ww || h != tt.wh {
			t.Errorf("fitBox(%d, %d, %d, %d) = %d, %d; want %d, %d", tt.w, tt.h, tt.bw, tt.bh, w, h, tt.ww, tt.wh)
		}
	}
}
