// Package docinput assembles what a brief and a tour pack print — each
// project with its figures, visits, findings and photos as of one moment —
// and the snapshot digest of it that their stamp carries (decision 0034),
// without printing anything. Package report prints from it; the portal
// rebuilds a printed document's snapshot with it, without the PDF writer
// and fonts that package report links in.
package docinput

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"fieldbrief/supervision"
)

// Photo is a picture to print, with what to say under it.
type Photo struct {
	// JPEG holds the original file's bytes.
	JPEG []byte
	// Orientation is the EXIF orientation (1–8) of JPEG; 0 or 1 means the
	// pixels are stored upright.
	Orientation int
	// Caption is printed under the photo, shortened to about thirty
	// characters (see shortCaption).
	Caption string
	// Taken is when the camera says the photo was taken (EXIF); zero when
	// it does not say. Only this time is printed as 拍摄时间.
	Taken time.Time
	// Imported is when the photo was imported, printed, and named so, when
	// the camera gave no time.
	Imported time.Time
	// Visit is when the visit the photo is evidence of took place; a photo
	// the camera says was taken more than supervision.StalePhotoDays
	// before it is marked. Zero leaves it unjudged.
	Visit time.Time
}

// ProjectData is one project as the dispatch brief and the tour pack show it.
type ProjectData struct {
	Project supervision.Project
	// LastVisit is when the latest submitted visit took place; zero if none.
	LastVisit time.Time
	// VisitsInPeriod counts the submitted visits in the brief's period.
	VisitsInPeriod int
	// Summary is the latest visit's summary.
	Summary string
	// Findings are the project's findings; those still active are printed.
	Findings []supervision.Finding
	// Photos are the project's latest photos, newest first; the first
	// four are printed.
	Photos []Photo
}

// PhotosPerProject is how many of a project's latest photos a brief and a
// tour pack print.
const PhotosPerProject = 4

// PhotoLookup returns what to print for the photo with the given SHA-256:
// its bytes (preferably the upright display copy), caption and capture
// time. ok is false for a photo the caller does not know; a known photo
// whose bytes have not arrived yet may be returned with no JPEG.
type PhotoLookup func(hash string) (p Photo, ok bool)

// StatusAt replays f's status history up to t.
func StatusAt(f supervision.Finding, t time.Time) supervision.Status {
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

// VisitPhotoHashes lists a visit's photo hashes: the visit's own, then
// those of its answers in item-key order (the template is not needed to be
// deterministic).
func VisitPhotoHashes(in supervision.Visit) []string {
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
			f.Status = StatusAt(f, asOf)
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
				for _, h := range VisitPhotoHashes(v) {
					if seen[h] {
						continue
					}
					seen[h] = true
					if ph, ok := photos(h); ok {
						if ph.Visit.IsZero() {
							ph.Visit = v.StartedAt
						}
						pd.Photos = append(pd.Photos, ph)
						if len(pd.Photos) == PhotosPerProject {
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

// BriefProjects assembles the projects of the dispatch brief for the two
// months ending with the month of periodEnd, as the records stood at the
// end of that period (or at now, if earlier: a brief printed during its
// period), and says which moment that is.
func BriefProjects(periodEnd, now time.Time, projects []supervision.Project, visits []supervision.Visit,
	findings []supervision.Finding, photos PhotoLookup) (asOf time.Time, data []ProjectData) {
	from, to := supervision.DispatchPeriod(periodEnd)
	asOf = to
	if now.Before(asOf) {
		asOf = now
	}
	return asOf, NewProjectData(projects, visits, findings, photos, from, asOf)
}

// TourStops assembles the stops of the tour pack for quarter q of year, in
// visiting order. order lists
// project ids in the visiting order the user chose; when it is empty the
// order is worked out from the sites' locations (OrderByLocation, from the
// first project of the register). Projects left out of a non-empty order
// are not visited.
func TourStops(year, q int, now time.Time, order []string, projects []supervision.Project,
	visits []supervision.Visit, findings []supervision.Finding, photos PhotoLookup) ([]ProjectData, error) {
	if q < 1 || q > 4 {
		return nil, fmt.Errorf("report: quarter %d does not exist: use 1 to 4", q)
	}
	from, _ := supervision.Quarter(year, q, now.Location())
	data := NewProjectData(projects, visits, findings, photos, from, now)
	if len(order) == 0 {
		return OrderByLocation(data), nil
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
			return nil, fmt.Errorf("report: the visiting order names project %s, which is not in the register", id)
		}
		if seen[id] {
			return nil, fmt.Errorf("report: the visiting order names project %s twice", id)
		}
		seen[id] = true
		stops = append(stops, pd)
	}
	return stops, nil
}
