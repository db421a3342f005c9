package syncer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
	"time"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

func TestOtherLaptopsPhotoArrivesThumbnailFirst(t *testing.T) {
	base := startPortal(t)
	a := newLaptop(t, base, "inspector1", nil)
	b := newLaptop(t, base, "inspector2", nil)
	a.sync(t, Options{})
	img := image.NewRGBA(image.Rect(0, 0, 1200, 800))
	for y := range 800 {
		for x := range 1200 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	f := sv.Finding{ID: sv.NewID(time.Now()), ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMajor,
		Description: "安全网破损", ResponsibleUnit: "施工单位", Deadline: "2026-12-31"}
	if err := a.store.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.PutPhoto(sv.Photo{Hash: hash, Size: int64(len(data)), Width: 1200, Height: 800,
		Links: []sv.PhotoLink{{FindingID: f.ID, Role: sv.RoleBefore}}}, storage.PhotoBlobs{Original: data}); err != nil {
		t.Fatal(err)
	}
	a.sync(t, Options{})
	b.sync(t, Options{})
	if _, err := b.store.Photo(hash); err != nil {
		t.Fatalf("B lacks the photo's record: %v", err)
	}
	if st, _ := ReadStatus(b.store); st.PendingPhotos != 0 {
		t.Fatal("another laptop's photo counts as waiting to upload")
	}
	eng := New(b.store, b.client, Options{})
	if err := eng.FetchPhoto(context.Background(), hash, false); err != nil {
		t.Fatal(err)
	}
	thumb, err := b.store.PhotoBlob(hash, storage.BlobThumbnail)
	if err != nil {
		t.Fatal(err)
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(thumb))
	if err != nil || format != "jpeg" || cfg.Width != 320 || cfg.Height != 213 {
		t.Fatalf("thumbnail %dx%d %s %v", cfg.Width, cfg.Height, format, err)
	}
	if _, err := b.store.PhotoBlob(hash, storage.BlobOriginal); err == nil {
		t.Fatal("the original arrived before it was asked for")
	}
	if err := eng.FetchPhoto(context.Background(), hash, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := b.store.PhotoBlob(hash, storage.BlobOriginal); !bytes.Equal(got, data) {
		t.Fatal("original differs")
	}
	if b.hash(t) != a.hash(t) {
		t.Fatal("downloading a photo changed B's records")
	}
}
