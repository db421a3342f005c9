package briefing

import (
	"sort"
	"strings"
	"time"

	"fieldbrief/portal"
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

// PortalSnapshot asks the portal to rebuild, from its own records, the
// snapshot of a stamped brief or tour pack (syncer.Engine.PortalSnapshot).
// Verify asks it only when the caller is signed in.
type PortalSnapshot func(st report.Stamp) (PortalDigests, error)

// PortalDigests is the portal's rebuild of a snapshot: its whole digest,
// each project's short digest, and the projects whose records this laptop
// changed and has not sent yet, whose portal part it therefore cannot
// judge.
type PortalDigests struct {
	Digest   string
	Projects []portal.SnapshotProject
	Unsent   []string
}

// SnapshotRequest is the portal request that rebuilds a stamp's snapshot.
func SnapshotRequest(st report.Stamp) portal.SnapshotRequest {
	req := portal.SnapshotRequest{Version: st.Version(), Kind: st.Kind, ID: st.ID, Time: st.Time, AsOf: st.AsOf, Projects: []string{}}
	for _, p := range st.Projects {
		req.Projects = append(req.Projects, p.ID)
	}
	return req
}

// Portal is how Verify asks the portal about a printed document; a nil
// field is not asked (signed out, or no portal).
type Portal struct {
	Visit    PortalCopy
	Snapshot PortalSnapshot
}

// errNoStamp is the error of a PDF that carries no fieldbrief stamp.
func errNoStamp() error {
	return translate.Errorf(sv.EInvalid, "briefing.error.no_record_stamp")
}

// Verify checks a printed document — a visit report, a brief or a tour
// pack — against the records in src, and, when the portal is given,
// against the portal's copy too (decision 0034).
func Verify(src VerifySource, pdf []byte, ask Portal) (Verdict, error) {
	stamp, ok := report.ReadStamp(pdf)
	if !ok {
		return Verdict{}, errNoStamp()
	}
	var v Verdict
	var err error
	switch stamp.Kind {
	case "visit":
		v, err = verifyVisit(src, stamp, ask.Visit)
	case "brief", "tour":
		v, err = verifySnapshot(src, stamp, ask.Snapshot)
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
func verifySnapshot(s VerifySource, stamp report.Stamp, ask PortalSnapshot) (Verdict, error) {
	v, err := verifyLocalSnapshot(s, stamp)
	if err != nil || ask == nil {
		return v, err
	}
	projects, err := s.Projects()
	if err != nil {
		return v, err
	}
	names := map[string]string{}
	for _, p := range projects {
		names[p.ID] = p.DisplayName()
	}
	verifyPortalSnapshot(&v, stamp, ask, names, v.OK)
	return v, nil
}

// verifyPortalSnapshot adds what the portal's rebuild of the snapshot
// says: unchanged there too, or which projects' parts differ on the
// portal, and which this laptop has not sent yet (sync, then verify again).
func verifyPortalSnapshot(v *Verdict, stamp report.Stamp, ask PortalSnapshot, names map[string]string, localSame bool) {
	got, err := ask(stamp)
	switch {
	case sv.ErrorCode(err) == sv.ENotFound, sv.ErrorCode(err) == sv.EInvalid,
		err == nil && !strings.HasPrefix(got.Digest, stamp.Version()+":"):
		// A portal older than the request: it cannot rebuild a snapshot,
		// refuses the stamp's version (400), or predates the version field
		// and rebuilt in another — its digest could never match.
		v.say("cli.verify.portal_cannot_rebuild")
		return
	case err != nil:
		v.say("cli.verify.portal_unreachable")
		return
	case got.Digest == stamp.Record && localSame:
		v.say("cli.verify.portal_snapshot_matches")
		return
	case got.Digest == stamp.Record:
		v.say("cli.verify.portal_snapshot_matches_laptop_differs")
		return
	}
	there := map[string]string{}
	for _, p := range got.Projects {
		there[p.ID] = p.Digest
	}
	unsent := map[string]bool{}
	for _, id := range got.Unsent {
		unsent[id] = true
	}
	name := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
	var differ, notSent []string
	printed := map[string]bool{}
	for _, p := range stamp.Projects {
		printed[p.ID] = true
		d, ok := there[p.ID]
		switch {
		case unsent[p.ID]:
			notSent = append(notSent, name(p.ID))
		case !ok || d != p.Digest:
			differ = append(differ, name(p.ID))
		}
	}
	for _, p := range got.Projects {
		if !printed[p.ID] && !unsent[p.ID] {
			differ = append(differ, name(p.ID)) // added on the portal since
		}
	}
	if len(differ) > 0 || len(notSent) == 0 {
		v.OK = false
	}
	switch {
	case len(differ) > 0 && localSame:
		v.say("cli.verify.portal_snapshot_differs", quotedList(differ))
	case len(differ) > 0:
		v.say("cli.verify.portal_snapshot_differs_too", quotedList(differ))
	case len(notSent) == 0:
		// Every project agrees and yet the whole does not: the period,
		// moment or order.
		v.say("cli.verify.portal_snapshot_differs_whole")
	}
	if len(notSent) > 0 {
		v.say("cli.verify.portal_snapshot_unsent", quotedList(notSent))
	}
}

// quotedList names projects as a quoted list in the language the verdict
// is read in.
func quotedList(names []string) translate.PerLanguage {
	return func(l sv.Lang) string {
		c := translate.For(l)
		out := make([]string, len(names))
		for i, n := range names {
			out[i] = c.T("cli.verify.quoted", n)
		}
		return c.List(out)
	}
}

// verifyLocalSnapshot compares the stamp with the snapshot rebuilt from
// the local store.
func verifyLocalSnapshot(s VerifySource, stamp report.Stamp) (Verdict, error) {
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
