package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"

	"fieldbrief/linebreak"
	"fieldbrief/supervision"
)

// PageSize is the paper a document is laid out for.
type PageSize int

const (
	// A4 (210 × 297 mm) is the default.
	A4 PageSize = iota
	// A3 (297 × 420 mm) is for wall copies at meetings.
	A3
)

// String returns the paper name as fpdf and printers know it.
func (p PageSize) String() string {
	if p == A3 {
		return "A3"
	}
	return "A4"
}

// ParsePageSize reads "A4" or "A3" (any case), as given on the command line.
func ParsePageSize(s string) (PageSize, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "", "A4":
		return A4, nil
	case "A3":
		return A3, nil
	}
	return A4, fmt.Errorf("unknown paper size %q: use A4 or A3", s)
}

// Options set up a document.
type Options struct {
	Size PageSize
	Lang supervision.Lang
	// Time is the generation time printed on the document and written as
	// its creation date. Zero means now.
	Time time.Time
	// Deterministic makes the same input with the same Time give a
	// byte-identical file, so tests and archives can compare files.
	Deterministic bool
	// Title, Subject and Author go into the PDF metadata.
	Title, Subject, Author string
	// Header is the running header at the top left of every page, and
	// HeaderRight its counterpart at the top right.
	Header, HeaderRight string
	// FooterNote is printed small at the foot of every page, for example
	// the content hash of the record the document was made from.
	FooterNote string
	// Keywords go into the PDF metadata; a visit report puts its Stamp
	// there so that report verify can check it against the store.
	Keywords string
	// Store is the StoreTag of the data folder a brief or tour pack is
	// made from; its stamp carries it (decision 0034).
	Store string
	// ImageCache, when set, keeps reduced photos between documents.
	ImageCache ImageCache
	// Names are personal names kept whole on a line, besides those the
	// reports find in their input (leaders, contacts, inspectors).
	Names []string
}

// Result tells the caller what a finished document holds and what could not
// be printed as given.
type Result struct {
	Pages int
	// Missing lists, in the order first met, each character the fonts
	// cannot draw. Each was printed as the placeholder (□), except
	// invisible formatting characters such as variation selectors, which
	// were left out.
	Missing []rune
	// Warnings are problems that did not stop the document, in words a
	// user can act on (a photo that could not be read, for example).
	Warnings []string
}

// Doc is one PDF document being laid out top to bottom. Blocks are added in
// reading order and flow onto new pages as needed. A Doc is not safe for
// concurrent use.
type Doc struct {
	pdf   *fpdf.Fpdf
	fonts *Fonts
	// cover is what the document's faces hold when they are cut (nil for
	// the full faces); uncovered collects what was drawn outside it.
	cover     *runeSet
	uncovered runeSet
	opt       Options
	breaker   linebreak.Breaker
	miss      missing
	warn      []string

	pageW, pageH float64 // the page as laid out: A4 (see scale)
	// scale is how much larger than A4 the paper is: 1 on A4, √2 on A3.
	// A3 is an A4 page enlarged, type, tables and photos alike (decision
	// 0039): each page's drawing is scaled as a whole, in a transform
	// that scaled is set while it is open.
	scale       float64
	scaled      bool
	left, right float64 // x of the text area's edges
	top, bottom float64 // y of the text area's edges
	y           float64 // where the next block starts
	curFace     face
	curSize     float64
	images      map[string]*imageJob
	imageWidths map[int]bool
	imageSeq    int
	// sections counts the headings of each level Section has numbered.
	sections [4]int
	// outlineDepth is the deepest heading level that gets a bookmark
	// (an entry in the PDF's outline); lastMark is the deepest outline
	// level the next entry may take, one below the last entry's.
	outlineDepth, lastMark int
	// marked lists the pages on which a placeholder for a character
	// the fonts lack was drawn, for their footnote (see footnotes).
	marked map[int]bool
}

// Layout constants, in millimetres and points. The text block is GB/T
// 9704-2012's 156 × 225 mm on A4: 37 mm above (天头), 28 mm on the
// binding side (订口), 26 mm on the other; the running header and footer
// sit in the margins. Body text is 12 pt (小四): the standard's 16 pt
// (三号) suits a letter of two pages, not a brief of thirty with tables.
const (
	marginLeft   = 28.0
	marginRight  = 26.0
	marginTop    = 37.0
	marginBottom = 35.0

	bodySize    = 12.0 // 小四
	factSize    = 10.5 // 五号, fact blocks
	smallSize   = 9.0  // 小五, tables and notes: never smaller
	tinySize    = 7.5  // chart axes
	headerSize  = 8.0  // running header and footer
	headingSize = 16.0 // 三号, level-1 headings (黑体 role)
	subheadSize = 13.0 // level-2 and lower headings
	titleSize   = 22.0 // 二号, the title (小标宋 role)
	leading     = 1.5

	// keepWithHeading is the room, in mm, that must follow a heading on
	// its page.
	keepWithHeading = 22.0
)

// NewDoc starts a document set in the full faces of fonts. The three
// documents of this package are set in cut faces instead (see typeset).
func NewDoc(fonts *Fonts, opt Options) *Doc { return newDoc(fonts, nil, opt) }

// newDoc starts a document set in faces, or in the full faces of fonts when
// faces is nil.
func newDoc(fonts *Fonts, faces *cutFaces, opt Options) *Doc {
	if opt.Time.IsZero() {
		opt.Time = time.Now()
	}
	if opt.Lang != supervision.English { // "" and anything unknown print in Chinese
		opt.Lang = supervision.Chinese
	}
	pdf := fpdf.New("P", "mm", opt.Size.String(), "")
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(opt.Time)
	pdf.SetModificationDate(opt.Time)
	pdf.SetCreator("fieldbrief", false)
	pdf.SetProducer("fieldbrief", false)
	fcs := fonts.faces
	var cover *runeSet
	if faces != nil {
		fcs, cover = faces.faces, &faces.set
	}
	for i, b := range fcs {
		pdf.AddUTF8FontFromBytes(face(i).family(), face(i).style(), b)
	}
	if opt.Lang == supervision.English {
		pdf.SetLang("en")
	} else {
		pdf.SetLang("zh-CN")
	}
	d := &Doc{pdf: pdf, fonts: fonts, cover: cover, opt: opt, breaker: newBreaker(opt.Names), images: map[string]*imageJob{}, imageWidths: map[int]bool{}, outlineDepth: 2}
	if opt.Title != "" {
		pdf.SetTitle(fonts.clean(opt.Title, &d.miss), true)
	}
	if opt.Subject != "" {
		pdf.SetSubject(fonts.clean(opt.Subject, &d.miss), true)
	}
	if opt.Author != "" {
		pdf.SetAuthor(fonts.clean(opt.Author, &d.miss), true)
	}
	if opt.Keywords != "" {
		pdf.SetKeywords(opt.Keywords, false) // ASCII: report verify reads it back (see stamp.go)
	}
	// Pages are laid out as A4 whatever the paper, and drawn scaled to it.
	a4W, _ := pageMM(A4)
	paperW, _ := pageMM(opt.Size)
	d.scale = paperW / a4W
	d.pageW, d.pageH = pageMM(A4)
	d.left, d.right = marginLeft, d.pageW-marginRight
	d.top, d.bottom = marginTop, d.pageH-marginBottom
	return d
}

// Lang returns the document's language.
func (d *Doc) Lang() supervision.Lang { return d.opt.Lang }

// printLang returns the document's language with its words.
func (d *Doc) printLang() printLang { return printLangOf(d.opt.Lang) }

// Width is the width of the text area in millimetres.
func (d *Doc) Width() float64 { return d.right - d.left }

func (d *Doc) setFont(f face, size float64) {
	if d.curSize == size && d.curFace == f {
		return
	}
	d.pdf.SetFont(f.family(), f.style(), size)
	d.curFace, d.curSize = f, size
}

// newPage starts a page with the running header.
func (d *Doc) newPage() {
	d.endScale()
	d.pdf.AddPage()
	d.beginScale()
	// AddPage re-emits fpdf's idea of the current font; ours must follow.
	d.curSize = 0
	d.y = d.top
	if d.opt.Header == "" && d.opt.HeaderRight == "" {
		return
	}
	base := d.top - 8
	d.setFont(serif, headerSize)
	d.setColor(colHeader)
	if d.opt.HeaderRight != "" {
		t := d.clean(d.opt.HeaderRight)
		d.text(d.right-d.measure(t, serif, headerSize), base, t)
	}
	if d.opt.Header != "" {
		d.text(d.left, base, d.clean(d.opt.Header))
	}
	d.drawColor(colHeader)
	d.pdf.SetLineWidth(0.2)
	d.pdf.Line(d.left, base+2, d.right, base+2)
}

// beginScale starts drawing the current page in A4 coordinates scaled to
// the paper, about its top left corner.
func (d *Doc) beginScale() {
	if d.scale == 1 || d.scaled {
		return
	}
	d.pdf.TransformBegin()
	d.pdf.TransformScale(d.scale*100, d.scale*100, 0, 0)
	d.scaled = true
}

// endScale closes the current page's transform, before the page is left.
func (d *Doc) endScale() {
	if d.scaled {
		d.pdf.TransformEnd()
		d.scaled = false
	}
}

// ensure moves to a new page unless h millimetres fit below the cursor.
// It reports whether it started a page.
func (d *Doc) ensure(h float64) bool {
	if d.pdf.PageNo() == 0 || d.y+h > d.bottom+0.01 {
		d.newPage()
		return true
	}
	return false
}

// atTop reports whether nothing has been placed on the current page yet.
func (d *Doc) atTop() bool { return d.pdf.PageNo() > 0 && d.y <= d.top+0.01 }

// PageBreak starts a new page, unless the current one is still empty.
func (d *Doc) PageBreak() {
	if !d.atTop() {
		d.newPage()
	}
}

// Space adds vertical space, which is dropped at the top of a page.
func (d *Doc) Space(mm float64) {
	if d.pdf.PageNo() == 0 || d.atTop() {
		return
	}
	d.y += mm
}

// clean makes s printable and records what it had to replace.
func (d *Doc) clean(s string) string { return d.fonts.clean(s, &d.miss) }

func (d *Doc) measure(s string, f face, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += d.fonts.width(f, size, r)
	}
	return w
}

// wrapped is one laid-out line; first marks the first line of a paragraph.
type wrapped struct {
	text  string
	first bool
}

// wrap cleans s and breaks it into lines no wider than w; each '\n' in s
// starts a paragraph, whose first line is indent narrower.
func (d *Doc) wrap(s string, f face, size, w, indent float64) []wrapped {
	width := func(r rune) float64 { return d.fonts.width(f, size, r) }
	var out []wrapped
	for _, para := range strings.Split(d.clean(s), "\n") {
		for i, l := range d.breaker.Lines([]rune(para), w-indent, w, width) {
			out = append(out, wrapped{text: string(l.Text), first: i == 0})
		}
	}
	return out
}

// style is how a run of text looks.
type style struct {
	size   float64
	face   face
	color  rgb
	align  Align
	indent float64 // first-line indent, mm
	lead   float64 // line height as a multiple of the size
	// justify sets every line but a paragraph's last flush with both
	// margins.
	justify bool
}

func (s style) lineHeight() float64 {
	l := s.lead
	if l == 0 {
		l = leading
	}
	return s.size * ptToMM * l
}

// baseline returns the baseline of a line box of height lh starting at top,
// centring the ideographic em box (0.88 em above to 0.12 em below the
// baseline in Noto Sans SC) in the box.
func baseline(top, lh, size float64) float64 {
	em := size * ptToMM
	return top + (lh-em)/2 + 0.88*em
}

// textBlock sets s in the column [x, x+w), flowing onto new pages.
func (d *Doc) textBlock(s string, st style, x, w float64) {
	lh := st.lineHeight()
	lines := d.wrap(s, st.face, st.size, w, st.indent)
	for i, line := range lines {
		// Keep a paragraph's last line from being alone at the top of a
		// page (a widow) when the paragraph has more than two lines.
		need := lh
		if i == len(lines)-2 && len(lines) > 2 {
			need = 2 * lh
		}
		d.ensure(need)
		d.setFont(st.face, st.size)
		d.setColor(st.color)
		lx := x
		if line.first {
			lx += st.indent
		}
		lw := d.measure(line.text, st.face, st.size)
		switch st.align {
		case AlignCenter:
			lx = x + (w-lw)/2
		case AlignRight:
			lx = x + w - lw
		}
		last := i == len(lines)-1 || lines[i+1].first
		if st.justify && st.align == AlignLeft && !last {
			d.justified(lx, baseline(d.y, lh, st.size), line.text, x+w-lx-lw, st)
		} else {
			d.text(lx, baseline(d.y, lh, st.size), line.text)
		}
		d.y += lh
	}
}

// justified draws a line flush with both margins (两端对齐), as body text
// in official documents is set, spreading extra mm over the gaps between
// its pieces (see justifiable): between Chinese characters and around
// Latin words, never between a word's letters. A line whose gaps would
// open wider than a quarter of a character stays ragged rather than look
// spaced out.
func (d *Doc) justified(x, y float64, line string, extra float64, st style) {
	pieces := justifiable(line)
	if len(pieces) < 2 || extra <= 0.01 || extra/float64(len(pieces)-1) > 0.25*st.size*ptToMM {
		d.text(x, y, line)
		return
	}
	sp := extra / float64(len(pieces)-1)
	if len(pieces) == utf8.RuneCountInString(line) {
		// Every piece is one character: character spacing (Tc, in points,
		// part of the page's graphics state) does it in one operator.
		d.pdf.RawWriteStr(fmt.Sprintf("%.4f Tc", sp*mmToPt))
		d.text(x, y, line)
		d.pdf.RawWriteStr("0 Tc")
		return
	}
	for _, p := range pieces {
		d.text(x, y, p)
		x += d.measure(p, st.face, st.size) + sp
	}
}

// mmToPt converts millimetres to points, PDF's unit.
const mmToPt = 72 / 25.4

// Title sets the document title: large, bold, centred, in official red,
// with the red rule of a Chinese official brief (红头) beneath.
func (d *Doc) Title(s string) {
	d.ensure(30)
	st := style{size: titleSize, face: serifBold, color: colRed, align: AlignCenter, lead: 1.4}
	d.textBlock(s, st, d.left, d.Width())
	d.y += 2
	d.drawColor(colRed)
	d.pdf.SetLineWidth(0.8)
	d.pdf.Line(d.left, d.y, d.right, d.y)
	d.pdf.SetLineWidth(0.25)
	d.pdf.Line(d.left, d.y+1.2, d.right, d.y+1.2)
	d.y += 5
}

// Subtitle sets a centred line under the title (issuer, period, date).
func (d *Doc) Subtitle(s string) {
	st := style{size: subheadSize, color: colText, align: AlignCenter}
	d.textBlock(s, st, d.left, d.Width())
	d.y += 2
}

// Heading starts a section. Level 1 is a main section, level 2 a
// subsection. A heading is never left alone at the foot of a page. Headings
// down to the document's outline depth (level 2 unless the document says
// otherwise) are bookmarked, so a reader of a thirty-page brief can jump to
// a section or a project.
func (d *Doc) Heading(level int, s string) { d.heading(level, s, level <= d.outlineDepth) }

// bookmark adds an outline entry for a heading of the given level set at
// the cursor. An entry one level below one that is not there (a
// subsection before any section) goes up a level: the outline may not
// skip one.
func (d *Doc) bookmark(level int, s string) {
	lv := min(level-1, d.lastMark)
	d.lastMark = lv + 1
	// fpdf writes the title as UTF-16 only while a Unicode font is set.
	d.setFont(serif, bodySize)
	d.pdf.Bookmark(d.clean(s), lv, d.y*d.scale)
}

// heading sets a heading, bookmarked when mark is set.
func (d *Doc) heading(level int, s string, mark bool) {
	size := headingSize
	switch {
	case level == 2:
		size = subheadSize
	case level > 2:
		size = bodySize
	}
	fc := serifBold
	switch {
	case level <= 1:
		fc = sansBold
	case level >= 4:
		fc = serif
	}
	st := style{size: size, face: fc, color: colText, lead: 1.6}
	lines := d.wrap(s, fc, size, d.Width(), 0)
	// Keep the heading with the start of what follows: room for a table's
	// header and first row, or a few lines of text.
	keep := keepWithHeading
	if level <= 1 {
		// A main heading is often followed at once by a subheading.
		keep += 18
	}
	d.Space(2)
	d.ensure(float64(len(lines))*st.lineHeight() + keep)
	if mark {
		d.bookmark(level, s)
	}
	d.textBlock(s, st, d.left, d.Width())
	d.y += 1
}

// Section starts a numbered section of the hierarchy of Chinese official
// documents: 一、 at level 1, （一） at 2, 1. at 3, （1） at 4 (in English
// 1., (1), (a), (i)). A heading restarts the numbering of the levels below.
func (d *Doc) Section(level int, s string) {
	level = min(max(level, 1), 4)
	d.sections[level-1]++
	for i := level; i < len(d.sections); i++ {
		d.sections[i] = 0
	}
	d.Heading(level, d.printLang().sectionNumber(level, d.sections[level-1])+s)
}

// sectionNumber is the number of the nth section of a level, with what
// follows it.
func (l printLang) sectionNumber(level, n int) string {
	if l.Lang() == supervision.English {
		switch level {
		case 1:
			return strconv.Itoa(n) + ". "
		case 2:
			return "(" + strconv.Itoa(n) + ") "
		case 3:
			return "(" + string(rune('a'+(n-1)%26)) + ") "
		}
		return "(" + strings.Repeat("i", n) + ") "
	}
	switch level {
	case 1:
		return chineseNumeral(n) + "、"
	case 2:
		return "（" + chineseNumeral(n) + "）"
	case 3:
		return strconv.Itoa(n) + "."
	}
	return "（" + strconv.Itoa(n) + "）"
}

// chineseNumeral writes 1–99 in Chinese numerals: 一 … 十、十一 … 九十九.
func chineseNumeral(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n >= 100:
		return strconv.Itoa(n)
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n%10]
	}
	return digits[n/10] + "十" + digits[n%10]
}

// Paragraph sets body text. Each line of s ('\n') is a paragraph; Chinese
// paragraphs get the customary two-character first-line indent.
func (d *Doc) Paragraph(s string) {
	// Chinese prose is justified with a two-character first-line indent;
	// English is set ragged, since PDF can only widen the gaps between
	// its letters, not its words, in a font like ours.
	zh := d.opt.Lang != supervision.English
	indent := 0.0
	if zh {
		indent = 2 * bodySize * ptToMM
	}
	for _, p := range strings.Split(s, "\n") {
		d.textBlock(p, style{size: bodySize, color: colText, indent: indent, justify: zh}, d.left, d.Width())
	}
	d.y += 1.5
}

// Note sets small grey text, for explanations under a table or chart.
func (d *Doc) Note(s string) {
	d.textBlock(s, style{size: smallSize, color: colMuted}, d.left, d.Width())
	d.y += 1
}

// Write finishes the document — page numbers and footers on every page —
// and writes the PDF to w.
func (d *Doc) Write(w io.Writer) (Result, error) {
	d.finish()
	return d.output(w)
}

// finish adds what needs the page count: page numbers and footers.
func (d *Doc) finish() {
	if d.pdf.PageNo() == 0 {
		d.newPage()
	}
	d.endScale()
	d.footnotes()
	d.footers()
}

// footnotes explains, at the foot of each page that shows one, the
// placeholder printed for a character the fonts lack, naming the
// characters by code point: a reader of the paper must not take □ for
// what was written, and can find the character in the record.
func (d *Doc) footnotes() {
	var codes []string
	for _, r := range d.miss.order {
		if !isIgnorable(r) {
			codes = append(codes, fmt.Sprintf("U+%04X", r))
		}
	}
	if len(codes) == 0 || len(d.marked) == 0 {
		return
	}
	l := d.printLang()
	note := fmt.Sprintf(l.t("report.text.missing_glyph_note"), d.fonts.placeholder, l.joinList(codes))
	for p := 1; p <= d.pdf.PageCount(); p++ {
		if !d.marked[p] {
			continue
		}
		d.pdf.SetPage(p)
		d.beginScale()
		d.curSize = 0
		d.setFont(serif, headerSize)
		d.setColor(colRed)
		lines := d.wrap(note, serif, headerSize, d.Width(), 0)
		for i, ln := range lines {
			// The last line sits just above the footer's rule.
			d.text(d.left, d.bottom+4.5-float64(len(lines)-1-i)*3.2, ln.text)
		}
		d.endScale()
	}
	d.pdf.SetPage(d.pdf.PageCount())
}

// text draws s, already cleaned, with its baseline at (x, y), noting any
// character the document's faces lack.
func (d *Doc) text(x, y float64, s string) {
	if d.cover != nil {
		for _, r := range s {
			if !d.cover.has(r) {
				d.uncovered.add(r)
			}
		}
	}
	if strings.ContainsRune(s, d.fonts.placeholder) {
		if d.marked == nil {
			d.marked = map[int]bool{}
		}
		d.marked[d.pdf.PageNo()] = true
	}
	d.pdf.Text(x, y, s)
}

// output writes the finished document.
func (d *Doc) output(w io.Writer) (Result, error) {
	if err := d.pdf.Output(w); err != nil {
		return Result{}, fmt.Errorf("report: writing the PDF: %w", err)
	}
	return Result{Pages: d.pdf.PageCount(), Missing: d.miss.order, Warnings: d.warn}, nil
}

// footers draws "第 X 页 / 共 Y 页" and the footer note on every page once
// the page count is known. Going back to each page, rather than fpdf's
// AliasNbPages placeholder, lets the page number be measured and placed
// exactly: the placeholder is replaced only after its width was used.
func (d *Doc) footers() {
	n := d.pdf.PageCount()
	note := ""
	if d.opt.FooterNote != "" {
		note = d.clean(d.opt.FooterNote)
	}
	for p := 1; p <= n; p++ {
		d.pdf.SetPage(p)
		d.beginScale()
		// Each page's content stream has its own graphics state, so state
		// is set afresh on every page.
		d.curSize = 0
		d.setFont(serif, headerSize)
		d.fillColor(colHeader)
		d.setColor(colHeader)
		d.drawColor(colHeader)
		d.pdf.SetLineWidth(0.2)
		ruleY := d.bottom + 6
		d.pdf.Line(d.left, ruleY, d.right, ruleY)
		num := d.printLang().pageOf(p, n)
		numW := d.measure(num, serif, headerSize)
		base := ruleY + 5
		d.text(d.right-numW, base, num)
		if note != "" {
			lines := d.wrap(note, serif, headerSize, d.Width()-numW-5, 0)
			for i, l := range lines {
				d.text(d.left, base+float64(i)*3.5, l.text)
			}
		}
		d.endScale()
	}
	d.pdf.SetPage(n)
}
