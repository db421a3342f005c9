package report

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"

	"codeberg.org/go-pdf/fpdf"
)

// Why documents are set in cut fonts: fpdf parses a TrueType font in full
// when it is added to a document and again when it subsets it on output.
// For the two 10 MB Noto Sans SC faces that was about 90 ms per document,
// ten times what embedding a brief's sixty photos costs. A copy of each face
// cut down to the few thousand characters a document can print parses in a
// few milliseconds, and the PDF still embeds only the glyphs used. Fonts
// keeps the last cut and reuses it while new documents print only characters
// it holds, so reprints and the next document of a session pay nothing.
// See docs/decisions/0014-cut-fonts.md.

// runeSet is a set of Basic Multilingual Plane code points, the only ones
// fpdf can draw.
type runeSet [0x10000 / 64]uint64

func (s *runeSet) add(r rune) {
	if r >= 0 && r <= 0xFFFF {
		s[r/64] |= 1 << (r % 64)
	}
}

func (s *runeSet) has(r rune) bool {
	return r >= 0 && r <= 0xFFFF && s[r/64]&(1<<(r%64)) != 0
}

func (s *runeSet) addString(str string) {
	for _, r := range str {
		s.add(r)
	}
}

func (s *runeSet) union(o *runeSet) {
	for i := range s {
		s[i] |= o[i]
	}
}

func (s *runeSet) intersect(o *runeSet) {
	for i := range s {
		s[i] &= o[i]
	}
}

// subsetOf reports whether every member of s is in o.
func (s *runeSet) subsetOf(o *runeSet) bool {
	for i := range s {
		if s[i]&^o[i] != 0 {
			return false
		}
	}
	return true
}

func (s *runeSet) empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

func (s *runeSet) len() int {
	n := 0
	for _, w := range s {
		for ; w != 0; w &= w - 1 {
			n++
		}
	}
	return n
}

// String returns the members in code point order, the form fpdf's
// UTF8CutFont takes.
func (s *runeSet) String() string {
	var b strings.Builder
	for i, w := range s {
		for bit := range 64 {
			if w&(1<<bit) != 0 {
				b.WriteRune(rune(i*64 + bit))
			}
		}
	}
	return b.String()
}

// addStringsOf adds every character of every string reachable from v:
// struct fields, slices, arrays, maps (keys too) and pointers. Byte slices
// are data (photos), not text, and are skipped.
func (s *runeSet) addStringsOf(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		s.addString(v.String())
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			s.addStringsOf(v.Elem())
		}
	case reflect.Struct:
		for i := range v.NumField() {
			s.addStringsOf(v.Field(i))
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := range v.Len() {
			s.addStringsOf(v.Index(i))
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			s.addStringsOf(it.Key())
			s.addStringsOf(it.Value())
		}
	}
}

// cutFaces is the faces cut down to the characters in set.
type cutFaces struct {
	set   runeSet
	faces [numFaces][]byte
}

// cutCache holds the faces of the last cut. Its set only grows (the next
// cut also keeps what the last one held, so documents alternating between
// two projects do not cut each time) until it passes maxCutRunes, when it
// starts again from what the document needs: a cut font that held most of
// the 30,000 characters would parse as slowly as the whole one.
type cutCache struct {
	mu   sync.Mutex
	last *cutFaces
}

const maxCutRunes = 8000

// baseRunes are the characters any document may print whatever its input:
// printable ASCII, the placeholder, and every character in the literals of
// this package and of package supervision (units, status names) and in its
// labels in the catalogues (package translate),
// listed in printrunes.go.
func (f *Fonts) baseRunes() *runeSet {
	var s runeSet
	for r := rune(0x20); r < 0x7F; r++ {
		s.add(r)
	}
	s.add(f.placeholder)
	s.addString(literalRunes)
	return &s
}

// facesFor returns faces that hold every character in need that the fonts
// can draw, cut afresh unless the last cut already holds them. exact asks
// for faces cut to those characters and no others: which glyphs a cut holds
// shows in the bytes of the font the PDF embeds, so a deterministic
// document must not depend on what was printed before it. A nil result
// means cutting failed; the document is then set in the full faces.
func (f *Fonts) facesFor(need *runeSet, exact bool) *cutFaces {
	want := *need
	want.union(f.base)
	want.intersect(&f.drawable)
	f.cuts.mu.Lock()
	defer f.cuts.mu.Unlock()
	if last := f.cuts.last; last != nil && (last.set == want || !exact && want.subsetOf(&last.set)) {
		return last
	}
	if last := f.cuts.last; last != nil && !exact {
		grown := want
		grown.union(&last.set)
		if grown.len() <= maxCutRunes {
			want = grown
		}
	}
	c, err := cut(f.faces, &want)
	if err != nil {
		return nil
	}
	f.cuts.last = c
	return c
}

// cut makes the cut faces, all at once; a face that is a fallback for
// another is cut once.
func cut(faces [numFaces][]byte, set *runeSet) (*cutFaces, error) {
	c := &cutFaces{set: *set}
	chars := set.String()
	var wg sync.WaitGroup
	var errs [numFaces]error
	for i, fc := range faces {
		if sameFace(faces[:i], fc) >= 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.faces[i], errs[i] = cutFace(fc, chars)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for i, fc := range faces {
		if j := sameFace(faces[:i], fc); j >= 0 {
			c.faces[i] = c.faces[j]
		}
	}
	return c, nil
}

// cutFace runs fpdf's UTF8CutFont, which has no error return: a font it
// cannot cut shows as a panic or as output fpdf cannot load.
func cutFace(face []byte, chars string) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("report: cutting the font failed: %v", r)
		}
	}()
	out = fpdf.UTF8CutFont(face, chars)
	probe := fpdf.New("P", "mm", "A4", "")
	probe.AddUTF8FontFromBytes("probe", "", out)
	probe.SetFont("probe", "", 10)
	if err := probe.Error(); err != nil {
		return nil, fmt.Errorf("report: the cut font cannot be used: %w", err)
	}
	return out, nil
}

// typeset makes a document with build, set in faces cut to the characters
// in input (every string reachable from it) and the package's own labels,
// and writes it to w. A character that build prints but the cut lacks —
// one made by formatting, say — is caught as it is drawn; the document is
// then laid out again with the cut grown to hold it, and, should even that
// fall short, once more in the full faces. No character is ever printed
// from a face that lacks it.
func typeset(w io.Writer, fonts *Fonts, input any, opt Options, build func(d *Doc)) (Result, error) {
	var need runeSet
	need.addStringsOf(reflect.ValueOf(input))
	need.addString(opt.Title + opt.Header + opt.HeaderRight + opt.FooterNote)
	for attempt := 0; ; attempt++ {
		var faces *cutFaces
		if attempt < 2 {
			faces = fonts.facesFor(&need, opt.Deterministic)
		}
		d := newDoc(fonts, faces, opt)
		build(d)
		d.finish()
		if d.uncovered.empty() || faces == nil {
			return d.output(w)
		}
		need.union(&d.uncovered)
	}
}
