package briefing

import (
	"sort"
	"strings"
	"time"

	"fieldbrief/report"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Verdict is what checking a printed document against the records found,
// line by line as catalogue keys, so that it reads in whichever language
// its reader chose. OK holds only when the records are what was printed,
// no amendment replaces them and the file is the one fieldbrief wrote.
type Verdict struct {
	OK    bool
	Lines []VerdictLine
}

// VerdictLine is one finding of a verification: a catalogue key and its
// arguments.
type VerdictLine struct {
	Key  string
	Args []any
}

func (v *Verdict) say(key string, args ...any) {
	v.Lines = append(v.Lines, VerdictLine{Key: key, Args: args})
}

// Text is the verdict in one language, a line each.
func (v Verdict) Text(lang sv.Lang) string {
	c := translate.For(lang)
	lines := make([]string, len(v.Lines))
	for i, l := range v.Lines {
		lines[i] = c.T(l.Key, l.Args...)
	}
	return strings.Join(lines, "\n")
}

// VerifySource is what verifying reads: the records, and a project's
// visits to find amendments.
type VerifySource interface {
	Source
	ProjectVisits(projectID string) ([]sv.Visit, error)
}

// PortalCopy fetches the portal's copy of a visit; found is false when the
// portal has none, and unsent names the parts of it (an item key, or
// "header") this laptop changed and has not sent, whose portal version it
// cannot know (syncer.Engine.FetchPortalVisit). Verify asks it only when
// the caller is signed in.
type PortalCopy func(visitID string) (in sv.Visit, found bool, unsent []string, err error)

// errNoStamp is the error of a PDF that carries no fieldbrief stamp.
func errNoStamp() error {
	return translate.Errorf(sv.EInvalid, "briefing.error.no_record_stamp")
}

// Verify checks a printed document — a visit report, a brief or a tour
// pack — against the records in src, and, for a visit report when
// portalCopy is not nil, against the portal's copy too (decision 0034).
func Verify(src VerifySource, pdf []byte, portalCopy PortalCopy) (Verdict, error) {
	stamp, ok := report.ReadStamp(pdf)
	if !ok {
		return Verdict{}, errNoStamp()
	}
	var v Verdict
	var err error
	switch stamp.Kind {
	case "visit":
		v, err = verifyVisit(src, stamp, portalCopy)
	case "brief", "tour":
		v, err = verifySnapshot(src, stamp)
	default:
		return Verdict{}, errNoStamp()
	}
	if err != nil {
		return v, err
	}
	if sealed, intact := report.CheckSeal(pdf); sealed && !intact {
		v.OK = false
		printed := stamp.Time.Format("2006-01-02 15:04")
		// The file first: whatever the records say, this copy is not
		// what was printed.
		v.Lines = append([]VerdictLine{{Key: "cli.verify.pdf_changed", Args: []any{printed}}}, v.Lines...)
	}
	return v, nil
}

// verifyVisit compares a stamped visit report with the store and, when
// given, the portal's copy.
func verifyVisit(s VerifySource, stamp report.Stamp, portalCopy PortalCopy) (Verdict, error) {
	v := Verdict{OK: true}
	printed := stamp.Time.Format("2006-01-02 15:04")
	in, err := s.Visit(stamp.ID)
	if sv.ErrorCode(err) == sv.ENotFound {
		v.OK = false
		v.say("cli.verify.visit_not_here", stamp.ID)
		if portalCopy != nil {
			verifyPortalVisit(&v, stamp, portalCopy, false, itemNames{})
		}
		return v, nil
	}
	if err != nil {
		return v, err
	}
	if sv.RecordDigest(in) == stamp.Record {
		v.say("cli.verify.record_unchanged", printed, stamp.Record[3:19])
	} else {
		v.OK = false
		v.say("cli.verify.record_changed", printed)
		if !in.FinishedAt.IsZero() && in.FinishedAt.After(stamp.Time) {
			v.say("cli.verify.submitted_after", in.FinishedAt.In(stamp.Time.Location()).Format("2006-01-02 15:04"))
		}
		if keys := answeredAfter(in, stamp.Time); len(keys) > 0 {
			v.say("cli.verify.items_changed", visitItemNames(s, in).list(keys))
		}
	}
	visits, err := s.ProjectVisits(in.ProjectID)
	if err != nil {
		return v, err
	}
	for _, other := range visits {
		if other.Replaces == in.ID && other.Status == sv.Submitted {
			v.OK = false
			day := other.StartedAt.In(stamp.Time.Location()).Format("2006-01-02")
			v.say("cli.verify.corrected", other.ID, day, other.Inspectors)
		}
	}
	if portalCopy != nil {
		verifyPortalVisit(&v, stamp, portalCopy, sv.RecordDigest(in) == stamp.Record, visitItemNames(s, in))
	}
	return v, nil
}

// verifyPortalVisit adds what the portal's copy of the visit says, and
// which copy differs when the two disagree.
func verifyPortalVisit(v *Verdict, stamp report.Stamp, portalCopy PortalCopy, localSame bool, names itemNames) {
	in, found, unsent, err := portalCopy(stamp.ID)
	switch {
	case err != nil:
		// The local verdict stands; the portal could not be asked.
		v.say("cli.verify.portal_unreachable")
	case !found:
		v.say("cli.verify.portal_has_no_copy")
	case len(unsent) > 0:
		v.say("cli.verify.unsent_changes", names.list(unsent))
	case sv.RecordDigest(in) == stamp.Record:
		if localSame {
			v.say("cli.verify.portal_matches_too")
		} else {
			v.say("cli.verify.portal_matches_laptop_differs")
		}
	default:
		v.OK = false
		if localSame {
			v.say("cli.verify.portal_differs_laptop_matches")
		} else {
			v.say("cli.verify.portal_differs_too")
		}
		if keys := answeredAfter(in, stamp.Time); len(keys) > 0 {
			v.say("cli.verify.portal_items_changed", names.list(keys))
		}
	}
}

// itemNames names checklist items by their titles, in the language asked
// for, as the visit's checklist version calls them; a key it does not know
// stays as it is.
type itemNames map[string]func(sv.Lang) string

func visitItemNames(src Source, in sv.Visit) itemNames {
	names := itemNames{}
	templates, err := src.Templates()
	if err != nil {
		return names
	}
	for _, t := range templates {
		if t.ID == in.TemplateID && t.Version == in.TemplateVersion {
			for _, it := range t.Items() {
				names[it.Key] = it.DisplayTitle
			}
		}
	}
	return names
}

// list names the items as a list in the language the verdict is read in.
func (n itemNames) list(keys []string) translate.PerLanguage {
	return func(l sv.Lang) string {
		c := translate.For(l)
		names := make([]string, len(keys))
		for i, k := range keys {
			names[i] = k
			if title, ok := n[k]; ok {
				names[i] = c.T("cli.verify.quoted", title(l))
			}
			if k == "header" {
				names[i] = c.T("cli.verify.visit_details")
			}
		}
		return c.List(names)
	}
}

// answeredAfter lists the items answered after t.
func answeredAfter(in sv.Visit, t time.Time) []string {
	var keys []string
	for k, a := range in.Answers {
		if a.AnsweredAt.After(t) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// verifySnapshot compares a stamped brief or tour pack with the snapshot
// rebuilt from the store as of the same moment, and names the projects
// whose part changed and, where it can tell, the findings and visits.
func verifySnapshot(s VerifySource, stamp report.Stamp) (Verdict, error) {
	v := Verdict{OK: true}
	printed := stamp.Time.Format("2006-01-02 15:04")
	asOf := stamp.AsOf.In(stamp.Time.Location()).Format("2006-01-02")
	doc := "cli.verify.doc_brief"
	if stamp.Kind == "tour" {
		doc = "cli.verify.doc_tour"
	}
	snap, err := Snapshot(s, stamp)
	if err != nil {
		return v, err
	}
	here := storeTag(s)
	elsewhere := stamp.Store != "" && here != "" && stamp.Store != here
	if snap.Digest == stamp.Record {
		v.say(doc+".unchanged", asOf, printed, stamp.Record[3:19])
		if elsewhere {
			v.say("cli.verify.printed_elsewhere_agrees")
		}
		return v, nil
	}
	v.OK = false
	if elsewhere {
		v.say(doc + ".elsewhere")
	} else {
		v.say(doc+".changed", asOf, printed)
	}
	names := map[string]string{}
	projects, err := s.Projects()
	if err != nil {
		return v, err
	}
	for _, p := range projects {
		names[p.ID] = p.DisplayName()
	}
	now := map[string]string{}
	for _, p := range snap.Projects {
		now[p.ID] = p.Digest
	}
	was := map[string]bool{}
	for _, p := range stamp.Projects {
		was[p.ID] = true
		name, known := names[p.ID]
		switch {
		case !known:
			v.say("cli.verify.project_gone", p.ID)
		case now[p.ID] != p.Digest:
			if err := sayProjectChanges(&v, s, p.ID, name, stamp.Time); err != nil {
				return v, err
			}
		}
	}
	for _, p := range snap.Projects {
		if !was[p.ID] {
			v.say("cli.verify.project_added", names[p.ID])
		}
	}
	return v, nil
}

// sayProjectChanges names what changed in one project after t: findings
// created or changed, visits submitted; otherwise its register entry or
// figures.
func sayProjectChanges(v *Verdict, s VerifySource, id, name string, t time.Time) error {
	findings, err := s.FindingRecords()
	if err != nil {
		return err
	}
	var fs []string
	for _, f := range findings {
		if f.ProjectID != id {
			continue
		}
		if f.UpdatedAt.After(t) || f.CreatedAt.After(t) {
			fs = append(fs, "“"+sv.Shorten(f.Description, 24)+"”") // the same marks in both languages
		}
	}
	visits, err := s.ProjectVisits(id)
	if err != nil {
		return err
	}
	var days []string
	for _, in := range visits {
		if in.Status == sv.Submitted && in.FinishedAt.After(t) {
			days = append(days, in.StartedAt.In(t.Location()).Format("2006-01-02"))
		}
	}
	switch {
	case len(fs) > 0 && len(days) > 0:
		v.say("cli.verify.project_changed_findings_visits", name, fs, days)
	case len(fs) > 0:
		v.say("cli.verify.project_changed_findings", name, fs)
	case len(days) > 0:
		v.say("cli.verify.project_changed_visits", name, days)
	default:
		v.say("cli.verify.project_changed", name)
	}
	return nil
}
