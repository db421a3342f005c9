package report

import (
	"bytes"
	"testing"
)

// The boxes PhotoBox reports are those of the 75.5 mm photo cell of A4,
// printed 106.8 mm wide on A3 (the A4 page enlarged), at 200 dpi; package
// photo's print copy is made for A4.
func TestPhotoBox(t *testing.T) {
	for _, tt := range []struct {
		size PageSize
		w, h int
	}{{A4, 595, 446}, {A3, 841, 631}} {
		if w, h := PhotoBox(tt.size); w != tt.w || h != tt.h {
			t.Errorf("PhotoBox(%v) = %d×%d, want %d×%d", tt.size, w, h, tt.w, tt.h)
		}
	}
}

// An upright JPEG that fits the cell at 200 dpi — a print copy — goes into
// the PDF byte for byte, without being decoded; one that is larger, or
// needs turning, is reduced or turned and so re-encoded.
func TestPrintCopyIsEmbeddedAsItIs(t *testing.T) {
	w, h := PhotoBox(A4)
	landscape := testJPEG(t, 640, 480, 1) // within dpiSlack of w×h
	portrait := testJPEG(t, 360, 480, 2)  // fits by its height
	tooBig := testJPEG(t, 1280, 960, 3)
	turned := testJPEG(t, 480, 360, 4)
	if 640 > int(float64(w)*dpiSlack) || 480 > int(float64(h)*dpiSlack) {
		t.Fatalf("the test's print copy no longer fits PhotoBox(A4) = %d×%d", w, h)
	}
	d := NewDoc(testFonts(t), Options{Time: fixedTime})
	d.PhotoGrid([]Photo{{JPEG: landscape}, {JPEG: portrait}, {JPEG: tooBig}, {JPEG: turned, Orientation: 6}}, photoCols)
	var buf bytes.Buffer
	res, err := d.Write(&buf)
	if err != nil || len(res.Warnings) != 0 {
		t.Fatal(err, res.Warnings)
	}
	pdf := buf.Bytes()
	for name, b := range map[string][]byte{"landscape print copy": landscape, "portrait print copy": portrait} {
		if !bytes.Contains(pdf, b) {
			t.Errorf("the %s was not embedded byte for byte", name)
		}
	}
	for name, b := range map[string][]byte{"1280 px photo": tooBig, "photo stored sideways": turned} {
		if bytes.Contains(pdf, b) {
			t.Errorf("the %s went in as it is; it should have been reduced or turned", name)
		}
	}
	jobs := 0
	for _, j := range d.images {
		jobs++
		if j.raw != (j.uw <= 640 && j.orient == 1) {
			t.Errorf("job %dx%d orient %d: raw=%v", j.uw, j.uh, j.orient, j.raw)
		}
	}
	if jobs != 4 {
		t.Errorf("%d image jobs, want 4", jobs)
	}
}
