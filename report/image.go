package report

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/draw"
)

// Photo is a picture to print, with what to say under it.
type Photo struct {
	// JPEG holds the original file's bytes.
	JPEG []byte
	// Orientation is the EXIF orientation (1–8) of JPEG; 0 or 1 means the
	// pixels are stored upright.
	Orientation int
	Caption     string
	Taken       time.Time
}

// maxDPI is the highest resolution a photo is embedded at. 200 dpi is
// beyond what office printers resolve in a photo, and it keeps a brief with
// sixty camera photos to a few megabytes.
const maxDPI = 200

// jpegQuality is used when a photo has to be re-encoded after downsampling.
const jpegQuality = 85

// placeJPEG draws the picture in data fitted and centred in the box, at
// most maxDPI at its placed size. A picture that cannot be read becomes a
// framed note in the box and a warning, never a failed document.
func (d *Doc) placeJPEG(data []byte, orient int, x, y, boxW, boxH float64, what string) {
	blank := func(msg string) {
		d.drawColor(colHeader)
		d.pdf.SetLineWidth(0.2)
		d.pdf.Rect(x, y, boxW, boxH, "D")
		d.setFont(false, smallSize)
		d.setColor(colMuted)
		d.pdf.Text(x+(boxW-d.measure(msg, false, smallSize))/2, y+boxH/2, msg)
	}
	if len(data) == 0 {
		// A photo recorded on another laptop may not have arrived yet.
		d.warn = append(d.warn, fmt.Sprintf(d.opt.Lang.t("照片“%s”的原件不在本机，已留空"), d.clean(what)))
		blank(d.opt.Lang.t("照片原件不在本机"))
		return
	}
	name, pw, ph, err := d.registerJPEG(data, orient, boxW, boxH)
	if err != nil {
		d.warn = append(d.warn, fmt.Sprintf(d.opt.Lang.t("照片“%s”无法读取，已留空：%v"), d.clean(what), err))
		blank(d.opt.Lang.t("照片无法读取"))
		return
	}
	s := min(boxW/pw, boxH/ph)
	w, h := pw*s, ph*s
	d.pdf.ImageOptions(name, x+(boxW-w)/2, y+(boxH-h)/2, w, h, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
}

// registerJPEG adds the picture to the PDF once per size and returns its
// name and upright pixel size.
func (d *Doc) registerJPEG(data []byte, orient int, boxW, boxH float64) (name string, w, h float64, err error) {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return "", 0, 0, fmt.Errorf("not a readable JPEG (%v)", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return "", 0, 0, fmt.Errorf("the picture has no pixels")
	}
	if orient < 1 || orient > 8 {
		orient = 1
	}
	uw, uh := cfg.Width, cfg.Height // upright size
	if orient >= 5 {
		uw, uh = uh, uw
	}
	s := min(boxW/float64(uw), boxH/float64(uh))
	maxW := int(math.Ceil(float64(uw) * s / 25.4 * maxDPI))
	tw, th := uw, uh
	if uw > maxW {
		tw = maxW
		th = max(1, int(math.Round(float64(uh)*float64(maxW)/float64(uw))))
	}
	sum := sha256.Sum256(data)
	key := fmt.Sprintf("%x-%dx%d-%d", sum[:12], tw, th, orient)
	if n, ok := d.imageNames[key]; ok {
		return n, float64(uw), float64(uh), nil
	}
	// fpdf's sorted catalogue orders images by pixel width alone and
	// leaves ties in map order, which would make two runs differ. Giving
	// every image its own width (one pixel narrower, invisible in print)
	// keeps the output byte-identical.
	for d.imageWidths[tw] && tw > 1 {
		tw--
		th = max(1, int(math.Round(float64(uh)*float64(tw)/float64(uw))))
	}
	out := data
	plainColour := cfg.ColorModel == color.YCbCrModel || cfg.ColorModel == color.GrayModel
	if tw != uw || orient != 1 || !plainColour {
		// Decoding is the costly part, so it happens only when the file
		// cannot go into the PDF as it is. CMYK files are re-encoded too:
		// Adobe's inverted CMYK prints as a negative when embedded raw.
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			return "", 0, 0, fmt.Errorf("the JPEG data is damaged (%v)", err)
		}
		rw, rh := tw, th // the target in stored (not upright) orientation
		if orient >= 5 {
			rw, rh = th, tw
		}
		img = orientImage(resample(img, rw, rh), orient)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQuality}); err != nil {
			return "", 0, 0, fmt.Errorf("re-encoding failed (%v)", err)
		}
		out = buf.Bytes()
	}
	d.imageWidths[tw] = true
	d.imageSeq++
	name = fmt.Sprintf("img%d", d.imageSeq)
	d.pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(out))
	if err := d.pdf.Error(); err != nil {
		return "", 0, 0, err
	}
	d.imageNames[key] = name
	return name, float64(uw), float64(uh), nil
}

// resample scales src to w×h. A large reduction first averages whole
// blocks of pixels — fast, and free of the aliasing a plain bilinear
// reduction leaves in brick and rebar patterns — then Catmull-Rom covers
// the remaining factor below two on the small intermediate image.
func resample(src image.Image, w, h int) *image.RGBA {
	b := src.Bounds()
	f := min(b.Dx()/max(w, 1), b.Dy()/max(h, 1))
	var rgba *image.RGBA
	if ycc, ok := src.(*image.YCbCr); ok && f >= 2 {
		// Camera JPEGs decode to YCbCr: reducing straight from its planes
		// skips a full-size RGBA copy (32 MB for an 8-megapixel photo).
		rgba = boxReduceYCbCr(ycc, f)
	} else {
		rgba = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(rgba, rgba.Bounds(), src, b.Min, draw.Src)
		if f >= 2 {
			rgba = boxReduce(rgba, f)
		}
	}
	if rgba.Rect.Dx() == w && rgba.Rect.Dy() == h {
		return rgba
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), rgba, rgba.Bounds(), draw.Src, nil)
	return dst
}

// boxReduceYCbCr averages f×f blocks of luma, and the chroma samples that
// cover the same block, into an RGBA image 1/f the size.
func boxReduceYCbCr(src *image.YCbCr, f int) *image.RGBA {
	r := src.Rect
	w, h := r.Dx()/f, r.Dy()/f
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	// Chroma subsampling factors.
	sx, sy := 1, 1
	switch src.SubsampleRatio {
	case image.YCbCrSubsampleRatio422:
		sx = 2
	case image.YCbCrSubsampleRatio420:
		sx, sy = 2, 2
	case image.YCbCrSubsampleRatio440:
		sy = 2
	case image.YCbCrSubsampleRatio411:
		sx = 4
	case image.YCbCrSubsampleRatio410:
		sx, sy = 4, 2
	}
	// Chroma planes start at the chroma sample covering r.Min.
	cx0, cy0 := r.Min.X/sx, r.Min.Y/sy
	for y := range h {
		for x := range w {
			var ys uint32
			for yy := y * f; yy < (y+1)*f; yy++ {
				row := src.Y[yy*src.YStride+x*f : yy*src.YStride+(x+1)*f]
				for _, v := range row {
					ys += uint32(v)
				}
			}
			// The chroma samples whose area overlaps this block.
			ax, bx := (r.Min.X+x*f)/sx-cx0, (r.Min.X+(x+1)*f-1)/sx-cx0
			ay, by := (r.Min.Y+y*f)/sy-cy0, (r.Min.Y+(y+1)*f-1)/sy-cy0
			var cbs, crs, n uint32
			for cy := ay; cy <= by; cy++ {
				o := cy * src.CStride
				for cx := ax; cx <= bx; cx++ {
					cbs += uint32(src.Cb[o+cx])
					crs += uint32(src.Cr[o+cx])
					n++
				}
			}
			nn := uint32(f * f)
			cr, cg, cb := color.YCbCrToRGB(uint8((ys+nn/2)/nn), uint8((cbs+n/2)/n), uint8((crs+n/2)/n))
			i := dst.PixOffset(x, y)
			dst.Pix[i], dst.Pix[i+1], dst.Pix[i+2], dst.Pix[i+3] = cr, cg, cb, 255
		}
	}
	return dst
}

// boxReduce averages f×f blocks; leftover edge pixels are dropped (less
// than f pixels, invisible at print size).
func boxReduce(src *image.RGBA, f int) *image.RGBA {
	w, h := src.Rect.Dx()/f, src.Rect.Dy()/f
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	sums := make([]uint32, w*4)
	n := uint32(f * f)
	for y := range h {
		clear(sums)
		for yy := y * f; yy < (y+1)*f; yy++ {
			row := src.Pix[yy*src.Stride : yy*src.Stride+w*f*4]
			for x := range w {
				s := sums[x*4 : x*4+4]
				px := row[x*f*4 : (x+1)*f*4]
				for i := 0; i < len(px); i += 4 {
					s[0] += uint32(px[i])
					s[1] += uint32(px[i+1])
					s[2] += uint32(px[i+2])
					s[3] += uint32(px[i+3])
				}
			}
		}
		out := dst.Pix[y*dst.Stride : y*dst.Stride+w*4]
		for i, s := range sums {
			out[i] = uint8((s + n/2) / n)
		}
	}
	return dst
}

// orientImage turns stored pixels upright according to the EXIF
// orientation (1–8).
func orientImage(src *image.RGBA, orient int) *image.RGBA {
	if orient <= 1 || orient > 8 {
		return src
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if orient >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			var sx, sy int
			switch orient {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			si := src.PixOffset(src.Rect.Min.X+sx, src.Rect.Min.Y+sy)
			copy(dst.Pix[dst.PixOffset(x, y):][:4], src.Pix[si:si+4])
		}
	}
	return dst
}

// PhotoGrid adds photos in a grid of cols columns, each with its caption
// and capture time beneath; a row of the grid never splits across pages.
func (d *Doc) PhotoGrid(photos []Photo, cols int) {
	cols = max(cols, 1)
	const gap = 5.0
	colW := (d.Width() - float64(cols-1)*gap) / float64(cols)
	boxH := colW * 3 / 4
	capStyle := style{size: smallSize, color: colText, lead: 1.35}
	lh := capStyle.lineHeight()
	for i := 0; i < len(photos); i += cols {
		row := photos[i:min(i+cols, len(photos))]
		caps := make([][]wrapped, len(row))
		maxLines := 0
		for j, p := range row {
			text := p.Caption
			if !p.Taken.IsZero() {
				t := d.opt.Lang.t("拍摄于") + " " + p.Taken.Format("2006-01-02 15:04")
				if text != "" {
					text += "\n"
				}
				text += t
			}
			caps[j] = d.wrap(text, false, smallSize, colW, 0)
			maxLines = max(maxLines, len(caps[j]))
		}
		rowH := boxH + 1.5 + float64(maxLines)*lh
		d.ensure(rowH)
		for j, p := range row {
			x := d.left + float64(j)*(colW+gap)
			d.fillColor(colShade)
			d.pdf.Rect(x, d.y, colW, boxH, "F")
			what := p.Caption
			if what == "" {
				what = fmt.Sprintf("%d", i+j+1)
			}
			d.placeJPEG(p.JPEG, p.Orientation, x, d.y, colW, boxH, what)
			d.setFont(false, smallSize)
			for k, l := range caps[j] {
				d.setColor(colText)
				if k == len(caps[j])-1 && !p.Taken.IsZero() {
					d.setColor(colMuted)
				}
				d.pdf.Text(x, baseline(d.y+boxH+1.5+float64(k)*lh, lh, smallSize), l.text)
			}
		}
		d.y += rowH + 3
	}
}
