package app

import (
	"path/filepath"
	"slices"

	"fieldbrief/spreadsheet"
	sv "fieldbrief/supervision"
)

// exportLedger writes the findings the list shows — its filters applied —
// as the findings ledger (问题台账) into the reports folder, and says where.
func (s *findingsScreen) exportLedger() {
	rows := slices.Clone(s.rows)
	byID := map[string]sv.Project{}
	for _, p := range s.projects {
		byID[p.ID] = p
	}
	e := s.env
	now := e.now()
	s.export.Disable()
	fetchIn(e, func() (string, error) {
		data, err := spreadsheet.WriteLedger(rows, byID, now)
		if err != nil {
			return "", err
		}
		return saveUniqueExt(e.reportsDir(), "问题台账-"+now.Format("20060102"), ".xlsx", data)
	}, func(file string, err error) {
		s.export.Enable()
		if err != nil {
			e.dialogs.showError(err)
			return
		}
		s.exported = file
		e.dialogs.inform(t0("findings.exported_title"), t("findings.exported", len(rows), filepath.Base(file), filepath.Dir(file)))
	})
}
