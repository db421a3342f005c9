package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/color"
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
	in, err := s.StartInspection("p01", []string{"张伟"})
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
	in, _ := s.Inspection(visit)
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

// TestKilledPhotoImport kills an import batch at random moments; after each
// kill the store must pass check (which verifies every photo has all its
// renditions and no stray bytes), and a re-run imports the rest.
func TestKilledPhotoImport(t *testing.T) {
	data, visit := draftVisit(t)
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(7, 7))
	for i := 0; i < 24; i++ {
		img := image.NewRGBA(image.Rect(0, 0, 1600, 1200))
		for y := 0; y < 1200; y += 4 {
			for x := 0; x < 1600; x += 4 {
				c := color.RGBA{uint8(rng.IntN(256)), uint8(x / 7), uint8(y / 5), 255}
				for dy := 0; dy < 4; dy++ {
					for dx := 0; dx < 4; dx++ {
						img.Set(x+dx, y+dy, c)
					}
				}
			}
		}
		f, _ := os.Create(filepath.Join(dir, fmt.Sprintf("IMG_%04d.jpg", i)))
		jpeg.Encode(f, img, &jpeg.Options{Quality: 90})
		f.Close()
	}
	for round := 0; round < 4; round++ {
		cmd := exec.Command(binary, "photos", "import", "--data", data, "--visit", visit, dir)
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go bufio.NewReader(stdout).WriteTo(new(bytes.Buffer))
		time.Sleep(time.Duration(300+rng.IntN(1500)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		if out, errs, code := run(t, "check", "--data", data); code != 0 {
			t.Fatalf("round %d: check after kill: %s %s", round, out, errs)
		}
	}
	out, errs, code := run(t, "photos", "import", "--data", data, "--visit", visit, dir)
	if code != 0 {
		t.Fatalf("final import: %d %s %s", code, out, errs)
	}
	if n := strings.Count(out, ": 已导入") + strings.Count(out, ": 已存在"); n != 24 {
		t.Fatalf("final import accounted for %d of 24 files:\n%s", n, out)
	}
}
