package photo

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReadExifCameraFiles(t *testing.T) {
	tests := []struct {
		file     string
		taken    string // wall clock; "" when absent
		lat, lon float64
		hasGPS   bool
	}{
		// 43°28'2.814"N 11°53'6.456"E, as exiftool shows it.
		{"gps_DSCN0010.jpg", "2008-10-22 16:28:39", 43.467448333, 11.885126667, true},
		{"gps_DSCN0012.jpg", "2008-10-22 16:29:49", 43.467156667, 11.885395000, true},
		// A GPS IFD with only GPSVersionID: no position, and no warning.
		{"Canon_40D.jpg", "2008-05-30 15:56:01", 0, 0, false},
		{"tests_36-memory_error.jpg", "2002-04-21 00:30:33", 0, 0, false},
		{"tests_42_IndexError.jpg", "2014-08-23 13:05:43", 0, 0, false},
		{"xmp_no_exif.jpg", "", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			info := readExif(readTestdata(t, tt.file))
			if len(info.warnings) != 0 {
				t.Errorf("warnings %q", info.warnings)
			}
			got := ""
			if info.hasTaken {
				got = info.taken.Format("2006-01-02 15:04:05")
			}
			if got != tt.taken {
				t.Errorf("taken %q, want %q", got, tt.taken)
			}
			if info.hasOffset {
				t.Errorf("offset %d reported; the file has no OffsetTimeOriginal", info.offsetSec)
			}
			if (info.gps != nil) != tt.hasGPS {
				t.Fatalf("gps %v, want present=%v", info.gps, tt.hasGPS)
			}
			if tt.hasGPS && (math.Abs(info.gps.Lat-tt.lat) > 1e-6 || math.Abs(info.gps.Lon-tt.lon) > 1e-6) {
				t.Errorf("gps %.9f,%.9f, want %.9f,%.9f", info.gps.Lat, info.gps.Lon, tt.lat, tt.lon)
			}
		})
	}
}

func TestReadExifOrientationSamples(t *testing.T) {
	for o := range 9 {
		info := readExif(readTestdata(t, "orientation_landscape_"+string(rune('0'+o))+".jpg"))
		want := o
		if info.orientation != want {
			t.Errorf("sample %d: orientation %d", o, info.orientation)
		}
		// Sample 0 carries the invalid value 0, which must be reported and
		// ignored, not applied.
		if (o == 0) != (len(info.warnings) == 1) {
			t.Errorf("sample %d: warnings %q", o, info.warnings)
		}
	}
}

func TestReadExifBothByteOrders(t *testing.T) {
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		t.Run(bo.String(), func(t *testing.T) {
			tiff := buildTIFF(bo,
				[]tiffEntry{{tagOrientation, typeShort, 1, shortVal(bo, 6)}},
				[]tiffEntry{
					asciiEntry(tagDateTimeOriginal, "2025:03:14 09:26:53"),
					asciiEntry(tagOffsetTimeOriginal, "+08:00"),
					asciiEntry(tagSubSecTimeOriginal, "25"),
				},
				[]tiffEntry{
					asciiEntry(tagGPSLatitudeRef, "S"),
					rationalEntry(bo, tagGPSLatitude, 29, 1, 33, 1, 1234, 100),
					asciiEntry(tagGPSLongitudeRef, "W"),
					rationalEntry(bo, tagGPSLongitude, 106, 1, 30, 1, 0, 1),
				})
			info := readExif(withAPP1(smallJPEG(t), tiff))
			if len(info.warnings) != 0 {
				t.Fatalf("warnings %q", info.warnings)
			}
			if info.orientation != 6 {
				t.Errorf("orientation %d", info.orientation)
			}
			want := time.Date(2025, 3, 14, 9, 26, 53, 250_000_000, time.UTC)
			if !info.taken.Equal(want) || !info.hasOffset || info.offsetSec != 8*3600 {
				t.Errorf("taken %v offset %d/%v", info.taken, info.offsetSec, info.hasOffset)
			}
			wantLat := -(29 + 33.0/60 + 12.34/3600)
			if info.gps == nil || math.Abs(info.gps.Lat-wantLat) > 1e-9 || math.Abs(info.gps.Lon+106.5) > 1e-9 {
				t.Errorf("gps %+v", info.gps)
			}
		})
	}
}

// Broken metadata must never stop an import: each case yields what can be
// trusted, a warning for what was dropped, and no panic.
func TestReadExifMalformed(t *testing.T) {
	bo := binary.BigEndian
	good := buildTIFF(bo,
		[]tiffEntry{{tagOrientation, typeShort, 1, shortVal(bo, 3)}},
		[]tiffEntry{asciiEntry(tagDateTimeOriginal, "2024:01:02 03:04:05")},
		[]tiffEntry{
			asciiEntry(tagGPSLatitudeRef, "N"), rationalEntry(bo, tagGPSLatitude, 29, 1, 0, 1, 0, 1),
			asciiEntry(tagGPSLongitudeRef, "E"), rationalEntry(bo, tagGPSLongitude, 106, 1, 0, 1, 0, 1),
		})
	patch := func(off int, v ...byte) []byte {
		b := bytes.Clone(good)
		copy(b[off:], v)
		return b
	}
	// IFD0 starts at 8: count (2), then entries of 12 bytes: orientation,
	// Exif pointer, GPS pointer.
	exifPtr := 8 + 2 + 12*1 + 8
	gpsPtr := 8 + 2 + 12*2 + 8
	tests := []struct {
		name     string
		tiff     []byte
		orient   int
		hasTaken bool
		hasGPS   bool
	}{
		{"intact", good, 3, true, true},
		{"IFD0 offset past the end", patch(4, 0x7F, 0xFF, 0xFF, 0xFF), 0, false, false},
		{"IFD0 entry count huge", patch(8, 0xFF, 0xFF), 0, false, false},
		{"Exif IFD pointer past the end", patch(exifPtr, 0x00, 0xFF, 0xFF, 0x00), 3, false, true},
		{"GPS pointer past the end", patch(gpsPtr, 0xFF, 0xFF, 0xFF, 0xF0), 3, true, false},
		{"Exif pointer back to IFD0", patch(exifPtr, 0, 0, 0, 8), 3, false, true},
		{"orientation 9", patch(8+2+8, 0, 9), 0, true, true},
		{"truncated TIFF", good[:30], 3, false, false},
		{"bad header", patch(0, 'X', 'X'), 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := readExif(withAPP1(smallJPEG(t), tt.tiff))
			if info.orientation != tt.orient || info.hasTaken != tt.hasTaken || (info.gps != nil) != tt.hasGPS {
				t.Errorf("orientation %d taken %v gps %v; want %d %v %v (warnings %q)",
					info.orientation, info.hasTaken, info.gps, tt.orient, tt.hasTaken, tt.hasGPS, info.warnings)
			}
			if tt.name != "intact" && tt.name != "Exif pointer back to IFD0" && len(info.warnings) == 0 {
				t.Errorf("no warning for broken metadata")
			}
		})
	}
}

func TestReadExifFieldValues(t *testing.T) {
	bo := binary.LittleEndian
	tests := []struct {
		name   string
		exif   []tiffEntry
		gps    []tiffEntry
		check  func(exifInfo) bool
		warned bool
	}{
		{"zero date from unset clock", []tiffEntry{asciiEntry(tagDateTimeOriginal, "0000:00:00 00:00:00")}, nil,
			func(i exifInfo) bool { return !i.hasTaken }, true},
		{"digitized used when original missing", []tiffEntry{asciiEntry(tagDateTimeDigitized, "2020:05:06 07:08:09")}, nil,
			func(i exifInfo) bool { return i.hasTaken && i.taken.Day() == 6 }, false},
		{"bad offset keeps time", []tiffEntry{asciiEntry(tagDateTimeOriginal, "2020:05:06 07:08:09"), asciiEntry(tagOffsetTimeOriginal, "+8")}, nil,
			func(i exifInfo) bool { return i.hasTaken && !i.hasOffset }, true},
		{"negative offset", []tiffEntry{asciiEntry(tagDateTimeOriginal, "2020:05:06 07:08:09"), asciiEntry(tagOffsetTimeOriginal, "-05:30")}, nil,
			func(i exifInfo) bool { return i.hasOffset && i.offsetSec == -(5*3600+30*60) }, false},
		{"zero denominator", nil, []tiffEntry{asciiEntry(tagGPSLatitudeRef, "N"), rationalEntry(bo, tagGPSLatitude, 29, 0, 0, 1, 0, 1),
			asciiEntry(tagGPSLongitudeRef, "E"), rationalEntry(bo, tagGPSLongitude, 106, 1, 0, 1, 0, 1)},
			func(i exifInfo) bool { return i.gps == nil }, true},
		{"missing hemisphere", nil, []tiffEntry{rationalEntry(bo, tagGPSLatitude, 29, 1, 0, 1, 0, 1),
			asciiEntry(tagGPSLongitudeRef, "E"), rationalEntry(bo, tagGPSLongitude, 106, 1, 0, 1, 0, 1)},
			func(i exifInfo) bool { return i.gps == nil }, true},
		{"latitude over 90", nil, []tiffEntry{asciiEntry(tagGPSLatitudeRef, "N"), rationalEntry(bo, tagGPSLatitude, 91, 1, 0, 1, 0, 1),
			asciiEntry(tagGPSLongitudeRef, "E"), rationalEntry(bo, tagGPSLongitude, 106, 1, 0, 1, 0, 1)},
			func(i exifInfo) bool { return i.gps == nil }, true},
		{"0,0 means no fix", nil, []tiffEntry{asciiEntry(tagGPSLatitudeRef, "N"), rationalEntry(bo, tagGPSLatitude, 0, 1, 0, 1, 0, 1),
			asciiEntry(tagGPSLongitudeRef, "E"), rationalEntry(bo, tagGPSLongitude, 0, 1, 0, 1, 0, 1)},
			func(i exifInfo) bool { return i.gps == nil }, false},
		{"lying count", nil, []tiffEntry{asciiEntry(tagGPSLatitudeRef, "N"), {tagGPSLatitude, typeRational, 0x7FFFFFFF, make([]byte, 24)},
			asciiEntry(tagGPSLongitudeRef, "E"), rationalEntry(bo, tagGPSLongitude, 106, 1, 0, 1, 0, 1)},
			func(i exifInfo) bool { return i.gps == nil }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info := readExif(withAPP1(smallJPEG(t), buildTIFF(bo, nil, tt.exif, tt.gps)))
			if !tt.check(info) {
				t.Errorf("unexpected %+v", info)
			}
			if (len(info.warnings) > 0) != tt.warned {
				t.Errorf("warnings %q, want warned=%v", info.warnings, tt.warned)
			}
		})
	}
}

func TestFindExifSegmentSkipsXMP(t *testing.T) {
	// invalid_image*.jpg carry XMP in APP1 and no Exif: no metadata, no warning.
	for _, f := range []string{"invalid_image00971.jpg", "invalid_image01551.jpg"} {
		info := readExif(readTestdata(t, f))
		if info.hasTaken || info.gps != nil || info.orientation != 0 || len(info.warnings) != 0 {
			t.Errorf("%s: %+v", f, info)
		}
	}
	// A segment length running past the end of the file.
	b := []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00, 'E', 'x'}
	if info := readExif(b); len(info.warnings) != 1 || !strings.Contains(info.warnings[0], "overruns") {
		t.Errorf("warnings %q", info.warnings)
	}
}

// FuzzReadExif feeds arbitrary bytes to the EXIF reader. It must not panic,
// and what it returns must be within range. Seeds: the metadata segments of
// every JPEG in testdata (not the whole files, which would only make the
// fuzzer slow) and built TIFFs in both byte orders.
func FuzzReadExif(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(metadataPrefix(b))
	}
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		f.Add(withAPP1([]byte{0xFF, 0xD8, 0xFF, 0xD9}, buildTIFF(bo,
			[]tiffEntry{{tagOrientation, typeShort, 1, shortVal(bo, 8)}},
			[]tiffEntry{asciiEntry(tagDateTimeOriginal, "2025:03:14 09:26:53"), asciiEntry(tagOffsetTimeOriginal, "+08:00")},
			[]tiffEntry{asciiEntry(tagGPSLatitudeRef, "N"), rationalEntry(bo, tagGPSLatitude, 29, 1, 33, 1, 1234, 100),
				asciiEntry(tagGPSLongitudeRef, "E"), rationalEntry(bo, tagGPSLongitude, 106, 1, 30, 1, 0, 1)})))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		info := readExif(b)
		if info.orientation < 0 || info.orientation > 8 {
			t.Fatalf("orientation %d", info.orientation)
		}
		if g := info.gps; g != nil && (math.IsNaN(g.Lat) || math.IsNaN(g.Lon) || math.Abs(g.Lat) > 90 || math.Abs(g.Lon) > 180) {
			t.Fatalf("gps %+v", g)
		}
		if info.hasOffset && !info.hasTaken {
			t.Fatal("offset without a time")
		}
	})
}

// metadataPrefix returns SOI and the Exif segment of a JPEG, or the first
// 4 KiB of anything else. Small seeds matter: the fuzzer minimises every new
// input, and on a 40 KB seed that takes minutes.
func metadataPrefix(b []byte) []byte {
	if tiff, err := findExifSegment(b); err == nil {
		return withAPP1([]byte{0xFF, 0xD8}, tiff)
	}
	return b[:min(len(b), 4<<10)]
}
