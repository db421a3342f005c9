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
	Project    supervision.Project
	Inspection supervision.Inspection
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
	// Replaced is the visit this one corrects (Inspection.Replaces), when
	// it is in the store: the report names it by its day, not its id.
	Replaced supervision.Inspection
}

// RecordHash is the hex digits of the visit's supervision.RecordDigest,
// printed on every page of its report so that a printed copy can be
// checked against the data (decision 0034).
func RecordHash(in supervision.Inspection) (string, error) {
	return strings.TrimPrefix(supervision.RecordDigest(in), supervision.RecordVersion+":"), nil
}

// Visit writes the report of one supervision visit: project facts, the
// checklist by section with fails highlighted, findings raised and
// re-checked, photo pages, signature lines, and the record's hash.
func Visit(w io.Writer, fonts *Fonts, in VisitInput, opt Options) (Result, error) {
	hash, err := RecordHash(in.Inspection)
	if err != nil {
		return Result{}, err
	}
	if opt.Time.IsZero() {
		opt.Time = time.Now()
	}
	l := opt.Lang
	p, insp := in.Project, in.Inspection
	title := l.t("重点项目现场督查报告")
	opt.Title = title + " · " + p.DisplayName()
	opt.Header = l.t("西部（重庆）科学城重点项目督查")
	opt.HeaderRight = p.DisplayName() + " · " + l.date(insp.StartedAt)
	opt.FooterNote = fmt.Sprintf(l.t("记录校验码 %s · 生成于 %s"), hash[:16], l.clock(opt.Time))
	opt.Subject = fmt.Sprintf(l.t("督查记录 %s"), insp.ID) + " · " + l.date(insp.StartedAt)
	opt.Author = l.joinList(insp.Inspectors)
	opt.Keywords = VisitStamp(insp, opt).String()
	opt.Names = append(personNames([]supervision.Project{p}, insp.Inspectors), opt.Names...)
	sealed := &sealWriter{}
	res, err := typeset(sealed, fonts, in, opt, func(d *Doc) {
		l := d.Lang()

		d.Title(title)
		sub := p.Name + " · " + l.date(insp.StartedAt)
		if insp.Status != supervision.Submitted {
			sub += " · " + l.t("草稿，未提交")
		}
		d.Subtitle(sub)

		d.Heading(1, l.t("一、项目基本情况"))
		d.Facts(projectFacts(l, p, insp.StartedAt), 2)

		d.Heading(1, l.t("二、督查概况"))
		stats := checklistStats(in.Template, insp)
		facts := []Fact{
			{Label: l.t("督查时间"), Value: l.visitTime(insp)},
			{Label: l.t("天气"), Value: orDash(insp.Weather)},
			{Label: l.t("督查人员"), Value: l.joinList(insp.Inspectors)},
			{Label: l.t("参加单位"), Value: l.joinList(insp.DepartmentsPresent)},
			{Label: l.t("督查清单"), Value: fmt.Sprintf(l.t("%s（第%d版）"), templateTitle(l, in.Template), insp.TemplateVersion)},
			{Label: l.t("记录状态"), Value: insp.Status.Label(l.sv()), Tone: toneIf(insp.Status != supervision.Submitted, ToneWarn)},
			{Label: l.t("检查结果"), Value: fmt.Sprintf(l.t("共%d项，已填%d项：符合%d项，不符合%d项，不适用%d项"), stats.total, stats.answered, stats.pass, stats.fail, stats.na), Tone: toneIf(stats.fail > 0, ToneAlert)},
			{Label: l.t("发现问题"), Value: fmt.Sprintf(l.t("新发现%d项，复查%d项"), len(in.Raised), len(in.Rechecked))},
		}
		if insp.Replaces != "" {
			facts = append(facts, Fact{Label: l.t("更正记录"), Value: l.correctsText(in.Replaced), Tone: ToneWarn})
		}
		d.Facts(facts, 2)
		if strings.TrimSpace(insp.Summary) != "" {
			d.Heading(2, l.t("督查小结"))
			d.Paragraph(insp.Summary)
		}

		d.Heading(1, l.t("三、检查清单"))
		for si, s := range in.Template.Sections {
			d.Heading(2, fmt.Sprintf("%d. %s", si+1, s.DisplayTitle(l.sv())))
			var rows []Row
			for ii, it := range s.Items {
				a, ok := insp.Answers[it.Key]
				result, tone := answerText(l, it, a, ok)
				note := a.Note
				if it.Kind == supervision.KindText && len([]rune(result)) > 10 {
					// Long text reads badly in the narrow result column.
					note = strings.TrimSpace(result + "\n" + note)
					result = l.t("见说明")
				}
				if n := len(a.Photos); n > 0 {
					note = strings.TrimSpace(note + " " + l.count("（照片%d张）", n))
				}
				title := it.DisplayTitle(l.sv())
				if it.Required {
					title += " *"
				}
				rows = append(rows, Row{Cells: []Cell{
					{Text: fmt.Sprintf("%d.%d", si+1, ii+1)},
					{Text: title},
					{Text: result, Tone: tone},
					{Text: orDash(note)},
				}, Tone: toneIf(tone == ToneAlert, ToneAlert)})
			}
			d.Table(Table{Columns: []Column{
				{Header: l.t("序号"), Weight: 1, Align: AlignCenter, NoWrap: true},
				{Header: l.t("检查项"), Weight: 2},
				{Header: l.t("结果"), Weight: 1},
				{Header: l.t("说明"), Weight: 1},
			}, Rows: rows, Continued: p.DisplayName()})
		}
		d.Note(l.t("注：* 为必答项；红色为不符合或超出允许范围。"))

		raised := orderFindings(in.Raised, insp.StartedAt)
		rechecked := orderFindings(in.Rechecked, insp.StartedAt)
		d.Heading(1, l.t("四、本次发现的问题"))
		d.findingsTable(p.DisplayName(), raised, insp.StartedAt, false)
		d.Heading(1, l.t("五、复查的问题"))
		d.findingsTable(p.DisplayName(), rechecked, insp.StartedAt, true)

		next := 6
		photos := visitPhotos(l, in, raised)
		if len(photos) > 0 {
			d.PageBreak()
			d.Heading(1, l.t("六、现场照片"))
			d.PhotoGrid(photos, photoCols)
			next++
		}

		// The requirements and the signatures start a page of their own:
		// the page the responsible unit signs and keeps.
		d.PageBreak()
		d.Heading(1, l.sectionNumber(1, next)+l.t("整改要求"))
		demands := d.rectification(p.DisplayName(), raised, rechecked, insp.StartedAt)
		d.signatures(p.DisplayName()+" · "+l.t("整改要求"), insp.Inspectors, demands)
		d.Space(4)
		d.Note(fmt.Sprintf(l.t("本报告由 fieldbrief 于 %s 根据督查记录 %s 生成。记录校验码（SHA-256）：%s。核对打印件时，以同一记录重新计算校验码，应与此一致。"), l.clock(opt.Time), insp.ID, hash))
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
func projectFacts(l Lang, p supervision.Project, asOf time.Time) []Fact {
	inv := p.Investment
	facts := []Fact{
		{Label: l.t("项目名称"), Value: p.Name},
		{Label: l.t("项目编号"), Value: p.ID},
		{Label: l.t("主导产业"), Value: orDash(p.Industry.Label(l.sv()))},
		{Label: l.t("产业链"), Value: orDash(p.Chain)},
		{Label: l.t("项目长"), Value: orDash(p.Leader)},
		{Label: l.t("牵头部门"), Value: orDash(p.LeadDepartment)},
		{Label: l.t("项目阶段"), Value: orDash(p.Phase.Label(l.sv()))},
		{Label: l.t("状态"), Value: orDash(p.Light.Label(l.sv())), Tone: lightTone(p.Light)},
		{Label: l.t("总投资"), Value: l.money(inv.Total)},
		{Label: l.t("年度计划投资"), Value: l.money(inv.AnnualPlan)},
		{Label: l.t("年度累计完成"), Value: l.money(inv.Completed) + l.paren(percent(inv.AnnualProgress())) + l.asOfNote(inv)},
		{Label: l.t("计划工期"), Value: l.day(p.PlannedStart) + " — " + l.day(p.PlannedFinish)},
		{Label: l.t("项目地址"), Value: orDash(p.Address)},
		{Label: l.t("参建单位"), Value: l.joinList(p.ParticipatingUnits)},
	}
	if next, ok := nextMilestone(p); ok {
		facts = append(facts, l.milestoneFact(next, asOf))
	}
	if len(facts)%2 == 1 {
		facts = append(facts, Fact{})
	}
	return facts
}

// nextMilestone is the first milestone not yet reached.
func nextMilestone(p supervision.Project) (supervision.Milestone, bool) {
	for _, m := range p.Milestones {
		if m.Actual == "" {
			return m, true
		}
	}
	return supervision.Milestone{}, false
}

func templateTitle(l Lang, t supervision.Template) string {
	if l == English && t.TitleEn != "" {
		return t.TitleEn
	}
	return orDash(t.Title)
}

type stats struct{ total, answered, pass, fail, na int }

func checklistStats(t supervision.Template, in supervision.Inspection) stats {
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
func answerText(l Lang, it supervision.Item, a supervision.Answer, ok bool) (string, Tone) {
	if !ok || !a.IsAnswered(it.Kind) {
		return l.t("未填写"), ToneMuted
	}
	switch it.Kind {
	case supervision.KindPassFail:
		switch a.Verdict {
		case supervision.Fail:
			return a.Verdict.Label(l.sv()), ToneAlert
		case supervision.Pass:
			return a.Verdict.Label(l.sv()), ToneGood
		}
		return a.Verdict.Label(l.sv()), ToneMuted
	case supervision.KindNumber:
		s := strconv.FormatFloat(*a.Number, 'f', -1, 64) + it.Unit
		if it.Check(a) != nil {
			return s + "\n" + l.t("超出范围"), ToneAlert
		}
		return s, ToneNone
	case supervision.KindText:
		return a.Text, ToneNone
	case supervision.KindSingleChoice, supervision.KindMultiChoice:
		labels := make([]string, len(a.Choices))
		for i, c := range a.Choices {
			labels[i] = it.OptionLabel(c, l.sv())
		}
		return l.joinList(labels), ToneNone
	case supervision.KindDate:
		return l.day(a.Date), ToneNone
	}
	return orDash(a.Text), ToneNone
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
	l := d.Lang()
	if len(fs) == 0 {
		d.Paragraph(l.t("无。"))
		return
	}
	fs = orderFindings(fs, asOf)
	var rows []Row
	for i, f := range fs {
		desc := f.Description
		if p := l.latestProgress(f, asOf); recheck && p != "" {
			desc += "\n" + l.t("最新进展：") + p
		}
		tone := findingTone(f, asOf)
		rows = append(rows, Row{Cells: []Cell{
			{Text: strconv.Itoa(i + 1)},
			{Text: desc},
			{Text: l.categoryText(f)},
			{Text: l.severityText(f)},
			{Text: orDash(f.ResponsibleUnit)},
			{Text: l.day(f.Deadline)},
			{Text: l.statusText(f, asOf), Tone: tone},
		}})
	}
	d.Table(Table{Columns: []Column{
		{Header: l.t("序号"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("问题描述"), Weight: 3},
		{Header: l.t("类别"), Weight: 1},
		{Header: l.t("严重程度"), Weight: 1, Align: AlignCenter},
		{Header: l.t("责任单位"), Weight: 1},
		{Header: l.t("整改期限"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("状态"), Weight: 1, Align: AlignCenter},
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
	l := d.Lang()
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
			{Text: orDash(unit)},
			{Text: l.day(f.Deadline)},
			{Text: l.day(ReplyDue(f, visit)), Bold: true},
		}, Tone: toneIf(f.DaysLate(visit) > 0, ToneAlert)})
	}
	for i, f := range raised {
		if due(f) {
			add(f, fmt.Sprintf(l.t("（问题%d）"), i+1))
		}
	}
	for i, f := range rechecked {
		if due(f) {
			add(f, fmt.Sprintf(l.t("（复查%d）"), i+1))
		}
	}
	if len(rows) == 0 {
		d.Paragraph(l.t("本次督查未提出整改要求。"))
		return nil
	}
	d.Paragraph(l.t("请责任单位按下表期限完成整改，并在回复时限前将整改情况（附整改前后照片）书面回复督查组；逾期未回复的，列入调度会简报需协调解决事项。回复时限一般为整改期限；重大问题不迟于督查后5个工作日，已逾期的问题为督查后5个工作日。"))
	d.Table(Table{Columns: []Column{
		{Header: l.t("序号"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("问题及整改要求"), Weight: 4},
		{Header: l.t("责任单位"), Weight: 1.5},
		{Header: l.t("整改期限"), Weight: 1, Align: AlignCenter, NoWrap: true},
		{Header: l.t("回复时限"), Weight: 1, Align: AlignCenter, NoWrap: true},
	}, Rows: rows, Continued: name + " · " + l.t("整改要求")})
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
	l := d.Lang()
	var lines []signLine
	if len(inspectors) > 0 {
		lines = append(lines, signLine{label: l.t("督查人员（签名）"), note: l.t("督查人员：") + l.joinList(inspectors)})
	} else {
		lines = append(lines, signLine{label: l.t("督查人员（签名）")})
	}
	if len(units) == 0 {
		lines = append(lines, signLine{label: l.t("责任单位签收人")})
	}
	for _, u := range units {
		lines = append(lines, signLine{label: l.t("责任单位签收人"), note: l.t("责任单位：") + u})
	}
	d.signLines(name, lines)
}

// visitPhotos lists the visit's photos once each: the visit's own first,
// then those attached to answers in checklist order, then those of the
// findings raised. A photo of a finding is captioned with its number (问题N,
// as numbered in raised) and the start of its caption or description; any
// other photo without a caption of its own takes its item's title.
func visitPhotos(l Lang, in VisitInput, raised []supervision.Finding) []Photo {
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
			p.Visit = in.Inspection.StartedAt
		}
		if strings.TrimSpace(p.Caption) == "" {
			p.Caption = fallback
		}
		if i, ok := ofFinding[hash]; ok {
			text := p.Caption
			if strings.TrimSpace(text) == "" {
				text = raised[i].Description
			}
			p.Caption = fmt.Sprintf(l.t("问题%d"), i+1) + " " + text
		}
		out = append(out, p)
	}
	for _, h := range in.Inspection.Photos {
		add(h, "")
	}
	for _, it := range in.Template.Items() {
		if a, ok := in.Inspection.Answers[it.Key]; ok {
			for _, h := range a.Photos {
				add(h, it.DisplayTitle(l.sv()))
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
		d.textBlock(name+d.opt.Lang.t("（续）"), cont, d.left, d.Width())
		d.y += 2
	}
	date := d.clean(d.opt.Lang.t("日期")) + d.opt.Lang.t("：")
	for _, s := range lines {
		if s.note != "" {
			d.textBlock(s.note, style{size: smallSize, color: colMuted}, d.left, d.Width())
			d.y += noteH - style{size: smallSize}.lineHeight()
		}
		d.setFont(serif, bodySize)
		d.setColor(colText)
		base := d.y + rowH - 5
		label := d.clean(s.label) + d.opt.Lang.t("：")
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
