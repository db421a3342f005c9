package supervision

import (
	"strings"
	"time"
)

// VisitStatus is the state of a visit record.
type VisitStatus string

// A visit is a draft until it is submitted; a submitted visit never changes.
const (
	Draft     VisitStatus = "draft"     // 草稿
	Submitted VisitStatus = "submitted" // 已提交
)

var visitStatusLabels = map[VisitStatus][2]string{
	Draft:     {"草稿", "Draft"},
	Submitted: {"已提交", "Submitted"},
}

// Label returns the status's name for people.
func (s VisitStatus) Label(lang Lang) string { return label(visitStatusLabels, s, lang) }

// Visit is one on-site supervision visit (督查) to a project.
type Visit struct {
	ID              string `json:"id"`
	ProjectID       string `json:"project_id"`
	TemplateID      string `json:"template_id"`
	TemplateVersion int    `json:"template_version"`
	// Replaces names the submitted visit this one corrects (an amendment);
	// the original is kept unchanged.
	Replaces           string            `json:"replaces,omitempty"`
	Inspectors         []string          `json:"inspectors"`
	DepartmentsPresent []string          `json:"departments_present,omitempty"`
	Weather            string            `json:"weather,omitempty"`
	StartedAt          time.Time         `json:"started_at"`
	FinishedAt         time.Time         `json:"finished_at,omitzero"`
	Status             VisitStatus       `json:"status"`
	Summary            string            `json:"summary,omitempty"`
	Answers            map[string]Answer `json:"answers,omitempty"`
	// Photos are the hashes of photos attached to the visit as a whole.
	Photos []string `json:"photos,omitempty"`
	Sample bool     `json:"sample,omitempty"`
}

// NewVisit starts a draft visit of project with the given template version.
func NewVisit(id string, project Project, t Template, inspectors []string, at time.Time) Visit {
	return Visit{
		ID: id, ProjectID: project.ID, TemplateID: t.ID, TemplateVersion: t.Version,
		Inspectors: inspectors, StartedAt: at, Status: Draft, Answers: map[string]Answer{},
	}
}

// Editable reports whether answers may still change.
func (in Visit) Editable() bool { return in.Status == Draft }

// SetAnswer checks a and records it, replacing an earlier answer to the same item.
func (in *Visit) SetAnswer(t Template, a Answer) error {
	if !in.Editable() {
		return errSubmitted()
	}
	it, ok := t.Item(a.ItemKey)
	if !ok {
		return Coded(ENotFound, "supervision.the_checklist_has_no_item", a.ItemKey)
	}
	if err := it.Check(a); err != nil {
		return err
	}
	if in.Answers == nil {
		in.Answers = map[string]Answer{}
	}
	in.Answers[a.ItemKey] = a
	return nil
}

// Progress returns how many items have an answer, and how many there are.
func (in Visit) Progress(t Template) (answered, total int) {
	for _, it := range t.Items() {
		total++
		if a, ok := in.Answers[it.Key]; ok && a.IsAnswered(it.Kind) {
			answered++
		}
	}
	return answered, total
}

// Gap is something that stops a visit from being submitted.
type Gap struct {
	ItemKey string
	Zh, En  string
}

// Gaps lists what is missing before submission: inspectors, required
// answers and required photos, in checklist order.
func (in Visit) Gaps(t Template) []Gap {
	var gaps []Gap
	if len(nonEmpty(in.Inspectors)) == 0 {
		gaps = append(gaps, Gap{Zh: "请填写督查人员。", En: "Enter who carried out the visit."})
	}
	for _, it := range t.Items() {
		a, ok := in.Answers[it.Key]
		answered := ok && a.IsAnswered(it.Kind)
		if it.Required && !answered {
			gaps = append(gaps, Gap{ItemKey: it.Key, Zh: "必答项未填写：" + it.Title, En: "Required item not answered: " + it.DisplayTitle(English)})
		}
		if it.PhotoRequired && (!ok || len(a.Photos) == 0) && !(answered && a.Verdict == NotApplicable) {
			gaps = append(gaps, Gap{ItemKey: it.Key, Zh: "需要照片：" + it.Title, En: "Photo required: " + it.DisplayTitle(English)})
		}
	}
	blocking, _ := in.CheckFigures(t, nil)
	return append(gaps, blocking...)
}

// Submit makes the visit final after checking it is complete. A submitted
// visit cannot be edited; a correction is an amendment (see Amend).
func (in *Visit) Submit(t Template, at time.Time) error {
	if !in.Editable() {
		return errSubmitted()
	}
	if gaps := in.Gaps(t); len(gaps) > 0 {
		zh := make([]string, len(gaps))
		en := make([]string, len(gaps))
		for i, g := range gaps {
			zh[i], en[i] = g.Zh, g.En
		}
		return &Error{Code: EInvalid,
			Zh: "还不能提交，请先补全：\n" + strings.Join(zh, "\n"),
			En: "Not ready to submit. Still missing:\n" + strings.Join(en, "\n")}
	}
	in.Status = Submitted
	in.FinishedAt = at
	return nil
}

// Amend starts a draft correction of a submitted visit: a copy with a new id
// that names the original, which stays as it was. The visit keeps its
// original start time: the amendment corrects the record of that day.
func (in Visit) Amend(newID string) (Visit, error) {
	if in.Status != Submitted {
		return Visit{}, Coded(EConflict, "supervision.a_draft_can_be_edited_directly")
	}
	c := in
	c.ID = newID
	c.Replaces = in.ID
	c.Status = Draft
	c.FinishedAt = time.Time{}
	c.Sample = false
	c.Answers = make(map[string]Answer, len(in.Answers))
	for k, v := range in.Answers {
		c.Answers[k] = v
	}
	c.Inspectors = append([]string(nil), in.Inspectors...)
	c.DepartmentsPresent = append([]string(nil), in.DepartmentsPresent...)
	c.Photos = append([]string(nil), in.Photos...)
	return c, nil
}

// FindingFromFail prefills a finding for a failed item, for the inspector to
// complete, with NewFinding's usual deadline.
func FindingFromFail(id string, in Visit, it Item, a Answer, by string, at time.Time) Finding {
	f := NewFinding(id, in.ProjectID, in.ID, KindProblem, by, at)
	f.ItemKey = it.Key
	f.Description = it.Title
	if strings.TrimSpace(a.Note) != "" {
		f.Description += "：" + a.Note
	}
	if it.FindingCategory.Valid() {
		f.Category = it.FindingCategory
	}
	f.PhotosBefore = append([]string(nil), a.Photos...)
	return f
}

func errSubmitted() error {
	return Coded(EConflict, "supervision.this_visit_has_been_submitted_and")
}

func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}
