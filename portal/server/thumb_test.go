package server

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Many requests at once for the same photos share one generation each: a
// broken photo is looked at once and its refusal kept; a good one is made
// once and every asker gets the same thumbnail.
func TestThumbnailsAreMadeOncePerPhotoUnderConcurrentAsks(t *testing.T) {
	dir := t.TempDir()
	path := func(h string) string { return filepath.Join(dir, h) }
	var good bytes.Buffer
	_ = png.Encode(&good, image.NewGray(image.Rect(0, 0, 900, 600)))
	if err := os.WriteFile(path("good"), good.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path("broken"), craftPNG(1000, 1000, 8, 2, zlibBytes(make([]byte, 64)), "x"), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	var logMu sync.Mutex
	th := newThumbnailer(path, slog.New(slog.NewTextHandler(lockedWriter{&logs, &logMu}, nil)))
	var wg sync.WaitGroup
	results := make(chan []byte, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				data, err := th.get(context.Background(), "good")
				if err != nil {
					t.Error(err)
				}
				results <- data
				return
			}
			var no errNoThumb
			if _, err := th.get(context.Background(), "broken"); !errors.As(err, &no) {
				t.Errorf("broken photo: %v", err)
			}
		}()
	}
	wg.Wait()
	close(results)
	var first []byte
	for r := range results {
		if first == nil {
			first = r
		}
		if !bytes.Equal(r, first) || len(r) == 0 {
			t.Fatal("askers got different thumbnails")
		}
	}
	logMu.Lock()
	defer logMu.Unlock()
	if n := strings.Count(logs.String(), "no thumbnail for photo"); n != 1 {
		t.Fatalf("the broken photo was worked on %d times", n)
	}
}

type lockedWriter struct {
	b  *bytes.Buffer
	mu *sync.Mutex
}

func (w lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// A taker that gives up while waiting returns what it took, so the budget
// is whole again for the next.
func TestDecodeBudgetGivesBackWhatACancelledTakerHeld(t *testing.T) {
	w := newWeighted(10)
	if err := w.acquire(context.Background(), 6); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := w.acquire(ctx, 8); err == nil {
		t.Fatal("8 of 10 taken while 6 were held")
	}
	w.release(6)
	if err := w.acquire(context.Background(), 10); err != nil {
		t.Fatal(err)
	}
}
