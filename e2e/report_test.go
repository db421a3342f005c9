package e2e

import (
	"bytes"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

func pdfTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Fatalf("%s is not installed; `make test` installs it (poppler-utils, qpdf)", name)
	}
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func pages(t *testing.T, pdf string) int {
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(pdfTool(t, "pdfinfo", pdf))
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestReportCommands(t *testing.T) {
	data := t.TempDir()
	if _, errs, code := run(t, "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	out, _, _ := run(t, "visits", "--data", data, "--json")
	var visits []map[string]any
	json.Unmarshal([]byte(out), &visits)
	visit := visits[0]["id"].(string)

	// A note with emoji and a character outside the BMP must still print.
	s, err := storage.Open(data, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs, err := s.Findings(storage.FindingFilter{ProjectID: visits[0]["project_id"].(string), ActiveOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 {
		t.Fatal("sample project has no active finding")
	}
	if _, err := s.AddFindingNote(fs[0].ID, sv.Note{By: "张伟", Text: "吉祥的𠮷字和表情😀都要能打印"}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	dir := t.TempDir()
	cases := []struct {
		name     string
		args     []string
		contains []string
		minPages int
	}{
		{"visit", []string{"report", "visit", "--id", visit}, []string{"重点项目现场督查报告", "签"}, 2},
		{"brief", []string{"report", "brief", "--period", "2026-10"}, []string{"调度会", "中国科学院重庆科学中心", "2026年第5期", "西部（重庆）科学城重点项目督查组", "印发"}, 10},
		{"brief-form", []string{"report", "brief", "--period", "2026-10", "--issue", "7", "--issuer", "高新区督查室", "--next-steps", `组织质量巡查。\n完善台账。`,
			"--report-to", "区委", "--copy-to", "区人大", "--send-to", "各街道"}, []string{"2026年第7期", "高新区督查室", "组织质量巡查。", "完善台账。", "报：区委", "送：区人大", "发：各街道"}, 10},
		{"tour", []string{"report", "tour", "--quarter", "2026Q4", "--lang", "en"}, []string{"Key Project Site Tour", "Q4 2026"}, 20},
		{"brief-a3", []string{"report", "brief", "--period", "2026-10", "--size", "A3"}, []string{"调度会"}, 5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			pdf := filepath.Join(dir, c.name+".pdf")
			args := append(append([]string(nil), c.args...), "--data", data, "--out", pdf)
			out, errs, code := run(t, args...)
			if code != 0 {
				t.Fatalf("%v: %d %s %s", args, code, out, errs)
			}
			pdfTool(t, "qpdf", "--check", pdf)
			text := pdfTool(t, "pdftotext", "-layout", pdf, "-")
			for _, want := range c.contains {
				if !strings.Contains(text, want) {
					t.Errorf("%s lacks %q", c.name, want)
				}
			}
			if n := pages(t, pdf); n < c.minPages {
				t.Errorf("%s has %d pages, want at least %d", c.name, n, c.minPages)
			}
			if c.name == "visit" && strings.Contains(text, "表情") && !strings.Contains(out, "□") {
				t.Errorf("the visit report printed the emoji note without reporting placeholders: %s", out)
			}
		})
	}
	// With a fixed date the output is byte-identical.
	a, b := filepath.Join(dir, "a.pdf"), filepath.Join(dir, "b.pdf")
	for _, f := range []string{a, b} {
		if _, errs, code := run(t, "report", "brief", "--data", data, "--period", "2026-10", "--date", "2026-11-01", "--out", f); code != 0 {
			t.Fatal(errs)
		}
	}
	ba, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if !bytes.Equal(ba, bb) {
		t.Error("two briefs with --date differ")
	}
	// Bad input is refused with a reason.
	if _, errs, code := run(t, "report", "tour", "--data", data, "--quarter", "2026Q5", "--out", a); code != 2 || !strings.Contains(errs, "季度") {
		t.Errorf("quarter 5: %d %q", code, errs)
	}
	if _, errs, code := run(t, "report", "visit", "--data", data, "--id", "nope", "--out", a); code != 1 || !strings.Contains(errs, "找不到") {
		t.Errorf("unknown visit: %d %q", code, errs)
	}
}

// sitePhoto writes a w×h JPEG with detail everywhere, like a site photo.
func sitePhoto(t *testing.T, path string, w, h, seed int) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			s := uint8(0)
			if (x/3+y/5+seed)%2 == 0 {
				s = 60
			}
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8(seed*40) + s, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReportUsesPrintCopies imports a photo, which gets a print copy, and
// stores another as photos were stored before print copies existed. The
// A4 visit report embeds the print copy byte for byte (nothing decoded) and
// reduces the old photo's display copy; on A3 the print copy is too small
// and the display copy is used instead.
func TestReportUsesPrintCopies(t *testing.T) {
	data, visit := draftVisit(t)
	dir := t.TempDir()
	sitePhoto(t, filepath.Join(dir, "new.jpg"), 2000, 1500, 1)
	if out, errs, code := run(t, "photos", "import", "--data", data, "--visit", visit, filepath.Join(dir, "new.jpg")); code != 0 {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	s, err := storage.Open(data, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	in, err := s.Visit(visit)
	if err != nil || len(in.Photos) != 1 {
		t.Fatalf("visit photos %v, %v", in.Photos, err)
	}
	newHash := in.Photos[0]
	prn, err := s.PhotoBlob(newHash, storage.BlobPrint)
	if err != nil {
		t.Fatalf("the imported photo has no print copy: %v", err)
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(prn)); err != nil || cfg.Width != 640 || cfg.Height != 480 {
		t.Fatalf("print copy %dx%d, %v; want 640x480", cfg.Width, cfg.Height, err)
	}
	display, _ := s.PhotoBlob(newHash, storage.BlobDisplay)
	// An old photo: original, display and thumbnail, no print copy.
	sitePhoto(t, filepath.Join(dir, "old.jpg"), 1600, 1200, 2)
	old, _ := os.ReadFile(filepath.Join(dir, "old.jpg"))
	if _, err := s.PutPhoto(sv.Photo{Hash: "0ld0", Size: int64(len(old)), Width: 1600, Height: 1200,
		Links: []sv.PhotoLink{{VisitID: visit}}}, storage.PhotoBlobs{Original: old, Display: old, Thumbnail: old}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, errs, code := run(t, "check", "--data", data); code != 0 {
		t.Fatalf("check with a photo lacking a print copy: %s", errs)
	}

	for _, size := range []string{"A4", "A3"} {
		pdf := filepath.Join(dir, size+".pdf")
		if out, errs, code := run(t, "report", "visit", "--data", data, "--id", visit, "--size", size, "--out", pdf); code != 0 {
			t.Fatalf("%s: %d %s %s", size, code, out, errs)
		}
		pdfTool(t, "qpdf", "--check", pdf)
		b, _ := os.ReadFile(pdf)
		var widths []int
		for _, l := range strings.Split(pdfTool(t, "pdfimages", "-list", pdf), "\n")[2:] {
			if f := strings.Fields(l); len(f) > 4 {
				w, _ := strconv.Atoi(f[3])
				widths = append(widths, w)
			}
		}
		slices.Sort(widths)
		switch size {
		case "A4":
			if !bytes.Contains(b, prn) {
				t.Error("A4: the print copy was not embedded as it is")
			}
			if bytes.Contains(b, old) {
				t.Error("A4: the old photo's 1600 px display copy went in without being reduced")
			}
			// The old photo reduced to 200 dpi in the 75.5 mm cell of
			// the serif layout, and the print copy.
			if !slices.Equal(widths, []int{595, 640}) {
				t.Errorf("A4 image widths %v, want [595 640]", widths)
			}
		case "A3":
			if bytes.Contains(b, prn) || bytes.Contains(b, display) {
				t.Error("A3: a copy went in as it is; both are the wrong size for the 106.8 mm cells")
			}
			// A3 prints the A4 page enlarged: 200 dpi at the 75.5 mm cell
			// printed 106.8 mm wide is 841 px; the report allows 10 % more
			// when averaging whole pixel blocks lands there.
			if len(widths) != 2 || widths[0] < 841 || widths[1] > 925 {
				t.Errorf("A3 image widths %v, want both reduced from the display copies to 841–925 px", widths)
			}
		}
	}
}
