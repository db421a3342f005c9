package sample

import (
	"time"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Store is what Install writes to; *storage.Store implements it.
type Store interface {
	IsEmpty() (bool, error)
	ImportRegister(projects []sv.Project, templates []sv.Template, sample bool) error
	ImportHistory(visits []sv.Visit, findings []sv.Finding) error
}

// Counts says what Install loaded.
type Counts struct {
	Projects, Visits, Findings int
}

// Install fills an empty store with the sample register and a year of
// history up to now. It refuses a store that already has projects, so real
// data is never mixed with sample data.
func Install(s Store, now time.Time) (Counts, error) { return InstallMonths(s, now, 12) }

// InstallMonths is Install with months of history instead of twelve; five
// years (60) make the store the benchmarks use.
func InstallMonths(s Store, now time.Time, months int) (Counts, error) {
	return InstallGenerated(s, Options{Now: now, Months: months, Seed: 1})
}

// InstallGenerated fills an empty store with the sample data opt
// generates: tests that need other seeds or dates than the sample's use it
// too, so there is one way of loading generated data.
func InstallGenerated(s Store, opt Options) (Counts, error) {
	empty, err := s.IsEmpty()
	if err != nil {
		return Counts{}, err
	}
	if !empty {
		return Counts{}, translate.Errorf(sv.EConflict,
			"sample.error.the_data_folder_is_not_empty")
	}
	ds, err := Generate(opt)
	if err != nil {
		return Counts{}, err
	}
	if err := s.ImportRegister(ds.Projects, ds.Templates, true); err != nil {
		return Counts{}, err
	}
	if err := s.ImportHistory(ds.Visits, ds.Findings); err != nil {
		return Counts{}, err
	}
	return Counts{Projects: len(ds.Projects), Visits: len(ds.Visits), Findings: len(ds.Findings)}, nil
}
