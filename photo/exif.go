package photo

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// GPS is a position in decimal degrees (WGS-84 as written by the camera),
// north and east positive.
type GPS struct {
	Lat, Lon float64
}

// exifInfo is the metadata the app uses. Everything else in EXIF (maker
// notes, thumbnails, lens data) is deliberately not read: each extra field is
// one more way for a broken file to hurt us, and none of it is evidence.
type exifInfo struct {
	orientation int // 0 when absent or invalid
	// taken is the wall-clock capture time; offset is valid only when
	// hasOffset, since old cameras never record their time zone.
	taken     time.Time
	hasTaken  bool
	offsetSec int
	hasOffset bool
	gps       *GPS
	// warnings lists metadata that was present but broken and so ignored.
	warnings []string
}

// TIFF tag numbers read by readExif.
const (
	tagOrientation        = 0x0112
	tagExifIFD            = 0x8769
	tagGPSIFD             = 0x8825
	tagDateTimeOriginal   = 0x9003
	tagDateTimeDigitized  = 0x9004
	tagOffsetTimeOriginal = 0x9011
	tagSubSecTimeOriginal = 0x9291
	tagGPSLatitudeRef     = 1
	tagGPSLatitude        = 2
	tagGPSLongitudeRef    = 3
	tagGPSLongitude       = 4
)

// TIFF field types used here, and the size of one value of each type.
const (
	typeByte      = 1
	typeASCII     = 2
	typeShort     = 3
	typeLong      = 4
	typeRational  = 5
	typeUndefined = 7
)

var errNoExif = errors.New("no EXIF segment")

// maxIFDEntries bounds the work done on one IFD. Real cameras write a few
// dozen entries; a count in the thousands means the offset points into
// garbage.
const maxIFDEntries = 1024

// readExif finds the APP1 Exif segment of a JPEG and reads the fields the app
// needs. It never panics and never allocates more than the input size: any
// structural problem ends the parse of that IFD and is reported as a warning,
// while fields already read are kept.
func readExif(jpg []byte) exifInfo {
	var info exifInfo
	tiff, err := findExifSegment(jpg)
	if err != nil {
		if err != errNoExif {
			info.warnings = append(info.warnings, err.Error())
		}
		return info
	}
	parseTIFF(tiff, &info)
	return info
}

// findExifSegment walks the JPEG marker segments before the first scan and
// returns the TIFF payload of the first APP1 segment that starts with
// "Exif\0\0" (XMP also lives in APP1, under a different signature).
func findExifSegment(b []byte) ([]byte, error) {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return nil, errNoExif
	}
	i := 2
	for i+4 <= len(b) {
		if b[i] != 0xFF {
			return nil, fmt.Errorf("EXIF: bad JPEG marker at byte %d", i)
		}
		marker := b[i+1]
		switch {
		case marker == 0xFF: // fill byte before a marker
			i++
			continue
		case marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7):
			i += 2 // markers without a length
			continue
		case marker == 0xDA || marker == 0xD9:
			return nil, errNoExif // metadata segments all come before the scan
		}
		n := int(binary.BigEndian.Uint16(b[i+2:]))
		if n < 2 || i+2+n > len(b) {
			return nil, fmt.Errorf("EXIF: JPEG segment 0x%02X at byte %d overruns the file", marker, i)
		}
		seg := b[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) >= 6 && string(seg[:6]) == "Exif\x00\x00" {
			return seg[6:], nil
		}
		i += 2 + n
	}
	return nil, errNoExif
}

// tiffReader reads values out of one TIFF structure with every offset
// bounds-checked.
type tiffReader struct {
	b  []byte
	bo binary.ByteOrder
}

type ifdEntry struct {
	tag, typ uint16
	count    uint32
	value    []byte // the value bytes, inline or at the offset
}

func parseTIFF(b []byte, info *exifInfo) {
	if len(b) < 8 {
		info.warnings = append(info.warnings, "EXIF: TIFF header too short")
		return
	}
	r := tiffReader{b: b}
	switch string(b[:4]) {
	case "II*\x00":
		r.bo = binary.LittleEndian
	case "MM\x00*":
		r.bo = binary.BigEndian
	default:
		info.warnings = append(info.warnings, "EXIF: bad TIFF header")
		return
	}
	ifd0, err := r.readIFD(r.bo.Uint32(b[4:]))
	if err != nil {
		info.warnings = append(info.warnings, "EXIF IFD0: "+err.Error())
	}
	var exifOff, gpsOff uint32
	for _, e := range ifd0 {
		switch e.tag {
		case tagOrientation:
			if v, ok := r.uint(e); ok && v >= 1 && v <= 8 {
				info.orientation = int(v)
			} else {
				info.warnings = append(info.warnings, "EXIF: invalid orientation ignored")
			}
		case tagExifIFD:
			exifOff, _ = r.uint(e)
		case tagGPSIFD:
			gpsOff, _ = r.uint(e)
		}
	}
	// Each sub-IFD is parsed on its own so that a broken GPS block does not
	// cost the capture time, and the other way round.
	if exifOff != 0 {
		r.readTime(exifOff, info)
	}
	if gpsOff != 0 {
		r.readGPS(gpsOff, info)
	}
}

// readIFD returns the entries of the IFD at off. Entries with a bad type or
// an out-of-range value are dropped; a bad entry count or IFD offset ends the
// IFD with an error and whatever was read.
func (r tiffReader) readIFD(off uint32) ([]ifdEntry, error) {
	if uint64(off)+2 > uint64(len(r.b)) {
		return nil, fmt.Errorf("offset %d outside the %d-byte block", off, len(r.b))
	}
	n := int(r.bo.Uint16(r.b[off:]))
	if n > maxIFDEntries {
		return nil, fmt.Errorf("%d entries is not plausible", n)
	}
	start := int(off) + 2
	var err error
	if start+12*n > len(r.b) {
		// A cut-off segment: keep the entries that are whole.
		err = fmt.Errorf("%d entries overrun the block", n)
		n = (len(r.b) - start) / 12
	}
	entries := make([]ifdEntry, 0, n)
	for k := range n {
		p := r.b[start+12*k : start+12*k+12]
		e := ifdEntry{tag: r.bo.Uint16(p), typ: r.bo.Uint16(p[2:]), count: r.bo.Uint32(p[4:])}
		size := typeSize(e.typ)
		if size == 0 {
			continue // unknown type: cannot know where the value is
		}
		total := uint64(size) * uint64(e.count)
		if total <= 4 {
			e.value = p[8 : 8+total]
		} else {
			voff := uint64(r.bo.Uint32(p[8:]))
			if voff+total > uint64(len(r.b)) {
				continue // a lying count or offset: drop just this field
			}
			e.value = r.b[voff : voff+total]
		}
		entries = append(entries, e)
	}
	return entries, err
}

func typeSize(t uint16) int {
	switch t {
	case typeByte, typeASCII, typeUndefined, 6: // 6 = SBYTE
		return 1
	case typeShort, 8: // 8 = SSHORT
		return 2
	case typeLong, 9, 11: // 9 = SLONG, 11 = FLOAT
		return 4
	case typeRational, 10, 12: // 10 = SRATIONAL, 12 = DOUBLE
		return 8
	}
	return 0
}

// uint reads the first value of a SHORT or LONG field.
func (r tiffReader) uint(e ifdEntry) (uint32, bool) {
	switch {
	case e.typ == typeShort && len(e.value) >= 2:
		return uint32(r.bo.Uint16(e.value)), true
	case e.typ == typeLong && len(e.value) >= 4:
		return r.bo.Uint32(e.value), true
	}
	return 0, false
}

// ascii returns an ASCII field without its NUL terminator and padding.
func ascii(e ifdEntry) (string, bool) {
	if e.typ != typeASCII && e.typ != typeUndefined {
		return "", false
	}
	s := string(e.value)
	if i := strings.IndexByte(s, 0); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s), true
}

// rationals reads n unsigned RATIONAL values.
func (r tiffReader) rationals(e ifdEntry, n int) ([]float64, bool) {
	if e.typ != typeRational || len(e.value) < 8*n {
		return nil, false
	}
	out := make([]float64, n)
	for k := range n {
		num := r.bo.Uint32(e.value[8*k:])
		den := r.bo.Uint32(e.value[8*k+4:])
		if den == 0 {
			return nil, false
		}
		out[k] = float64(num) / float64(den)
	}
	return out, true
}

func (r tiffReader) readTime(off uint32, info *exifInfo) {
	entries, err := r.readIFD(off)
	if err != nil {
		info.warnings = append(info.warnings, "EXIF sub-IFD: "+err.Error())
	}
	var original, digitized, offset, subsec string
	for _, e := range entries {
		s, ok := ascii(e)
		if !ok {
			continue
		}
		switch e.tag {
		case tagDateTimeOriginal:
			original = s
		case tagDateTimeDigitized:
			digitized = s
		case tagOffsetTimeOriginal:
			offset = s
		case tagSubSecTimeOriginal:
			subsec = s
		}
	}
	// DateTimeDigitized is the same moment for a digital camera and is the
	// only one some scanners and apps write. IFD0 DateTime is not used: it is
	// the last edit, often the day the photos were copied.
	s := original
	if s == "" {
		s = digitized
		subsec = ""
	}
	if s == "" {
		return
	}
	t, ok := parseExifTime(s, subsec)
	if !ok {
		info.warnings = append(info.warnings, fmt.Sprintf("EXIF: capture time %q ignored", s))
		return
	}
	info.taken, info.hasTaken = t, true
	if offset != "" {
		if sec, ok := parseExifOffset(offset); ok {
			info.offsetSec, info.hasOffset = sec, true
		} else {
			info.warnings = append(info.warnings, fmt.Sprintf("EXIF: time offset %q ignored", offset))
		}
	}
}

// parseExifTime parses "2006:01:02 15:04:05" into a UTC-labelled wall clock;
// the caller attaches the real zone. Cameras with an unset clock write zeros
// or blanks, which are rejected rather than stored as year 0.
func parseExifTime(s, subsec string) (time.Time, bool) {
	t, err := time.Parse("2006:01:02 15:04:05", s)
	if err != nil || t.Year() < 1900 {
		return time.Time{}, false
	}
	if len(subsec) > 0 && len(subsec) <= 9 {
		if n, err := strconv.Atoi(subsec); err == nil && n >= 0 {
			for range 9 - len(subsec) {
				n *= 10
			}
			t = t.Add(time.Duration(n))
		}
	}
	return t, true
}

// parseExifOffset parses "+08:00" into seconds east of UTC.
func parseExifOffset(s string) (int, bool) {
	if len(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':' {
		return 0, false
	}
	h, err1 := strconv.Atoi(s[1:3])
	m, err2 := strconv.Atoi(s[4:6])
	if err1 != nil || err2 != nil || h > 14 || m > 59 {
		return 0, false
	}
	sec := h*3600 + m*60
	if s[0] == '-' {
		sec = -sec
	}
	return sec, true
}

func (r tiffReader) readGPS(off uint32, info *exifInfo) {
	entries, err := r.readIFD(off)
	if err != nil {
		info.warnings = append(info.warnings, "EXIF GPS IFD: "+err.Error())
	}
	var latRef, lonRef string
	var lat, lon []float64
	for _, e := range entries {
		switch e.tag {
		case tagGPSLatitudeRef:
			latRef, _ = ascii(e)
		case tagGPSLongitudeRef:
			lonRef, _ = ascii(e)
		case tagGPSLatitude:
			lat, _ = r.rationals(e, 3)
		case tagGPSLongitude:
			lon, _ = r.rationals(e, 3)
		}
	}
	if lat == nil && lon == nil && latRef == "" && lonRef == "" {
		return // a GPS IFD without a fix (e.g. only GPSVersionID) is normal
	}
	la, ok1 := dms(lat, latRef, "N", "S")
	lo, ok2 := dms(lon, lonRef, "E", "W")
	if !ok1 || !ok2 || math.Abs(la) > 90 || math.Abs(lo) > 180 {
		info.warnings = append(info.warnings, "EXIF: incomplete or invalid GPS position ignored")
		return
	}
	// Phones without a fix sometimes write 0/0; nothing the app supervises
	// lies in the Gulf of Guinea, so it is treated as "no position".
	if la == 0 && lo == 0 {
		return
	}
	info.gps = &GPS{Lat: la, Lon: lo}
}

// dms converts degrees, minutes, seconds and a hemisphere letter to signed
// decimal degrees.
func dms(v []float64, ref, pos, neg string) (float64, bool) {
	if len(v) != 3 || v[1] >= 60 || v[2] >= 60 {
		return 0, false
	}
	d := v[0] + v[1]/60 + v[2]/3600
	switch strings.ToUpper(ref) {
	case pos:
		return d, true
	case neg:
		return -d, true
	}
	return 0, false
}
