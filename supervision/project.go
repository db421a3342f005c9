package supervision

import (
	"strings"
	"time"
)

// Phase is where a project stands in its life, from preparation to use.
type Phase string

// The phases in order (项目阶段).
const (
	PhasePreparation Phase = "preparation"  // 前期（选址/可研/设计）
	PhasePermits     Phase = "permits"      // 手续办理
	PhaseConstruct   Phase = "construction" // 在建
	PhaseAcceptance  Phase = "acceptance"   // 竣工验收
	PhaseInUse       Phase = "in_use"       // 投用
)

// Phases lists the phases in their order.
var phaseOrder = [...]Phase{PhasePreparation, PhasePermits, PhaseConstruct, PhaseAcceptance, PhaseInUse}

// Phases returns the phases in their order.
func Phases() []Phase { return append([]Phase(nil), phaseOrder[:]...) }

var phaseLabels = map[Phase][2]string{
	PhasePreparation: {"前期", "Preparation"},
	PhasePermits:     {"手续办理", "Permits"},
	PhaseConstruct:   {"在建", "Under construction"},
	PhaseAcceptance:  {"竣工验收", "Acceptance"},
	PhaseInUse:       {"投用", "In use"},
}

// Label returns the phase's name for people.
func (p Phase) Label(lang Lang) string { return label(phaseLabels, p, lang) }

// Valid reports whether p is a known phase.
func (p Phase) Valid() bool { _, ok := phaseLabels[p]; return ok }

// Industry is one of the science city's leading industries (主导产业), or a
// facility category.
type Industry string

// Industries.
const (
	IndustryIT        Industry = "it"        // 新一代信息技术
	IndustryAdvMfg    Industry = "advmfg"    // 先进制造
	IndustryHealth    Industry = "health"    // 大健康
	IndustryHiTechSvc Industry = "hitechsvc" // 高技术服务业
	IndustryResearch  Industry = "research"  // 科研平台
	IndustryPublicSvc Industry = "publicsvc" // 公共服务
)

var industryOrder = [...]Industry{IndustryIT, IndustryAdvMfg, IndustryHealth, IndustryHiTechSvc, IndustryResearch, IndustryPublicSvc}

// Industries returns the industries in display order.
func Industries() []Industry { return append([]Industry(nil), industryOrder[:]...) }

var industryLabels = map[Industry][2]string{
	IndustryIT:        {"新一代信息技术", "Next-generation IT"},
	IndustryAdvMfg:    {"先进制造", "Advanced manufacturing"},
	IndustryHealth:    {"大健康", "Health"},
	IndustryHiTechSvc: {"高技术服务业", "High-tech services"},
	IndustryResearch:  {"科研平台", "Research platform"},
	IndustryPublicSvc: {"公共服务", "Public services"},
}

// Label returns the industry's name for people.
func (i Industry) Label(lang Lang) string { return label(industryLabels, i, lang) }

// Valid reports whether i is a known industry.
func (i Industry) Valid() bool { _, ok := industryLabels[i]; return ok }

// StatusLight is the traffic light a project shows on the dashboard.
type StatusLight string

// Status lights.
const (
	LightNormal   StatusLight = "normal"   // 正常
	LightBehind   StatusLight = "behind"   // 滞后
	LightCritical StatusLight = "critical" // 严重滞后
)

var lightLabels = map[StatusLight][2]string{
	LightNormal:   {"正常", "On track"},
	LightBehind:   {"滞后", "Behind"},
	LightCritical: {"严重滞后", "Seriously behind"},
}

// Label returns the light's name for people.
func (l StatusLight) Label(lang Lang) string { return label(lightLabels, l, lang) }

// Valid reports whether l is a known light.
func (l StatusLight) Valid() bool { _, ok := lightLabels[l]; return ok }

// Date is a calendar day without a time or zone, as written on Chinese
// official documents. It is stored as "2006-01-02".
type Date string

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date { return Date(t.Format(time.DateOnly)) }

// Time returns midnight of the day in loc; ok is false for an empty or malformed date.
func (d Date) Time(loc *time.Location) (t time.Time, ok bool) {
	if d == "" {
		return time.Time{}, false
	}
	t, err := time.ParseInLocation(time.DateOnly, string(d), loc)
	return t, err == nil
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d == "" }

// Milestone is a planned step of a project with its actual date once reached.
type Milestone struct {
	Name    string `json:"name"`
	Planned Date   `json:"planned"`
	Actual  Date   `json:"actual,omitempty"`
}

// Contact is a person to call about a project.
type Contact struct {
	Name  string `json:"name"`
	Role  string `json:"role"`
	Phone string `json:"phone,omitempty"`
}

// Investment holds a project's money figures in 万元 (10,000 CNY), the unit
// of the committee's registers. Briefs show them in 亿元.
type Investment struct {
	Total      float64 `json:"total"`       // 总投资
	AnnualPlan float64 `json:"annual_plan"` // 年度计划投资
	Completed  float64 `json:"completed"`   // 年度累计完成投资
	// AsOf is the day the completed figure was reported for (数据截至).
	AsOf Date `json:"as_of,omitempty"`
	// Source says where the completed figure came from when a document
	// took it from FiguresAsOf; empty is the register (decision 0033).
	Source FigureSource `json:"source,omitempty"`
}

// ImageProgress is a project's 形象进度 in percent, with the day it was
// observed and where.
type ImageProgress struct {
	Pct    float64      `json:"pct"`
	AsOf   Date         `json:"as_of"`
	Source FigureSource `json:"source"`
}

// Provenance says where the figure came from, as documents print it
// beside it (截至11月督查).
func (ip ImageProgress) Provenance(lang Lang) string {
	return FigureValue{Observation: Observation{AsOf: ip.AsOf, Source: ip.Source}, Known: true}.Provenance(lang)
}

// AnnualProgress returns completed ÷ annual plan, or 0 without a plan.
func (inv Investment) AnnualProgress() float64 {
	if inv.AnnualPlan <= 0 {
		return 0
	}
	return inv.Completed / inv.AnnualPlan
}

// Project is one of the 20 key projects (重点项目).
type Project struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	ShortName          string   `json:"short_name"`
	Industry           Industry `json:"industry"`
	Chain              string   `json:"chain,omitempty"`
	ChainLeader        string   `json:"chain_leader,omitempty"`
	Leader             string   `json:"leader"`
	LeadDepartment     string   `json:"lead_department"`
	ParticipatingUnits []string `json:"participating_units,omitempty"`
	// UnitRoles says what some of the units are to the project (业主,
	// 施工, 监理), by name; a unit not listed has none. A map beside the
	// list keeps records written before roles readable as they were.
	UnitRoles     map[string]UnitRole `json:"unit_roles,omitempty"`
	Address       string              `json:"address"`
	Lat           float64             `json:"lat"`
	Lon           float64             `json:"lon"`
	Phase         Phase               `json:"phase"`
	PlannedStart  Date                `json:"planned_start"`
	PlannedFinish Date                `json:"planned_finish"`
	Milestones    []Milestone         `json:"milestones,omitempty"`
	Investment    Investment          `json:"investment"`
	// ImageProgress is the 形象进度 a document or screen took from
	// FiguresAsOf (Figures.Apply); nil when none was observed. The
	// register carries none — neither the portal's record nor the
	// spreadsheet register has the figure — so submitted visits are its
	// only source (decision 0033).
	ImageProgress *ImageProgress `json:"image_progress,omitempty"`
	Light         StatusLight    `json:"light"`
	Contacts      []Contact      `json:"contacts,omitempty"`
	// TemplateID names the checklist used for this project's monthly visits.
	TemplateID string `json:"template_id"`
	// Sample marks records that come from the built-in sample data (示例数据).
	Sample bool `json:"sample,omitempty"`
	// Archived marks a project taken off the register (it left the office's
	// list). It is kept, never deleted, because visits and findings name it;
	// the dashboard no longer shows it.
	Archived bool `json:"archived,omitempty"`
}

// Validate checks the fields a project cannot do without.
func (p Project) Validate() error {
	var problems []fieldProblem
	if strings.TrimSpace(p.ID) == "" {
		problems = append(problems, fieldProblem{"编号", "id", "不能为空", "is required"})
	}
	if strings.TrimSpace(p.Name) == "" {
		problems = append(problems, fieldProblem{"项目名称", "name", "不能为空", "is required"})
	}
	if !p.Phase.Valid() {
		problems = append(problems, fieldProblem{"项目阶段", "phase", "不是已知的阶段", "is not a known phase"})
	}
	if !p.Industry.Valid() {
		problems = append(problems, fieldProblem{"主导产业", "industry", "不是已知的产业", "is not a known industry"})
	}
	if p.Investment.Total < 0 || p.Investment.AnnualPlan < 0 || p.Investment.Completed < 0 {
		problems = append(problems, fieldProblem{"投资额", "investment", "不能为负数", "cannot be negative"})
	}
	return invalid("项目", "Project", p.Name, problems)
}

// DisplayName returns the short name when there is one.
func (p Project) DisplayName() string {
	if p.ShortName != "" {
		return p.ShortName
	}
	return p.Name
}

func label[K comparable](m map[K][2]string, k K, lang Lang) string {
	l, ok := m[k]
	if !ok {
		return ""
	}
	if lang == English {
		return l[1]
	}
	return l[0]
}
