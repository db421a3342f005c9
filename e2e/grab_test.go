package e2e

import (
	"bytes"
	endian "encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/bits"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// frame returns the screen as xwd dumps it: all that comparing two moments
// needs. xwd (x11-apps) costs a fifth of the CPU of ImageMagick's import,
// and the tests that wait for the window poll the screen every 100 ms.
//
// A connection to Xvfb can be refused while the server is busy taking a
// frame from the app (seen once in make test, with the machine loaded):
// xwd then says it cannot open the display, and is asked again.
func frame(t *testing.T, display string) []byte {
	t.Helper()
	var errb bytes.Buffer
	for attempt := 0; ; attempt++ {
		cmd := exec.Command("xwd", "-root", "-silent")
		cmd.Env = append(os.Environ(), "DISPLAY="+display)
		errb.Reset()
		cmd.Stderr = &errb
		out, err := cmd.Output()
		if err == nil {
			return out
		}
		if attempt == 10 || !strings.Contains(errb.String(), "unable to open display") {
			t.Fatalf("screen grab (xwd, package x11-apps; `make test` installs it), %d attempts: %v %s", attempt+1, err, errb.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// grab returns the screen as an image.
func grab(t *testing.T, display string) image.Image {
	t.Helper()
	img, err := decodeXWD(frame(t, display))
	if err != nil {
		t.Fatalf("reading xwd's screen grab: %v", err)
	}
	return img
}

// screenshot saves the screen as a PNG for people to look at and returns
// it decoded.
func screenshot(t *testing.T, display, path string) image.Image {
	t.Helper()
	img := grab(t, display)
	savePNG(t, img, path)
	return img
}

// savePNG writes img to path as a PNG.
func savePNG(t *testing.T, img image.Image, path string) {
	t.Helper()
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// stillConfig returns a settings folder (XDG_CONFIG_HOME) for a window
// the tests drive: its own, so that the tests neither read nor write the
// preferences of whoever runs them, with Fyne's animations turned off
// (no_animations in fyne/settings.json, the switch Fyne's settings give
// users). A blinking cursor keeps the window redrawing, under Xvfb's
// software OpenGL, for as long as a field has the cursor, and keeps the
// screen from holding still, which is what the tests wait for after each
// key. TestRealWindow starts the window with Fyne's defaults.
func stillConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "fyne"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "fyne", "settings.json"), []byte(`{"no_animations": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// decodeXWD reads an X Window Dump of a true-colour screen at 24 or 32
// bits per pixel: what xwd writes for Xvfb's 24-bit screens. The header is
// big-endian CARD32s (XWDFileHeader in X11/XWDFile.h); the pixels are in
// the byte order it names, their channels where its masks say.
func decodeXWD(b []byte) (*image.RGBA, error) {
	const fields = 25
	if len(b) < fields*4 {
		return nil, fmt.Errorf("%d bytes: too short for a header", len(b))
	}
	h := make([]uint32, fields)
	for i := range h {
		h[i] = endian.BigEndian.Uint32(b[i*4:])
	}
	headerSize, version, format := h[0], h[1], h[2]
	width, height, byteOrder, bpp, stride := h[4], h[5], h[7], h[11], h[12]
	masks := [3]uint32{h[14], h[15], h[16]}
	colours := h[19]
	if version != 7 || format != 2 || (bpp != 24 && bpp != 32) {
		return nil, fmt.Errorf("version %d, format %d, %d bits per pixel: only version 7 ZPixmap at 24 or 32 bits is read", version, format, bpp)
	}
	size := int(bpp / 8)
	start := uint64(headerSize) + uint64(colours)*12
	if width == 0 || height == 0 || uint64(stride) < uint64(width)*uint64(size) || uint64(len(b)) < start+uint64(stride)*uint64(height) {
		return nil, fmt.Errorf("%d×%d at %d bytes a line does not fit %d bytes", width, height, stride, len(b))
	}
	// A pixel's bytes, least significant first when byteOrder is 0
	// (LSBFirst).
	pixel := func(b []byte) uint32 {
		var p uint32
		for i := range size {
			if byteOrder == 0 {
				p |= uint32(b[i]) << (8 * i)
			} else {
				p = p<<8 | uint32(b[i])
			}
		}
		return p
	}
	var shifts [3]int
	for i, m := range masks {
		if bits.OnesCount32(m) != 8 {
			return nil, fmt.Errorf("colour mask %#x is not 8 bits", m)
		}
		shifts[i] = bits.TrailingZeros32(m)
	}
	img := image.NewRGBA(image.Rect(0, 0, int(width), int(height)))
	pix := b[start:]
	for y := range int(height) {
		line := pix[y*int(stride):]
		out := img.Pix[y*img.Stride:]
		for x := range int(width) {
			p := pixel(line[x*size:])
			out[x*4] = uint8(p >> shifts[0])
			out[x*4+1] = uint8(p >> shifts[1])
			out[x*4+2] = uint8(p >> shifts[2])
			out[x*4+3] = 0xff
		}
	}
	return img, nil
}

// TestScreenGrabsReadAsImageMagickReadsThem: decodeXWD gives the same
// pixels as ImageMagick's import of the same screen, on which ImageMagick's
// display shows stripes of red, green and blue: the checks that look at
// the screen see what is on it, each channel where it belongs.
func TestScreenGrabsReadAsImageMagickReadsThem(t *testing.T) {
	display := xvfbSized(t, 320, 200)
	stripes := []byte("P6 96 32 255\n")
	for range 32 {
		for x := range 96 {
			px := [3]byte{}
			px[x/32] = 0xff
			stripes = append(stripes, px[:]...)
		}
	}
	show := exec.Command("display", "-geometry", "+0+0", "ppm:-")
	show.Env = append(os.Environ(), "DISPLAY="+display)
	show.Stdin = bytes.NewReader(stripes)
	if err := show.Start(); err != nil {
		t.Fatalf("ImageMagick display: %v", err)
	}
	t.Cleanup(func() { show.Process.Kill(); show.Wait() })
	var img *image.RGBA
	for range 100 {
		var err error
		if img, err = decodeXWD(frame(t, display)); err != nil {
			t.Fatal(err)
		}
		if r, g, b, _ := img.At(80, 16).RGBA(); r == 0 && g == 0 && b == 0xffff {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	cmd := exec.Command("import", "-window", "root", "-depth", "8", "rgb:-")
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	want, err := cmd.Output()
	if err != nil {
		t.Fatalf("ImageMagick import: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 320 || b.Dy() != 200 || len(want) != 320*200*3 {
		t.Fatalf("grab is %v, import gave %d bytes", b, len(want))
	}
	differ := 0
	for i := range 320 * 200 {
		if !bytes.Equal(img.Pix[i*4:i*4+3], want[i*3:i*3+3]) {
			differ++
		}
	}
	if differ != 0 {
		t.Errorf("%d of %d pixels differ from ImageMagick's", differ, 320*200)
	}
	for x, want := range map[int]color.RGBA{16: {0xff, 0, 0, 0xff}, 48: {0, 0xff, 0, 0xff}, 80: {0, 0, 0xff, 0xff}} {
		if got := img.RGBAAt(x, 16); got != want {
			t.Errorf("at (%d, 16) the grab reads %v, want %v", x, got, want)
		}
	}
}
