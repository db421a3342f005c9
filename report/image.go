package report

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"runtime"
	"strings"
	"sync"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/draw"

	"fieldbrief/docinput"
	"fieldbrief/linebreak"
	"fieldbrief/photo"
	"fieldbrief/supervision"
)

// Photo is a picture to print, with what to say under it (docinput.Photo).
type Photo = docinput.Photo

// minPPI is the resolution below which a photo is marked as printing
// blurred: below 150 pixels per inch a site photo's detail (a crack, a
// sign) is no longer legible on paper.
const minPPI = 150

// maxDPI is the highest resolution a photo is embedded at. 200 dpi is
// beyond what office printers resolve in a photo, and it keeps a brief with
// sixty camera photos to a few megabytes.
const maxDPI = 200

// dpiSlack is how far above maxDPI a picture may stay when that saves
// decoding or interpolating it: 10 %, invisible in print. It lets package
// photo's 640 × 480 print copy into the 75.5 mm photo cell of A4's
// 156 mm text block (595 px at 200 dpi) as it is.
const dpiSlack = 1.10

// jpegQuality is used when a photo has to be re-encoded after downsampling.
const jpegQuality = 85

// imageJob is one picture on its way into the PDF. Jobs are planned in
// document order (which fixes their names and sizes), prepared — decoded,
// resampled, re-encoded — in parallel, since that is where a brief with
// sixty photos spends its time, and registered with fpdf in order again.
type imageJob struct {
	data   []byte
	orient int
	uw, uh int  // upright size of the source, px
	tw, th int  // size resampled to, upright, px
	crop   int  // columns trimmed off the right after resampling
	raw    bool // the file goes in as it is
	out    []byte
	err    error
	done   bool
	name   string // fpdf's name once registered

	cache    ImageCache
	cacheKey string
}

// planJPEG works out how the picture goes into a box, reusing the job of
// the same picture at the same size.
func (d *Doc) planJPEG(data []byte, orient int, boxW, boxH float64) *imageJob {
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return &imageJob{err: fmt.Errorf("not a readable JPEG (%v)", err), done: true}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return &imageJob{err: fmt.Errorf("the picture has no pixels"), done: true}
	}
	if orient < 1 || orient > 8 {
		orient = 1
	}
	j := &imageJob{data: data, orient: orient, uw: cfg.Width, uh: cfg.Height}
	if orient >= 5 {
		j.uw, j.uh = j.uh, j.uw
	}
	s := min(boxW/float64(j.uw), boxH/float64(j.uh))
	maxW := int(math.Ceil(float64(j.uw) * s / 25.4 * maxDPI))
	j.tw, j.th = j.uw, j.uh
	switch f := j.uw / max(maxW, 1); {
	case float64(j.uw) <= float64(maxW)*dpiSlack:
		// Close enough to go in as it is.
	case f >= 2 && float64(j.uw/f) <= float64(maxW)*dpiSlack:
		// Averaging f×f blocks alone lands close enough: skip the
		// interpolation step.
		j.tw, j.th = j.uw/f, j.uh/f
	default:
		j.tw = maxW
		j.th = max(1, int(math.Round(float64(j.uh)*float64(maxW)/float64(j.uw))))
	}
	sum := sha256.Sum256(data)
	key := fmt.Sprintf("%x-%dx%d-%d", sum[:12], j.tw, j.th, orient)
	if prev, ok := d.images[key]; ok {
		return prev
	}
	if d.opt.Deterministic {
		// fpdf's sorted catalogue orders images by pixel width alone and
		// leaves ties in map order, which would make two runs differ.
		// Trimming a column or two off the right edge, invisible in print,
		// gives every image its own width. It costs a decode for pictures
		// that could have gone in as they are, so it is done only when
		// byte-identical output was asked for.
		w := j.tw
		for d.imageWidths[w] && w > 1 {
			w--
		}
		j.crop = j.tw - w
		d.imageWidths[w] = true
	}
	// Decoding is the costly part, so it happens only when the file
	// cannot go into the PDF as it is. CMYK files are re-encoded too:
	// Adobe's inverted CMYK prints as a negative when embedded raw.
	plainColour := cfg.ColorModel == color.YCbCrModel || cfg.ColorModel == color.GrayModel
	j.raw = j.tw == j.uw && j.crop == 0 && orient == 1 && plainColour
	d.images[key] = j
	if !j.raw && j.crop == 0 && d.opt.ImageCache != nil {
		j.cache = d.opt.ImageCache
		j.cacheKey = fmt.Sprintf("report/print/v1/%x/%dx%d/o%d", sum, j.tw, j.th, orient)
		if b, ok := j.cache.Get(j.cacheKey); ok {
			if c, err := jpeg.DecodeConfig(bytes.NewReader(b)); err == nil && c.Width == j.tw && c.Height == j.th {
				j.out, j.done, j.data = b, true, nil
			}
		}
	}
	return j
}

// ImageCache keeps photos already reduced for print from one document to
// the next, so that a brief printed again does not decode its photos
// again: decoding is nearly all of a photo-heavy brief's time. Get and Put
// are called from several goroutines at once. An entry that is not a JPEG
// of the expected size is ignored.
type ImageCache interface {
	Get(key string) ([]byte, bool)
	Put(key string, jpeg []byte)
}

// prepare produces the bytes to embed. It touches only the job, so jobs
// run concurrently.
func (j *imageJob) prepare() {
	if j.done {
		return
	}
	j.done = true
	if j.raw {
		j.out = j.data
		return
	}
	img, err := jpeg.Decode(bytes.NewReader(j.data))
	if err != nil {
		j.err = fmt.Errorf("the JPEG data is damaged (%v)", err)
		return
	}
	rw, rh := j.tw, j.th // the target in stored (not upright) orientation
	if j.orient >= 5 {
		rw, rh = j.th, j.tw
	}
	var out image.Image = photo.UprightRGBA(resample(img, rw, rh), j.orient)
	if j.crop > 0 {
		out = out.(*image.RGBA).SubImage(image.Rect(0, 0, j.tw-j.crop, j.th))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, out, &jpeg.Options{Quality: jpegQuality}); err != nil {
		j.err = fmt.Errorf("re-encoding failed (%v)", err)
		return
	}
	j.out = buf.Bytes()
	// The source may be megabytes; the document keeps only what it embeds.
	j.data = nil
	if j.cache != nil {
		j.cache.Put(j.cacheKey, j.out)
	}
}

// prepareAll prepares jobs on as many goroutines as the machine has cores.
func prepareAll(jobs []*imageJob) {
	work := make(chan *imageJob)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range work {
				j.prepare()
			}
		}()
	}
	seen := map[*imageJob]bool{}
	for _, j := range jobs {
		// seen first: a job listed twice may already be in a worker's
		// hands, writing its done.
		if j == nil || seen[j] {
			continue
		}
		seen[j] = true
		if !j.done {
			work <- j
		}
	}
	close(work)
	wg.Wait()
}

// register hands a prepared job to fpdf, once.
func (d *Doc) register(j *imageJob) (string, error) {
	j.prepare()
	if j.err != nil {
		return "", j.err
	}
	if j.name != "" {
		return j.name, nil
	}
	d.imageSeq++
	name := fmt.Sprintf("img%d", d.imageSeq)
	d.pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(j.out))
	if err := d.pdf.Error(); err != nil {
		return "", err
	}
	j.name = name
	j.out = nil // fpdf holds its own copy
	return name, nil
}

// placeJob draws a planned picture fitted and centred in the box. A
// picture that cannot be read, or whose bytes are not on this computer,
// becomes a framed note in the box and a warning, never a failed document.
func (d *Doc) placeJob(j *imageJob, x, y, boxW, boxH float64, what string) {
	blank := func(msg string) {
		d.drawColor(colHeader)
		d.pdf.SetLineWidth(0.2)
		d.pdf.Rect(x, y, boxW, boxH, "D")
		d.setFont(serif, smallSize)
		d.setColor(colMuted)
		d.text(x+(boxW-d.measure(msg, serif, smallSize))/2, y+boxH/2, msg)
	}
	if j == nil {
		// A photo recorded on another laptop may not have arrived yet.
		d.warn = append(d.warn, fmt.Sprintf(d.printLang().t("report.text.photo_is_not_on_this"), d.clean(what)))
		blank(d.printLang().t("report.text.photo_not_on_this_computer"))
		return
	}
	name, err := d.register(j)
	if err != nil {
		d.warn = append(d.warn, fmt.Sprintf(d.printLang().t("report.text.photo_cannot_be_read_and"), d.clean(what), err))
		blank(d.printLang().t("report.text.photo_cannot_be_read"))
		return
	}
	ew, eh := float64(j.tw-j.crop), float64(j.th) // as embedded
	s := min(boxW/ew, boxH/eh)
	w, h := ew*s, eh*s
	d.pdf.ImageOptions(name, x+(boxW-w)/2, y+(boxH-h)/2, w, h, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
}

// resample scales src to w×h. A large reduction first averages whole
// blocks of pixels — fast, and free of the aliasing a plain bilinear
// reduction leaves in brick and rebar patterns — then bilinear
// interpolation covers the remaining factor below two, where it is sharp
// enough and many times faster than a wider kernel.
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
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), rgba, rgba.Bounds(), draw.Src, nil)
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

// photoCols is how many photos the reports put side by side, and
// photoGap the space between them, mm. PhotoBox derives the print copy's
// size from them.
const (
	photoCols = 2
	photoGap  = 5.0
)

// photoCell is the box one photo is fitted in, mm, in a grid of cols
// columns across a text area width wide: 4:3, the shape of most cameras'
// pictures.
func photoCell(width float64, cols int) (w, h float64) {
	cols = max(cols, 1)
	w = (width - float64(cols-1)*photoGap) / float64(cols)
	return w, w * 3 / 4
}

// PhotoBox returns the box, in upright pixels, that the reports' largest
// photo placement needs at the resolution they embed photos at (200 dpi)
// on paper of the given size: 595 × 446 px on A4, 841 × 631 px on A3. A
// JPEG that is upright and fits it goes into the PDF as it is, without
// being decoded, which is what makes a brief with dozens of photos quick;
// package photo makes its print copy for A4 from this.
func PhotoBox(size PageSize) (w, h int) {
	// A3 prints the A4 layout enlarged (see Doc.scale).
	a4W, _ := pageMM(A4)
	pw, _ := pageMM(size)
	cw, ch := photoCell(a4W-marginLeft-marginRight, photoCols)
	px := func(mm float64) int { return int(math.Ceil(mm * pw / a4W / 25.4 * maxDPI)) }
	return px(cw), px(ch)
}

// pageMM is the paper's portrait size, mm.
func pageMM(size PageSize) (w, h float64) {
	if size == A3 {
		return 297, 420
	}
	return 210, 297
}

// photoRowHeight is the room the first row of a grid of photos takes.
func (d *Doc) photoRowHeight(photos []Photo, cols int) float64 {
	cols = max(cols, 1)
	colW, boxH := photoCell(d.Width(), cols)
	lines := 0
	for _, p := range photos[:min(len(photos), cols)] {
		lines = max(lines, len(d.captionLines(p, colW, boxH)))
	}
	return boxH + 1.5 + float64(lines)*style{size: smallSize, lead: 1.35}.lineHeight()
}

// captionLine is one line under a photo and its colour.
type captionLine struct {
	text  string
	color rgb
}

// captionLines are the lines printed under a photo fitted in a boxW × boxH
// cell, colW wide: its caption, short; when it was taken — from the
// camera only, else when it was imported, said as such; and, in red, a
// note when it prints under minPPI or was taken long before the visit.
func (d *Doc) captionLines(p Photo, boxW, boxH float64) []captionLine {
	l := d.printLang()
	var out []captionLine
	add := func(s string, c rgb) {
		for _, w := range d.wrap(s, serif, smallSize, boxW, 0) {
			out = append(out, captionLine{w.text, c})
		}
	}
	if c := shortCaption(d.breaker, p.Caption); c != "" {
		add(c, colText)
	}
	switch {
	case !p.Taken.IsZero():
		add(l.t("report.text.taken")+" "+l.clock(p.Taken), colMuted)
	case !p.Imported.IsZero():
		add(fmt.Sprintf(l.t("report.text.imported_no_capture_time"), l.clock(p.Imported)), colMuted)
	}
	if ppi, ok := photoPPI(p, boxW*d.scale, boxH*d.scale); ok && ppi < minPPI {
		add(fmt.Sprintf(l.t("report.text.low_resolution"), ppi, minPPI), colRed)
	}
	if !p.Taken.IsZero() && !p.Visit.IsZero() && p.Taken.Before(p.Visit.AddDate(0, 0, -supervision.StalePhotoDays)) {
		days := int(p.Visit.Sub(p.Taken).Hours() / 24)
		add(l.count("report.text.taken_days_before", days), colRed)
	}
	return out
}

// photoPPI is the resolution a photo prints at fitted in the box, in
// pixels per inch, read from its JPEG header; ok is false without a
// readable picture.
func photoPPI(p Photo, boxW, boxH float64) (int, bool) {
	if len(p.JPEG) == 0 {
		return 0, false
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(p.JPEG))
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, false
	}
	w, h := cfg.Width, cfg.Height
	if p.Orientation >= 5 && p.Orientation <= 8 {
		w, h = h, w
	}
	mmPerPx := min(boxW/float64(w), boxH/float64(h))
	return int(math.Round(25.4 / mmPerPx)), true
}

// captionRunes is about how long a photo's caption may be, in Chinese
// characters; a Latin letter counts half.
const captionRunes = 30

// shortCaption cuts a caption to about captionRunes characters, at a
// place a line may break, with … to show that it goes on: a caption
// names the photo, the finding's text is in the tables.
func shortCaption(b linebreak.Breaker, s string) string {
	s = strings.Join(strings.Fields(s), " ")
	width := func(r rune) float64 {
		if narrow(r) || r == ' ' {
			return 0.5
		}
		return 1
	}
	rs := []rune(s)
	total := 0.0
	for _, r := range rs {
		total += width(r)
	}
	if total <= captionRunes {
		return s
	}
	lines := b.Lines(rs, captionRunes-1, captionRunes-1, width)
	first := strings.TrimRight(string(rs[:lines[0].End]), " ，、；：,;:")
	return first + "…"
}

// PhotoGrid adds photos in a grid of cols columns, each with its caption
// and capture time beneath; a row of the grid never splits across pages.
func (d *Doc) PhotoGrid(photos []Photo, cols int) {
	cols = max(cols, 1)
	const gap = photoGap
	colW, boxH := photoCell(d.Width(), cols)
	capStyle := style{size: smallSize, color: colText, lead: 1.35}
	lh := capStyle.lineHeight()
	jobs := make([]*imageJob, len(photos))
	for i, p := range photos {
		if len(p.JPEG) > 0 {
			// The picture's resolution is chosen for the cell as printed.
			jobs[i] = d.planJPEG(p.JPEG, p.Orientation, colW*d.scale, boxH*d.scale)
		}
	}
	prepareAll(jobs)
	for i := 0; i < len(photos); i += cols {
		row := photos[i:min(i+cols, len(photos))]
		caps := make([][]captionLine, len(row))
		maxLines := 0
		for j, p := range row {
			caps[j] = d.captionLines(p, colW, boxH)
			maxLines = max(maxLines, len(caps[j]))
		}
		rowH := boxH + 1.5 + float64(maxLines)*lh
		d.ensure(rowH)
		for j, job := range jobs[i:min(i+cols, len(photos))] {
			p := row[j]
			x := d.left + float64(j)*(colW+gap)
			d.fillColor(colShade)
			d.pdf.Rect(x, d.y, colW, boxH, "F")
			// A warning names the photo so it can be found: by its
			// caption, else by its place on the page and when it was taken.
			what := p.Caption
			if what == "" {
				what = fmt.Sprintf(d.printLang().t("report.unit.photo_number"), i+j+1)
				if !p.Taken.IsZero() {
					what += fmt.Sprintf(d.printLang().t("report.unit.taken"), d.printLang().clock(p.Taken))
				}
			}
			d.placeJob(job, x, d.y, colW, boxH, what)
			d.setFont(serif, smallSize)
			for k, l := range caps[j] {
				d.setColor(l.color)
				d.text(x, baseline(d.y+boxH+1.5+float64(k)*lh, lh, smallSize), l.text)
			}
		}
		d.y += rowH + 3
	}
}

// RotationOrientation turns a clockwise rotation the user gave a photo
// (supervision.Photo.Rotation, in degrees) into the EXIF orientation that
// Photo.Orientation takes, for pixels that are otherwise upright (such as
// package photo's display copy).
func RotationOrientation(degrees int) int {
	switch ((degrees % 360) + 360) % 360 {
	case 90:
		return 6
	case 180:
		return 3
	case 270:
		return 8
	}
	return 1
}
