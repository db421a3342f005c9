package briefing

import (
	"time"

	sv "fieldbrief/supervision"
)

// documentDate is the one date a document is as of, for its figures: a
// visit report the day of its visit, a brief the end of its period (or
// now, while the period runs), a tour pack the day it is made.
func documentDate(src Source, req Request, now, briefAt time.Time) (sv.Date, error) {
	switch req.Kind {
	case Visit:
		in, err := src.Visit(req.VisitID)
		if err != nil {
			return "", err
		}
		return sv.DateOf(in.StartedAt.In(now.Location())), nil
	case Brief:
		_, to := sv.DispatchPeriod(req.PeriodEnd)
		if n := briefAt; n.Before(to) {
			to = n
		}
		return sv.DateOf(to.In(now.Location())), nil
	}
	return sv.DateOf(now), nil
}

// projectsAsOf gives each project the figures it had on date: the
// register's history and the bound answers of the submitted visits already
// loaded for the document, through sv.FiguresAsOf, the one function every
// screen and document reads them through (Store.FiguresAsOf is the same
// union read from the store).
func projectsAsOf(src Source, projects []sv.Project, templates []sv.Template, visits []sv.Visit, date sv.Date, loc *time.Location) ([]sv.Project, error) {
	type tkey struct {
		id string
		v  int
	}
	tmpl := map[tkey]sv.Template{}
	for _, t := range templates {
		tmpl[tkey{t.ID, t.Version}] = t
	}
	observed := map[string][]sv.Observation{}
	for _, in := range visits {
		if t, ok := tmpl[tkey{in.TemplateID, in.TemplateVersion}]; ok {
			observed[in.ProjectID] = append(observed[in.ProjectID], sv.VisitObservations(t, in, loc)...)
		}
	}
	out := make([]sv.Project, len(projects))
	for i, p := range projects {
		obs, err := src.RegisterObservations(p.ID)
		if err != nil {
			return nil, err
		}
		out[i] = sv.FiguresAsOf(p.ID, append(obs, observed[p.ID]...), date).Apply(p)
	}
	return out, nil
}

// briefNow is the moment a brief counts to: the --as-of date's end when
// given (never after the generation time), or the generation time.
func briefNow(req Request, now time.Time) time.Time {
	if req.AsOf.IsZero() {
		return now
	}
	end := time.Date(req.AsOf.Year(), req.AsOf.Month(), req.AsOf.Day(), 23, 59, 59, 0, now.Location())
	if end.After(now) {
		return now
	}
	return end
}
