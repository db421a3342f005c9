package supervision

import "slices"

// UnitRole is what a unit is to a project.
type UnitRole string

// Unit roles. RoleLeadDepartment is the committee's department that leads
// the project (Project.LeadDepartment), not one of the participating units.
const (
	UnitOwner          UnitRole = "owner"      // 业主（建设单位）
	UnitContractor     UnitRole = "contractor" // 施工单位
	UnitSupervisor     UnitRole = "supervisor" // 监理单位
	UnitLeadDepartment UnitRole = "lead"       // 牵头部门
)

// Valid reports whether r is a known role.
func (r UnitRole) Valid() bool {
	switch r {
	case UnitOwner, UnitContractor, UnitSupervisor, UnitLeadDepartment:
		return true
	}
	return false
}

// RoleOf says what a unit is to the project; "" when it has no role.
func (p Project) RoleOf(unit string) UnitRole {
	if unit != "" && unit == p.LeadDepartment {
		return UnitLeadDepartment
	}
	return p.UnitRoles[unit]
}

// UnitFor returns the project's unit with the given role, the first
// listed when several have it, and the lead department when none does:
// the committee's department then answers for the project.
func (p Project) UnitFor(role UnitRole) string {
	if role != UnitLeadDepartment && role != "" {
		for _, u := range p.ParticipatingUnits {
			if p.UnitRoles[u] == role {
				return u
			}
		}
	}
	return p.LeadDepartment
}

// Units lists the project's units in the order a finding's responsible
// unit is offered: contractor, owner, supervisor, the lead department,
// then the others as listed.
func (p Project) Units() []string {
	order := []UnitRole{UnitContractor, UnitOwner, UnitSupervisor}
	var out []string
	for _, r := range order {
		for _, u := range p.ParticipatingUnits {
			if p.UnitRoles[u] == r && !slices.Contains(out, u) {
				out = append(out, u)
			}
		}
	}
	if p.LeadDepartment != "" && !slices.Contains(out, p.LeadDepartment) {
		out = append(out, p.LeadDepartment)
	}
	for _, u := range p.ParticipatingUnits {
		if u != "" && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}
