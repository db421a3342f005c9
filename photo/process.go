// Package photo turns the bytes of a photo file into what the app stores:
// the SHA-256 of the untouched original, the capture time and GPS position
// from EXIF, and upright display, print and thumbnail JPEGs. It also imports whole
// batches of files and folders with bounded workers and memory, handing each
// result to a Sink that the storage layer implements.
//
// Accepted inputs are JPEG (everything cameras and phones set to "Most
// Compatible" produce) and PNG (screenshots; converted, EXIF not read).
// Everything else is rejected with a *Rejection that tells the inspector, in
// Chinese and English, what is wrong and, where possible, what to do.
//
// The package depends on the standard library and golang.org/x/image only.
package photo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"path/filepath"
	"time"
)

// Options configures a Processor. Zero fields take the defaults of
// DefaultOptions.
type Options struct {
	DisplayEdge    int // long edge of the display copy, px; never enlarged
	ThumbEdge      int // long edge of the thumbnail, px
	DisplayQuality int // JPEG quality of the display copy, 1–100
	ThumbQuality   int // JPEG quality of the thumbnail, 1–100
	// PrintWidth × PrintHeight is the box, in upright pixels, that the print
	// copy fits in; never enlarged. See DefaultOptions.
	PrintWidth, PrintHeight int
	PrintQuality            int   // JPEG quality of the print copy, 1–100
	MaxPixels               int64 // larger pictures are rejected before decoding
	MaxBytes                int64 // larger files are rejected before reading
	// Zone interprets capture times that carry no UTC offset, which is what
	// most cameras write. The app's inspectors all work in China Standard
	// Time, hence the default.
	Zone *time.Location
}

// DefaultOptions returns the limits agreed for the app (issue 4).
func DefaultOptions() Options {
	return Options{
		DisplayEdge:    2560,
		ThumbEdge:      320,
		DisplayQuality: 85,
		ThumbQuality:   80,
		// The print copy is what the reports embed. Their largest photo
		// cell on A4, the default paper, is 80 × 60 mm (report.PhotoBox):
		// 630 × 473 px at the 200 dpi they print photos at. A copy that
		// fits 640 × 480 is within the report's 5 % slack of that, so a
		// report puts its bytes into the PDF as they are instead of
		// decoding a 2560 px display copy — decoding was nearly all of a
		// brief's time. A3 needs more and falls back to the display copy.
		PrintWidth:   640,
		PrintHeight:  480,
		PrintQuality: 85,
		MaxPixels:    100_000_000,
		MaxBytes:     50 << 20,
		Zone:         time.FixedZone("CST", 8*3600),
	}
}

// Processor processes single photos. It holds only configuration and is safe
// for concurrent use.
type Processor struct {
	opt Options
}

// NewProcessor returns a Processor with opt, zero fields defaulted.
func NewProcessor(opt Options) *Processor {
	d := DefaultOptions()
	if opt.DisplayEdge <= 0 {
		opt.DisplayEdge = d.DisplayEdge
	}
	if opt.ThumbEdge <= 0 {
		opt.ThumbEdge = d.ThumbEdge
	}
	if opt.DisplayQuality <= 0 || opt.DisplayQuality > 100 {
		opt.DisplayQuality = d.DisplayQuality
	}
	if opt.ThumbQuality <= 0 || opt.ThumbQuality > 100 {
		opt.ThumbQuality = d.ThumbQuality
	}
	if opt.PrintWidth <= 0 || opt.PrintHeight <= 0 {
		opt.PrintWidth, opt.PrintHeight = d.PrintWidth, d.PrintHeight
	}
	if opt.PrintQuality <= 0 || opt.PrintQuality > 100 {
		opt.PrintQuality = d.PrintQuality
	}
	if opt.MaxPixels <= 0 {
		opt.MaxPixels = d.MaxPixels
	}
	if opt.MaxBytes <= 0 {
		opt.MaxBytes = d.MaxBytes
	}
	if opt.Zone == nil {
		opt.Zone = d.Zone
	}
	return &Processor{opt: opt}
}

// Options returns the effective options.
func (p *Processor) Options() Options { return p.opt }

// Processed is one photo ready to be stored.
type Processed struct {
	Name     string // base name of the original file, for export and captions
	SHA256   string // hex SHA-256 of Original: the photo's identity
	Format   string // "jpeg" or "png"
	Original []byte // the file's bytes, unchanged: this is the evidence

	Width, Height int // upright size of the original, px
	// Orientation is the EXIF orientation applied (1–8); 1 when absent or
	// invalid.
	Orientation int

	// Taken is the capture time (EXIF DateTimeOriginal with sub-seconds);
	// zero when unknown. Its zone is OffsetTimeOriginal when the camera wrote
	// one (TakenZoneKnown), else Options.Zone.
	Taken          time.Time
	TakenZoneKnown bool
	GPS            *GPS // nil when the file has no usable position

	Display                     []byte // upright JPEG, long edge ≤ DisplayEdge
	DisplayWidth, DisplayHeight int
	// Print is an upright JPEG that fits PrintWidth × PrintHeight, for the
	// PDF reports.
	Print                   []byte
	PrintWidth, PrintHeight int
	Thumb                   []byte // upright JPEG, long edge ≤ ThumbEdge
	ThumbWidth, ThumbHeight int

	// MetadataWarnings lists EXIF that was present but broken and was
	// ignored; the picture itself was imported. For logs and the detail view.
	MetadataWarnings []string
}

// Process decodes one file's bytes and builds a Processed. name is only used
// for Processed.Name. A file that cannot be imported yields a *Rejection.
func (p *Processor) Process(name string, data []byte) (*Processed, error) {
	return p.process(name, data, "")
}

// process is Process for a caller that has already hashed data (the
// importer hashes first to skip photos already stored); sha is "" otherwise.
func (p *Processor) process(name string, data []byte, sha string) (_ *Processed, err error) {
	// The decoders are well tested, but a batch of hundreds of evidence
	// photos must not die on one hostile file.
	defer func() {
		if r := recover(); r != nil {
			err = rejectCorrupt(fmt.Errorf("decoder panic: %v", r))
		}
	}()
	if int64(len(data)) > p.opt.MaxBytes {
		return nil, rejectTooLarge(int64(len(data)), p.opt.MaxBytes)
	}
	format, rej := sniff(data)
	if rej != nil {
		return nil, rej
	}
	cfg, err := decodeConfig(format, data)
	if err != nil {
		return nil, classifyDecodeError(format, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, rejectCorrupt(errors.New("zero image size in header"))
	}
	// Checked on the header alone so a decompression bomb is never decoded.
	if int64(cfg.Width)*int64(cfg.Height) > p.opt.MaxPixels {
		return nil, rejectTooManyPixels(cfg.Width, cfg.Height, p.opt.MaxPixels)
	}

	var meta exifInfo
	if format == "jpeg" {
		meta = readExif(data)
	}
	img, err := decode(format, data)
	if err != nil {
		return nil, classifyDecodeError(format, err)
	}

	if sha == "" {
		sha = hashHex(data)
	}
	out := &Processed{
		Name:             filepath.Base(name),
		SHA256:           sha,
		Format:           format,
		Original:         data,
		Orientation:      max(meta.orientation, 1),
		MetadataWarnings: meta.warnings,
	}
	if meta.hasTaken {
		loc := p.opt.Zone
		if meta.hasOffset {
			loc = time.FixedZone("", meta.offsetSec)
			out.TakenZoneKnown = true
		}
		t := meta.taken
		out.Taken = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), loc)
	}
	out.GPS = meta.gps

	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	src := toYCC(img, p.opt.DisplayEdge)
	dw, dh := fit(w, h, p.opt.DisplayEdge)
	var disp ycc
	if src.y.w == dw && src.y.h == dh && src.ratio == image.YCbCrSubsampleRatio420 {
		disp = src // already the right size: no copy
	} else {
		disp = scaleYCC(src, dw, dh)
	}
	tw, th := fit(dw, dh, p.opt.ThumbEdge)
	thumb := scaleYCC(disp, tw, th)

	o := out.Orientation
	// The print box is upright, the planes are still as stored.
	pbw, pbh := p.opt.PrintWidth, p.opt.PrintHeight
	if o >= 5 {
		pbw, pbh = pbh, pbw
	}
	pw, ph := fitBox(dw, dh, pbw, pbh)
	prn := disp
	if pw != dw || ph != dh {
		prn = scaleYCC(disp, pw, ph)
	}

	if o >= 5 {
		w, h = h, w
	}
	out.Width, out.Height = w, h
	disp, prn, thumb = disp.orient(o), prn.orient(o), thumb.orient(o)
	out.DisplayWidth, out.DisplayHeight = disp.y.w, disp.y.h
	out.PrintWidth, out.PrintHeight = prn.y.w, prn.y.h
	out.ThumbWidth, out.ThumbHeight = thumb.y.w, thumb.y.h
	if out.Display, err = encodeJPEG(disp.image(), p.opt.DisplayQuality); err != nil {
		return nil, err
	}
	if out.Print, err = encodeJPEG(prn.image(), p.opt.PrintQuality); err != nil {
		return nil, err
	}
	if out.Thumb, err = encodeJPEG(thumb.image(), p.opt.ThumbQuality); err != nil {
		return nil, err
	}
	return out, nil
}

func decodeConfig(format string, data []byte) (image.Config, error) {
	if format == "png" {
		return png.DecodeConfig(bytes.NewReader(data))
	}
	return jpeg.DecodeConfig(bytes.NewReader(data))
}

func decode(format string, data []byte) (image.Image, error) {
	if format == "png" {
		return png.Decode(bytes.NewReader(data))
	}
	return jpeg.Decode(bytes.NewReader(data))
}

// classifyDecodeError separates a file that simply ends early (an
// interrupted copy: copy it again) from damaged data and from valid but
// unsupported variants.
func classifyDecodeError(format string, err error) *Rejection {
	var unsupported jpeg.UnsupportedError
	var pngUnsupported png.UnsupportedError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, errShortHuffman):
		return rejectTruncated(err)
	case errors.As(err, &unsupported):
		return rejectUnsupported("JPEG (" + string(unsupported) + ")")
	case errors.As(err, &pngUnsupported):
		return rejectUnsupported("PNG (" + string(pngUnsupported) + ")")
	}
	return rejectCorrupt(fmt.Errorf("%s: %w", format, err))
}

// errShortHuffman is what image/jpeg returns when the data ends inside the
// compressed scan, which is where an interrupted copy usually cuts.
const errShortHuffman = jpeg.FormatError("short Huffman data")

func encodeJPEG(m image.Image, quality int) ([]byte, error) {
	var buf bytes.Buffer
	b := m.Bounds()
	// A good guess avoids regrowing the buffer several times per photo.
	buf.Grow(b.Dx()*b.Dy()/4 + 4096)
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: quality}); err != nil {
		return nil, fmt.Errorf("encode JPEG: %w", err)
	}
	return buf.Bytes(), nil
}

func hashHex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// Process processes one file with DefaultOptions.
func Process(name string, data []byte) (*Processed, error) {
	return NewProcessor(DefaultOptions()).Process(name, data)
}
