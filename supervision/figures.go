package supervision

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Figure names one figure of a project that documents print: its
// investment, image progress and phase. Each has one definition here; a
// template binds its items to figures (Item.Figure), and every screen and
// document reads them through FiguresAsOf (decision 0033).
type Figure string

// The project figures.
const (
	FigureInvestmentTotal Figure = "investment.total"         // 总投资, 万元
	FigureAnnualPlan      Figure = "investment.annual_plan"   // 年度计划投资, 万元
	FigureCompletedYTD    Figure = "investment.completed_ytd" // 年度累计完成投资, 万元
	FigureImageProgress   Figure = "progress.image_pct"       // 形象进度, %
	FigurePhase           Figure = "phase"                    // 建设阶段 (Text holds the Phase)
)

var figureLabels = map[Figure][2]string{
	FigureInvestmentTotal: {"总投资", "Total investment"},
	FigureAnnualPlan:      {"年度计划投资", "Annual investment plan"},
	FigureCompletedYTD:    {"年度累计完成投资", "Investment completed this year"},
	FigureImageProgress:   {"形象进度", "Image progress"},
	FigurePhase:           {"建设阶段", "Phase"},
}

// Label returns the figure's name for people.
func (f Figure) Label(lang Lang) string { return label(figureLabels, f, lang) }

// Valid reports whether f is a known figure.
func (f Figure) Valid() bool { _, ok := figureLabels[f]; return ok }

// FigureSource says where an observation of a figure came from.
type FigureSource string

// Sources of observations.
const (
	SourceRegister FigureSource = "register" // the portal's project register
	SourceVisit    FigureSource = "visit"    // a submitted visit's answer
)

// Observation is one figure of one project as known on one day: the
// register's figure with its as-of date, or an inspector's answer with the
// visit's date. Observations are never overwritten; the history answers
// any past date.
type Observation struct {
	ProjectID string       `json:"project_id"`
	Figure    Figure       `json:"figure"`
	Value     float64      `json:"value,omitempty"`
	Text      string       `json:"text,omitempty"` // the phase
	AsOf      Date         `json:"as_of"`
	Source    FigureSource `json:"source"`
	// Ref is the visit's id for a visit's answer.
	Ref string `json:"ref,omitempty"`
}

// Key is where a store keeps the observation: project id, 0, figure, 0,
// as-of date, 0, source. The laptop's store and the portal keep register
// histories under the same key, so both hold the same history of the same
// records; the date in the key means a pull of older data adds an older
// observation and never replaces a newer one.
func (o Observation) Key() []byte {
	k := append([]byte(o.ProjectID), 0)
	k = append(k, o.Figure...)
	k = append(k, 0)
	k = append(k, o.AsOf...)
	k = append(k, 0)
	k = append(k, o.Source...)
	return k
}

// FigureValue is what a figure is on a given date, with where it came from.
type FigureValue struct {
	Observation
	Known bool
}

// Provenance says where a figure came from, as documents print it:
// 截至11月督查 or 截至平台 11月30日数据.
func (v FigureValue) Provenance(lang Lang) string {
	if !v.Known {
		if lang == English {
			return "not filled in"
		}
		return "未填写"
	}
	t, ok := v.AsOf.Time(time.UTC)
	if v.Source == SourceVisit {
		if lang == English {
			if ok {
				return "as of the " + t.Format("January 2006") + " visit"
			}
			return "as of a visit"
		}
		if ok {
			return fmt.Sprintf("截至%d月督查", t.Month())
		}
		return "截至督查"
	}
	if lang == English {
		if ok {
			return "as of the portal's data of " + t.Format("2 January 2006")
		}
		return "as of the portal's data"
	}
	if ok {
		return fmt.Sprintf("截至平台 %d月%d日数据", t.Month(), t.Day())
	}
	return "截至平台数据"
}

// Figures are a project's figures on one date.
type Figures struct {
	AsOf   Date
	Values map[Figure]FigureValue
}

// Get returns the figure's value, Known false when nothing was observed.
func (f Figures) Get(fig Figure) FigureValue { return f.Values[fig] }

// Numbers returns the known numeric figures, for CheckFigures.
func (f Figures) Numbers() map[Figure]float64 {
	out := map[Figure]float64{}
	for k, v := range f.Values {
		if v.Known && k != FigurePhase {
			out[k] = v.Value
		}
	}
	return out
}

// AnnualPercent is the share of the annual plan completed, rounded by
// Percent; ok is false when the plan or the completed figure is unknown.
func (f Figures) AnnualPercent() (pct float64, ok bool) {
	done, plan := f.Get(FigureCompletedYTD), f.Get(FigureAnnualPlan)
	if !done.Known || !plan.Known || plan.Value <= 0 {
		return 0, false
	}
	return Percent(done.Value, plan.Value), true
}

// RegisterObservations are the figures the project's register record
// carries, as of the register's date (or, without one, as of since). A
// record whose investment is all zero has no investment filled in: it
// observes none, so a document says 未填写 rather than 0. Never 形象进度:
// neither the portal's record nor the spreadsheet register has it, so
// submitted visits alone observe it.
func RegisterObservations(p Project, since Date) []Observation {
	asOf := p.Investment.AsOf
	if asOf == "" {
		asOf = since
	}
	var obs []Observation
	inv := p.Investment
	if inv.Total != 0 || inv.AnnualPlan != 0 || inv.Completed != 0 {
		// The total and the annual plan are plans, not progress: they carry
		// no date (the register's date is the completed figure's), hold for
		// any date, and the latest pull replaces them.
		obs = append(obs,
			Observation{ProjectID: p.ID, Figure: FigureInvestmentTotal, Value: inv.Total, Source: SourceRegister},
			Observation{ProjectID: p.ID, Figure: FigureAnnualPlan, Value: inv.AnnualPlan, Source: SourceRegister},
			Observation{ProjectID: p.ID, Figure: FigureCompletedYTD, Value: inv.Completed, AsOf: asOf, Source: SourceRegister})
	}
	if p.Phase != "" {
		obs = append(obs, Observation{ProjectID: p.ID, Figure: FigurePhase, Text: string(p.Phase), AsOf: asOf, Source: SourceRegister})
	}
	return obs
}

// VisitObservations are the answers of a submitted visit to the items its
// template binds to figures, as of the day of the visit. A draft observes
// nothing: its answers may still change.
func VisitObservations(t Template, in Visit, loc *time.Location) []Observation {
	if in.Status != Submitted {
		return nil
	}
	day := DateOf(in.StartedAt.In(loc))
	var obs []Observation
	for _, it := range t.Items() {
		if it.Figure == "" {
			continue
		}
		a, ok := in.Answers[it.Key]
		if !ok || !a.IsAnswered(it.Kind) {
			continue
		}
		o := Observation{ProjectID: in.ProjectID, Figure: it.Figure, AsOf: day, Source: SourceVisit, Ref: in.ID}
		switch {
		case it.Kind == KindNumber:
			o.Value = *a.Number
		case len(a.Choices) > 0:
			o.Text = a.Choices[0]
		case a.Text != "":
			o.Text = a.Text
		default:
			continue
		}
		obs = append(obs, o)
	}
	return obs
}

// FiguresAsOf answers what a project's figures were on date: for each
// figure the latest observation up to that date (and, for the completed
// investment, of that date's year) wins. On the same day an
// inspector's answer wins over the register (it was seen on site), and
// between two visits the later record. An observation after date is
// ignored, so a document printed as of a date never shows a later figure,
// and a register pull with an older date never overwrites a visit's
// newer answer. This is the one function every screen and document calls.
func FiguresAsOf(projectID string, obs []Observation, date Date) Figures {
	out := Figures{AsOf: date, Values: map[Figure]FigureValue{}}
	ordered := make([]Observation, 0, len(obs))
	for _, o := range obs {
		if o.ProjectID != projectID || !o.Figure.Valid() || date != "" && o.AsOf > date {
			continue
		}
		// This year's completed investment starts again each January: a
		// figure of an earlier year says nothing of this one.
		if o.Figure == FigureCompletedYTD && date != "" && len(o.AsOf) >= 4 && string(o.AsOf[:4]) != string(date)[:min(4, len(date))] {
			continue
		}
		ordered = append(ordered, o)
	}
	rank := func(s FigureSource) int {
		if s == SourceVisit {
			return 1
		}
		return 0
	}
	sort.SliceStable(ordered, func(i, j int) bool {
		if ordered[i].AsOf != ordered[j].AsOf {
			return ordered[i].AsOf < ordered[j].AsOf
		}
		if ri, rj := rank(ordered[i].Source), rank(ordered[j].Source); ri != rj {
			return ri < rj
		}
		// Two visits on one day: the later record (ids are time-ordered),
		// such as an amendment, wins, whatever order they were listed in.
		return ordered[i].Ref < ordered[j].Ref
	})
	for _, o := range ordered {
		out.Values[o.Figure] = FigureValue{Observation: o, Known: true}
	}
	return out
}

// Percent is the one rounding of a share to a percentage, used by the app
// and the documents alike: one decimal, rounded half away from zero, except
// that a share short of the whole never reads 100% and a share above zero
// never reads 0% — 99.96% of the plan is printed 99.9%, not 100%.
func Percent(part, whole float64) float64 {
	if whole == 0 {
		return 0
	}
	r := part / whole * 100
	p := math.Round(r*10) / 10
	switch {
	case p >= 100 && part < whole:
		return 99.9
	case p <= 0 && part > 0:
		return 0.1
	}
	return p
}

// FormatPercent writes a percentage as Percent rounds it, always with its
// one decimal (74.8%, 75.0%): the window, the documents and the generated
// narratives all print it so.
func FormatPercent(part, whole float64) string {
	return strconv.FormatFloat(Percent(part, whole), 'f', 1, 64) + "%"
}

// MilestoneDue says how a milestone stands on date: done (with an actual
// date), or the days it is past its planned date (0 when not yet due).
func MilestoneDue(m Milestone, date Date) (done bool, overdueDays int) {
	if m.Actual != "" && m.Actual <= date {
		return true, 0
	}
	planned, ok1 := m.Planned.Time(time.UTC)
	on, ok2 := date.Time(time.UTC)
	if !ok1 || !ok2 || !on.After(planned) {
		return false, 0
	}
	return false, int(on.Sub(planned).Hours() / 24)
}

// MilestoneStatus is how a milestone's state reads on a page as of date:
// 已完成, 已超期 N 天, or 未到期.
func MilestoneStatus(m Milestone, date Date, lang Lang) string {
	done, late := MilestoneDue(m, date)
	switch {
	case done && lang == English:
		return "Done"
	case done:
		return "已完成"
	case late > 0 && lang == English:
		return fmt.Sprintf("%d days overdue", late)
	case late > 0:
		return fmt.Sprintf("已超期 %d 天", late)
	case lang == English:
		return "Not yet due"
	}
	return "未到期"
}

// Apply returns p with its investment, image progress and phase as these
// figures say, so a document that prints a project prints the figures of
// its date. A figure not observed keeps the register's value (for image
// progress, none); a phase answered in a visit is read by its name (在建)
// or its code.
func (f Figures) Apply(p Project) Project {
	if v := f.Get(FigureInvestmentTotal); v.Known {
		p.Investment.Total = v.Value
	}
	if v := f.Get(FigureAnnualPlan); v.Known {
		p.Investment.AnnualPlan = v.Value
	}
	if v := f.Get(FigureCompletedYTD); v.Known {
		p.Investment.Completed = v.Value
		p.Investment.AsOf = v.AsOf
		p.Investment.Source = v.Source
	}
	if v := f.Get(FigureImageProgress); v.Known {
		p.ImageProgress = &ImageProgress{Pct: v.Value, AsOf: v.AsOf, Source: v.Source}
	}
	if v := f.Get(FigurePhase); v.Known {
		if ph, ok := phaseNamed(v.Text); ok {
			p.Phase = ph
		}
	}
	return p
}

// phaseNamed reads a phase from its code or from the start of its Chinese
// or English name, as a checklist option words it (前期（选址/可研/设计）).
func phaseNamed(s string) (Phase, bool) {
	if Phase(s).Valid() {
		return Phase(s), true
	}
	for _, ph := range phaseOrder {
		l := phaseLabels[ph]
		if strings.HasPrefix(s, l[0]) || strings.HasPrefix(s, l[1]) {
			return ph, true
		}
	}
	return "", false
}

// InvestmentProvenance says where a project's completed investment came
// from, as documents print it beside the figure.
func InvestmentProvenance(inv Investment, lang Lang) string {
	if inv.AsOf == "" {
		return ""
	}
	src := inv.Source
	if src == "" {
		src = SourceRegister
	}
	return FigureValue{Observation: Observation{AsOf: inv.AsOf, Source: src}, Known: true}.Provenance(lang)
}
