package storage

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
	"testing"

	"fieldbrief/photo"
	sv "fieldbrief/supervision"
)

// An imported photo's print copy is stored with its other renditions, and
// the check accepts both it and photos stored before print copies existed.
func TestPhotoSinkStoresPrintCopy(t *testing.T) {
	s, _ := newTestStore(t)
	in, err := s.StartVisit("p01", []string{"张伟"})
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
	for y := range 1200 {
		for x := range 1600 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var src bytes.Buffer
	if err := jpeg.Encode(&src, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	p, err := photo.Process("site.jpg", src.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	sink, err := s.NewPhotoSink(sv.PhotoLink{VisitID: in.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sink.PutPhoto(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	prn, err := s.PhotoBlob(p.SHA256, BlobPrint)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(prn))
	if err != nil || cfg.Width != 640 || cfg.Height != 480 {
		t.Fatalf("print copy %dx%d (%v), want a 640x480 JPEG", cfg.Width, cfg.Height, err)
	}

	// As stored before print copies existed: no print rendition.
	old := sv.Photo{Hash: "0ld", Size: 3, Links: []sv.PhotoLink{{VisitID: in.ID}}}
	if _, err := s.PutPhoto(old, PhotoBlobs{Original: []byte("raw"), Display: []byte("d"), Thumbnail: []byte("t")}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PhotoBlob("0ld", BlobPrint); sv.ErrorCode(err) != sv.ENotFound {
		t.Errorf("old photo's print copy: %v, want not found", err)
	}
	if probs := s.Check(); len(probs) != 0 {
		t.Fatalf("check: %v", probs)
	}

	// A print copy that is not a JPEG would fail in a report: the check
	// names it.
	bad := sv.Photo{Hash: "bad", Size: 3, Links: []sv.PhotoLink{{VisitID: in.ID}}}
	if _, err := s.PutPhoto(bad, PhotoBlobs{Original: []byte("raw"), Display: []byte("d"), Thumbnail: []byte("t"), Print: []byte("junk")}); err != nil {
		t.Fatal(err)
	}
	probs := s.Check()
	if len(probs) != 1 || !strings.Contains(probs[0].Error(), "bad") {
		t.Fatalf("check with a damaged print copy: %v", probs)
	}
}
