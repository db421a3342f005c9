package docinput

import (
	"regexp"
	"strconv"
	"time"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Source is what assembling a brief or a tour pack reads: the laptop's
// store (through package briefing) and the portal's database both
// implement it, so both assemble the same records the same way.
type Source interface {
	Projects() ([]sv.Project, error)
	Templates() ([]sv.Template, error)
	VisitsWithAnswers() ([]sv.Visit, error)
	// FindingRecords are the findings whole: the documents replay their
	// histories.
	FindingRecords() ([]sv.Finding, error)
	// Photo is a photo's metadata; its caption and time are printed.
	Photo(hash string) (sv.Photo, error)
	// RegisterObservations is the register's history of a project's
	// figures; with the visits' answers it is the one source of the figures
	// (sv.FiguresAsOf, decision 0033).
	RegisterObservations(projectID string) ([]sv.Observation, error)
}

// Records are the records a document is assembled from, read once.
type Records struct {
	Projects  []sv.Project
	Templates []sv.Template
	Visits    []sv.Visit
	Findings  []sv.Finding
}

// Load reads the records a document is assembled from.
func Load(src Source) (Records, error) {
	var r Records
	var err error
	if r.Projects, err = src.Projects(); err != nil {
		return r, err
	}
	if r.Templates, err = src.Templates(); err != nil {
		return r, err
	}
	if r.Visits, err = src.VisitsWithAnswers(); err != nil {
		return r, err
	}
	r.Findings, err = src.FindingRecords()
	return r, err
}

// ProjectsAsOf gives each project the figures it had on date: the
// register's history and the bound answers of the submitted visits
// already loaded, through sv.FiguresAsOf, the one function every screen
// and document reads them through (Store.FiguresAsOf is the same union
// read from the store).
func ProjectsAsOf(src Source, r Records, date sv.Date, loc *time.Location) ([]sv.Project, error) {
	type tkey struct {
		id string
		v  int
	}
	tmpl := map[tkey]sv.Template{}
	for _, t := range r.Templates {
		tmpl[tkey{t.ID, t.Version}] = t
	}
	observed := map[string][]sv.Observation{}
	for _, in := range r.Visits {
		if t, ok := tmpl[tkey{in.TemplateID, in.TemplateVersion}]; ok {
			observed[in.ProjectID] = append(observed[in.ProjectID], sv.VisitObservations(t, in, loc)...)
		}
	}
	out := make([]sv.Project, len(r.Projects))
	for i, p := range r.Projects {
		obs, err := src.RegisterObservations(p.ID)
		if err != nil {
			return nil, err
		}
		out[i] = sv.FiguresAsOf(p.ID, append(obs, observed[p.ID]...), date).Apply(p)
	}
	return out, nil
}

// BriefDate is the one date a brief is as of, for its figures: the end of
// its period, or briefAt while the period runs.
func BriefDate(periodEnd, briefAt time.Time, loc *time.Location) sv.Date {
	_, to := sv.DispatchPeriod(periodEnd)
	if briefAt.Before(to) {
		to = briefAt
	}
	return sv.DateOf(to.In(loc))
}

// Brief assembles the projects of the brief for the period ending in the
// month of periodEnd, as the records stood at briefAt (or the period's
// end), dates counted in loc, and says which moment that is.
func Brief(src Source, periodEnd, briefAt time.Time, loc *time.Location, photos PhotoLookup) (time.Time, []ProjectData, error) {
	r, err := Load(src)
	if err != nil {
		return time.Time{}, nil, err
	}
	projects, err := ProjectsAsOf(src, r, BriefDate(periodEnd, briefAt, loc), loc)
	if err != nil {
		return time.Time{}, nil, err
	}
	asOf, data := BriefProjects(periodEnd, briefAt, projects, r.Visits, r.Findings, photos)
	return asOf, data, nil
}

// Tour assembles the stops of the tour pack of quarter q of year made at
// now, as the records stand then: order names the stops by project id, or
// is empty for the order by location.
func Tour(src Source, year, q int, now time.Time, order []string, photos PhotoLookup) ([]ProjectData, error) {
	if q < 1 || q > 4 {
		return nil, translate.Errorf(sv.EInvalid, "briefing.error.the_quarter_must_be_1_to")
	}
	r, err := Load(src)
	if err != nil {
		return nil, err
	}
	known := map[string]bool{}
	for _, p := range r.Projects {
		known[p.ID] = true
	}
	for _, id := range order {
		if !known[id] {
			return nil, translate.Errorf(sv.ENotFound, "briefing.error.project_in_the_order_does_not", id)
		}
	}
	projects, err := ProjectsAsOf(src, r, sv.DateOf(now), now.Location())
	if err != nil {
		return nil, err
	}
	return TourStops(year, q, now, order, projects, r.Visits, r.Findings, photos)
}

// captions is the photo lookup of a snapshot: captions and times only, no
// bytes.
func captions(src Source) PhotoLookup {
	return func(hash string) (Photo, bool) {
		meta, err := src.Photo(hash)
		if err != nil {
			return Photo{}, false
		}
		return Photo{Caption: meta.Caption, Taken: meta.SortTime()}, true
	}
}

var tourIDRE = regexp.MustCompile(`^(\d{4})Q([1-4])$`)

// Rebuild rebuilds, from the records in src as they are now, the snapshot
// a stamped brief or tour pack was printed from: the same kind, period
// (2026-11) or quarter (2026Q4), made at the same moment in the same zone,
// as of the same moment, the same stops in the same order, in the
// serialisation the stamp names (s1 or s2: one printed before a field was
// added is checked without it). A stop no longer in the register is left
// out (and so the snapshot differs).
func Rebuild(src Source, version, kind, id string, made, asOf time.Time, stops []string) (Snapshot, error) {
	if !KnownSnapshotVersion(version) {
		return Snapshot{}, translate.Errorf(sv.EInvalid, "briefing.error.unknown_snapshot_version", version)
	}
	loc := made.Location()
	switch kind {
	case "brief":
		end, err := time.ParseInLocation("2006-01", id, loc)
		if err != nil {
			return Snapshot{}, translate.Errorf(sv.EInvalid, "briefing.error.the_brief_s_period_cannot_be", id)
		}
		at, data, err := Brief(src, end, asOf.In(loc), loc, captions(src))
		if err != nil {
			return Snapshot{}, err
		}
		return BriefSnapshot(version, end, at, data), nil
	case "tour":
		m := tourIDRE.FindStringSubmatch(id)
		if m == nil {
			return Snapshot{}, translate.Errorf(sv.EInvalid, "briefing.error.the_tour_pack_s_quarter_cannot", id)
		}
		year, _ := strconv.Atoi(m[1])
		q, _ := strconv.Atoi(m[2])
		projects, err := src.Projects()
		if err != nil {
			return Snapshot{}, err
		}
		known := map[string]bool{}
		for _, p := range projects {
			known[p.ID] = true
		}
		var order []string
		for _, id := range stops {
			if known[id] {
				order = append(order, id)
			}
		}
		if len(order) == 0 {
			return Snapshot{Digest: version + ":"}, nil
		}
		at := asOf.In(loc)
		data, err := Tour(src, year, q, at, order, captions(src))
		if err != nil {
			return Snapshot{}, err
		}
		return TourSnapshot(version, year, q, at, data), nil
	}
	return Snapshot{}, translate.Errorf(sv.EInvalid, "briefing.error.unknown_document", kind)
}
