package report

import (
	"fmt"
	"time"

	"fieldbrief/docinput"
	"fieldbrief/supervision"
)

// The functions here turn the domain records the caller has loaded — from
// storage in the app and the CLI, from the sample generator in tests — into
// the inputs of the three reports, so that every caller picks "latest
// visit", "findings re-checked" and "latest photos" the same way.

// PhotoLookup returns what to print for the photo with the given SHA-256
// (docinput.PhotoLookup).
type PhotoLookup = docinput.PhotoLookup

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
func statusAt(f supervision.Finding, t time.Time) supervision.Status { return docinput.StatusAt(f, t) }

func movedDuring(f supervision.Finding, visitID string) bool {
	for _, c := range f.History {
		if c.VisitID == visitID {
			return true
		}
	}
	return false
}

// visitPhotoHashes lists a visit's photo hashes (docinput.VisitPhotoHashes).
func visitPhotoHashes(in supervision.Visit) []string { return docinput.VisitPhotoHashes(in) }

// NewProjectData assembles each project's line of the brief and page of the
// tour pack as it stood at asOf (docinput.NewProjectData).
func NewProjectData(projects []supervision.Project, visits []supervision.Visit,
	findings []supervision.Finding, photos PhotoLookup, from, asOf time.Time) []ProjectData {
	return docinput.NewProjectData(projects, visits, findings, photos, from, asOf)
}

// NewBriefInput assembles the dispatch brief for the two months ending with
// the month of periodEnd, as the records stood at the end of that period
// (or at now, if earlier: a brief printed during its period).
func NewBriefInput(periodEnd, now time.Time, projects []supervision.Project, visits []supervision.Visit,
	findings []supervision.Finding, photos PhotoLookup) BriefInput {
	asOf, data := docinput.BriefProjects(periodEnd, now, projects, visits, findings, photos)
	return BriefInput{PeriodEnd: periodEnd, AsOf: asOf, Projects: data}
}

// NewTourInput assembles the tour pack for quarter q of year
// (docinput.TourStops says how the stops are chosen and ordered).
func NewTourInput(year, q int, now time.Time, order []string, projects []supervision.Project,
	visits []supervision.Visit, findings []supervision.Finding, photos PhotoLookup) (TourInput, error) {
	stops, err := docinput.TourStops(year, q, now, order, projects, visits, findings, photos)
	if err != nil {
		return TourInput{}, err
	}
	return TourInput{Year: year, Quarter: q, Stops: stops}, nil
}
