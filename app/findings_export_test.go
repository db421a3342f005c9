package app

import (
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/xuri/excelize/v2"

	"fieldbrief/spreadsheet"
	"fieldbrief/storage"
)

// The Export button writes the findings the list shows, its filters
// applied, in the list's order.
func TestFindingsExportFollowsTheList(t *testing.T) {
	ui, _ := newTestUI(t)
	ui.openFindings(storage.FindingFilter{ActiveOnly: true}, true)
	fs := ui.findings()
	waitFor(t, "findings", func() bool { return len(fs.rows) > 0 })
	test.Tap(fs.overdue)
	waitFor(t, "overdue findings", func() bool { return len(fs.rows) > 0 })
	shown := fs.rows
	test.Tap(fs.export)
	waitFor(t, "the ledger file", func() bool { return fs.exported != "" })
	f, err := excelize.OpenFile(fs.exported)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(spreadsheet.LedgerSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(shown)+1 {
		t.Fatalf("the ledger has %d rows, the list shows %d overdue findings", len(rows)-1, len(shown))
	}
	for i, f := range shown {
		if rows[i+1][2] != f.Description || rows[i+1][9] == "0" {
			t.Errorf("row %d is %q, the list shows %q (overdue)", i+2, rows[i+1][2], f.Description)
		}
	}
}
