package report

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"fieldbrief/sample"
	"fieldbrief/supervision"
)

// sampleNow is the end of the generated history used here.
var sampleNow = time.Date(2026, 4, 20, 17, 0, 0, 0, cst)

func sampleData(t testing.TB) sample.Dataset {
	t.Helper()
	ds, err := sample.Generate(sample.Options{Now: sampleNow, Months: 6, Seed: 7})
	if err != nil {
		t.Fatalf("sample.Generate: %v", err)
	}
	return ds
}

// samplePhotos stands in for the photo store: every hash gets a small
// picture, so the reports place photos wherever the records have them.
func samplePhotos(hash string) (Photo, bool) {
	seed := 0
	for _, c := range hash {
		seed += int(c)
	}
	return Photo{JPEG: makeJPEG(400, 300, seed%7), Caption: "照片 " + hash[:min(8, len(hash))]}, true
}

// TestReportsFromSampleHistory renders the three reports from the
// generator's realistic history, through the same assembly the CLI uses.
func TestReportsFromSampleHistory(t *testing.T) {
	ds := sampleData(t)
	fonts := testFonts(t)
	opt := Options{Time: sampleNow}

	// The latest submitted visit with a fail.
	var visitID string
	for _, in := range slices.Backward(ds.Visits) {
		if in.Status != supervision.Submitted {
			continue
		}
		for _, a := range in.Answers {
			if a.Verdict == supervision.Fail {
				visitID = in.ID
			}
		}
		if visitID != "" {
			break
		}
	}
	if visitID == "" {
		t.Fatal("the sample history has no failed item")
	}
	vin, err := NewVisitInput(visitID, ds.Projects, ds.Templates, ds.Visits, ds.Findings, samplePhotos)
	if err != nil {
		t.Fatal(err)
	}
	if len(vin.Raised) == 0 {
		t.Error("a visit with a fail should have raised findings")
	}
	for _, f := range vin.Raised {
		if f.VisitID != visitID {
			t.Errorf("finding %s counted as raised on %s but raised on %s", f.ID, visitID, f.VisitID)
		}
	}
	for _, f := range vin.Rechecked {
		if !f.CreatedAt.Before(vin.Visit.StartedAt) || f.ProjectID != vin.Project.ID {
			t.Errorf("finding %s is not an earlier finding of the project", f.ID)
		}
	}
	path, res := writeReport(t, "sample-visit.pdf", func(b *bytes.Buffer) (Result, error) { return Visit(b, fonts, vin, opt) })
	if len(res.Missing) != 0 || len(res.Warnings) != 0 {
		t.Errorf("visit: Missing %q, Warnings %q", res.Missing, res.Warnings)
	}
	text := pdfText(t, path)
	for _, it := range vin.Template.Items() {
		mustContain(t, "sample visit", text, it.Title)
	}

	// The brief for the period ending last month, as printed now.
	bin := NewBriefInput(sampleNow.AddDate(0, -1, 0), sampleNow, ds.Projects, ds.Visits, ds.Findings, samplePhotos)
	if len(bin.Projects) != 20 {
		t.Fatalf("brief has %d projects", len(bin.Projects))
	}
	_, periodEnd := supervision.DispatchPeriod(bin.PeriodEnd)
	for _, pd := range bin.Projects {
		if pd.LastVisit.After(periodEnd) {
			t.Errorf("%s: last visit %v is after the period", pd.Project.ID, pd.LastVisit)
		}
		if len(pd.Photos) > photosPerProject {
			t.Errorf("%s: %d photos kept", pd.Project.ID, len(pd.Photos))
		}
	}
	path, res = writeReport(t, "sample-brief.pdf", func(b *bytes.Buffer) (Result, error) { return Brief(b, fonts, bin, opt) })
	if len(res.Missing) != 0 || len(res.Warnings) != 0 {
		t.Errorf("brief: Missing %q, Warnings %q", res.Missing, res.Warnings)
	}
	text = pdfText(t, path)
	for _, p := range ds.Projects {
		mustContain(t, "sample brief", text, p.Name)
	}

	tin, err := NewTourInput(2026, 2, sampleNow, nil, ds.Projects, ds.Visits, ds.Findings, samplePhotos)
	if err != nil {
		t.Fatal(err)
	}
	if len(tin.Stops) != 20 || tin.Stops[0].Project.ID != ds.Projects[0].ID {
		t.Errorf("tour by location should visit all 20 sites from the first: %d stops, first %s", len(tin.Stops), tin.Stops[0].Project.ID)
	}
	path, res = writeReport(t, "sample-tour.pdf", func(b *bytes.Buffer) (Result, error) { return Tour(b, fonts, tin, opt) })
	// A site with many open findings runs onto a second page.
	if res.Pages < 21 {
		t.Errorf("tour pack: %d pages, want at least the route and 20 sites", res.Pages)
	}
	raw := string(ink(pdfText(t, path, "-raw")))
	last := 0
	for i, s := range tin.Stops {
		head := string(ink(fmt.Sprintf("第%d站 %s", i+1, s.Project.Name)))
		pos := strings.Index(raw, head)
		if pos < last {
			t.Errorf("stop %d (%s) missing or out of order", i+1, s.Project.Name)
		}
		last = max(last, pos)
	}

	chosen := []string{ds.Projects[3].ID, ds.Projects[1].ID}
	tin, err = NewTourInput(2026, 2, sampleNow, chosen, ds.Projects, ds.Visits, ds.Findings, nil)
	if err != nil || len(tin.Stops) != 2 || tin.Stops[0].Project.ID != chosen[0] {
		t.Errorf("a chosen order must be kept: %v, %+v", err, tin.Stops)
	}
	if _, err := NewTourInput(2026, 2, sampleNow, []string{"nope"}, ds.Projects, nil, nil, nil); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("unknown project in the order: %v", err)
	}
	if _, err := NewVisitInput("nope", ds.Projects, ds.Templates, ds.Visits, ds.Findings, nil); err == nil {
		t.Error("unknown inspection accepted")
	}
}

func TestStatusAtReplaysHistory(t *testing.T) {
	f := supervision.Finding{Status: supervision.StatusClosed, History: []supervision.StatusChange{
		{At: at("2025-03-01 10:00"), From: supervision.StatusOpen, To: supervision.StatusFixed},
		{At: at("2025-03-10 10:00"), From: supervision.StatusFixed, To: supervision.StatusClosed},
	}}
	for _, c := range []struct {
		when string
		want supervision.Status
	}{{"2025-02-28 00:00", supervision.StatusOpen}, {"2025-03-05 00:00", supervision.StatusFixed}, {"2025-03-10 10:00", supervision.StatusClosed}} {
		if got := statusAt(f, at(c.when)); got != c.want {
			t.Errorf("status at %s = %s, want %s", c.when, got, c.want)
		}
	}
}
