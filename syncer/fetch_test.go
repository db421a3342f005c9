package syncer

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"fieldbrief/photo"
	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// importPhoto imports a real camera file from the photo package's samples
// as a before-photo of finding, the way the app's import stores it, and
// returns what the import made.
func importPhoto(t *testing.T, s *storage.Store, findingID, sample string) *photo.Processed {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "photo", "testdata", sample))
	if err != nil {
		t.Fatal(err)
	}
	p, err := photo.Process(sample, data)
	if err != nil {
		t.Fatal(err)
	}
	sink, err := s.NewPhotoSink(sv.PhotoLink{FindingID: findingID, Role: sv.RoleBefore})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sink.PutPhoto(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	return p
}

// findingWithPhotos records a finding on l with the sample photos.
func findingWithPhotos(t *testing.T, l *laptop, samples ...string) []*photo.Processed {
	t.Helper()
	f := sv.Finding{ID: sv.NewID(time.Now()), ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMajor,
		Description: "安全网破损", ResponsibleUnit: "施工单位", Deadline: "2026-12-31"}
	if err := l.store.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	var out []*photo.Processed
	for _, s := range samples {
		out = append(out, importPhoto(t, l.store, f.ID, s))
	}
	return out
}

// rewritingPortal puts a proxy in front of the portal at base that passes
// every successful answer's body through rewrite, and returns its address:
// a portal that damages bytes, or one older than a field of the protocol.
func rewritingPortal(t *testing.T, base string, rewrite func(req *http.Request, body []byte) []byte) string {
	t.Helper()
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			// Uncompressed from the portal, so the bodies can be rewritten.
			r.Out.Header.Del("Accept-Encoding")
		},
		ModifyResponse: func(resp *http.Response) error {
			if resp.StatusCode != http.StatusOK {
				return nil
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			body = rewrite(resp.Request, body)
			resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
			resp.ContentLength = int64(len(body))
			resp.Body = io.NopCloser(bytes.NewReader(body))
			return nil
		},
	}
	srv := httptest.NewServer(rp)
	t.Cleanup(srv.Close)
	return srv.URL
}

// twoLaptops signs in inspector1 at the portal and inspector2 through bURL
// (the portal, or a proxy in front of it, reached with hc), and syncs each
// once, so both hold the register before a test's photos are taken.
func twoLaptops(t *testing.T, base, bURL string, hc *http.Client) (a, b *laptop) {
	t.Helper()
	a = newLaptop(t, base, "inspector1", nil)
	b = newLaptop(t, bURL, "inspector2", hc)
	a.sync(t, Options{})
	b.sync(t, Options{})
	return a, b
}

// has reports whether one rendition of a photo is stored.
func has(s *storage.Store, hash string, kind storage.BlobKind) bool {
	_, err := s.PhotoBlob(hash, kind)
	return err == nil
}

func checkStore(t *testing.T, s *storage.Store) {
	t.Helper()
	if problems := s.Check(); len(problems) > 0 {
		t.Fatalf("storage check: %v", problems)
	}
}

// TestOtherLaptopsThumbnailsComeWithTheSync: B's sync brings A's photo
// records and then their thumbnails, without the originals; a sync with
// nothing new is still one request.
func TestOtherLaptopsThumbnailsComeWithTheSync(t *testing.T) {
	base := startPortal(t)
	a, b := twoLaptops(t, base, base, nil)
	photos := findingWithPhotos(t, a, "gps_DSCN0010.jpg", "orientation_landscape_6.jpg")
	a.sync(t, Options{})

	r := b.sync(t, Options{})
	if r.ThumbnailsFetched != 2 || r.ThumbnailsLeft != 0 {
		t.Fatalf("thumbnails fetched %d, left %d", r.ThumbnailsFetched, r.ThumbnailsLeft)
	}
	for _, p := range photos {
		thumb, err := b.store.PhotoBlob(p.SHA256, storage.BlobThumbnail)
		if err != nil {
			t.Fatalf("B lacks the thumbnail of %s: %v", p.Name, err)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(thumb))
		if err != nil || format != "jpeg" || max(cfg.Width, cfg.Height) != 320 {
			t.Errorf("thumbnail of %s: %dx%d %s %v", p.Name, cfg.Width, cfg.Height, format, err)
		}
		if has(b.store, p.SHA256, storage.BlobOriginal) || has(b.store, p.SHA256, storage.BlobDisplay) {
			t.Errorf("%s: the original or display copy came without being asked for", p.Name)
		}
	}
	if st := must(ReadStatus(b.store))(t); st.PendingPhotos != 0 || st.PendingChanges != 0 {
		t.Fatalf("downloading made work for B to send back: %+v", st)
	}
	if b.hash(t) != a.hash(t) {
		t.Fatal("downloading thumbnails changed B's records")
	}
	checkStore(t, b.store)
	if r := b.sync(t, Options{}); r.Requests != 1 || r.ThumbnailsFetched != 0 {
		t.Fatalf("the sync after the thumbnails took %d requests, fetched %d", r.Requests, r.ThumbnailsFetched)
	}
}

// TestThumbnailNotOnThePortalYetIsFetchedByALaterSync: A's record reaches
// the portal before its bytes. B's sync succeeds without the thumbnail and
// does not ask for bytes the portal has said it lacks, so B's syncs stay
// one request while A is away; the sync after A has uploaded brings it.
func TestThumbnailNotOnThePortalYetIsFetchedByALaterSync(t *testing.T) {
	base := startPortal(t)
	a, b := twoLaptops(t, base, base, nil)
	p := findingWithPhotos(t, a, "Canon_40D.jpg")[0]
	var pushed Report
	if err := New(a.store, a.client, Options{}).Push(context.Background(), &pushed); err != nil {
		t.Fatal(err)
	}
	r := b.sync(t, Options{})
	if r.ThumbnailsFetched != 0 || r.ThumbnailsLeft != 0 || r.Requests != 1 || has(b.store, p.SHA256, storage.BlobThumbnail) {
		t.Fatalf("thumbnail of a photo the portal lacks: fetched %d, left %d, in %d requests", r.ThumbnailsFetched, r.ThumbnailsLeft, r.Requests)
	}
	if _, err := b.store.Photo(p.SHA256); err != nil {
		t.Fatalf("the record did not arrive: %v", err)
	}
	checkStore(t, b.store)
	for range 3 {
		if r := b.sync(t, Options{}); r.Requests != 1 {
			t.Fatalf("a sync while A has not uploaded took %d requests; the missing photo was asked for again", r.Requests)
		}
	}
	a.sync(t, Options{}) // uploads the bytes
	if r := b.sync(t, Options{}); r.ThumbnailsFetched != 1 || r.ThumbnailsLeft != 0 || !has(b.store, p.SHA256, storage.BlobThumbnail) {
		t.Fatalf("the next sync: fetched %d, left %d", r.ThumbnailsFetched, r.ThumbnailsLeft)
	}
	if r := b.sync(t, Options{}); r.Requests != 1 {
		t.Fatalf("no-op sync after the retry took %d requests", r.Requests)
	}
}

// TestThumbnailsFromAPortalThatDoesNotMarkStoredPhotos: a portal older
// than the stored flag (played by a proxy that strips it from every pull)
// still gets its photos' thumbnails downloaded: the laptop asks for every
// photo it lacks, as before the flag.
func TestThumbnailsFromAPortalThatDoesNotMarkStoredPhotos(t *testing.T) {
	base := startPortal(t)
	oldURL := rewritingPortal(t, base, func(req *http.Request, body []byte) []byte {
		if !strings.HasSuffix(req.URL.Path, "/pull") {
			return body
		}
		var page portal.PullResponse
		if err := json.Unmarshal(body, &page); err != nil {
			t.Errorf("a pull page the proxy cannot read: %v", err)
			return body
		}
		page.MarksStored = false
		for i := range page.Records {
			page.Records[i].Stored = false
		}
		out, _ := json.Marshal(page)
		return out
	})
	a, b := twoLaptops(t, base, oldURL, nil)
	p := findingWithPhotos(t, a, "gps_DSCN0010.jpg")[0]
	a.sync(t, Options{})
	if r := b.sync(t, Options{}); r.ThumbnailsFetched != 1 || !has(b.store, p.SHA256, storage.BlobThumbnail) {
		t.Fatalf("from a portal without the flag: fetched %d thumbnails", r.ThumbnailsFetched)
	}
}

// TestThumbnailsCutOffDoNotFailTheSync: the link drops on every thumbnail
// request. The sync still succeeds with the records, gives up on the
// thumbnails after the first cut instead of waiting on each, and the next
// sync over a good link brings them.
func TestThumbnailsCutOffDoNotFailTheSync(t *testing.T) {
	base := startPortal(t)
	px := newProxy(t, base)
	a, b := twoLaptops(t, base, px.URL(), noKeepAlive())
	samples := []string{"gps_DSCN0010.jpg", "gps_DSCN0012.jpg", "Canon_40D.jpg", "xmp_no_exif.jpg",
		"orientation_landscape_1.jpg", "orientation_landscape_3.jpg", "orientation_landscape_5.jpg", "orientation_landscape_8.jpg"}
	findingWithPhotos(t, a, samples...)
	a.sync(t, Options{})
	px.set(func(px *proxy) {
		px.cutAfter = func(line string) int64 {
			if strings.Contains(line, "size=thumb") {
				return 10
			}
			return 0
		}
	})
	r := b.sync(t, Options{Parallel: 2})
	if r.ThumbnailsFetched != 0 || r.ThumbnailsLeft != len(samples) {
		t.Fatalf("with the link cut: fetched %d, left %d", r.ThumbnailsFetched, r.ThumbnailsLeft)
	}
	// Pull, then at most the two requests in flight when the first cut came
	// and the one a worker had already taken.
	if r.Requests > 1+3 {
		t.Errorf("%d requests: the engine kept asking a dead link", r.Requests)
	}
	if b.hash(t) != a.hash(t) {
		t.Fatal("B lacks records after a sync whose thumbnails failed")
	}
	checkStore(t, b.store)
	px.set(func(px *proxy) { px.cutAfter = nil })
	if r := b.sync(t, Options{}); r.ThumbnailsFetched != len(samples) || r.ThumbnailsLeft != 0 {
		t.Fatalf("after the link came back: fetched %d, left %d", r.ThumbnailsFetched, r.ThumbnailsLeft)
	}
}

// TestOriginalOnDemandMakesTheCopiesHere: opening a colleague's photo
// fetches its original; this laptop makes the same display, print and
// thumbnail copies an import makes, keeps the original only when asked to,
// and sends nothing back.
func TestOriginalOnDemandMakesTheCopiesHere(t *testing.T) {
	base := startPortal(t)
	a, b := twoLaptops(t, base, base, nil)
	photos := findingWithPhotos(t, a, "orientation_landscape_6.jpg", "gps_DSCN0010.jpg")
	a.sync(t, Options{})
	b.sync(t, Options{})
	eng := New(b.store, b.client, Options{})

	rotated := photos[0]
	if err := eng.FetchPhoto(context.Background(), rotated.SHA256, true); err != nil {
		t.Fatal(err)
	}
	for kind, want := range map[storage.BlobKind][]byte{storage.BlobDisplay: rotated.Display, storage.BlobPrint: rotated.Print} {
		if got, err := b.store.PhotoBlob(rotated.SHA256, kind); err != nil || !bytes.Equal(got, want) {
			t.Errorf("rendition %c differs from the one A's import made (%v)", kind, err)
		}
	}
	display, _ := b.store.PhotoBlob(rotated.SHA256, storage.BlobDisplay)
	// The file lies on its side (EXIF orientation 6); the copy stands up.
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(display)); err != nil || cfg.Width <= cfg.Height {
		t.Errorf("display copy %dx%d is not upright landscape: %v", cfg.Width, cfg.Height, err)
	}
	if has(b.store, rotated.SHA256, storage.BlobOriginal) {
		t.Error("the original stayed although the user does not keep originals")
	}
	checkStore(t, b.store)

	// With "keep originals" ticked the original stays, checked byte for byte.
	if err := b.store.SetKeepOriginals(true); err != nil {
		t.Fatal(err)
	}
	kept := photos[1]
	if err := eng.FetchPhoto(context.Background(), kept.SHA256, true); err != nil {
		t.Fatal(err)
	}
	if got, err := b.store.PhotoBlob(kept.SHA256, storage.BlobOriginal); err != nil || !bytes.Equal(got, kept.Original) {
		t.Errorf("kept original differs: %v", err)
	}
	if !has(b.store, kept.SHA256, storage.BlobDisplay) || !has(b.store, kept.SHA256, storage.BlobPrint) {
		t.Error("display or print copy missing")
	}
	if st := must(ReadStatus(b.store))(t); st.PendingPhotos != 0 || st.PendingChanges != 0 {
		t.Fatalf("fetching originals made work for B to send back: %+v", st)
	}
	if b.hash(t) != a.hash(t) {
		t.Fatal("fetching originals changed B's records")
	}
	checkStore(t, b.store)
}

// TestOriginalThatDoesNotMatchItsHashIsRefused puts a proxy in front of
// the portal that damages one byte of every original: nothing is stored
// and the message says to try again.
func TestOriginalThatDoesNotMatchItsHashIsRefused(t *testing.T) {
	base := startPortal(t)
	damagingURL := rewritingPortal(t, base, func(req *http.Request, body []byte) []byte {
		if req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/photos/") && req.URL.Query().Get("size") == "" && len(body) > 100 {
			body[100] ^= 0xff
		}
		return body
	})
	a, b := twoLaptops(t, base, damagingURL, nil)
	p := findingWithPhotos(t, a, "gps_DSCN0012.jpg")[0]
	a.sync(t, Options{})
	b.sync(t, Options{})

	err := New(b.store, b.client, Options{}).FetchPhoto(context.Background(), p.SHA256, true)
	if sv.ErrorCode(err) != sv.EUnavailable || !strings.Contains(sv.ErrorMessage(err, sv.Chinese), "已损坏") {
		t.Fatalf("a damaged original gave %v", err)
	}
	for _, kind := range []storage.BlobKind{storage.BlobOriginal, storage.BlobDisplay, storage.BlobPrint} {
		if has(b.store, p.SHA256, kind) {
			t.Errorf("rendition %c stored from a damaged original", kind)
		}
	}
	if !has(b.store, p.SHA256, storage.BlobThumbnail) {
		t.Error("the thumbnail from the sync was lost")
	}
	checkStore(t, b.store)
}

// TestOriginalWhileThePortalIsDown: asking for an original with the portal
// gone says so in plain words and leaves the store as it was.
func TestOriginalWhileThePortalIsDown(t *testing.T) {
	data := demoData(t)
	base, stop := servePortal(t, data, "http")
	a := newLaptop(t, base, "inspector1", nil)
	b := newLaptop(t, base, "inspector2", nil)
	a.sync(t, Options{})
	p := findingWithPhotos(t, a, "Canon_40D.jpg")[0]
	a.sync(t, Options{})
	b.sync(t, Options{})
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	before := b.hash(t)
	err := New(b.store, b.client, Options{}).FetchPhoto(context.Background(), p.SHA256, true)
	if sv.ErrorCode(err) != sv.EUnavailable || !strings.Contains(sv.ErrorMessage(err, sv.English), "Cannot reach the portal") {
		t.Fatalf("offline fetch gave %v", err)
	}
	if has(b.store, p.SHA256, storage.BlobDisplay) || b.hash(t) != before {
		t.Error("an offline fetch changed the store")
	}
	checkStore(t, b.store)
}
