package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"fieldbrief/supervision"
)

// PhotoSet maps a photo's SHA-256 (its identity in supervision) to what is
// printed for it. The caller fills JPEG with the upright display copy made
// by package photo, or the original with its EXIF orientation; a hash with
// no entry, or with no bytes, prints as a framed "not on this computer".
type PhotoSet map[string]Photo

// VisitInput is everything a visit report (督查报告) prints.
type VisitInput struct {
	Project supervision.Project
	Visit   supervision.Visit
	// Template is the checklist version the visit was made with.
	Template supervision.Template
	// Raised are the findings raised during this visit.
	Raised []supervision.Finding
	// Rechecked are findings from earlier visits that the inspectors
	// checked on this one.
	Rechecked []supervision.Finding
	// Photos holds the bytes of the visit's photos: those of the visit as a
	// whole and those attached to answers.
	Photos PhotoSet
	// Replaced is the visit this one corrects (Visit.Replaces), when
	// it is in the store: the report names it by its day, not its id.
	Replaced supervision.Visit
}

// RecordHash is the hex digits of the visit's supervision.RecordDigest,
// printed on every page of its report so that a printed copy can be
// checked against the data (decision 0034).
func RecordHash(in supervision.Visit) (string, error) {
	return strings.TrimPrefix(supervision.RecordDigest(in), supervision.RecordVersion+":"), nil
}

// Visit writes the report of one supervision visit: project facts, the
// checklist by section with fails highlighted, findings raised and
// re-checked, photo pages, signature lines, and the record's hash.
func Visit(w io.Writer, fonts *Fonts, in VisitInput, opt Options) (Result, error) {
	hash, err := RecordHash(in.Visit)
	if err != nil {
		return Result{}, err
	}
	if opt.Time.IsZero() {
		opt.Time = time.Now()
	}
	l := printLangOf(opt.Lang)
	p, insp := in.Project, in.Visit
	title := l.t("report.title.key_project_site_inspection_report")
	opt.Title = title + " · " + p.DisplayName()
	opt.Header = l.t("report.title.running_visit")
	opt.HeaderRight = p.DisplayName() + " · " + l.date(insp.StartedAt)
	opt.FooterNote = fmt.Sprintf(l.t("report.title.record_hash_generated"), hash[:16], l.clock(opt.Time))
	opt.Subject = fmt.Sprintf(l.t("report.title.inspection_record"), insp.ID) + " · " + l.date(insp.StartedAt)
	opt.Author = l.joinList(insp.Inspectors)
	opt.Keywords = VisitStamp(insp, opt).String()
	opt.Names = append(personNames([]supervision.Project{p}, insp.Inspectors), opt.Names...)
	sealed := &sealWriter{}
	res, err := typeset(sealed, fonts, in, opt, func(d *Doc) {
		l := d.printLang()

		d.Title(title)
		sub := p.Name + " · " + l.date(insp.StartedAt)
		if insp.Status != supervision.Submitted {
			sub += " · " + l.t("report.title.draft_not_submitted")
		}
		d.Subtitle(sub)

		d.Heading(1, l.t("report.heading.1_project"))
		d.Facts(projectFacts(l, p, insp.StartedAt), 2)

		d.Heading(1, l.t("report.heading.2_the_visit"))
		stats := checklistStats(in.Template, insp)
		facts := []Fact{
			{Label: l.t("report.fact.time_of_visit"), Value: l.visitTime(insp)},
			{Label: l.t("report.fact.weather"), Value: l.orMissing(insp.Weather)},
			{Label: l.t("report.fact.inspectors"), Value: l.joinList(insp.Inspectors)},
			{Label: l.t("report.fact.departments_present"), Value: l.joinList(insp.DepartmentsPresent)},
			{Label: l.t("report.fact.checklist"), Value: fmt.Sprintf(l.t("report.fact.version"), templateTitle(l, in.Template), insp.TemplateVersion)},
			{Label: l.t("report.fact.record_status"), Value: insp.Status.Label(l.Lang()), Tone: toneIf(insp.Status != supervision.Submitted, ToneWarn)},
			{Label: l.t("report.fact.results"), Value: fmt.Sprintf(l.t("report.fact.items_answered_pass_fail_not"), stats.total, stats.answered, stats.pass, stats.fail, stats.na), Tone: toneIf(stats.fail > 0, ToneAlert)},
			{Label: l.t("report.fact.findings"), Value: fmt.Sprintf(l.t("report.fact.raised_re_checked"), len(in.Raised), len(in.Rechecked))},
		}
		if insp.Replaces != "" {
			facts = append(facts, Fact{Label: l.t("report.fact.amendment"), Value: l.correctsText(in.Replaced), Tone: ToneWarn})
		}
		d.Facts(facts, 2)
		if strings.TrimSpace(insp.Summary) != "" {
			d.Heading(2, l.t("report.heading.summary"))
			d.Paragraph(insp.Summary)
		}

		d.Heading(1, l.t("report.heading.3_checklist"))
		for si, s := range in.Template.Sections {
			d.Heading(2, fmt.Sprintf("%d. %s", si+1, s.DisplayTitle(l.Lang())))
			var rows []Row
			for ii, it := range s.Items {
				a, ok := insp.Answers[it.Key]
				result, tone := answerText(l, it, a, ok)
				note := a.Note
				if it.Kind == supervision.KindText && len([]rune(result)) > 10 {
					// Long text reads badly in the narrow result column.
					note = strings.TrimSpace(result + "\n" + note)
					result = l.t("report.text.see_remarks")
				}
				if n := len(a.Photos); n > 0 {
					note = strings.TrimSpace(note + " " + l.count("report.unit.photos", n))
				}
				title := it.DisplayTitle(l.Lang())
				if it.Required {
					title += " *"
				}
				rows = append(rows, Row{Cells: []Cell{
					{Text: fmt.Sprintf("%d.%d", si+1, ii+1)},
					{Text: title},
					{Text: result, Tone: tone},
					{Text: note},
				}, Tone: toneIf(tone == ToneAlert, ToneAlert)})
			}
			d.Table(Table{Columns: []Column{
				{Header: l.t("report.col.no"), Weight: 1, Align: AlignCenter, NoWrap: true},
				{Header: l.t("report.col.item"), Weight: 2},
				{Header: l.t("report.col.result"), Weight: 1},
				{Header: l.t("report.col.remarks"), Weight: 1},
			}, Rows: rows, Continued: p.DisplayName()})
		}
		d.Note(l.t("report.text.marks_required_items_red_marks"))

		raised := orderFindings(in.Raised, insp.StartedAt)
		rechecked := orderFindings(in.Rechecked, insp.StartedAt)
		d.Heading(1, l.t("report.heading.4_findings_raised_on_this"))
		d.findingsTable(p.DisplayName(), raised, insp.StartedAt, false)
		d.Heading(1, l.t("report.heading.5_findings_re_checked"))
		d.findingsTable(p.DisplayName(), rechecked, insp.StartedAt, true)

		next := 6
		photos := visitPhotos(l, in, raised)
		if len(photos) > 0 {
			d.PageBreak()
			d.Heading(1, l.t("report.heading.6_photos"))
			d.PhotoGrid(photos, photoCols)
			next++
		}

		// The requirements and the signatures start a page of their own:
		// the page the responsible unit signs and keeps.
		d.PageBreak()
		d.Heading(1, l.sectionNumber(1, next)+l.t("report.heading.rectification"))
		demands := d.rectification(p.DisplayName(), raised, rechecked, insp.StartedAt)
		d.signatures(p.DisplayName()+" · "+l.t("report.heading.rectification"), insp.Inspectors, demands)
		d.Space(4)
		d.Note(fmt.Sprintf(l.t("report.text.generated_by_fieldbrief_on_from"), l.clock(opt.Time), insp.ID, hash))
	})
	if err != nil {
		return res, err
	}
	return res, sealed.writeTo(w)
}

func toneIf(cond bool, t Tone) Tone {
	if cond {
		return t
	}
	return ToneNone
}

// projectFacts are the key facts of a project, for the visit report and
// the per-project pages of the brief and the tour pack.
func projectFacts(l printLang, p supervision.Project, asOf time.Time) []Fact {
	inv := p.Investment
	facts := []Fact{
		{Label: l.t("report.fact.project_name"), Value: p.Name},
		{Label: l.t("report.fact.project_id"), Value: p.ID},
		{Label: l.t("report.fact.industry"), Value: l.orMissing(p.Industry.Label(l.Lang()))},
		{Label: l.t("report.fact.industry_chain"), Value: l.orMissing(p.Chain)},
		{Label: l.t("report.fact.project_leader"), Value: l.orMissing(p.Leader)},
		{Label: l.t("report.fact.lead_department"), Value: l.orMissing(p.LeadDepartment)},
		// 形象进度 beside the phase, on one line in the wide right column.
		// The next milestone stays on the left, then the status: on the
		// right, pdftotext reads the milestone's label after its value.
		{Label: l.t("report.fact.phase"), Value: l.orMissing(p.Phase.Label(l.Lang()))},
		{Label: l.t("report.fact.image_progress"), Value: l.imageProgress(p.ImageProgress)},
		{Label: l.t("report.fact.total_investment"), Value: l.money(inv.Total)},
		{Label: l.t("report.fact.annual_plan"), Value: l.money(inv.AnnualPlan)},
		{Label: l.t("report.fact.completed_this_year"), Value: l.money(inv.Completed) + l.paren(percent(inv.AnnualProgress())) + l.asOfNote(inv)},
		{Label: l.t("report.fact.planned_schedule"), Value: l.span(p.PlannedStart, p.PlannedFinish)},
		{Label: l.t("report.fact.address"), Value: l.orMissing(p.Address)},
		{Label: l.t("report.fact.participating_units"), Value: l.joinList(p.ParticipatingUnits)},
	}
	if next, ok := nextMilestone(p, asOf); ok {
		facts = append(facts, l.milestoneFact(next, asOf))
	}
	facts = append(facts, Fact{Label: l.t("report.fact.status"), Value: l.orMissing(p.Light.Label(l.Lang())), Tone: lightTone(p.Light)})
	if len(facts)%2 == 1 {
		facts = append(facts, Fact{})
	}
	return facts
}

// nextMilestone is the first milestone not reached by the document's
// date: a visit report of July names the milestone then ahead (or late),
// even if the register now records it reached in August.
func nextMilestone(p supervision.Project, asOf time.Time) (supervision.Milestone, bool) {
	on := supervision.DateOf(asOf)
	for _, m := range p.Milestones {
		if done, _ := supervision.MilestoneDue(m, on); !done {
			return m, true
		}
	}
	return supervision.Milestone{}, false
}

func templateTitle(l printLang, t supervision.Template) string {
	if l.Lang() == supervision.English && t.TitleEn != "" {
		return t.TitleEn
	}
	return l.orMissing(t.Title)
}

type stats struct{ total, answered, pass, fail, na int }

func checklistStats(t supervision.Template, in supervision.Visit) stats {
	var s stats
	for _, it := range t.Items() {
		s.total++
		a, ok := in.Answers[it.Key]
		if !ok || !a.IsAnswered(it.Kind) {
			continue
		}
		s.answered++
		if it.Kind == supervision.KindPassFail {
			switch a.Verdict {
			case supervision.Pass:
				s.pass++
			case supervision.Fail:
				s.fail++
			case supervision.NotApplicable:
				s.na++
			}
		} else if it.Check(a) != nil {
			// A number outside its bounds counts as a fail.
			s.fail++
		} else {
			s.pass++
		}
	}
	return s
}

// answerText prints an answer for its item's kind, and whether it is a fail.
func answerText(l printLang, it supervision.Item, a supervision.Answer, ok bool) (string, Tone) {
	if !ok || !a.IsAnswered(it.Kind) {
		return l.t("report.text.not_answered"), ToneMuted
	}
	switch it.Kind {
	case supervision.KindPassFail:
		switch a.Verdict {
		case supervision.Fail:
			return a.Verdict.Label(l.Lang()), ToneAlert
		case supervision.Pass:
			return a.Verdict.Label(l.Lang()), ToneGood
		}
		return a.Verdict.Label(l.Lang()), ToneMuted
	case supervision.KindNumber:
		s := strconv.FormatFloat(*a.Number, 'f', -1, 64) + it.Unit
		if it.Check(a) != nil {
			return s + "\n" + l.t("report.unit.out_of_range"), ToneAlert
		}
		return s, ToneNone
	case supervision.KindText:
		return a.Text, ToneNone
	case supervision.KindSingleChoice, supervision.KindMultiChoice:
		labels := make([]string, len(a.Choices))
		for i, c := range a.Choices {
			labels[i] = it.OptionLabel(c, l.Lang())
		}
		return l.joinList(labels), ToneNone
	case supervision.KindDate:
		return l.day(a.Date), ToneNone
	}
	return l.orMissing(a.Text), ToneNone
}

// orderFindings returns fs as the visit report lists them, with the
// deadlines that stood on the visit day: overdue first, most late first,
// then by deadline. Their places in this order are the numbers (问题1,
// 问题2 …) the tables, the requirements and the photo captions share.
func orderFindings(fs []supervision.Finding, asOf time.Time) []supervision.Finding {
	fs = slices.Clone(fs)
	for i := range fs {
		fs[i].Deadline = fs[i].DeadlineAt(asOf) // a later 再次督办 had not moved it yet
	}
	slices.SortStableFunc(fs, func(a, b supervision.Finding) int {
		if c := b.DaysLate(asOf) - a.DaysLate(asOf); c != 0 {
			return c
		}
		return strings.Compare(string(a.Deadline), string(b.Deadline))
	})
	return fs
}

// findingsTable lists findings with their unit, deadline and status; for
// re-checked findings the status says how late they were on the visit day.
func (d *Doc) findingsTable(name string, fs []supervision.Finding, asOf time.Time, recheck bool) {
	l := d.printLang()
	if len(fs) == 0 {
		d.Paragraph(l.t("report.text.none"))
		return
	}
	fs = orderFindings(fs, asOf)
	var rows []Row
	for i, f := range fs {
		desc := f.Description
		if p := l.latestProgress(f, asOf); recheck && p != "" {
			desc += "\n" + l.t("report.text.latest") + p
		}
		tone := findingTone(f, asOf)
		rows = append(rows, Row{Cells: []Cell{
			{Text: strconv.Itoa(i + 1)},
			{Text: desc},
			{Text: l.categoryText(f)},
			{Text: l.severityText(f)},
			{Text: l.orMissing(f.ResponsibleUnit)},
			{Text: l.day(f.Deadline)},
			{Text: l.statusText(f, asOf), Tone: tone},
		}})
	}
	d.Table(Table{Columns: []Column{
		{Header: l.t("report.col.no"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("report.col.finding"), Weight: 3},
		{Header: l.t("report.col.category"), Weight: 1},
		{Header: l.t("report.brief.severity"), Weight: 1, Align: AlignCenter},
		{Header: l.t("report.col.responsible_unit"), Weight: 1},
		{Header: l.t("report.col.deadline"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("report.fact.status"), Weight: 1, Align: AlignCenter},
	}, Rows: rows, Continued: name})
}

// replyWorkdays is how many working days a responsible unit has to reply
// in writing when the deadline is no guide: the finding is 重大, or the
// deadline had passed by the visit (decision 0039).
const replyWorkdays = 5

// ReplyDue is the 回复时限 of a finding raised or re-checked on a visit:
// the day by which the responsible unit answers the inspectors in writing
// with what it has done. It is the rectification deadline; for a 重大
// finding no later than five working days after the visit, so that the
// plan for a serious matter is known early; and five working days after
// the visit for a finding already overdue that day, or one without a
// deadline (decision 0039). Working days are Monday to Friday: the
// store keeps no calendar of public holidays.
func ReplyDue(f supervision.Finding, visit time.Time) supervision.Date {
	soon := supervision.DateOf(addWorkdays(visit, replyWorkdays))
	deadline := f.DeadlineAt(visit)
	switch {
	case deadline.IsZero() || f.DaysLate(visit) > 0:
		return soon
	case f.Severity == supervision.SeveritySerious && soon < deadline:
		return soon
	}
	return deadline
}

// addWorkdays counts n days from t's day, Saturdays and Sundays not
// counted.
func addWorkdays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}

// rectification sets the 整改要求: what the responsible units must put
// right and by when they reply, one row per finding still to be dealt
// with — those raised on the visit, then those re-checked and still open
// — and returns the units that are to sign for it, in the order first
// met.
func (d *Doc) rectification(name string, raised, rechecked []supervision.Finding, visit time.Time) []string {
	l := d.printLang()
	var rows []Row
	var units []string
	add := func(f supervision.Finding, label string) {
		unit := strings.TrimSpace(f.ResponsibleUnit)
		if unit != "" && !slices.Contains(units, unit) {
			units = append(units, unit)
		}
		rows = append(rows, Row{Cells: []Cell{
			{Text: strconv.Itoa(len(rows) + 1)},
			{Text: label + f.Description},
			{Text: l.orMissing(unit)},
			{Text: l.day(f.Deadline)},
			{Text: l.day(ReplyDue(f, visit)), Bold: true},
		}, Tone: toneIf(f.DaysLate(visit) > 0, ToneAlert)})
	}
	for i, f := range raised {
		if due(f) {
			add(f, fmt.Sprintf(l.t("report.text.finding_n_paren"), i+1))
		}
	}
	for i, f := range rechecked {
		if due(f) {
			add(f, fmt.Sprintf(l.t("report.text.recheck_n_paren"), i+1))
		}
	}
	if len(rows) == 0 {
		d.Paragraph(l.t("report.text.no_rectification"))
		return nil
	}
	d.Paragraph(l.t("report.text.rectification_intro"))
	d.Table(Table{Columns: []Column{
		{Header: l.t("report.col.no"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("report.col.finding_and_requirement"), Weight: 4},
		{Header: l.t("report.col.responsible_unit"), Weight: 1.5},
		{Header: l.t("report.col.deadline"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("report.col.reply_by"), Weight: 1, Align: AlignCenter, NoWrap: true},
	}, Rows: rows, Continued: name + " · " + l.t("report.heading.rectification")})
	return units
}

// due reports whether a finding still asks something of its unit: it is
// to be rectified, not already fixed and waiting for the inspectors.
func due(f supervision.Finding) bool {
	return f.Status == supervision.StatusOpen || f.Status == supervision.StatusInProgress
}

// signatures sets the lines the inspectors sign and those on which each
// responsible unit signs for receipt of the requirements (签收), each with
// its date, kept together on one page; on a page of their own, they say
// what they belong to (name, as a continued table does).
func (d *Doc) signatures(name string, inspectors []string, units []string) {
	l := d.printLang()
	var lines []signLine
	if len(inspectors) > 0 {
		lines = append(lines, signLine{label: l.t("report.text.inspectors_signature"), note: l.t("report.text.inspectors_colon") + l.joinList(inspectors)})
	} else {
		lines = append(lines, signLine{label: l.t("report.text.inspectors_signature")})
	}
	if len(units) == 0 {
		lines = append(lines, signLine{label: l.t("report.text.received_for_unit_by")})
	}
	for _, u := range units {
		lines = append(lines, signLine{label: l.t("report.text.received_for_unit_by"), note: l.t("report.text.responsible_unit_colon") + u})
	}
	d.signLines(name, lines)
}

// visitPhotos lists the visit's photos once each: the visit's own first,
// then those attached to answers in checklist order, then those of the
// findings raised. A photo of a finding is captioned with its number (问题N,
// as numbered in raised) and the start of its caption or description; any
// other photo without a caption of its own takes its item's title.
func visitPhotos(l printLang, in VisitInput, raised []supervision.Finding) []Photo {
	ofFinding := map[string]int{}
	for i, f := range raised {
		for _, h := range f.PhotosBefore {
			if _, ok := ofFinding[h]; !ok {
				ofFinding[h] = i
			}
		}
	}
	seen := map[string]bool{}
	var out []Photo
	add := func(hash, fallback string) {
		if hash == "" || seen[hash] {
			return
		}
		seen[hash] = true
		p, ok := in.Photos[hash]
		if !ok {
			p = Photo{}
		}
		if p.Visit.IsZero() {
			p.Visit = in.Visit.StartedAt
		}
		if strings.TrimSpace(p.Caption) == "" {
			p.Caption = fallback
		}
		if i, ok := ofFinding[hash]; ok {
			text := p.Caption
			if strings.TrimSpace(text) == "" {
				text = raised[i].Description
			}
			p.Caption = fmt.Sprintf(l.t("report.text.finding_n"), i+1) + " " + text
		}
		out = append(out, p)
	}
	for _, h := range in.Visit.Photos {
		add(h, "")
	}
	for _, it := range in.Template.Items() {
		if a, ok := in.Visit.Answers[it.Key]; ok {
			for _, h := range a.Photos {
				add(h, it.DisplayTitle(l.Lang()))
			}
		}
	}
	for _, f := range raised {
		for _, h := range f.PhotosBefore {
			add(h, f.Description)
		}
	}
	return out
}

// signLine is one line to sign: what is signed for, and a small note
// above it naming who signs (the inspectors, the unit).
type signLine struct{ label, note string }

// signLines draws lines to sign on, each with a line for the date, kept
// together on one page, headed "name（续）" when they start one.
func (d *Doc) signLines(name string, lines []signLine) {
	const rowH, noteH = 15.0, 5.0
	h := 0.0
	for _, s := range lines {
		h += rowH
		if s.note != "" {
			h += noteH
		}
	}
	d.Space(4)
	cont := style{size: smallSize, face: sansBold, color: colMuted}
	if d.ensure(h + cont.lineHeight() + 2) {
		d.textBlock(name+d.printLang().t("report.brief.continued"), cont, d.left, d.Width())
		d.y += 2
	}
	date := d.clean(d.printLang().t("report.text.date")) + d.printLang().t("report.unit.colon")
	for _, s := range lines {
		if s.note != "" {
			d.textBlock(s.note, style{size: smallSize, color: colMuted}, d.left, d.Width())
			d.y += noteH - style{size: smallSize}.lineHeight()
		}
		d.setFont(serif, bodySize)
		d.setColor(colText)
		base := d.y + rowH - 5
		label := d.clean(s.label) + d.printLang().t("report.unit.colon")
		lw := d.measure(label, serif, bodySize)
		d.text(d.left, base, label)
		dw := d.measure(date, serif, bodySize)
		dateX := d.right - 45
		d.text(dateX-dw, base, date)
		d.drawColor(colText)
		d.pdf.SetLineWidth(0.3)
		d.pdf.Line(d.left+lw+1, base+1, dateX-dw-8, base+1)
		d.pdf.Line(dateX+1, base+1, d.right, base+1)
		d.y += rowH
	}
}
