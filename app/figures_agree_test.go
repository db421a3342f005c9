package app

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"fieldbrief/briefing"
	"fieldbrief/internal/pdftext"
	"fieldbrief/report"
	"fieldbrief/sample"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// completedRE reads the window's 年度累计完成 line: the amount in 万元, the
// share of the annual plan, and where the figure comes from.
var completedRE = regexp.MustCompile(`^([0-9,]+) 万元（完成年度计划的 ([0-9.]+%)，(.+)）$`)

// TestProjectPageAgreesWithTheDocuments generates stores from random seeds
// and dates and checks that the completed investment the window's project
// page shows — amount, share of the annual plan, provenance — is what the
// brief and the tour pack made the same day print for the project, read
// from the PDFs with pdftotext.
func TestProjectPageAgreesWithTheDocuments(t *testing.T) {
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 13))
	cst := time.FixedZone("CST", 8*3600)
	maker, err := briefing.NewMaker()
	if err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		seed := rng.Int64N(1 << 40)
		now := time.Date(2026, time.Month(7+rng.IntN(6)), 1+rng.IntN(28), 16, 0, 0, 0, cst)
		t.Logf("round %d: seed %d, now %s", round, seed, now)
		ds, err := sample.Generate(sample.Options{Now: now, Months: 2 + rng.IntN(3), Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		s, err := storage.Open(t.TempDir(), storage.Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := s.ImportRegister(ds.Projects, ds.Templates, true); err != nil {
			t.Fatal(err)
		}
		if err := s.ImportHistory(ds.Visits, ds.Findings); err != nil {
			t.Fatal(err)
		}
		doc := func(req briefing.Request) string {
			req.Time, req.Deterministic, req.Size = now, true, report.A4
			var buf bytes.Buffer
			if _, err := maker.Make(s, req, &buf); err != nil {
				t.Fatalf("make %s: %v", req.Kind, err)
			}
			return pdftext.Squeezed(t, buf.Bytes())
		}
		brief := doc(briefing.Request{Kind: briefing.Brief, PeriodEnd: now})
		tour := doc(briefing.Request{Kind: briefing.Tour, Year: now.Year(), Quarter: (int(now.Month())-1)/3 + 1})

		ui, err := newMainUI(test.NewTempApp(t), Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return now }, Background: inPlace, Printer: &recordingPrinter{}})
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range rng.Perm(len(ds.Projects))[:4] {
			p := ds.Projects[i]
			ui.openProject(p.ID, false)
			var line string
			for _, it := range ui.project().facts.Items {
				if it.Text == t0("project.completed") {
					line = it.Widget.(*widget.Label).Text
				}
			}
			m := completedRE.FindStringSubmatch(line)
			if m == nil {
				t.Fatalf("seed %d, %s: the project page's completed line reads %q", seed, p.ID, line)
			}
			wan, err := strconv.ParseFloat(strings.ReplaceAll(m[1], ",", ""), 64)
			if err != nil {
				t.Fatal(err)
			}
			value := strconv.FormatFloat(wan/10000, 'f', 2, 64) + "亿元"
			rest := "（" + m[2] + "）" + strings.Join(strings.Fields(m[3]), "")
			if !pdftext.PrintsInOrder(brief, value, rest) {
				t.Errorf("seed %d: the window shows %s for %s; the brief does not print %s%s", seed, line, p.ID, value, rest)
			}
			if !pdftext.PrintsInOrder(tour, value, rest) {
				t.Errorf("seed %d: the window shows %s for %s; the tour pack does not print %s%s", seed, line, p.ID, value, rest)
			}
		}
	}
}
