package syncer

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"fieldbrief/portal"
	"fieldbrief/storage"
)

// The portal is stopped (SIGTERM) in the middle of an upload and started
// again on another port: it shuts down gracefully, and the laptop resumes the
// upload where the portal got to instead of starting over.
func TestPortalRestartMidUploadResumes(t *testing.T) {
	data := demoData(t)
	base, stop := servePortal(t, data, "http")
	px := newProxy(t, base)
	l := newLaptop(t, px.URL(), "inspector1", nil)
	l.sync(t, Options{})
	rng := rand.New(rand.NewPCG(13, 14))
	p, blob := randomPhoto(t, rng, 6<<20)
	if _, err := l.store.PutPhoto(p, storage.PhotoBlobs{Original: blob}); err != nil {
		t.Fatal(err)
	}
	px.set(func(p *proxy) { p.rate = 2 << 20 }) // three seconds of upload
	opts := Options{ChunkSize: 512 << 10, Retries: 2, Backoff: 10 * time.Millisecond}
	first := make(chan Report, 1)
	go func() {
		r, _ := New(l.store, l.client, opts).Sync(context.Background())
		first <- r
	}()
	time.Sleep(1500 * time.Millisecond)
	if err := stop(); err != nil {
		t.Fatalf("graceful shutdown mid-upload: %v", err)
	}
	r1 := <-first
	if st := must(ReadStatus(l.store))(t); st.PendingPhotos != 1 {
		t.Fatalf("the photo should still be waiting: %+v", st)
	}

	base2, _ := servePortal(t, data, "http")
	c2, _ := portal.NewClient(base2, nil, "")
	c2.SetToken(l.token) // tokens live in the portal's database and survive a restart
	r2, err := New(l.store, c2, opts).Sync(context.Background())
	if err != nil {
		t.Fatalf("sync after restart: %v", err)
	}
	t.Logf("before the stop: %d bytes sent; after the restart: %d bytes sent for a %d-byte photo", r1.BytesSent, r2.BytesSent, len(blob))
	if r2.BytesSent >= int64(len(blob)) || r1.BytesSent+r2.BytesSent > int64(len(blob))+2*opts.ChunkSize {
		t.Fatalf("the upload started over: %d then %d bytes for %d", r1.BytesSent, r2.BytesSent, len(blob))
	}
	got, err := c2.Photo(context.Background(), p.Hash)
	if err != nil || !bytes.Equal(got, blob) {
		t.Fatalf("photo after restart: %d bytes, %v", len(got), err)
	}
}
