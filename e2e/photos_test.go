package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"fieldbrief/storage"
)

// draftVisit loads the sample data into a new folder and starts a draft
// visit of p01 through the store, as the window would.
func draftVisit(t *testing.T) (data, visit string) {
	data = t.TempDir()
	if _, errs, code := run(t, "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	s, err := storage.Open(data, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	in, err := s.StartVisit("p01", []string{"张伟"})
	if err != nil {
		t.Fatal(err)
	}
	return data, in.ID
}

func TestPhotoImportCommand(t *testing.T) {
	data, visit := draftVisit(t)
	photos := filepath.Join("..", "photo", "testdata")
	// safety.cranes is a photo-required item of the sample checklist.
	out, _, code := run(t, "photos", "import", "--data", data, "--visit", visit, "--item", "safety.cranes", photos)
	if code != 1 {
		t.Fatalf("a batch with bad files must exit 1, got %d\n%s", code, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	imported := 0
	for _, l := range lines {
		switch {
		case strings.Contains(l, "corrupted.jpg"):
			if !strings.Contains(l, "已拒绝") {
				t.Errorf("corrupted file: %q", l)
			}
		case strings.HasSuffix(strings.SplitN(l, ":", 2)[0], ".heif"):
			if !strings.Contains(l, "兼容性最佳") {
				t.Errorf("HEIF line does not say how to get JPEG: %q", l)
			}
		case strings.Contains(l, ": 已导入"):
			imported++
		}
	}
	if imported < 10 {
		t.Fatalf("only %d photos imported:\n%s", imported, out)
	}
	// The same files again store nothing new.
	again, _, _ := run(t, "photos", "import", "--data", data, "--visit", visit, photos)
	if strings.Contains(again, ": 已导入") || !strings.Contains(again, "已存在") {
		t.Fatalf("re-import stored something new:\n%s", again)
	}
	if _, errs, code := run(t, "check", "--data", data); code != 0 {
		t.Fatalf("check after import: %s", errs)
	}
	// Export one back: the original bytes are the file's bytes.
	s, err := storage.Open(data, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	in, _ := s.Visit(visit)
	s.Close()
	a := in.Answers["safety.cranes"]
	if len(a.Photos) != imported {
		t.Fatalf("the item lists %d photos, %d were imported", len(a.Photos), imported)
	}
	hash := a.Photos[0]
	dst := filepath.Join(t.TempDir(), "out.jpg")
	if _, errs, code := run(t, "photos", "export", "--data", data, "--id", hash, "--out", dst, "--original"); code != 0 {
		t.Fatal(errs)
	}
	b, _ := os.ReadFile(dst)
	if _, _, err := image.DecodeConfig(bytes.NewReader(b)); err != nil {
		t.Fatalf("exported original does not decode: %v", err)
	}
}

// TestKilledPhotoImport kills an import batch while it runs; after each
// kill the store must pass check (which verifies every photo has all its
// renditions and no stray bytes), and a re-run imports the rest. A kill
// counts as landing mid-batch when the store holds more photos than before
// it and fewer than the batch: the test fails unless enough did, so it
// cannot pass by killing before the import starts or after it ends.
func TestKilledPhotoImport(t *testing.T) {
	data, visit := draftVisit(t)
	dir := t.TempDir()
	const files = 32
	rng := rand.New(rand.NewPCG(7, 7))
	writeTestPhotos(t, rng, dir, files)
	before := photoCount(t, data)
	stored := before
	// delay is how long a run is given before the kill: doubled while the
	// kills land before a photo is stored, kept once they land mid-batch.
	delay := 150 * time.Millisecond
	midBatch := 0
	for round := 0; round < 12 && midBatch < 3; round++ {
		cmd := exec.Command(binary, "photos", "import", "--data", data, "--visit", visit, dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go bufio.NewReader(stdout).WriteTo(new(bytes.Buffer))
		waited := delay + time.Duration(rng.Int64N(int64(delay/2)))
		time.Sleep(waited)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if err := cmd.Wait(); err == nil {
			t.Fatalf("round %d: the import ended by itself before the kill (%v after start)", round, waited)
		}
		if out, errs, code := run(t, "check", "--data", data); code != 0 {
			t.Fatalf("round %d: check after kill: %s %s", round, out, errs)
		}
		now := photoCount(t, data)
		t.Logf("round %d: killed after %v, %d of %d photos stored", round, waited.Round(time.Millisecond), now-before, files)
		switch {
		case now == before+files:
			t.Fatalf("round %d: the whole batch was stored before the kill; %d kills had landed mid-batch", round, midBatch)
		case now > stored:
			midBatch++
		default:
			delay *= 2
		}
		stored = now
	}
	if midBatch < 3 {
		t.Fatalf("only %d kills landed mid-batch", midBatch)
	}
	out, errs, code := run(t, "photos", "import", "--data", data, "--visit", visit, dir)
	if code != 0 {
		t.Fatalf("final import: %d %s %s", code, out, errs)
	}
	if n := strings.Count(out, ": 已导入") + strings.Count(out, ": 已存在"); n != files {
		t.Fatalf("final import accounted for %d of %d files:\n%s", n, files, out)
	}
	if n := photoCount(t, data); n != before+files {
		t.Fatalf("the store holds %d new photos, want %d", n-before, files)
	}
}

// writeTestPhotos writes n distinct 1600×1200 JPEGs of random 4×4 blocks
// (so they do not compress to nothing), writing the pixels directly.
func writeTestPhotos(t *testing.T, rng *rand.Rand, dir string, n int) {
	t.Helper()
	const w, h = 1600, 1200
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range n {
		for y := 0; y < h; y += 4 {
			for x := 0; x < w; x += 4 {
				r, g, b := uint8(rng.IntN(256)), uint8(x/7), uint8(y/5)
				for dy := range 4 {
					row := img.Pix[(y+dy)*img.Stride+x*4:]
					for dx := range 4 {
						copy(row[dx*4:dx*4+4], []byte{r, g, b, 255})
					}
				}
			}
		}
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("IMG_%04d.jpg", i)), buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// photoCount counts the photos in the store while no process holds it.
func photoCount(t *testing.T, data string) int {
	t.Helper()
	s, err := storage.Open(data, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, _, err := s.PhotoCount()
	if err != nil {
		t.Fatal(err)
	}
	return n
}
