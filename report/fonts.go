package report

import (
	"bytes"
	"errors"
	"fmt"
	"unicode"

	"codeberg.org/go-pdf/fpdf"
	"golang.org/x/image/font/sfnt"
)

// face is one of the four faces a document is set in, after the roles GB/T
// 9704 gives its faces.
type face uint8

// Three faces, not four: the sans regular face has no role of its own in a
// document (running headers and chart labels are set in the serif), and
// each face a document embeds costs it parsing and subsetting.
const (
	serif     face = iota // body text, tables, running headers, charts (the 仿宋 role)
	serifBold             // titles and bold text (the 小标宋 role)
	sansBold              // level-1 headings and table headers (the 黑体 role)
	numFaces
)

// boldOf is the bold face of f's family, or f itself when bold is false.
func boldOf(f face, bold bool) face {
	if !bold || f == sansBold {
		return f
	}
	return serifBold
}

func (f face) family() string {
	if f == sansBold {
		return "sans"
	}
	return "serif"
}

func (f face) style() string {
	if f == serifBold || f == sansBold {
		return "B"
	}
	return ""
}

// FontFaces are the TrueType faces to set documents in: for fieldbrief the
// bundled Noto Sans SC and Noto Serif SC (see package assets). Only Sans is
// required: a missing bold face falls back to the regular one, a missing
// serif family to the sans one; Sans itself is otherwise not used.
type FontFaces struct {
	Sans, SansBold, Serif, SerifBold []byte
}

// Fonts is the set of TrueType faces a document is set in, with the set of
// characters all of them can draw. One value serves any number of
// documents, also concurrently; it keeps the faces last cut for a document
// (see typeset) so the next can reuse them.
type Fonts struct {
	faces [numFaces][]byte
	// drawable has one bit per Basic Multilingual Plane code point. fpdf
	// addresses glyphs through a 16-bit table, so nothing above U+FFFF can
	// be drawn whatever the font holds.
	drawable    runeSet
	placeholder rune
	// base is what every cut holds (baseRunes).
	base *runeSet
	cuts cutCache
	// advance holds fpdf's own advance widths (1/1000 em) for each face,
	// so that lines are measured exactly as fpdf will set them, without
	// switching the PDF's current font to measure.
	advance [numFaces][0x10000]uint16
}

// NewFonts checks the faces and indexes which characters they can draw.
func NewFonts(ff FontFaces) (*Fonts, error) {
	if len(ff.Sans) == 0 {
		return nil, errors.New("report: no regular font given")
	}
	or := func(b, fallback []byte) []byte {
		if len(b) == 0 {
			return fallback
		}
		return b
	}
	f := &Fonts{}
	f.faces[sansBold] = or(ff.SansBold, ff.Sans)
	f.faces[serif] = or(ff.Serif, ff.Sans)
	f.faces[serifBold] = or(ff.SerifBold, or(ff.Serif, f.faces[sansBold]))
	for i := range f.drawable {
		f.drawable[i] = ^uint64(0)
	}
	names := [numFaces]string{"serif", "serif bold", "bold"}
	for i, fc := range f.faces {
		if j := sameFace(f.faces[:i], fc); j >= 0 {
			f.advance[i] = f.advance[j]
			continue
		}
		name := names[i]
		if err := checkTrueType(fc); err != nil {
			return nil, fmt.Errorf("report: %s font: %w", name, err)
		}
		sf, err := sfnt.Parse(fc)
		if err != nil {
			return nil, fmt.Errorf("report: %s font cannot be read: %w", name, err)
		}
		var buf sfnt.Buffer
		for r := rune(0); r < 0x10000; r++ {
			if !f.drawable.has(r) {
				continue
			}
			g, err := sf.GlyphIndex(&buf, r)
			if err != nil || g == 0 {
				f.drawable[r/64] &^= 1 << (r % 64)
			}
		}
		// fpdf reports a font it cannot parse only later, as an "undefined
		// font" on first use; load it once here so the caller hears about a
		// bad font when it hands it over.
		probe := fpdf.New("P", "mm", "A4", "")
		probe.AddUTF8FontFromBytes("probe", "", fc)
		probe.SetFont("probe", "", 10)
		if err := probe.Error(); err != nil {
			return nil, fmt.Errorf("report: %s font is not usable for PDF output: %w", name, err)
		}
		for r := rune(0); r < 0x10000; r++ {
			w := probe.GetStringSymbolWidth(string(r))
			f.advance[i][r] = uint16(min(max(w, 0), 0xFFFF))
		}
	}
	// Control and formatting characters have no ink even where a font maps
	// them; they are handled by clean, never drawn as such.
	for r := rune(0); r < 0x10000; r++ {
		if unicode.IsControl(r) || isIgnorable(r) || (r >= 0xD800 && r <= 0xDFFF) {
			f.drawable[r/64] &^= 1 << (r % 64)
		}
	}
	f.placeholder = '?'
	for _, r := range []rune{'□', '〓', '?'} {
		if f.canDraw(r) {
			f.placeholder = r
			break
		}
	}
	if !f.canDraw(f.placeholder) {
		return nil, errors.New("report: the regular font cannot draw even a question mark")
	}
	f.base = f.baseRunes()
	return f, nil
}

// checkTrueType refuses the font containers fpdf cannot embed, with a
// message that says what to use instead.
func checkTrueType(b []byte) error {
	if len(b) < 12 {
		return errors.New("file is too short to be a font")
	}
	switch tag := b[:4]; {
	case bytes.Equal(tag, []byte{0, 1, 0, 0}), bytes.Equal(tag, []byte("true")):
		return nil
	case bytes.Equal(tag, []byte("OTTO")):
		return errors.New("it has CFF (PostScript) outlines; PDF output needs a TrueType (.ttf) font")
	case bytes.Equal(tag, []byte("ttcf")):
		return errors.New("it is a font collection (.ttc); PDF output needs a single TrueType (.ttf) font")
	default:
		return errors.New("it is not a TrueType font")
	}
}

// sameFace returns the index in faces of the very same font bytes as fc
// (a fallback), or -1.
func sameFace(faces [][]byte, fc []byte) int {
	for j, o := range faces {
		if len(o) == len(fc) && len(fc) > 0 && &o[0] == &fc[0] {
			return j
		}
	}
	return -1
}

// canDraw reports whether every face has a glyph for r.
func (f *Fonts) canDraw(r rune) bool { return f.drawable.has(r) }

// width returns the advance of r in face fc in millimetres at size points.
func (f *Fonts) width(fc face, size float64, r rune) float64 {
	if r < 0 || r > 0xFFFF {
		r = f.placeholder
	}
	return float64(f.advance[fc][r]) * size / 1000 * ptToMM
}

// ptToMM converts typographic points to millimetres.
const ptToMM = 25.4 / 72

// isIgnorable reports the invisible formatting characters (variation
// selectors, joiners, zero-width spaces, emoji modifiers and tags). They
// carry no ink of their own, so a placeholder for each would only clutter an
// emoji sequence that already shows one.
func isIgnorable(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x034F, r == 0x061C, r == 0x180E:
		return true
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x206F:
		return true
	case r == 0xFEFF, r >= 0xFE00 && r <= 0xFE0F:
		return true
	case r >= 0x1F3FB && r <= 0x1F3FF, r >= 0xE0000 && r <= 0xE0FFF:
		return true
	}
	return false
}

// missing collects the characters a document could not draw, in the order
// first met, so the caller can tell the user exactly what was replaced.
type missing struct {
	seen  map[rune]bool
	order []rune
}

func (m *missing) add(r rune) {
	if m.seen == nil {
		m.seen = make(map[rune]bool)
	}
	if !m.seen[r] {
		m.seen[r] = true
		m.order = append(m.order, r)
	}
}

// clean turns s into text fpdf can draw: tabs become spaces, line breaks
// become '\n', invisible formatting characters are dropped, and any other
// character the fonts cannot draw becomes the placeholder. Every character
// that was not printed as itself is recorded in m.
func (f *Fonts) clean(s string, m *missing) string {
	b := make([]rune, 0, len(s))
	afterCR := false
	for _, r := range s {
		if r == '\n' && afterCR {
			afterCR = false
			continue
		}
		afterCR = r == '\r'
		switch {
		case r == '\r', r == 0x2028, r == 0x2029, r == 0x0085:
			r = '\n'
		case r == '\t':
			r = ' '
		}
		switch {
		case r == '\n' || f.canDraw(r):
			b = append(b, r)
		case isIgnorable(r):
			m.add(r)
		default:
			m.add(r)
			b = append(b, f.placeholder)
		}
	}
	return string(b)
}
