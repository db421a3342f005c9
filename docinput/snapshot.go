package docinput

import (
	"fmt"
	"sort"
	"time"

	"fieldbrief/supervision"
)

// SnapshotVersion names the serialisation a brief's and a tour pack's
// digest is computed over, the one new documents are printed in. Like
// supervision.RecordVersion for a visit, a document keeps the version it
// was printed with: a field added to a project or a finding later is not
// in version s1 or s2, so an old document's digest never changes (decision
// 0034). s2 adds the project's 形象进度, which documents print since then.
const SnapshotVersion = "s2"

// KnownSnapshotVersion reports whether v is a serialisation a stamp may
// name and Rebuild can rebuild in.
func KnownSnapshotVersion(v string) bool { return v == "s1" || v == "s2" }

// Snapshot is the digest of what a brief or a tour pack printed: of the
// whole, and of each project's part, so that verify can name the projects
// whose records changed since printing.
type Snapshot struct {
	// Digest is the version ("s2:") and 64 hex digits.
	Digest   string
	Projects []ProjectDigest
}

// ProjectDigest is the digest of one project's part of a snapshot: its
// first 12 hex digits, which the stamp carries for every project.
type ProjectDigest struct {
	ID, Digest string
}

// The s1 serialisation: frozen copies of the fields the documents print,
// in a fixed order, times in UTC to the second. These are not the domain
// types themselves, so adding a field to them does not change an s1 hash.
type snapshotV1 struct {
	Version  string          `json:"v"`
	Kind     string          `json:"kind"`
	Period   string          `json:"period"` // 2026-10/2026-11, or 2026Q4
	AsOf     string          `json:"as_of"`
	Projects []projectPartV1 `json:"projects"`
}

type projectPartV1 struct {
	ID     string `json:"id"`
	Digest string `json:"digest"`
}

type projectV1 struct {
	ID                 string                `json:"id"`
	Name               string                `json:"name"`
	ShortName          string                `json:"short_name"`
	Industry           string                `json:"industry"`
	Chain              string                `json:"chain"`
	ChainLeader        string                `json:"chain_leader"`
	Leader             string                `json:"leader"`
	LeadDepartment     string                `json:"lead_department"`
	ParticipatingUnits []string              `json:"units"`
	UnitRoles          []string              `json:"unit_roles"` // "unit=role", sorted
	Address            string                `json:"address"`
	Lat                float64               `json:"lat"`
	Lon                float64               `json:"lon"`
	Phase              string                `json:"phase"`
	PlannedStart       string                `json:"planned_start"`
	PlannedFinish      string                `json:"planned_finish"`
	Milestones         []milestoneV1         `json:"milestones"`
	Total              float64               `json:"total"`
	AnnualPlan         float64               `json:"annual_plan"`
	Completed          float64               `json:"completed"`
	FiguresAsOf        string                `json:"figures_as_of"`
	FiguresSource      string                `json:"figures_source"`
	Light              string                `json:"light"`
	Contacts           []supervision.Contact `json:"contacts"`
	LastVisit          string                `json:"last_visit"`
	VisitsInPeriod     int                   `json:"visits_in_period"`
	Summary            string                `json:"summary"`
	Findings           []findingV1           `json:"findings"`
	Photos             []photoV1             `json:"photos"`
}

// projectV2 is s1's part and the 形象进度 printed with it, with its as-of
// and source; a null figure is one not observed.
type projectV2 struct {
	projectV1
	ImageProgress       *float64 `json:"image_progress"`
	ImageProgressAsOf   string   `json:"image_progress_as_of"`
	ImageProgressSource string   `json:"image_progress_source"`
}

type milestoneV1 struct {
	Name    string `json:"name"`
	Planned string `json:"planned"`
	Actual  string `json:"actual"`
}

type findingV1 struct {
	ID              string     `json:"id"`
	Kind            string     `json:"kind"`
	Category        string     `json:"category"`
	Severity        string     `json:"severity"`
	Description     string     `json:"description"`
	ResponsibleUnit string     `json:"unit"`
	Deadline        string     `json:"deadline"`
	Status          string     `json:"status"`
	CreatedAt       string     `json:"created"`
	ClosedAt        string     `json:"closed"`
	Notes           []noteV1   `json:"notes"`
	History         []changeV1 `json:"history"`
}

type noteV1 struct {
	At   string `json:"at"`
	By   string `json:"by"`
	Text string `json:"text"`
}

type changeV1 struct {
	At               string `json:"at"`
	By               string `json:"by"`
	From             string `json:"from"`
	To               string `json:"to"`
	Note             string `json:"note"`
	Deadline         string `json:"deadline"`
	PreviousDeadline string `json:"previous_deadline"`
}

type photoV1 struct {
	Caption string `json:"caption"`
	Taken   string `json:"taken"`
}

// projectPart is one project's part of a snapshot as version s1 writes it.
func projectPart(pd ProjectData) projectV1 {
	p := pd.Project
	out := projectV1{
		ID: p.ID, Name: p.Name, ShortName: p.ShortName, Industry: string(p.Industry), Chain: p.Chain,
		ChainLeader: p.ChainLeader, Leader: p.Leader, LeadDepartment: p.LeadDepartment,
		ParticipatingUnits: supervision.CanonicalList(p.ParticipatingUnits), UnitRoles: []string{}, Address: p.Address,
		Lat: p.Lat, Lon: p.Lon, Phase: string(p.Phase), PlannedStart: string(p.PlannedStart),
		PlannedFinish: string(p.PlannedFinish), Milestones: []milestoneV1{},
		Total: p.Investment.Total, AnnualPlan: p.Investment.AnnualPlan, Completed: p.Investment.Completed,
		FiguresAsOf: string(p.Investment.AsOf), FiguresSource: string(p.Investment.Source),
		Light: string(p.Light), Contacts: p.Contacts, LastVisit: supervision.CanonicalTime(pd.LastVisit),
		VisitsInPeriod: pd.VisitsInPeriod, Summary: pd.Summary, Findings: []findingV1{}, Photos: []photoV1{},
	}
	if out.Contacts == nil {
		out.Contacts = []supervision.Contact{}
	}
	for unit, role := range p.UnitRoles {
		out.UnitRoles = append(out.UnitRoles, unit+"="+string(role))
	}
	sort.Strings(out.UnitRoles)
	for _, m := range p.Milestones {
		out.Milestones = append(out.Milestones, milestoneV1{Name: m.Name, Planned: string(m.Planned), Actual: string(m.Actual)})
	}
	fs := append([]supervision.Finding(nil), pd.Findings...)
	sort.SliceStable(fs, func(i, j int) bool { return fs[i].ID < fs[j].ID })
	for _, f := range fs {
		fv := findingV1{ID: f.ID, Kind: string(f.Kind), Category: string(f.Category), Severity: string(f.Severity),
			Description: f.Description, ResponsibleUnit: f.ResponsibleUnit, Deadline: string(f.Deadline),
			Status: string(f.Status), CreatedAt: supervision.CanonicalTime(f.CreatedAt), ClosedAt: supervision.CanonicalTime(f.ClosedAt),
			Notes: []noteV1{}, History: []changeV1{}}
		for _, n := range f.Notes {
			fv.Notes = append(fv.Notes, noteV1{At: supervision.CanonicalTime(n.At), By: n.By, Text: n.Text})
		}
		for _, c := range f.History {
			fv.History = append(fv.History, changeV1{At: supervision.CanonicalTime(c.At), By: c.By, From: string(c.From), To: string(c.To),
				Note: c.Note, Deadline: string(c.Deadline), PreviousDeadline: string(c.PreviousDeadline)})
		}
		out.Findings = append(out.Findings, fv)
	}
	for _, ph := range pd.Photos {
		out.Photos = append(out.Photos, photoV1{Caption: ph.Caption, Taken: supervision.CanonicalTime(ph.Taken)})
	}
	return out
}

// projectPartIn is one project's part in the given version.
func projectPartIn(version string, pd ProjectData) any {
	v1 := projectPart(pd)
	if version == "s1" {
		return v1
	}
	out := projectV2{projectV1: v1}
	if ip := pd.Project.ImageProgress; ip != nil {
		pct := ip.Pct
		out.ImageProgress, out.ImageProgressAsOf, out.ImageProgressSource = &pct, string(ip.AsOf), string(ip.Source)
	}
	return out
}

// snapshotOf computes the snapshot in version (empty: the current one).
func snapshotOf(version, kind, period string, asOf time.Time, projects []ProjectData) Snapshot {
	if version == "" {
		version = SnapshotVersion
	}
	s := snapshotV1{Version: version, Kind: kind, Period: period, AsOf: asOf.UTC().Format(time.RFC3339Nano), Projects: []projectPartV1{}}
	var out Snapshot
	for _, pd := range projects {
		d := supervision.HashJSON(projectPartIn(version, pd))
		s.Projects = append(s.Projects, projectPartV1{ID: pd.Project.ID, Digest: d})
		out.Projects = append(out.Projects, ProjectDigest{ID: pd.Project.ID, Digest: d[:12]})
	}
	out.Digest = version + ":" + supervision.HashJSON(s)
	return out
}

// BriefSnapshot is the snapshot, in version (empty: SnapshotVersion), of
// what a brief for the period ending in the month of periodEnd prints, as
// of asOf (which must be set): each project with its figures, visits,
// findings and photos as the brief has them.
func BriefSnapshot(version string, periodEnd, asOf time.Time, projects []ProjectData) Snapshot {
	from, to := supervision.DispatchPeriod(periodEnd)
	return snapshotOf(version, "brief", from.Format("2006-01")+"/"+to.Format("2006-01"), asOf, projects)
}

// TourSnapshot is the snapshot, in version (empty: SnapshotVersion), of
// what a tour pack of quarter q of year, made at asOf, prints: its stops
// in visiting order.
func TourSnapshot(version string, year, q int, asOf time.Time, stops []ProjectData) Snapshot {
	return snapshotOf(version, "tour", TourID(year, q), asOf, stops)
}

// TourID names a tour pack's quarter as its stamp and the command line
// write it: 2026Q4.
func TourID(year, quarter int) string {
	return fmt.Sprintf("%04dQ%d", year, quarter)
}
