package photo

import (
	"image"
	"image/color"
	"image/draw"

	xdraw "golang.org/x/image/draw"
)

// The pipeline works on YCbCr planes, as the JPEG decoder produces them and
// the JPEG encoder consumes them: converting 12 million pixels to RGBA and
// back would cost more than the resize itself, and a box filter on each
// plane is a linear operation, so averaging Y, Cb and Cr is the same as
// averaging RGB.

// plane is one 8-bit channel.
type plane struct {
	pix    []byte
	w, h   int
	stride int
}

// boxScale resizes p to w×h by averaging the source pixels that fall in each
// destination pixel (area averaging with whole-pixel footprints). Unlike
// bilinear sampling it never aliases when shrinking by large factors (2560 →
// 320 for thumbnails), and it touches each source pixel once with integer
// arithmetic, which is what keeps it cheap next to decoding. When a
// dimension grows (only chroma of 4:1:1 sources), it repeats pixels.
func boxScale(p plane, w, h int) plane {
	if w == p.w && h == p.h {
		out := plane{pix: make([]byte, w*h), w: w, h: h, stride: w}
		for y := range h {
			copy(out.pix[y*w:(y+1)*w], p.pix[y*p.stride:y*p.stride+w])
		}
		return out
	}
	xs := spans(p.w, w)
	ys := spans(p.h, h)
	out := plane{pix: make([]byte, w*h), w: w, h: h, stride: w}
	acc := make([]uint32, w)
	// Division per output pixel cost a third of the time; a multiply by a
	// rounded-up reciprocal gives the same quotient. Row footprints take
	// only a couple of distinct heights, so there is one table per height.
	type divisor struct{ recip, half uint64 }
	recips := make([][]divisor, ys[1]-ys[0]+2)
	for dy := range h {
		clear(acc)
		y0, y1 := ys[dy], max(ys[dy+1], ys[dy]+1)
		for sy := y0; sy < y1; sy++ {
			row := p.pix[sy*p.stride : sy*p.stride+p.w]
			for dx, a := range acc {
				x0, x1 := xs[dx], xs[dx+1]
				s := uint32(row[x0])
				for x := x0 + 1; x < x1; x++ {
					s += uint32(row[x])
				}
				acc[dx] = a + s
			}
		}
		rows := y1 - y0
		if rows >= len(recips) {
			recips = append(recips, make([][]divisor, rows+1-len(recips))...)
		}
		recip := recips[rows]
		if recip == nil {
			recip = make([]divisor, w)
			for dx := range recip {
				n := uint64(rows * max(xs[dx+1]-xs[dx], 1))
				recip[dx] = divisor{reciprocal(n), n / 2}
			}
			recips[rows] = recip
		}
		dst := out.pix[dy*w : dy*w+w]
		for dx, a := range acc {
			d := recip[dx]
			dst[dx] = byte((uint64(a) + d.half) * d.recip >> 32)
		}
	}
	return out
}

// reciprocal returns ceil(2³²/n). For a sum a of n bytes (a < 256·n),
// (a·ceil(2³²/n))>>32 equals a/n as long as n² < 2²⁴, far beyond the
// footprints used here (at most 8×8 for thumbnails, 4×4 for 100 MP
// sources); boxScale is never asked for more.
func reciprocal(n uint64) uint64 {
	return (1<<32 + n - 1) / n
}

// spans returns n+1 boundaries splitting src pixels among n destination
// pixels; boundaries are equal where a source pixel is repeated.
func spans(src, n int) []int {
	s := make([]int, n+1)
	for i := range s {
		s[i] = i * src / n
	}
	return s
}

// orientPlane returns a copy of p transformed so that an image stored with
// EXIF orientation o displays upright.
func orientPlane(p plane, o int) plane {
	pix, w, h := orientPixels(p.pix, p.w, p.h, p.stride, 1, o)
	return plane{pix: pix, w: w, h: h, stride: w}
}

// UprightRGBA returns img turned so that a picture stored with EXIF
// orientation o (1–8) shows upright; other values return img as it is.
// Package report turns the pictures it decodes with it.
func UprightRGBA(img *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return img
	}
	start := img.PixOffset(img.Rect.Min.X, img.Rect.Min.Y)
	pix, w, h := orientPixels(img.Pix[start:], img.Rect.Dx(), img.Rect.Dy(), img.Stride, 4, o)
	return &image.RGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)}
}

// orientPixels returns the pixels of a w×h image of bpp bytes per pixel,
// rows stride bytes apart, transformed for EXIF orientation o, packed,
// with their new width and height. For each destination row it walks the
// source with a fixed start and step, so all eight cases share one loop.
func orientPixels(src []byte, w, h, stride, bpp, o int) (out []byte, ow, oh int) {
	ow, oh = w, h
	if o >= 5 {
		ow, oh = h, w
	}
	out = make([]byte, ow*oh*bpp)
	for dy := range oh {
		var start, step int // in bytes
		switch o {
		case 2: // mirrored horizontally
			start, step = dy*stride+(w-1)*bpp, -bpp
		case 3: // rotated 180°
			start, step = (h-1-dy)*stride+(w-1)*bpp, -bpp
		case 4: // mirrored vertically
			start, step = (h-1-dy)*stride, bpp
		case 5: // transposed
			start, step = dy*bpp, stride
		case 6: // needs 90° clockwise
			start, step = (h-1)*stride+dy*bpp, -stride
		case 7: // transverse
			start, step = (h-1)*stride+(w-1-dy)*bpp, -stride
		case 8: // needs 90° counter-clockwise
			start, step = (w-1-dy)*bpp, stride
		default:
			start, step = dy*stride, bpp
		}
		row := out[dy*ow*bpp : (dy+1)*ow*bpp]
		switch {
		case step == bpp:
			copy(row, src[start:start+ow*bpp])
		case bpp == 1:
			// The planes of a camera photo: one byte at a time, no copy call.
			s := start
			for dx := range row {
				row[dx] = src[s]
				s += step
			}
		default:
			s := start
			for dx := 0; dx < len(row); dx += bpp {
				copy(row[dx:dx+bpp], src[s:s+bpp])
				s += step
			}
		}
	}
	return out, ow, oh
}

// ycc is a 4:2:0 or 4:4:4 image held as three planes.
type ycc struct {
	y, cb, cr plane
	ratio     image.YCbCrSubsampleRatio
}

// chromaSize is the chroma plane size for a w×h image at ratio r, as
// image.NewYCbCr lays it out for a rectangle at the origin.
func chromaSize(w, h int, r image.YCbCrSubsampleRatio) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	case image.YCbCrSubsampleRatio411:
		return (w + 3) / 4, h
	case image.YCbCrSubsampleRatio410:
		return (w + 3) / 4, (h + 1) / 2
	}
	return w, h
}

// planesOf views a decoded YCbCr image as planes without copying.
func planesOf(m *image.YCbCr) ycc {
	b := m.Rect
	w, h := b.Dx(), b.Dy()
	cw, ch := chromaSize(w, h, m.SubsampleRatio)
	yo := m.YOffset(b.Min.X, b.Min.Y)
	co := m.COffset(b.Min.X, b.Min.Y)
	return ycc{
		y:     plane{pix: m.Y[yo:], w: w, h: h, stride: m.YStride},
		cb:    plane{pix: m.Cb[co:], w: cw, h: ch, stride: m.CStride},
		cr:    plane{pix: m.Cr[co:], w: cw, h: ch, stride: m.CStride},
		ratio: m.SubsampleRatio,
	}
}

// toYCC brings any decoded image to planes. JPEGs arrive as YCbCr (no copy)
// or Gray (chroma is constant); PNG and CMYK JPEGs are first shrunk by the
// general x/image scaler to at most twice the target edge, so their full
// size never exists in RGBA, and the box filter finishes the job.
func toYCC(m image.Image, maxEdge int) ycc {
	switch m := m.(type) {
	case *image.YCbCr:
		return planesOf(m)
	case *image.Gray:
		b := m.Rect
		w, h := b.Dx(), b.Dy()
		cw, ch := (w+1)/2, (h+1)/2
		neutral := make([]byte, cw*ch)
		for i := range neutral {
			neutral[i] = 128
		}
		return ycc{
			y:     plane{pix: m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], w: w, h: h, stride: m.Stride},
			cb:    plane{pix: neutral, w: cw, h: ch, stride: cw},
			cr:    plane{pix: neutral, w: cw, h: ch, stride: cw},
			ratio: image.YCbCrSubsampleRatio420,
		}
	}
	b := m.Bounds()
	w, h := fit(b.Dx(), b.Dy(), 2*maxEdge)
	rgba := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() && h == b.Dy() {
		draw.Draw(rgba, rgba.Rect, m, b.Min, draw.Src)
	} else {
		xdraw.ApproxBiLinear.Scale(rgba, rgba.Rect, m, b, xdraw.Src, nil)
	}
	return rgbaToYCC(rgba)
}

// rgbaToYCC converts to 4:4:4 planes with the JFIF matrix. Transparent PNG
// pixels become their premultiplied colour (black); photos are opaque.
func rgbaToYCC(m *image.RGBA) ycc {
	w, h := m.Rect.Dx(), m.Rect.Dy()
	y := plane{pix: make([]byte, w*h), w: w, h: h, stride: w}
	cb := plane{pix: make([]byte, w*h), w: w, h: h, stride: w}
	cr := plane{pix: make([]byte, w*h), w: w, h: h, stride: w}
	for j := range h {
		row := m.Pix[j*m.Stride : j*m.Stride+4*w]
		for i := range w {
			yy, u, v := color.RGBToYCbCr(row[4*i], row[4*i+1], row[4*i+2])
			y.pix[j*w+i], cb.pix[j*w+i], cr.pix[j*w+i] = yy, u, v
		}
	}
	return ycc{y: y, cb: cb, cr: cr, ratio: image.YCbCrSubsampleRatio444}
}

// scaleYCC resizes to w×h, producing 4:2:0 (what the JPEG encoder writes
// anyway) from any source subsampling.
func scaleYCC(src ycc, w, h int) ycc {
	cw, ch := chromaSize(w, h, image.YCbCrSubsampleRatio420)
	return ycc{
		y:     boxScale(src.y, w, h),
		cb:    boxScale(src.cb, cw, ch),
		cr:    boxScale(src.cr, cw, ch),
		ratio: image.YCbCrSubsampleRatio420,
	}
}

// orient applies EXIF orientation o to every plane. 4:2:0 and 4:4:4 are
// symmetric, so the ratio survives a quarter turn.
func (c ycc) orient(o int) ycc {
	if o <= 1 || o > 8 {
		return c
	}
	return ycc{y: orientPlane(c.y, o), cb: orientPlane(c.cb, o), cr: orientPlane(c.cr, o), ratio: c.ratio}
}

// image wraps the planes as an *image.YCbCr for the JPEG encoder.
func (c ycc) image() *image.YCbCr {
	return &image.YCbCr{
		Y: c.y.pix, Cb: c.cb.pix, Cr: c.cr.pix,
		YStride: c.y.stride, CStride: c.cb.stride,
		SubsampleRatio: c.ratio,
		Rect:           image.Rect(0, 0, c.y.w, c.y.h),
	}
}

// fit returns w×h shrunk to a long edge of at most edge, keeping the aspect
// ratio; it never enlarges.
func fit(w, h, edge int) (int, int) {
	if w <= edge && h <= edge {
		return w, h
	}
	if w >= h {
		return edge, max(1, int((int64(h)*int64(edge)+int64(w)/2)/int64(w)))
	}
	return max(1, int((int64(w)*int64(edge)+int64(h)/2)/int64(h))), edge
}

// fitBox returns w×h shrunk to fit within bw×bh, keeping the aspect ratio;
// it never enlarges.
func fitBox(w, h, bw, bh int) (int, int) {
	if w <= bw && h <= bh {
		return w, h
	}
	// Scale by the tighter of the two limits, compared without rounding.
	if int64(w)*int64(bh) >= int64(h)*int64(bw) {
		return bw, max(1, int((int64(h)*int64(bw)+int64(w)/2)/int64(w)))
	}
	return max(1, int((int64(w)*int64(bh)+int64(h)/2)/int64(h))), bh
}
