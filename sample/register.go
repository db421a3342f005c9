// Package sample provides fieldbrief's built-in sample data (示例数据): the
// register of the 20 key projects of the Western (Chongqing) Science City and
// the monthly checklist, both shipped as JSON in assets/sample, and a
// generator that invents years of plausible supervision history on top of
// them.
//
// The history exists so that a newcomer sees a working dashboard and real
// briefs at once, and so that storage and report benchmarks run against a
// store of realistic shape and size (the "five-year store": 20 projects × 60
// monthly visits × ~40 answers, ~3,000 findings). Every record it returns is
// marked Sample, which the UI shows as 示例数据.
//
// The register lists each project's participating units in a fixed order —
// owner (建设单位) first, then the main contractor (施工总承包) and the
// supervision firm (监理) where there are any — so the generator can send a
// site problem to the contractor and a permit problem to the owner.
package sample

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"slices"

	"fieldbrief/assets"
	"fieldbrief/supervision"
	"fieldbrief/translate"
)

// Register reads the sample project register and every version of the
// checklist templates from the embedded assets, checking each with its
// Validate method. Templates come back ordered by id, then version.
func Register() ([]supervision.Project, []supervision.Template, error) {
	return register(assets.Sample())
}

// register does the work of Register on any folder, so tests can feed it
// broken files.
func register(fsys fs.FS) ([]supervision.Project, []supervision.Template, error) {
	var projects []supervision.Project
	if err := decode(fsys, "projects.json", &projects); err != nil {
		return nil, nil, err
	}
	names, err := fs.Glob(fsys, "template-*.json")
	if err != nil {
		return nil, nil, broken("template-*.json", err)
	}
	var templates []supervision.Template
	for _, name := range names {
		var t supervision.Template
		if err := decode(fsys, name, &t); err != nil {
			return nil, nil, err
		}
		if err := t.Validate(); err != nil {
			return nil, nil, broken(name, err)
		}
		templates = append(templates, t)
	}
	slices.SortFunc(templates, func(a, b supervision.Template) int {
		if a.ID != b.ID {
			if a.ID < b.ID {
				return -1
			}
			return 1
		}
		return a.Version - b.Version
	})
	for i := 1; i < len(templates); i++ {
		if templates[i].ID == templates[i-1].ID && templates[i].Version == templates[i-1].Version {
			return nil, nil, broken("template-*.json", fmt.Errorf("template %s version %d appears twice", templates[i].ID, templates[i].Version))
		}
	}
	seen := map[string]bool{}
	for _, p := range projects {
		if err := p.Validate(); err != nil {
			return nil, nil, broken("projects.json", err)
		}
		if seen[p.ID] {
			return nil, nil, broken("projects.json", fmt.Errorf("project id %s appears twice", p.ID))
		}
		seen[p.ID] = true
		if !slices.ContainsFunc(templates, func(t supervision.Template) bool { return t.ID == p.TemplateID }) {
			return nil, nil, broken("projects.json", fmt.Errorf("project %s uses template %q, which is not shipped", p.ID, p.TemplateID))
		}
	}
	if len(projects) == 0 {
		return nil, nil, broken("projects.json", fmt.Errorf("no projects"))
	}
	return projects, templates, nil
}

// decode reads one JSON file strictly: an unknown field is a typo in the
// shipped data that would otherwise vanish silently.
func decode(fsys fs.FS, name string, v any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return broken(name, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return broken(name, err)
	}
	return nil
}

// broken reports shipped data that cannot be used. It is a fault of the
// build, not of anything the user did, hence EInternal.
func broken(name string, cause error) error {
	name = path.Base(name)
	return translate.Wrap(cause, supervision.EInternal, "sample.error.damaged", name)
}
