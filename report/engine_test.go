package report

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"fieldbrief/linebreak"
	"fieldbrief/photo"
	"fieldbrief/supervision"
)

// stressCorpus is the text of testdata/stress_corpus.txt followed by, for
// each line-breaking mark, a paragraph in which that mark follows runs of
// 1, 2, 3 … characters, so that wherever the lines fall the mark lands on
// every possible break point.
func stressCorpus(t testing.TB) []string {
	t.Helper()
	raw, err := os.ReadFile("testdata/stress_corpus.txt")
	if err != nil {
		t.Fatal(err)
	}
	paras := strings.Split(strings.TrimSpace(string(raw)), "\n")
	pool := []rune("重点项目督查整改期限责任单位混凝土强度施工进度安全质量投资计划完成累计监理建设用地规划许可验收")
	marks := []string{"，", "。", "、", "；", "：", "？", "！", "）", "》", "」", "』", "】", "〕", "……", "——", "％", "”", "’", "（", "《", "「", "『", "【", "〔", "“", "‘"}
	pos := 0
	for _, m := range marks {
		var b strings.Builder
		for k := 1; k <= 48; k++ {
			for range k {
				b.WriteRune(pool[pos%len(pool)])
				pos++
			}
			b.WriteString(m)
		}
		// End on a closing full stop, so a paragraph's last line never
		// ends in an opening mark.
		b.WriteString("完。")
		paras = append(paras, b.String())
	}
	return paras
}

func renderCorpus(t *testing.T, size PageSize) (string, Result, string) {
	fonts := testFonts(t)
	d := NewDoc(fonts, Options{Size: size, Time: fixedTime, Title: "排版压力测试", Header: "西部（重庆）科学城重点项目督查", HeaderRight: "2025年3月"})
	title := "排版压力测试：C30、28.5MPa、±0.000、℃、m²、①②③"
	d.Title(title)
	want := title
	paras := stressCorpus(t)
	for i, p := range paras {
		if i%7 == 0 {
			h := fmt.Sprintf("%d. 第%d节（共%d节）", i/7+1, i/7+1, len(paras)/7+1)
			d.Heading(1, h)
			want += h
		}
		d.Paragraph(p)
		want += p
	}
	path, res := writePDF(t, d, "corpus-"+size.String()+".pdf")
	return path, res, want
}

func TestStressCorpusRoundTrip(t *testing.T) {
	for _, size := range []PageSize{A4, A3} {
		t.Run(size.String(), func(t *testing.T) {
			path, res, want := renderCorpus(t, size)
			if len(res.Missing) != 0 {
				t.Errorf("the fonts should draw every character of the corpus, missing %q", string(res.Missing))
			}
			qpdfCheck(t, path)
			if n := pageCount(t, path); n != res.Pages || n < 2 {
				t.Errorf("pdfinfo says %d pages, Write said %d; the corpus needs several", n, res.Pages)
			}
			got := bodyText(t, path, size)
			if i, diff := firstDiff(ink(want), ink(got)); i >= 0 {
				t.Fatalf("text does not survive the round trip at character %d of %d: %s", i, len(ink(want)), diff)
			}
			// The rules, checked on what the PDF really shows.
			lines := 0
			for _, l := range strings.Split(got, "\n") {
				l = strings.TrimSpace(strings.Trim(l, "\f"))
				if l == "" {
					continue
				}
				lines++
				rs := []rune(l)
				if linebreak.NoLineStart(rs[0]) {
					t.Errorf("a printed line starts with %q: %s", rs[0], l)
				}
				if linebreak.NoLineEnd(rs[len(rs)-1]) {
					t.Errorf("a printed line ends with %q: %s", rs[len(rs)-1], l)
				}
			}
			if lines < 100 {
				t.Errorf("only %d lines extracted; the corpus fills hundreds", lines)
			}
		})
	}
}

func TestFooterNumbersEveryPage(t *testing.T) {
	path, res, _ := renderCorpus(t, A4)
	for _, lang := range []supervision.Lang{supervision.Chinese} {
		for p := 1; p <= res.Pages; p++ {
			txt := pdfText(t, path, "-f", strconv.Itoa(p), "-l", strconv.Itoa(p))
			want := printLangOf(lang).pageOf(p, res.Pages)
			if !strings.Contains(txt, want) {
				t.Errorf("page %d lacks footer %q", p, want)
			}
			if !strings.Contains(txt, "西部（重庆）科学城重点项目督查") {
				t.Errorf("page %d lacks the running header", p)
			}
		}
	}
}

func TestUndrawableCharactersBecomePlaceholders(t *testing.T) {
	fonts := testFonts(t)
	// A BMP character the Chinese font has no glyph for: Thai ko kai.
	const thai = 'ก'
	if fonts.canDraw(thai) {
		t.Fatalf("test assumes the font lacks %q", thai)
	}
	note := "现场照片😀已上传，𠮷野家旁\a有ก积水；👨\u200d👩\u200d👧家属区。"
	d := NewDoc(fonts, Options{Time: fixedTime, Title: "备注😀"})
	d.Heading(1, "备注𠮷")
	d.Paragraph(note)
	d.Table(Table{Columns: []Column{{Header: "问题😀", Weight: 1}, {Header: "说明", Weight: 3}}, Rows: []Row{TextRow("𠮷", note)}})
	path, res := writePDF(t, d, "missing.pdf")
	qpdfCheck(t, path)

	wantMissing := []rune{'😀', '𠮷', '\a', thai, '👨', '\u200d', '👩', '👧'}
	if !slices.Equal(res.Missing, wantMissing) {
		t.Errorf("Missing = %q, want %q", res.Missing, wantMissing)
	}
	got := string(ink(bodyText(t, path, A4)))
	wantPara := "现场照片□已上传，□野家旁□有□积水；□□□家属区。"
	if !strings.Contains(got, "备注□") || !strings.Contains(got, wantPara) {
		t.Errorf("placeholders not printed where the characters were:\n%s", got)
	}
	if !strings.Contains(got, "问题□") {
		t.Errorf("table header placeholder missing:\n%s", got)
	}
}

func TestDeterministicOutput(t *testing.T) {
	build := func() []byte {
		d := NewDoc(testFonts(t), Options{Time: fixedTime, Deterministic: true, Title: "确定性", FooterNote: "记录校验码 0123456789abcdef"})
		d.Title("确定性输出")
		d.Paragraph(strings.Repeat("同样的输入必须得到同样的文件。", 40))
		d.BarChart(BarChart{Title: "完成率", Unit: "%", Bars: []Bar{{Label: "甲项目", Value: 40}, {Label: "乙项目", Value: 75, Tone: ToneGood}}})
		// Same-size photos are where fpdf's image order would otherwise
		// follow Go's random map order.
		var photos []Photo
		for i := range 6 {
			photos = append(photos, Photo{JPEG: smallJPEGs()[i], Caption: fmt.Sprintf("照片%d", i+1)})
		}
		d.PhotoGrid(append(photos, Photo{JPEG: testJPEG(t, 800, 600, 1), Caption: "东侧"}), 3)
		var buf bytes.Buffer
		if _, err := d.Write(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	a, b := build(), build()
	if !bytes.Equal(a, b) {
		t.Fatalf("two runs with the same input and time differ (%d vs %d bytes)", len(a), len(b))
	}
	if !bytes.Contains(a, []byte("D:20250312163000")) {
		t.Errorf("creation date is not the fixed time")
	}
}

func TestTableWrapsAndRepeatsHeader(t *testing.T) {
	fonts := testFonts(t)
	d := NewDoc(fonts, Options{Time: fixedTime})
	cols := []Column{{Header: "序号", Weight: 0.6, Align: AlignCenter}, {Header: "检查项目", Weight: 2}, {Header: "结果说明", Weight: 4}}
	var rows []Row
	var cellText []string
	for i := range 70 {
		desc := strings.Repeat(fmt.Sprintf("第%d行的说明文字，含C30与28.5MPa；", i+1), 1+i%4)
		rows = append(rows, Row{Cells: []Cell{{Text: strconv.Itoa(i + 1)}, {Text: fmt.Sprintf("检查内容%d", i+1)}, {Text: desc}}, Tone: Tone(i % 5)})
		cellText = append(cellText, desc)
	}
	// One cell longer than a page: it must continue on the next page.
	huge := strings.Repeat("超长单元格内容必须跨页续排而不丢字。", 260)
	rows = append(rows, TextRow("71", "超长", huge))
	d.Table(Table{Columns: cols, Rows: rows})
	path, res := writePDF(t, d, "table.pdf")
	qpdfCheck(t, path)
	if res.Pages < 4 {
		t.Fatalf("expected the table to run over at least 4 pages, got %d", res.Pages)
	}
	for p := 1; p <= res.Pages; p++ {
		txt := pdfText(t, path, "-f", strconv.Itoa(p), "-l", strconv.Itoa(p))
		if strings.Count(txt, "检查项目") != 1 || strings.Count(txt, "结果说明") != 1 {
			t.Errorf("page %d: header row should appear exactly once:\n%.300s", p, txt)
		}
	}
	// Every character of the wrapped cells survives. Read column by column
	// with -layout so cells side by side do not interleave: the last
	// column's text is the tail of each layout line.
	all := string(ink(pdfText(t, path)))
	for i, c := range cellText {
		if !strings.Contains(all, string(ink(c))) {
			// A cell split across lines reads in one piece once whitespace is
			// dropped only if lines of neighbouring columns do not interleave;
			// with the number and item columns being short they end first.
			t.Errorf("row %d text not found whole in the PDF", i+1)
		}
	}
	if strings.Count(all, "超长单元格内容必须跨页续排而不丢字。") != 260 {
		t.Errorf("the page-spanning cell lost text: %d of 260 sentences found", strings.Count(all, "超长单元格内容必须跨页续排而不丢字。"))
	}
}

// phoneJPEG is a synthetic 3264×2448 photo, the size of a phone camera's,
// made once: encoding it takes a while under the race detector.
var phoneJPEGOnce = sync.OnceValue(func() []byte { return makeJPEG(3264, 2448, 1) })

func phoneJPEG(t testing.TB) []byte {
	t.Helper()
	b := phoneJPEGOnce()
	if b == nil {
		t.Fatal("could not encode the test photo")
	}
	return b
}

func testJPEG(t testing.TB, w, h, seed int) []byte {
	t.Helper()
	b := makeJPEG(w, h, seed)
	if b == nil {
		t.Fatal("could not encode the test photo")
	}
	return b
}

// makeJPEG makes a JPEG with detail everywhere, like a site photo: a colour
// gradient crossed by fine stripes. seed varies the content.
func makeJPEG(w, h, seed int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			s := uint8(0)
			if (x/3+y/5+seed)%2 == 0 {
				s = 60
			}
			copy(img.Pix[img.PixOffset(x, y):], []uint8{uint8(x * 255 / w), uint8(y * 255 / h), uint8(seed*40) + s, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		return nil
	}
	return buf.Bytes()
}

type pdfImage struct {
	w, h, obj  int
	xppi, yppi int
}

// pdfImages lists the images in path with pdfimages -list.
func pdfImages(t testing.TB, path string) []pdfImage {
	t.Helper()
	bin := needTool(t, "pdfimages")
	out, err := exec.Command(bin, "-list", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfimages: %v\n%s", err, out)
	}
	var imgs []pdfImage
	for _, l := range strings.Split(string(out), "\n")[2:] {
		f := strings.Fields(l)
		if len(f) < 14 {
			continue
		}
		var im pdfImage
		im.obj, _ = strconv.Atoi(f[10])
		im.w, _ = strconv.Atoi(f[3])
		im.h, _ = strconv.Atoi(f[4])
		im.xppi, _ = strconv.Atoi(f[12])
		im.yppi, _ = strconv.Atoi(f[13])
		imgs = append(imgs, im)
	}
	return imgs
}

func TestPhotosAreDownsampledOrientedAndNeverFatal(t *testing.T) {
	big := phoneJPEG(t)
	small := testJPEG(t, 320, 240, 2)
	sideways := testJPEG(t, 400, 200, 3) // stored landscape, EXIF 6: upright it is portrait
	d := NewDoc(testFonts(t), Options{Time: fixedTime})
	d.PhotoGrid([]Photo{
		{JPEG: big, Caption: "3号楼东立面，主体施工至12层", Taken: fixedTime},
		{JPEG: small, Caption: "塔吊基础积水"},
		{JPEG: sideways, Orientation: 6, Caption: "竖拍"},
		{JPEG: big[:len(big)/3], Caption: "截断的文件"},
		{JPEG: []byte("not a jpeg"), Caption: "坏文件"},
		{JPEG: big, Caption: "同一张照片再用一次"},
	}, 2)
	path, res := writePDF(t, d, "photos.pdf")
	qpdfCheck(t, path)
	if len(res.Warnings) != 2 {
		t.Errorf("want two warnings (truncated and bad file), got %q", res.Warnings)
	}
	imgs := pdfImages(t, path)
	if len(imgs) != 4 {
		t.Fatalf("want 4 placed images (two unreadable files left blank), got %d: %+v", len(imgs), imgs)
	}
	if imgs[0].obj != imgs[3].obj {
		t.Errorf("the same photo at the same size should be stored once and placed twice, got objects %d and %d", imgs[0].obj, imgs[3].obj)
	}
	for _, im := range imgs {
		if float64(im.xppi) > maxDPI*dpiSlack+1 || float64(im.yppi) > maxDPI*dpiSlack+1 {
			t.Errorf("image %dx%d placed at %d×%d ppi, above %d and its 5%% slack", im.w, im.h, im.xppi, im.yppi, maxDPI)
		}
	}
	if imgs[0].w >= 3264 || imgs[0].w < 500 {
		t.Errorf("the 3264 px photo should be reduced to about 200 dpi at ~80 mm, got %d px", imgs[0].w)
	}
	if imgs[1].w != 320 {
		t.Errorf("a small photo should go in as it is, got %d px wide", imgs[1].w)
	}
	if imgs[2].w != 200 || imgs[2].h != 400 {
		t.Errorf("EXIF 6 photo should be turned upright to 200×400, got %d×%d", imgs[2].w, imgs[2].h)
	}
	info, _ := os.Stat(path)
	if info.Size() > int64(len(big)) {
		t.Errorf("PDF is %d bytes, larger than the one big photo (%d): downsampling did not happen", info.Size(), len(big))
	}
}

func TestBarChartAndSignatures(t *testing.T) {
	d := NewDoc(testFonts(t), Options{Time: fixedTime, Lang: supervision.English})
	var bars []Bar
	for i := range 45 {
		bars = append(bars, Bar{Label: fmt.Sprintf("项目%02d 超级计算中心二期", i+1), Value: float64(i * 3), Tone: Tone(i % 4)})
	}
	d.BarChart(BarChart{Title: "Completion", Unit: "%", Bars: bars, Reference: 50, ReferenceLabel: "Time elapsed 50%"})
	d.Signatures([]string{"Inspector", "Project leader"})
	path, res := writePDF(t, d, "chart.pdf")
	qpdfCheck(t, path)
	txt := pdfText(t, path)
	for _, s := range []string{"Completion", "Time elapsed 50%", "项目01", "项目45", "132", "Inspector:", "Date:"} {
		if !strings.Contains(txt, s) {
			t.Errorf("chart PDF lacks %q", s)
		}
	}
	if res.Pages != 2 {
		t.Errorf("45 bars should run onto a second page, got %d pages", res.Pages)
	}
}

func TestNewFontsRefusesWhatFpdfCannotEmbed(t *testing.T) {
	if _, err := NewFonts(FontFaces{}); err == nil {
		t.Error("no font accepted")
	}
	otto := append([]byte("OTTO"), make([]byte, 64)...)
	if _, err := NewFonts(FontFaces{Sans: otto}); err == nil || !strings.Contains(err.Error(), "TrueType") {
		t.Errorf("CFF font: err = %v, want one that says TrueType is needed", err)
	}
	ttc := append([]byte("ttcf"), make([]byte, 64)...)
	if _, err := NewFonts(FontFaces{Sans: ttc}); err == nil || !strings.Contains(err.Error(), "collection") {
		t.Errorf("TTC: err = %v, want one that names the collection", err)
	}
}

// countingCache is an ImageCache that counts its use.
type countingCache struct {
	mapCache
	hits, puts int
}

func (c *countingCache) Get(k string) ([]byte, bool) {
	b, ok := c.mapCache.Get(k)
	if ok {
		c.mu.Lock()
		c.hits++
		c.mu.Unlock()
	}
	return b, ok
}

func (c *countingCache) Put(k string, b []byte) {
	c.mapCache.Put(k, b)
	c.mu.Lock()
	c.puts++
	c.mu.Unlock()
}

func TestImageCacheSavesTheSecondDecode(t *testing.T) {
	cache := &countingCache{mapCache: mapCache{m: map[string][]byte{}}}
	render := func() (Result, []byte) {
		d := NewDoc(testFonts(t), Options{Time: fixedTime, ImageCache: cache})
		d.PhotoGrid([]Photo{{JPEG: fixtureJPEGs()[0]}, {JPEG: fixtureJPEGs()[1], Orientation: 6}, {JPEG: smallJPEGs()[0]}}, 2)
		var b bytes.Buffer
		res, err := d.Write(&b)
		if err != nil {
			t.Fatal(err)
		}
		return res, b.Bytes()
	}
	render()
	// The 1600 px photo is reduced and the turned one re-encoded; the small
	// one goes in as it is and needs no cache.
	if cache.puts != 2 || cache.hits != 0 {
		t.Fatalf("first printing: %d puts, %d hits; want 2 and 0", cache.puts, cache.hits)
	}
	_, second := render()
	if cache.puts != 2 || cache.hits != 2 {
		t.Errorf("second printing: %d puts, %d hits; want no new put and 2 hits", cache.puts, cache.hits)
	}
	path := filepath.Join(t.TempDir(), "cached.pdf")
	if err := os.WriteFile(path, second, 0o644); err != nil {
		t.Fatal(err)
	}
	qpdfCheck(t, path)
	if n := len(pdfImages(t, path)); n != 3 {
		t.Errorf("%d images placed from the cache, want 3", n)
	}
	// A damaged entry is not trusted.
	for k := range cache.m {
		cache.m[k] = []byte("garbage")
	}
	if res, _ := render(); len(res.Warnings) != 0 || cache.puts != 4 {
		t.Errorf("damaged cache entries: warnings %q, %d puts; want the photos decoded again", res.Warnings, cache.puts)
	}
}

// TestFontsAreSharedSafely renders documents on several goroutines from
// one Fonts value, as the GUI may while the CLI-style batch runs; the race
// detector checks the claim that Fonts is read-only.
func TestFontsAreSharedSafely(t *testing.T) {
	fonts := testFonts(t)
	var wg sync.WaitGroup
	results := make([][]byte, 3)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := NewDoc(fonts, Options{Time: fixedTime, Deterministic: true})
			d.Paragraph(strings.Repeat("并发生成的文档彼此独立，互不影响😀。", 30))
			d.PhotoGrid([]Photo{{JPEG: smallJPEGs()[0]}, {JPEG: smallJPEGs()[1]}}, 2)
			var b bytes.Buffer
			if _, err := d.Write(&b); err != nil {
				t.Error(err)
			}
			results[i] = b.Bytes()
		}()
	}
	wg.Wait()
	for i := 1; i < len(results); i++ {
		if !bytes.Equal(results[0], results[i]) {
			t.Errorf("document %d differs from document 0 though made from the same input", i)
		}
	}
}

func TestRotationOrientation(t *testing.T) {
	for deg, want := range map[int]int{0: 1, 90: 6, 180: 3, 270: 8, -90: 8, 450: 6, 45: 1} {
		if got := RotationOrientation(deg); got != want {
			t.Errorf("RotationOrientation(%d) = %d, want %d", deg, got, want)
		}
	}
	// 90° clockwise turns a landscape picture into a portrait one.
	img := photo.UprightRGBA(resample(mustDecode(t, smallJPEGs()[0]), 320, 240), RotationOrientation(90))
	if img.Rect.Dx() != 240 || img.Rect.Dy() != 320 {
		t.Errorf("rotated size %v", img.Rect)
	}
}

func mustDecode(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return img
}
