package photo

import (
	"image"
	"math/rand/v2"
	"slices"
	"testing"
)

// boxScale must return exactly the rounded mean of each footprint.
func TestBoxScaleExact(t *testing.T) {
	pixelExact(t)
	r := rand.New(rand.NewPCG(1, 2))
	for _, c := range [][4]int{{4032, 7, 2560, 5}, {2560, 40, 320, 5}, {10, 10, 10, 10}, {7, 5, 3, 2}, {3, 3, 7, 5}, {1000, 3, 1, 1}} {
		sw, sh, dw, dh := c[0], c[1], c[2], c[3]
		src := plane{pix: make([]byte, sw*sh+5), w: sw, h: sh, stride: sw}
		for i := range src.pix {
			src.pix[i] = byte(r.IntN(256))
		}
		got := boxScale(src, dw, dh)
		xs, ys := spans(sw, dw), spans(sh, dh)
		for dy := range dh {
			for dx := range dw {
				y0, y1 := ys[dy], max(ys[dy+1], ys[dy]+1)
				x0, x1 := xs[dx], max(xs[dx+1], xs[dx]+1)
				var sum, n int
				for y := y0; y < y1; y++ {
					for x := x0; x < x1; x++ {
						sum += int(src.pix[y*sw+x])
						n++
					}
				}
				if want := byte((sum + n/2) / n); got.pix[dy*dw+dx] != want {
					t.Fatalf("%v at %d,%d: %d, want %d", c, dx, dy, got.pix[dy*dw+dx], want)
				}
			}
		}
	}
}

func TestReciprocal(t *testing.T) {
	pixelExact(t)
	for n := uint64(1); n < 4096; n++ {
		r := reciprocal(n)
		for a := uint64(0); a < 256*n; a += 1 + n/16 {
			if a*r>>32 != a/n {
				t.Fatalf("n=%d a=%d: %d, want %d", n, a, a*r>>32, a/n)
			}
		}
	}
}

// uprightOrder gives, for each EXIF orientation, the pixels of a 3×2
// picture numbered 1 to 6 in stored order, as they read row by row once
// turned upright.
func uprightOrder() map[int][]byte {
	return map[int][]byte{
		1: {1, 2, 3, 4, 5, 6},
		2: {3, 2, 1, 6, 5, 4},
		3: {6, 5, 4, 3, 2, 1},
		4: {4, 5, 6, 1, 2, 3},
		5: {1, 4, 2, 5, 3, 6},
		6: {4, 1, 5, 2, 6, 3},
		7: {6, 3, 5, 2, 4, 1},
		8: {3, 6, 2, 5, 1, 4},
	}
}

func TestOrientPlane(t *testing.T) {
	pixelExact(t)
	// 3×2 plane:  1 2 3
	//             4 5 6
	p := plane{pix: []byte{1, 2, 3, 4, 5, 6}, w: 3, h: 2, stride: 3}
	want := uprightOrder()
	for o, w := range want {
		got := orientPlane(p, o)
		if string(got.pix) != string(w) || (o >= 5) != (got.w == 2) {
			t.Errorf("orientation %d: %v (%dx%d), want %v", o, got.pix, got.w, got.h, w)
		}
	}
}

func TestFit(t *testing.T) {
	pixelExact(t)
	for _, c := range [][4]int{{4032, 3024, 2560, 1920}, {3024, 4032, 1920, 2560}, {100, 68, 100, 68}, {2560, 10, 2560, 10}, {100000, 1, 2560, 1}} {
		if w, h := fit(c[0], c[1], 2560); w != c[2] || h != c[3] {
			t.Errorf("fit(%d,%d) = %d,%d, want %d,%d", c[0], c[1], w, h, c[2], c[3])
		}
	}
}

// TestUprightRGBA: the same eight turns as TestOrientPlane, on RGBA pixels
// and on a sub-image whose pixels do not start at the buffer's start.
func TestUprightRGBA(t *testing.T) {
	pixelExact(t)
	// A 3×2 picture with distinct pixels inside a larger one.
	whole := image.NewRGBA(image.Rect(0, 0, 5, 4))
	src := whole.SubImage(image.Rect(1, 1, 4, 3)).(*image.RGBA)
	for i := range 6 {
		o := src.PixOffset(1+i%3, 1+i/3)
		src.Pix[o], src.Pix[o+3] = uint8(i+1), uint8(10*(i+1))
	}
	want := uprightOrder()
	for o, w := range want {
		got := UprightRGBA(src, o)
		if wantW := map[bool]int{false: 3, true: 2}[o >= 5]; got.Rect.Dx() != wantW {
			t.Errorf("orientation %d: %v wide, want %d", o, got.Rect.Dx(), wantW)
		}
		var px []uint8
		for y := range got.Rect.Dy() {
			for x := range got.Rect.Dx() {
				i := got.PixOffset(got.Rect.Min.X+x, got.Rect.Min.Y+y)
				if got.Pix[i+3] != 10*got.Pix[i] {
					t.Errorf("orientation %d: pixel (%d,%d) lost its other channels", o, x, y)
				}
				px = append(px, got.Pix[i])
			}
		}
		if !slices.Equal(px, w) {
			t.Errorf("orientation %d: got %v, want %v", o, px, w)
		}
	}
}
