package spreadsheet

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	sv "fieldbrief/supervision"
)

// FieldChange is one field of a project that an import changes.
type FieldChange struct {
	FieldZh string `json:"field_zh"`
	FieldEn string `json:"field_en"`
	Old     string `json:"old"`
	New     string `json:"new"`
}

// ProjectChange is a project an import adds, changes or archives.
type ProjectChange struct {
	ID     string        `json:"id"`
	Name   string        `json:"name"`
	Row    int           `json:"row,omitempty"`
	Fields []FieldChange `json:"fields,omitempty"`
}

// RegisterPlan is what importing a register file does to the register.
type RegisterPlan struct {
	Added     []ProjectChange `json:"added"`
	Changed   []ProjectChange `json:"changed"`
	Archived  []ProjectChange `json:"archived"`
	Unchanged int             `json:"unchanged"`
	Ignored   []string        `json:"ignored_columns,omitempty"`
	Unit      string          `json:"unit,omitempty"`
	// Projects are the records to store: the added, changed and archived.
	Projects []sv.Project `json:"-"`
}

// PlanRegister works out how the file changes the register current: a
// row is matched to a project by id (when the file has that column), by
// name, then by short name; a row matching none is a new project, given
// an id by newID and the template most projects use. Fields the file has
// no column for are kept; milestones are replaced only when the file has
// a milestone sheet. A project missing from the file is archived, never
// deleted: visits and findings name it. Every problem is returned
// together, and then no plan.
func PlanRegister(rf *RegisterFile, current []sv.Project, newID func() string) (RegisterPlan, error) {
	plan := RegisterPlan{Ignored: rf.Ignored, Unit: rf.Unit}
	byID, byName, byShort := map[string]int{}, map[string]int{}, map[string]int{}
	for i, p := range current {
		byID[p.ID] = i
		byName[key(p.Name)] = i
		if p.ShortName != "" {
			if _, clash := byShort[key(p.ShortName)]; !clash {
				byShort[key(p.ShortName)] = i
			}
		}
	}
	template := commonTemplate(current)
	var ps Problems
	matched := map[int]int{} // index in current → file row
	type result struct {
		row  RegisterRow
		old  *sv.Project
		next sv.Project
	}
	var results []result
	fileNames := map[string]int{} // name and short name as written → result index
	for _, row := range rf.Rows {
		idx, found := -1, false
		if rf.has[rID] && row.ID != "" {
			idx, found = lookup(byID, row.ID)
		}
		if !found {
			idx, found = lookup(byName, key(row.Name))
		}
		if !found && row.ShortName != "" {
			idx, found = lookup(byShort, key(row.ShortName))
		}
		if !found && !rf.has[rShort] {
			// A file without a short-name column may still name a
			// project by it.
			idx, found = lookup(byShort, key(row.Name))
		}
		var next sv.Project
		var old *sv.Project
		if found {
			if prev, dup := matched[idx]; dup {
				ps = append(ps, Problem{Sheet: row.Sheet, Row: row.Row, Zh: fmt.Sprintf("与第 %d 行是同一个项目（%s）。", prev, current[idx].Name),
					En: fmt.Sprintf("this is the same project as row %d (%s).", prev, current[idx].Name)})
				continue
			}
			matched[idx] = row.Row
			o := current[idx]
			old = &o
			next = cloneProject(o)
		} else {
			next = sv.Project{ID: row.ID, Light: sv.LightNormal, TemplateID: template}
			if next.ID == "" {
				next.ID = newID()
			} else if _, taken := byID[next.ID]; taken {
				next.ID = newID()
			}
		}
		rf.apply(&next, row)
		next.Archived = false
		if err := next.Validate(); err != nil {
			ps = append(ps, Problem{Sheet: row.Sheet, Row: row.Row, Zh: sv.ErrorMessage(err, sv.Chinese), En: sv.ErrorMessage(err, sv.English)})
			continue
		}
		fileNames[key(row.Name)] = len(results)
		if row.ShortName != "" {
			fileNames[key(row.ShortName)] = len(results)
		}
		fileNames[key(next.ID)] = len(results)
		if old != nil {
			fileNames[key(old.Name)] = len(results)
			if old.ShortName != "" {
				fileNames[key(old.ShortName)] = len(results)
			}
		}
		results = append(results, result{row: row, old: old, next: next})
	}
	if rf.HasMilestones {
		lists := make([][]sv.Milestone, len(results))
		for _, m := range rf.Milestones {
			i, ok := fileNames[key(m.Project)]
			if !ok {
				ps = append(ps, Problem{Sheet: m.Sheet, Row: m.Row, Zh: fmt.Sprintf("项目“%s”不在项目表中。", m.Project),
					En: fmt.Sprintf("the project “%s” is not in the project sheet.", m.Project)})
				continue
			}
			lists[i] = append(lists[i], m.Milestone)
		}
		for i := range results {
			results[i].next.Milestones = lists[i]
		}
	}
	if len(ps) > 0 {
		return RegisterPlan{}, ps
	}
	for _, r := range results {
		if r.old == nil {
			plan.Added = append(plan.Added, ProjectChange{ID: r.next.ID, Name: r.next.Name, Row: r.row.Row})
			plan.Projects = append(plan.Projects, r.next)
			continue
		}
		if d := diffProject(*r.old, r.next); len(d) > 0 {
			plan.Changed = append(plan.Changed, ProjectChange{ID: r.next.ID, Name: r.next.Name, Row: r.row.Row, Fields: d})
			plan.Projects = append(plan.Projects, r.next)
		} else {
			plan.Unchanged++
		}
	}
	for i, p := range current {
		if _, ok := matched[i]; ok || p.Archived {
			continue
		}
		a := cloneProject(p)
		a.Archived = true
		plan.Archived = append(plan.Archived, ProjectChange{ID: p.ID, Name: p.Name})
		plan.Projects = append(plan.Projects, a)
	}
	return plan, nil
}

// apply writes the file's fields into p.
func (rf *RegisterFile) apply(p *sv.Project, row RegisterRow) {
	set := func(f regField, dst *string, v string) {
		if rf.has[f] {
			*dst = v
		}
	}
	set(rName, &p.Name, row.Name)
	set(rShort, &p.ShortName, row.ShortName)
	set(rLeader, &p.Leader, row.Leader)
	set(rDept, &p.LeadDepartment, row.Department)
	set(rAddress, &p.Address, row.Address)
	if rf.has[rIndustry] {
		p.Industry = row.Industry
	}
	if rf.has[rPhase] {
		p.Phase = row.Phase
	}
	if rf.has[rTotal] {
		p.Investment.Total = row.Investment.Total
	}
	if rf.has[rPlan] {
		p.Investment.AnnualPlan = row.Investment.AnnualPlan
	}
	if rf.has[rCompleted] {
		p.Investment.Completed = row.Investment.Completed
	}
	if rf.has[rAsOf] {
		p.Investment.AsOf = row.Investment.AsOf
	}
	if rf.has[rStart] {
		p.PlannedStart = row.Start
	}
	if rf.has[rFinish] {
		p.PlannedFinish = row.Finish
	}
	// The owner and the main contractor are the first two participating
	// units (see package sample); the others are kept.
	if rf.has[rOwner] {
		setUnit(p, 0, row.Owner)
		setRole(p, row.Owner, sv.UnitOwner)
	}
	if rf.has[rContractor] {
		setUnit(p, 1, row.Contractor)
		setRole(p, row.Contractor, sv.UnitContractor)
	}
}

// setRole records what the register's owner or contractor column says a
// unit is (see sv.Project.UnitRoles), unless the unit already has a role:
// the register's columns are positions in the list of units, a role set
// on the unit itself says more.
func setRole(p *sv.Project, unit string, r sv.UnitRole) {
	if unit == "" || p.UnitRoles[unit] != "" {
		return
	}
	if p.UnitRoles == nil {
		p.UnitRoles = map[string]sv.UnitRole{}
	}
	p.UnitRoles[unit] = r
}

func setUnit(p *sv.Project, i int, v string) {
	if v == "" && i >= len(p.ParticipatingUnits) {
		return
	}
	for len(p.ParticipatingUnits) <= i {
		p.ParticipatingUnits = append(p.ParticipatingUnits, "")
	}
	p.ParticipatingUnits[i] = v
	for len(p.ParticipatingUnits) > 0 && p.ParticipatingUnits[len(p.ParticipatingUnits)-1] == "" {
		p.ParticipatingUnits = p.ParticipatingUnits[:len(p.ParticipatingUnits)-1]
	}
}

func lookup(m map[string]int, k string) (int, bool) {
	i, ok := m[k]
	return i, ok
}

// key is how names are compared: half-width, without spaces.
func key(s string) string {
	return strings.Join(strings.Fields(halfWidth(s)), "")
}

func cloneProject(p sv.Project) sv.Project {
	p.ParticipatingUnits = slices.Clone(p.ParticipatingUnits)
	p.UnitRoles = maps.Clone(p.UnitRoles)
	p.Milestones = slices.Clone(p.Milestones)
	p.Contacts = slices.Clone(p.Contacts)
	return p
}

func commonTemplate(ps []sv.Project) string {
	count := map[string]int{}
	best := "monthly"
	for _, p := range ps {
		count[p.TemplateID]++
		if p.TemplateID != "" && count[p.TemplateID] > count[best] {
			best = p.TemplateID
		}
	}
	return best
}

var projectFields = []struct {
	zh, en string
	get    func(sv.Project) string
}{
	{"项目名称", "name", func(p sv.Project) string { return p.Name }},
	{"项目简称", "short name", func(p sv.Project) string { return p.ShortName }},
	{"项目长", "leader", func(p sv.Project) string { return p.Leader }},
	{"牵头单位", "lead department", func(p sv.Project) string { return p.LeadDepartment }},
	{"参建单位", "participating units", func(p sv.Project) string { return strings.Join(p.ParticipatingUnits, "、") }},
	{"所属产业", "industry", func(p sv.Project) string { return p.Industry.Label(sv.Chinese) }},
	{"建设阶段", "phase", func(p sv.Project) string { return p.Phase.Label(sv.Chinese) }},
	{"总投资（万元）", "total investment", func(p sv.Project) string { return trimFloat(p.Investment.Total) }},
	{"年度计划投资（万元）", "annual plan", func(p sv.Project) string { return trimFloat(p.Investment.AnnualPlan) }},
	{"本年完成投资（万元）", "completed this year", func(p sv.Project) string { return trimFloat(p.Investment.Completed) }},
	{"数据截至", "as of", func(p sv.Project) string { return string(p.Investment.AsOf) }},
	{"开工时间", "planned start", func(p sv.Project) string { return string(p.PlannedStart) }},
	{"计划竣工时间", "planned finish", func(p sv.Project) string { return string(p.PlannedFinish) }},
	{"建设地点", "location", func(p sv.Project) string { return p.Address }},
	{"节点计划", "milestones", func(p sv.Project) string {
		var out []string
		for _, m := range p.Milestones {
			s := m.Name + " " + string(m.Planned)
			if m.Actual != "" {
				s += "（实际 " + string(m.Actual) + "）"
			}
			out = append(out, s)
		}
		return strings.Join(out, "；")
	}},
	{"已归档", "archived", func(p sv.Project) string {
		if p.Archived {
			return "是"
		}
		return "否"
	}},
}

func diffProject(old, next sv.Project) []FieldChange {
	var out []FieldChange
	for _, f := range projectFields {
		if a, b := f.get(old), f.get(next); a != b {
			out = append(out, FieldChange{FieldZh: f.zh, FieldEn: f.en, Old: a, New: b})
		}
	}
	return out
}
