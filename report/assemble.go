package report

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"fieldbrief/supervision"
)

// The functions here turn the domain records the caller has loaded — from
// storage in the app and the CLI, from the sample generator in tests — into
// the inputs of the three reports, so that every caller picks "latest
// visit", "findings re-checked" and "latest photos" the same way.

// PhotoLookup returns what to print for the photo with the given SHA-256:
// its bytes (preferably the upright display copy), caption and capture
// time. ok is false for a photo the caller does not know; a known photo
// whose bytes have not arrived yet may be returned with no JPEG.
type PhotoLookup func(hash string) (p Photo, ok bool)

// NewVisitInput assembles the visit report's input for the visit with
// the given id. Findings raised are those recorded as raised on this visit;
// findings re-checked are the project's earlier findings that were still
// active when the visit began or that the visit moved on.
func NewVisitInput(id string, projects []supervision.Project, templates []supervision.Template,
	visits []supervision.Visit, findings []supervision.Finding, photos PhotoLookup) (VisitInput, error) {
	var in VisitInput
	found := false
	for _, insp := range visits {
		if insp.ID == id {
			in.Visit, found = insp, true
			break
		}
	}
	if !found {
		return VisitInput{}, fmt.Errorf("report: there is no inspection with id %s", id)
	}
	insp := in.Visit
	for _, other := range visits {
		if insp.Replaces != "" && other.ID == insp.Replaces {
			in.Replaced = other
		}
	}
	found = false
	for _, p := range projects {
		if p.ID == insp.ProjectID {
			in.Project, found = p, true
		}
	}
	if !found {
		return VisitInput{}, fmt.Errorf("report: inspection %s belongs to project %s, which is not in the register", id, insp.ProjectID)
	}
	found = false
	for _, t := range templates {
		if t.ID == insp.TemplateID && t.Version == insp.TemplateVersion {
			in.Template, found = t, true
		}
	}
	if !found {
		return VisitInput{}, fmt.Errorf("report: inspection %s was made with checklist %s version %d, which is not available", id, insp.TemplateID, insp.TemplateVersion)
	}
	for _, f := range findings {
		if f.ProjectID != insp.ProjectID {
			continue
		}
		switch {
		case f.VisitID == insp.ID:
			in.Raised = append(in.Raised, f)
		case f.CreatedAt.Before(insp.StartedAt) && (activeAt(f, insp.StartedAt) || movedDuring(f, insp.ID)):
			in.Rechecked = append(in.Rechecked, f)
		}
	}
	in.Photos = PhotoSet{}
	if photos != nil {
		for _, h := range visitPhotoHashes(insp) {
			if p, ok := photos(h); ok {
				in.Photos[h] = p
			}
		}
		for _, f := range in.Raised {
			for _, h := range f.PhotosBefore {
				if p, ok := photos(h); ok {
					in.Photos[h] = p
				}
			}
		}
	}
	return in, nil
}

// activeAt reports whether f was still active (open, in progress or
// awaiting verification) at t.
func activeAt(f supervision.Finding, t time.Time) bool { return statusAt(f, t).Active() }

// statusAt replays f's status history up to t.
func statusAt(f supervision.Finding, t time.Time) supervision.Status {
	if len(f.History) == 0 {
		return f.Status
	}
	status := f.History[0].From
	for _, c := range f.History {
		if c.At.After(t) {
			break
		}
		status = c.To
	}
	return status
}

func movedDuring(f supervision.Finding, visitID string) bool {
	for _, c := range f.History {
		if c.VisitID == visitID {
			return true
		}
	}
	return false
}

// visitPhotoHashes lists a visit's photo hashes: the visit's own, then
// those of its answers in item-key order (the template is not needed to be
// deterministic).
func visitPhotoHashes(in supervision.Visit) []string {
	out := slices.Clone(in.Photos)
	keys := make([]string, 0, len(in.Answers))
	for k := range in.Answers {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		out = append(out, in.Answers[k].Photos...)
	}
	return out
}

// NewProjectData assembles each project's line of the brief and page of the
// tour pack as it stood at asOf: its latest submitted visit up to asOf, the
// number of visits between from and asOf, its findings, and up to four
// latest photos. The order of projects is kept.
func NewProjectData(projects []supervision.Project, visits []supervision.Visit,
	findings []supervision.Finding, photos PhotoLookup, from, asOf time.Time) []ProjectData {
	byProject := map[string][]supervision.Visit{}
	for _, in := range visits {
		if in.Status == supervision.Submitted && !in.StartedAt.After(asOf) {
			byProject[in.ProjectID] = append(byProject[in.ProjectID], in)
		}
	}
	fsByProject := map[string][]supervision.Finding{}
	for _, f := range findings {
		if !f.CreatedAt.After(asOf) {
			// A brief for an earlier period shows each finding as it
			// stood then.
			f.Status = statusAt(f, asOf)
			fsByProject[f.ProjectID] = append(fsByProject[f.ProjectID], f)
		}
	}
	out := make([]ProjectData, 0, len(projects))
	for _, p := range projects {
		visits := byProject[p.ID]
		// Newest first.
		slices.SortStableFunc(visits, func(a, b supervision.Visit) int {
			return cmp.Or(b.StartedAt.Compare(a.StartedAt), cmp.Compare(b.ID, a.ID))
		})
		pd := ProjectData{Project: p, Findings: fsByProject[p.ID]}
		if len(visits) > 0 {
			pd.LastVisit = visits[0].StartedAt
			pd.Summary = visits[0].Summary
		}
		for _, v := range visits {
			if !v.StartedAt.Before(from) {
				pd.VisitsInPeriod++
			}
		}
		if photos != nil {
			seen := map[string]bool{}
		collect:
			for _, v := range visits {
				for _, h := range visitPhotoHashes(v) {
					if seen[h] {
						continue
					}
					seen[h] = true
					if ph, ok := photos(h); ok {
						if ph.Visit.IsZero() {
							ph.Visit = v.StartedAt
						}
						pd.Photos = append(pd.Photos, ph)
						if len(pd.Photos) == photosPerProject {
							break collect
						}
					}
				}
			}
		}
		out = append(out, pd)
	}
	return out
}

// NewBriefInput assembles the dispatch brief for the two months ending with
// the month of periodEnd, as the records stood at the end of that period
// (or at now, if earlier: a brief printed during its period).
func NewBriefInput(periodEnd, now time.Time, projects []supervision.Project, visits []supervision.Visit,
	findings []supervision.Finding, photos PhotoLookup) BriefInput {
	from, to := supervision.DispatchPeriod(periodEnd)
	asOf := to
	if now.Before(asOf) {
		asOf = now
	}
	return BriefInput{PeriodEnd: periodEnd, AsOf: asOf, Projects: NewProjectData(projects, visits, findings, photos, from, asOf)}
}

// NewTourInput assembles the tour pack for quarter q of year. order lists
// project ids in the visiting order the user chose; when it is empty the
// order is worked out from the sites' locations (OrderByLocation, from the
// first project of the register). Projects left out of a non-empty order
// are not visited.
func NewTourInput(year, q int, now time.Time, order []string, projects []supervision.Project,
	visits []supervision.Visit, findings []supervision.Finding, photos PhotoLookup) (TourInput, error) {
	if q < 1 || q > 4 {
		return TourInput{}, fmt.Errorf("report: quarter %d does not exist: use 1 to 4", q)
	}
	from, _ := supervision.Quarter(year, q, now.Location())
	data := NewProjectData(projects, visits, findings, photos, from, now)
	if len(order) == 0 {
		return TourInput{Year: year, Quarter: q, Stops: OrderByLocation(data)}, nil
	}
	byID := map[string]ProjectData{}
	for _, pd := range data {
		byID[pd.Project.ID] = pd
	}
	var stops []ProjectData
	seen := map[string]bool{}
	for _, id := range order {
		pd, ok := byID[id]
		if !ok {
			return TourInput{}, fmt.Errorf("report: the visiting order names project %s, which is not in the register", id)
		}
		if seen[id] {
			return TourInput{}, fmt.Errorf("report: the visiting order names project %s twice", id)
		}
		seen[id] = true
		stops = append(stops, pd)
	}
	return TourInput{Year: year, Quarter: q, Stops: stops}, nil
}
