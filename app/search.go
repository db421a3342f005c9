package app

import (
	"fieldbrief/pinyinsearch"
	sv "fieldbrief/supervision"
)

// projectIndex holds, for each project by ID, the texts a search box looks
// in, prepared once when the projects load rather than on every key press.
type projectIndex map[string][]pinyinsearch.Text

// indexProjects prepares the texts fields gives for each project.
func indexProjects(rows []sv.ProjectStatus, fields func(sv.Project) []string) projectIndex {
	ix := make(projectIndex, len(rows))
	for _, r := range rows {
		for _, f := range fields(r.Project) {
			ix[r.Project.ID] = append(ix[r.Project.ID], pinyinsearch.Prepare(f))
		}
	}
	return ix
}

// matches reports whether the query finds any of the project's texts (its
// names, its code), in Chinese or in pinyin (full, initials, or mixed).
func (ix projectIndex) matches(id, query string) bool {
	for _, text := range ix[id] {
		if text.Matches(query) {
			return true
		}
	}
	return false
}
