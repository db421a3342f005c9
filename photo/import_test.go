package photo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// memSink stores photos in a map, one locked step per call, as the bbolt
// sink does in one transaction.
type memSink struct {
	mu     sync.Mutex
	photos map[string]*Processed
	links  map[string]int // how often each photo was linked to the target
	// delay and the counters measure how many PutPhoto calls overlap.
	delay             time.Duration
	active, maxActive atomic.Int32
}

func newMemSink() *memSink {
	return &memSink{photos: map[string]*Processed{}, links: map[string]int{}}
}

func (s *memSink) LinkExisting(ctx context.Context, sha string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.photos[sha]; ok {
		s.links[sha]++
		return true, nil
	}
	return false, nil
}

func (s *memSink) PutPhoto(ctx context.Context, p *Processed) (bool, error) {
	n := s.active.Add(1)
	defer s.active.Add(-1)
	for {
		m := s.maxActive.Load()
		if n <= m || s.maxActive.CompareAndSwap(m, n) {
			break
		}
	}
	time.Sleep(s.delay)
	if err := ctx.Err(); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.links[p.SHA256]++
	if _, ok := s.photos[p.SHA256]; ok {
		return false, nil
	}
	s.photos[p.SHA256] = p
	return true, nil
}

func (s *memSink) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.photos)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b := readTestdata(t, from)
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// A camera-card-like folder with every sample, good and bad, nested, with a
// duplicate and OS clutter: each bad file gets its own reason while all the
// others are stored, and a second import stores nothing new.
func TestImportBatch(t *testing.T) {
	dir := t.TempDir()
	card := filepath.Join(dir, "DCIM")
	good := []string{
		"Canon_40D.jpg", "gps_DSCN0010.jpg", "gps_DSCN0012.jpg", "xmp_no_exif.jpg",
		"invalid_image00971.jpg", "invalid_image01551.jpg", "tests_36-memory_error.jpg", "tests_42_IndexError.jpg",
	}
	for o := range 9 {
		good = append(good, "orientation_landscape_"+string(rune('0'+o))+".jpg")
	}
	for i, name := range good {
		sub := "100CANON"
		if i%2 == 1 {
			sub = "101CANON/deeper"
		}
		copyFile(t, name, filepath.Join(card, sub, name))
	}
	gps := readTestdata(t, "gps_DSCN0010.jpg")
	bad := map[string]Code{
		"100CANON/corrupted.jpg":   CodeCorrupt,
		"100CANON/IMG_0001.HEIC":   CodeHEIF,
		"100CANON/empty.jpg":       CodeEmpty,
		"100CANON/notes.txt":       CodeNotImage,
		"101CANON/cut.jpg":         CodeTruncated,
		"101CANON/deeper/huge.jpg": CodeTooLarge,
		"101CANON/deeper/clip.mp4": CodeVideo,
	}
	copyFile(t, "corrupted.jpg", filepath.Join(card, "100CANON/corrupted.jpg"))
	copyFile(t, "heic_samplefilehub.heif", filepath.Join(card, "100CANON/IMG_0001.HEIC"))
	writeFile(t, filepath.Join(card, "100CANON/empty.jpg"), nil)
	writeFile(t, filepath.Join(card, "100CANON/notes.txt"), []byte("第3号项目 现场记录\n"))
	writeFile(t, filepath.Join(card, "101CANON/cut.jpg"), gps[:len(gps)/2])
	writeFile(t, filepath.Join(card, "101CANON/deeper/clip.mp4"), append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42"), make([]byte, 64)...))
	// A sparse 60 MB file: rejected from its size, never read.
	huge := filepath.Join(card, "101CANON/deeper/huge.jpg")
	writeFile(t, huge, gps[:4])
	if err := os.Truncate(huge, 60<<20); err != nil {
		t.Fatal(err)
	}
	// Clutter that must not appear in the results at all.
	writeFile(t, filepath.Join(card, ".DS_Store"), []byte("junk"))
	writeFile(t, filepath.Join(card, "100CANON/._gps_DSCN0010.jpg"), []byte("junk"))
	writeFile(t, filepath.Join(card, ".Trashes/x.jpg"), gps)
	writeFile(t, filepath.Join(card, "Thumbs.db"), []byte("junk"))
	// The same photo twice under different names, and a file given twice.
	copyFile(t, "gps_DSCN0010.jpg", filepath.Join(card, "101CANON/copy_of_0010.jpg"))

	sink := newMemSink()
	im := NewImporter(NewProcessor(DefaultOptions()), sink, ImportOptions{Workers: 3})
	var mu sync.Mutex
	var calls []Progress
	paths := []string{card, filepath.Join(card, "100CANON", "Canon_40D.jpg")}
	results, err := im.Import(context.Background(), paths, func(p Progress) {
		mu.Lock()
		calls = append(calls, p)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := len(good) + len(bad) + 1
	if len(results) != wantFiles {
		t.Fatalf("%d results, want %d", len(results), wantFiles)
	}
	byName := map[string]Result{}
	for _, r := range results {
		rel, _ := filepath.Rel(card, r.Path)
		byName[filepath.ToSlash(rel)] = r
	}
	for rel, code := range bad {
		r := byName[rel]
		if r.Status != StatusRejected || r.Rejection == nil || r.Rejection.Code != code {
			t.Errorf("%s: %v %v, want rejected %q", rel, r.Status, r.Rejection, code)
		}
	}
	imported := 0
	for _, r := range results {
		switch r.Status {
		case StatusImported:
			imported++
			if sink.photos[r.SHA256] == nil {
				t.Errorf("%s imported but not in the sink", r.Path)
			}
		case StatusRejected:
		case StatusAlreadyThere:
			if filepath.Base(r.Path) != "copy_of_0010.jpg" && filepath.Base(r.Path) != "gps_DSCN0010.jpg" {
				t.Errorf("%s: already there", r.Path)
			}
		default:
			t.Errorf("%s: %v %v", r.Path, r.Status, r.Err)
		}
	}
	if imported != len(good) || sink.count() != len(good) {
		t.Errorf("imported %d, sink holds %d, want %d", imported, sink.count(), len(good))
	}
	sha0010 := hashHex(gps)
	if sink.links[sha0010] != 2 {
		t.Errorf("duplicate linked %d times, want 2", sink.links[sha0010])
	}

	// Progress: every file started and finished, counts never go back,
	// the last call says all done.
	if len(calls) != 2*wantFiles {
		t.Errorf("%d progress calls, want %d", len(calls), 2*wantFiles)
	}
	for i, p := range calls {
		if p.Total != wantFiles || (i > 0 && p.Done < calls[i-1].Done) || p.Current == "" {
			t.Fatalf("progress %d: %+v", i, p)
		}
	}
	if last := calls[len(calls)-1]; last.Done != wantFiles {
		t.Errorf("last progress %+v", last)
	}

	// Re-import: nothing new is stored and nothing is decoded.
	again, err := im.Import(context.Background(), []string{card}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range again {
		wantStatus := StatusAlreadyThere
		if r.Rejection != nil {
			wantStatus = StatusRejected
		}
		if r.Status != wantStatus {
			t.Errorf("re-import %s: %v", r.Path, r.Status)
		}
	}
	if sink.count() != len(good) {
		t.Errorf("re-import changed the store: %d photos", sink.count())
	}
}

func TestImportResultOrderAndMissing(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.jpg")
	copyFile(t, "Canon_40D.jpg", a)
	missing := filepath.Join(dir, "missing.jpg")
	im := NewImporter(NewProcessor(DefaultOptions()), newMemSink(), ImportOptions{})
	results, err := im.Import(context.Background(), []string{missing, a}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || results[0].Path != missing || results[1].Path != a {
		t.Fatalf("%+v", results)
	}
	if results[0].Status != StatusRejected || results[0].Rejection.Code != CodeUnreadable || results[1].Status != StatusImported {
		t.Errorf("%v %v / %v", results[0].Status, results[0].Rejection, results[1].Status)
	}
	if got := results[0].Describe("zh"); got != "已拒绝："+results[0].Rejection.Zh {
		t.Errorf("Describe zh: %q", got)
	}
	if got := results[1].Describe("en"); got != "imported" {
		t.Errorf("Describe en: %q", got)
	}
}

// Cancelling mid-batch stops starting files, reports the rest as cancelled,
// and leaves only whole photos in the sink.
func TestImportCancel(t *testing.T) {
	dir := t.TempDir()
	for i := range 9 {
		name := "orientation_landscape_" + string(rune('0'+i)) + ".jpg"
		copyFile(t, name, filepath.Join(dir, name))
	}
	sink := newMemSink()
	im := NewImporter(NewProcessor(DefaultOptions()), sink, ImportOptions{Workers: 2})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	results, err := im.Import(ctx, []string{dir}, func(p Progress) {
		if p.Done == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	var imported, cancelled int
	for _, r := range results {
		switch r.Status {
		case StatusImported:
			imported++
		case StatusCancelled:
			cancelled++
		default:
			t.Errorf("%s: %v %v", r.Path, r.Status, r.Err)
		}
	}
	if cancelled == 0 || imported < 2 || imported+cancelled != 9 || sink.count() != imported {
		t.Errorf("imported %d cancelled %d stored %d", imported, cancelled, sink.count())
	}
	for sha, p := range sink.photos {
		if p.SHA256 != sha || len(p.Display) == 0 || len(p.Thumb) == 0 || len(p.Original) == 0 {
			t.Errorf("half-stored photo %s", sha)
		}
	}
}

// The memory budget, not the worker count, decides how many photos are in
// flight.
func TestImportMemoryBudget(t *testing.T) {
	dir := t.TempDir()
	canon := readTestdata(t, "Canon_40D.jpg")
	for i := range 6 {
		// Bytes after the end-of-image marker make distinct files of one
		// small picture.
		writeFile(t, filepath.Join(dir, fmt.Sprintf("%d.jpg", i)), append(bytes.Clone(canon), byte(i)))
	}
	run := func(budget int64) int32 {
		sink := newMemSink()
		sink.delay = 100 * time.Millisecond // storing is the slow part here
		im := NewImporter(NewProcessor(DefaultOptions()), sink, ImportOptions{Workers: 4, MemoryBudget: budget})
		results, err := im.Import(context.Background(), []string{dir}, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if r.Status != StatusImported {
				t.Errorf("%s: %v", r.Path, r.Status)
			}
		}
		return sink.maxActive.Load()
	}
	if got := run(1); got != 1 {
		t.Errorf("budget for one photo: %d in flight", got)
	}
	if got := run(1 << 30); got < 2 {
		t.Errorf("large budget: only %d in flight", got)
	}
}

func TestWorkingSetEstimate(t *testing.T) {
	p := NewProcessor(DefaultOptions())
	m := image.NewGray(image.Rect(0, 0, 4032, 3024)) // content does not matter here
	var base, prog bytes.Buffer
	if err := jpeg.Encode(&base, m, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	ws := p.workingSet(base.Bytes())
	px := int64(4032 * 3024)
	if ws < 4*px || ws > 8*px {
		t.Errorf("baseline 12 MP estimated at %d MB", ws>>20)
	}
	// image/jpeg cannot write progressive files; flip the SOF0 marker, which
	// is all isProgressive looks at.
	prog.Write(base.Bytes())
	b := prog.Bytes()
	i := bytes.Index(b, []byte{0xFF, 0xC0})
	b[i+1] = 0xC2
	if !isProgressive(b) || isProgressive(base.Bytes()) {
		t.Fatal("isProgressive")
	}
	if got := p.workingSet(b); got < ws+8*px {
		t.Errorf("progressive estimated at %d MB, baseline %d MB", got>>20, ws>>20)
	}
	if got := p.workingSet([]byte("not an image")); got != 12 {
		t.Errorf("non-image estimated at %d", got)
	}
}

func TestBudget(t *testing.T) {
	b := newBudget(100)
	ctx := context.Background()
	if err := b.acquire(ctx, 60); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() { got <- b.acquire(ctx, 60) }()
	select {
	case err := <-got:
		t.Fatalf("second acquire did not wait: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	b.release(60)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	// Over the total: clamped, so it runs alone instead of never.
	b.release(60)
	if err := b.acquire(ctx, 1000); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	go func() { got <- b.acquire(cctx, 1) }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled acquire: %v", err)
	}
}

func TestCollectSkipsClutterAndDuplicates(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"b/2.jpg", "a/1.jpg", ".hidden/3.jpg", "a/.x.jpg", "desktop.ini"} {
		writeFile(t, filepath.Join(dir, p), []byte("x"))
	}
	files, _ := collect([]string{dir, filepath.Join(dir, "a", "1.jpg"), filepath.Join(dir, "a", ".x.jpg")})
	var rel []string
	for _, f := range files {
		r, _ := filepath.Rel(dir, f)
		rel = append(rel, filepath.ToSlash(r))
	}
	want := []string{"a/1.jpg", "b/2.jpg", "a/.x.jpg"} // named explicitly: tried
	if !sort.StringsAreSorted(rel[:2]) || len(rel) != 3 || rel[0] != want[0] || rel[1] != want[1] || rel[2] != want[2] {
		t.Errorf("files %q, want %q", rel, want)
	}
}
