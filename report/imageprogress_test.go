package report

import (
	"bytes"
	"testing"

	"fieldbrief/internal/pdftext"
	"fieldbrief/supervision"
)

// TestImageProgressIsAProjectFigure: the visit report, the brief and the
// tour pack print a project's 形象进度 in its facts table as they print
// the completed investment — the percentage rounded in the one place and
// where it came from — and 未填写 / Not recorded for a project no visit
// observed it for, in both languages.
func TestImageProgressIsAProjectFigure(t *testing.T) {
	fonts := testFonts(t)
	brief := fixtureBrief(0)
	tour := TourInput{Year: 2025, Quarter: 1, Stops: brief.Projects[:2]}
	for _, c := range []struct {
		lang                  supervision.Lang
		label, known, missing string
	}{
		{supervision.Chinese, "形象进度", "46.5%截至3月督查", "未填写"},
		{supervision.English, "Imageprogress", "46.5%asoftheMarch2025visit", "Notrecorded"},
	} {
		opt := Options{Time: fixedTime, Deterministic: true, Lang: c.lang}
		docs := map[string]func(*bytes.Buffer) error{
			"visit report": func(b *bytes.Buffer) error { _, err := Visit(b, fonts, fixtureVisitInput(), opt); return err },
			"brief":        func(b *bytes.Buffer) error { _, err := Brief(b, fonts, brief, opt); return err },
			"tour pack":    func(b *bytes.Buffer) error { _, err := Tour(b, fonts, tour, opt); return err },
		}
		for name, write := range docs {
			var buf bytes.Buffer
			if err := write(&buf); err != nil {
				t.Fatalf("%s (%s): %v", name, c.lang, err)
			}
			text := pdftext.Squeezed(t, buf.Bytes())
			if !pdftext.PrintsInOrder(text, c.label, c.known) {
				t.Errorf("the %s (%s) does not print %s %s for p01", name, c.lang, c.label, c.known)
			}
			if name != "visit report" {
				p02 := text[max(0, bytes.Index([]byte(text), []byte(brief.Projects[1].Project.Name))):]
				if !pdftext.PrintsInOrder(p02, c.label, c.missing) {
					t.Errorf("the %s (%s) does not print %s %s for p02, which has none observed", name, c.lang, c.label, c.missing)
				}
			}
		}
	}
}
