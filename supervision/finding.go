package supervision

import (
	"strings"
	"time"
)

// FindingKind separates problems the inspector found from requests the
// company made of the committee (企业诉求); both are tracked to closure.
type FindingKind string

// Finding kinds.
const (
	KindProblem FindingKind = "problem" // 问题
	KindRequest FindingKind = "request" // 企业诉求
)

var findingKindLabels = map[FindingKind][2]string{
	KindProblem: {"问题", "Problem"},
	KindRequest: {"企业诉求", "Company request"},
}

// Label returns the kind's name for people.
func (k FindingKind) Label(lang Lang) string { return label(findingKindLabels, k, lang) }

// Category is the subject of a finding.
type Category string

// Categories, matching the sections of the monthly checklist.
const (
	CategoryProgress   Category = "progress"   // 进度
	CategoryInvestment Category = "investment" // 投资
	CategorySafety     Category = "safety"     // 安全
	CategoryQuality    Category = "quality"    // 质量
	CategoryDust       Category = "dust"       // 扬尘与文明施工
	CategoryPermits    Category = "permits"    // 审批手续
	CategoryFactors    Category = "factors"    // 要素保障（地、电、水、资金、用工）
	CategoryOther      Category = "other"      // 其他
)

var categoryOrder = [...]Category{CategoryProgress, CategoryInvestment, CategorySafety, CategoryQuality, CategoryDust, CategoryPermits, CategoryFactors, CategoryOther}

// Categories returns the categories in display order.
func Categories() []Category { return append([]Category(nil), categoryOrder[:]...) }

var categoryLabels = map[Category][2]string{
	CategoryProgress:   {"工程进度", "Progress"},
	CategoryInvestment: {"投资完成", "Investment"},
	CategorySafety:     {"安全生产", "Safety"},
	CategoryQuality:    {"工程质量", "Quality"},
	CategoryDust:       {"扬尘与文明施工", "Dust and site order"},
	CategoryPermits:    {"审批手续", "Approvals and permits"},
	CategoryFactors:    {"要素保障", "Land, power, water, finance, labour"},
	CategoryOther:      {"其他", "Other"},
}

// Label returns the category's name for people.
func (c Category) Label(lang Lang) string { return label(categoryLabels, c, lang) }

// Valid reports whether c is a known category.
func (c Category) Valid() bool { _, ok := categoryLabels[c]; return ok }

// Severity ranks findings for the meeting agenda.
type Severity string

// Severities.
const (
	SeverityMinor   Severity = "minor"   // 一般
	SeverityMajor   Severity = "major"   // 较大
	SeveritySerious Severity = "serious" // 重大
)

var severityOrder = [...]Severity{SeverityMinor, SeverityMajor, SeveritySerious}

// Severities returns the severities from least to most serious.
func Severities() []Severity { return append([]Severity(nil), severityOrder[:]...) }

var severityLabels = map[Severity][2]string{
	SeverityMinor:   {"一般", "Minor"},
	SeverityMajor:   {"较大", "Major"},
	SeveritySerious: {"重大", "Serious"},
}

// Label returns the severity's name for people.
func (s Severity) Label(lang Lang) string { return label(severityLabels, s, lang) }

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool { _, ok := severityLabels[s]; return ok }

// Status is where a finding stands in its rectification (整改).
type Status string

// Statuses. A finding is closed (销号) by a leader only after someone
// verified the fix on site (核验); see CheckMove.
const (
	StatusOpen       Status = "open"        // 待整改
	StatusInProgress Status = "in_progress" // 整改中
	StatusFixed      Status = "fixed"       // 待核验: fixed, awaiting verification
	StatusVerified   Status = "verified"    // 待销号: verified on site, awaiting a leader's closing
	StatusClosed     Status = "closed"      // 已销号
	StatusWithdrawn  Status = "withdrawn"   // 已撤销
)

var statusOrder = [...]Status{StatusOpen, StatusInProgress, StatusFixed, StatusVerified, StatusClosed, StatusWithdrawn}

// Statuses returns the statuses in workflow order.
func Statuses() []Status { return append([]Status(nil), statusOrder[:]...) }

var statusLabels = map[Status][2]string{
	StatusOpen:       {"待整改", "Open"},
	StatusInProgress: {"整改中", "In progress"},
	StatusFixed:      {"待核验", "Awaiting verification"},
	StatusVerified:   {"待销号", "Verified, awaiting closing"},
	StatusClosed:     {"已销号", "Closed"},
	StatusWithdrawn:  {"已撤销", "Withdrawn"},
}

// Label returns the status's name for people.
func (s Status) Label(lang Lang) string { return label(statusLabels, s, lang) }

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := statusLabels[s]; return ok }

// Active reports whether the finding still needs work, verification or
// closing.
func (s Status) Active() bool {
	return s == StatusOpen || s == StatusInProgress || s == StatusFixed || s == StatusVerified
}

// Rectifying reports whether the responsible unit still has to act; only
// such findings can be overdue.
func (s Status) Rectifying() bool { return s == StatusOpen || s == StatusInProgress }

// transitions lists the moves the workflow allows, whoever makes them (see
// leaderMoves for who). Verification may fail, which sends a fixed finding
// back to rectification, and a leader may send a verified one back too;
// closed and withdrawn are final so that the record of a closure can be
// trusted.
var transitions = map[Status][]Status{
	StatusOpen:       {StatusInProgress, StatusFixed, StatusWithdrawn},
	StatusInProgress: {StatusFixed, StatusWithdrawn},
	StatusFixed:      {StatusVerified, StatusClosed, StatusInProgress},
	StatusVerified:   {StatusClosed, StatusInProgress},
	StatusClosed:     nil,
	StatusWithdrawn:  nil,
}

// NextStatuses returns the statuses a finding in s may move to, for anyone;
// MovesFor narrows them to what one role may do.
func NextStatuses(s Status) []Status { return append([]Status(nil), transitions[s]...) }

// CanMove reports whether the workflow allows from → to.
func CanMove(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// Note is a remark added to a finding. Notes are append-only: several people
// may add notes offline and all of them are kept.
type Note struct {
	ID     string    `json:"id"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Text   string    `json:"text"`
	Photos []string  `json:"photos,omitempty"`
}

// StatusChange records one move of the workflow. The history is never
// rewritten; it is what a leader reads before signing off a closure.
type StatusChange struct {
	// ID is made where the move was made, so the portal recognises the
	// move when a laptop sends its history again after the portal stamped it.
	ID string `json:"id,omitempty"`
	// At is when the move was made, as the laptop says (the portal keeps
	// it between the finding's creation and the move's arrival); period
	// figures count by it.
	At time.Time `json:"at"`
	// ReceivedAt is when the portal received the move; zero until then.
	ReceivedAt time.Time `json:"received_at,omitzero"`
	By         string    `json:"by"`
	From       Status    `json:"from"`
	To         Status    `json:"to"`
	Note       string    `json:"note,omitempty"`
	Evidence   []string  `json:"evidence,omitempty"`
	// VisitID names the visit during which the change was made, if any.
	VisitID string `json:"inspection_id,omitempty"`
	// Deadline, on a 再次督办 (re-dispatch), is the new deadline it set, and
	// PreviousDeadline the one it replaced; the status stays as it was
	// (From == To). See Finding.Redispatch.
	Deadline         Date `json:"deadline,omitempty"`
	PreviousDeadline Date `json:"previous_deadline,omitempty"`
}

// IsRedispatch reports whether the change is a 再次督办 rather than a
// move of the status.
func (c StatusChange) IsRedispatch() bool { return c.Deadline != "" }

// Finding is a problem found on a visit, or a company request, tracked
// until it is verified and closed (销号) or withdrawn.
type Finding struct {
	ID              string      `json:"id"`
	ProjectID       string      `json:"project_id"`
	VisitID         string      `json:"inspection_id,omitempty"`
	ItemKey         string      `json:"item_key,omitempty"`
	Kind            FindingKind `json:"kind"`
	Category        Category    `json:"category"`
	Severity        Severity    `json:"severity"`
	Description     string      `json:"description"`
	ResponsibleUnit string      `json:"responsible_unit"`
	Deadline        Date        `json:"deadline"`
	Status          Status      `json:"status"`
	// PhotosBefore show the problem; PhotosAfter show the rectification.
	PhotosBefore []string       `json:"photos_before,omitempty"`
	PhotosAfter  []string       `json:"photos_after,omitempty"`
	Notes        []Note         `json:"notes,omitempty"`
	History      []StatusChange `json:"history,omitempty"`
	CreatedAt    time.Time      `json:"created_at"`
	CreatedBy    string         `json:"created_by"`
	UpdatedAt    time.Time      `json:"updated_at"`
	// VerifiedBy names who recorded the current verification (核验): the
	// inspector whose check sent it to 待销号, or the leader who verified
	// and closed at once. Sending it back clears it.
	VerifiedBy string `json:"verified_by,omitempty"`
	// ClosedAt is when a leader closed it (销号).
	ClosedAt time.Time `json:"closed_at,omitzero"`
	Sample   bool      `json:"sample,omitempty"`
}

// Validate checks what a finding needs before it can be saved.
func (f Finding) Validate() error {
	var problems []fieldProblem
	if f.ID == "" {
		problems = append(problems, fieldProblem{"编号", "id", "不能为空", "is required"})
	}
	if f.ProjectID == "" {
		problems = append(problems, fieldProblem{"所属项目", "project", "不能为空", "is required"})
	}
	if strings.TrimSpace(f.Description) == "" {
		problems = append(problems, fieldProblem{"问题描述", "description", "不能为空", "is required"})
	}
	if strings.TrimSpace(f.ResponsibleUnit) == "" {
		problems = append(problems, fieldProblem{"责任单位", "responsible unit", "不能为空", "is required"})
	}
	if _, ok := f.Deadline.Time(time.UTC); !ok {
		problems = append(problems, fieldProblem{"整改期限", "deadline", "应为日期，例如 2026-03-15", "must be a date such as 2026-03-15"})
	}
	if !f.Category.Valid() {
		problems = append(problems, fieldProblem{"类别", "category", "不是已知的类别", "is not a known category"})
	}
	if !f.Severity.Valid() {
		problems = append(problems, fieldProblem{"严重程度", "severity", "不是已知的等级", "is not a known severity"})
	}
	if !f.Status.Valid() {
		problems = append(problems, fieldProblem{"状态", "status", "不是已知的状态", "is not a known status"})
	}
	return invalid("问题", "Finding", Shorten(f.Description, 20), problems)
}

// Move is one requested workflow step.
type Move struct {
	To   Status
	By   string
	Role Role // of who moves; the zero value acts as an inspector
	Note string
	// Evidence are photo hashes.
	Evidence []string
	VisitID  string
	At       time.Time
	// ID names the move in the history. The laptop's store makes one;
	// generated data may leave it empty.
	ID string
	// Deadline, when set, makes the move a 再次督办: the finding keeps its
	// status (To may be left empty) and gets this new deadline; the old one
	// stays in the history.
	Deadline Date
}

// Apply moves the finding through its workflow, or returns an error saying
// why the move is not allowed: CheckMove's (the workflow and who may make
// the move), or an EInvalid one for what the move lacks — reporting a fix
// needs evidence (a note or a photo), a verification needs who verified and
// evidence, closing needs who closes (and evidence when it is also the
// verification), sending back and withdrawing need a reason.
func (f *Finding) Apply(m Move) error {
	if m.Deadline != "" {
		return f.redispatch(m)
	}
	if err := f.CheckMove(m.To, m.Role); err != nil {
		return err
	}
	hasEvidence := strings.TrimSpace(m.Note) != "" || len(m.Evidence) > 0
	verifies := m.To == StatusVerified || (m.To == StatusClosed && f.Status == StatusFixed)
	switch {
	case m.To == StatusFixed && !hasEvidence:
		return Coded(EInvalid, "supervision.to_report_the_finding_fixed_add")
	case verifies && strings.TrimSpace(m.By) == "":
		return Coded(EInvalid, "supervision.a_verification_needs_the_name_of")
	case verifies && !hasEvidence:
		return Coded(EInvalid, "supervision.to_record_a_verification_add_a")
	case m.To == StatusClosed && strings.TrimSpace(m.By) == "":
		return Coded(EInvalid, "supervision.closing_a_finding_needs_the_name")
	case m.To == StatusInProgress && (f.Status == StatusFixed || f.Status == StatusVerified) && strings.TrimSpace(m.Note) == "":
		return Coded(EInvalid, "supervision.sending_a_finding_back_to_rectification")
	case m.To == StatusWithdrawn && strings.TrimSpace(m.Note) == "":
		return Coded(EInvalid, "supervision.withdrawing_a_finding_needs_a_reason")
	}
	f.History = append(f.History, StatusChange{
		ID: m.ID, At: m.At, By: m.By, From: f.Status, To: m.To, Note: m.Note,
		Evidence: append([]string(nil), m.Evidence...), VisitID: m.VisitID,
	})
	switch m.To {
	case StatusFixed:
		f.PhotosAfter = appendNew(f.PhotosAfter, m.Evidence...)
	case StatusVerified:
		f.VerifiedBy = m.By
		f.PhotosAfter = appendNew(f.PhotosAfter, m.Evidence...)
	case StatusClosed:
		if verifies {
			f.VerifiedBy = m.By
		}
		f.ClosedAt = m.At
		f.PhotosAfter = appendNew(f.PhotosAfter, m.Evidence...)
	case StatusInProgress:
		// A verification sent back no longer vouches for the finding.
		f.VerifiedBy = ""
	}
	f.Status = m.To
	f.UpdatedAt = m.At
	return nil
}

// AddNote appends a note; notes are never edited or removed.
func (f *Finding) AddNote(n Note) error {
	if strings.TrimSpace(n.Text) == "" && len(n.Photos) == 0 {
		return Coded(EInvalid, "supervision.the_note_is_empty")
	}
	f.Notes = append(f.Notes, n)
	if n.At.After(f.UpdatedAt) {
		f.UpdatedAt = n.At
	}
	return nil
}

// Overdue reports whether the deadline has passed while the responsible unit
// still has to act. A deadline is met on its own day.
func (f Finding) Overdue(now time.Time) bool { return f.DaysLate(now) > 0 }

// DaysLate returns how many whole days past the deadline a finding still
// being rectified is, or 0.
func (f Finding) DaysLate(now time.Time) int {
	if !f.Status.Rectifying() {
		return 0
	}
	return DaysLate(f.Deadline, now)
}

// DaysLate returns the whole days from the deadline's day to now's day, or 0
// when the deadline has not passed or is not set.
func DaysLate(deadline Date, now time.Time) int {
	d, ok := deadline.Time(now.Location())
	if !ok {
		return 0
	}
	today := midnight(now)
	if !today.After(d) {
		return 0
	}
	return daysBetween(d, today)
}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if !contains(list, it) {
			list = append(list, it)
		}
	}
	return list
}

// Shorten cuts s to n characters with an ellipsis, its runs of white space
// (line breaks too) folded into one space, so that a long description fits
// a message, a list line or a document's sentence.
func Shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Without returns list without s, in a new slice (nil when nothing is
// left): the old one may be shared with a record being saved.
func Without(list []string, s string) []string {
	var out []string
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// redispatch records a 再次督办: the finding stays where it is and gets a
// new, later deadline; the history keeps the old one.
func (f *Finding) redispatch(m Move) error {
	if err := f.CheckRedispatch(m.Role); err != nil {
		return err
	}
	if m.To != "" && m.To != f.Status {
		return Coded(EInvalid, "supervision.a_re_dispatch_does_not_change")
	}
	if _, ok := m.Deadline.Time(time.UTC); !ok {
		return Coded(EInvalid, "supervision.the_new_deadline_must_be_a")
	}
	if m.Deadline <= f.Deadline {
		return Coded(EInvalid, "supervision.the_new_deadline_must_be_later", string(f.Deadline))
	}
	if strings.TrimSpace(m.By) == "" {
		return Coded(EInvalid, "supervision.a_re_dispatch_needs_the_name")
	}
	f.History = append(f.History, StatusChange{
		ID: m.ID, At: m.At, By: m.By, From: f.Status, To: f.Status, Note: m.Note,
		Evidence: append([]string(nil), m.Evidence...), VisitID: m.VisitID,
		Deadline: m.Deadline, PreviousDeadline: f.Deadline,
	})
	f.Deadline = m.Deadline
	f.UpdatedAt = m.At
	return nil
}

// DeadlineAt is the deadline the finding had at t: a re-dispatch made
// after t had not yet moved it, so a document as of t prints the deadline
// that was current then.
func (f Finding) DeadlineAt(t time.Time) Date {
	d := f.Deadline
	for i := len(f.History) - 1; i >= 0; i-- {
		c := f.History[i]
		if c.IsRedispatch() && c.At.After(t) {
			d = c.PreviousDeadline
		}
	}
	return d
}
