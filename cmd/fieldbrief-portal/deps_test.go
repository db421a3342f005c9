package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestThePortalLinksNoDocumentPrinting: the portal rebuilds a printed
// brief's snapshot through package docinput, and must not link what
// prints documents (the PDF writer, its fonts) or the laptop's store —
// a change that makes it import package report or briefing again fails
// here (decision 0034).
func TestThePortalLinksNoDocumentPrinting(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "fieldbrief/cmd/fieldbrief-portal").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		deps[p] = true
	}
	if !deps["fieldbrief/docinput"] {
		t.Fatalf("the portal does not link docinput; is the list right?\n%s", out)
	}
	for _, p := range []string{"codeberg.org/go-pdf/fpdf", "golang.org/x/image/font/sfnt", "fieldbrief/report", "fieldbrief/briefing", "fieldbrief/storage"} {
		if deps[p] {
			t.Errorf("the portal links %s", p)
		}
	}
}
