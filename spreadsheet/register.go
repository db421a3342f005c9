package spreadsheet

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// regField is a column of the register sheet.
type regField int

const (
	rNone regField = iota
	rID
	rName
	rShort
	rLeader
	rDept
	rOwner
	rContractor
	rIndustry
	rPhase
	rTotal
	rPlan
	rCompleted
	rAsOf
	rStart
	rFinish
	rAddress
	rSeq
)

// regColumn is how a column is headed on export (Chinese, with the unit
// for money) and the headers accepted on import, in the form norm gives.
type regColumn struct {
	field   regField
	zh, en  string
	aliases []string
}

var regColumns = []regColumn{
	{rID, "编号", "ID", []string{"编号", "项目编号", "id", "projectid"}},
	{rName, "项目名称", "Name", []string{"项目名称", "名称", "项目", "name", "project", "projectname"}},
	{rShort, "项目简称", "Short name", []string{"项目简称", "简称", "shortname", "short"}},
	{rLeader, "项目长", "Project leader", []string{"项目长", "项目负责领导", "leader", "projectleader"}},
	{rDept, "牵头单位", "Lead department", []string{"牵头单位", "牵头部门", "责任部门", "leaddepartment", "department"}},
	{rOwner, "业主单位", "Owner", []string{"业主单位", "建设单位", "项目业主", "owner", "ownerunit"}},
	{rContractor, "施工单位", "Contractor", []string{"施工单位", "施工总承包单位", "总承包单位", "contractor"}},
	{rIndustry, "所属产业", "Industry", []string{"所属产业", "主导产业", "产业", "产业类别", "industry"}},
	{rPhase, "建设阶段", "Phase", []string{"建设阶段", "项目阶段", "阶段", "phase"}},
	{rTotal, "总投资（万元）", "Total investment", []string{"总投资", "计划总投资", "totalinvestment", "total"}},
	{rPlan, "年度计划投资（万元）", "Annual plan", []string{"年度计划投资", "年度计划", "本年计划投资", "annualplan"}},
	{rCompleted, "本年完成投资（万元）", "Completed this year", []string{"本年完成投资", "年度累计完成投资", "累计完成", "本年完成", "completed", "completedthisyear"}},
	{rAsOf, "数据截至", "As of", []string{"数据截至", "截至日期", "asof"}},
	{rStart, "开工时间", "Planned start", []string{"开工时间", "计划开工时间", "开工日期", "plannedstart", "start"}},
	{rFinish, "计划竣工时间", "Planned finish", []string{"计划竣工时间", "竣工时间", "计划竣工", "plannedfinish", "finish"}},
	{rAddress, "建设地点", "Location", []string{"建设地点", "项目地址", "地址", "地点", "location", "address"}},
	{rSeq, "序号", "No.", []string{"序号", "no", "no.", "#"}},
}

// completedHeader matches "1-11月完成" and its kind: the year's
// completed investment up to a month.
var completedHeader = regexp.MustCompile(`^\d{1,2}(-\d{1,2})?月(份)?(累计)?完成(投资)?$`)

func regFieldOf(header string) regField {
	h := norm(header)
	if h == "" {
		return rNone
	}
	for _, c := range regColumns {
		if slices.Contains(c.aliases, h) {
			return c.field
		}
	}
	if completedHeader.MatchString(h) {
		return rCompleted
	}
	return rNone
}

func regColumnOf(f regField) regColumn {
	for _, c := range regColumns {
		if c.field == f {
			return c
		}
	}
	return regColumn{}
}

// Milestone sheet columns.
type msField int

const (
	mNone msField = iota
	mProject
	mName
	mPlanned
	mActual
)

var msAliases = map[msField][]string{
	mProject: {"项目名称", "项目", "项目简称", "编号", "project", "projectname", "name"},
	mName:    {"节点名称", "节点", "里程碑", "形象进度节点", "milestone", "milestonename"},
	mPlanned: {"计划完成时间", "计划时间", "计划日期", "计划完成日期", "planned", "planneddate"},
	mActual:  {"实际完成时间", "实际时间", "实际日期", "实际完成日期", "actual", "actualdate"},
}

func msFieldOf(header string) msField {
	h := norm(header)
	for f, list := range msAliases {
		if slices.Contains(list, h) {
			return f
		}
	}
	return mNone
}

// RegisterRow is one project as a register file gives it. Only the fields
// whose column the file has mean anything (see RegisterFile.Has).
type RegisterRow struct {
	Sheet      string
	Row        int
	ID         string
	Name       string
	ShortName  string
	Leader     string
	Department string
	Owner      string
	Contractor string
	Industry   sv.Industry
	Phase      sv.Phase
	Investment sv.Investment
	Start      sv.Date
	Finish     sv.Date
	Address    string
}

// MilestoneRow is a milestone and the project it belongs to, as written
// in the milestone sheet.
type MilestoneRow struct {
	Sheet     string
	Row       int
	Project   string
	Milestone sv.Milestone
}

// RegisterFile is a register workbook read completely.
type RegisterFile struct {
	Rows []RegisterRow
	// has says which fields the file has a column for; the others are
	// kept as the register holds them.
	has map[regField]bool
	// Milestones are the rows of the milestone sheet, in order; nil
	// without such a sheet, in which case milestones are kept.
	Milestones    []MilestoneRow
	HasMilestones bool
	// Ignored lists the headers of columns fieldbrief does not keep
	// (remarks, for instance), so a dry run can say they are not read.
	Ignored []string
	// Unit is the money unit the file was written in (万元 or 亿元);
	// figures are converted to 万元.
	Unit string
}

var (
	unitRe       = regexp.MustCompile(`(?:单位|unit)\s*[:：]\s*(万元|亿元|元)`)
	unitInHeader = regexp.MustCompile(`[（(]\s*(万元|亿元|元)\s*[)）]`)
	asOfRe       = regexp.MustCompile(`(?:数据截至|截至日期|截至|as of)\s*[:：]?\s*(\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}\s*日?)`)
	sectionRe    = regexp.MustCompile(`^\s*([一二三四五六七八九十]+|[0-9]+)\s*[、.．]|^\s*[（(][一二三四五六七八九十]+[)）]`)
	skipRe       = regexp.MustCompile(`^\s*(合\s*计|总\s*计|小\s*计|注|说明|备注|填表说明|total|subtotal|note)`)
)

var unitFactor = map[string]float64{"万元": 1, "亿元": 10000, "元": 0.0001}

// ReadRegister reads a register workbook: the sheet whose header names a
// project-name column (whatever the sheet is called), its header found
// below any title rows, over one or two header rows; section, total and
// note rows skipped. The milestone sheet is the one whose header names a
// milestone column. Every problem is returned together as Problems.
func ReadRegister(data []byte) (*RegisterFile, error) {
	f, err := open(data)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var regSheet *grid
	var header int
	var msSheet *grid
	var msHeader int
	for _, name := range f.GetSheetList() {
		g, err := readGrid(f, name)
		if err != nil {
			return nil, err
		}
		if regSheet == nil {
			if h, ok := findHeader(g, func(s string) bool { return regFieldOf(s) == rName }, func(r int) bool {
				n := 0
				for _, v := range g.rows[r] {
					if regFieldOf(v) != rNone {
						n++
					}
				}
				return n >= 2 && !rowHas(g, r, func(s string) bool { return msFieldOf(s) == mName })
			}); ok {
				regSheet, header = g, h
				continue
			}
		}
		if msSheet == nil {
			if h, ok := findHeader(g, func(s string) bool { return msFieldOf(s) == mName }, nil); ok {
				msSheet, msHeader = g, h
			}
		}
	}
	if regSheet == nil {
		return nil, Problems{{Zh: "找不到项目表：没有哪个工作表的表头含“项目名称”列（英文表头写 Name）。",
			En: "No project sheet found: no sheet has a header with a “项目名称” (Name) column."}}.AsError()
	}
	rf := &RegisterFile{has: map[regField]bool{}}
	var ps Problems
	ps = append(ps, rf.readProjects(regSheet, header)...)
	if msSheet != nil {
		rf.HasMilestones = true
		ps = append(ps, rf.readMilestones(msSheet, msHeader)...)
	}
	if len(ps) > 0 {
		return nil, ps
	}
	return rf, nil
}

// findHeader returns the first of the top rows with a cell that isKey
// accepts (and that ok accepts, when given).
func findHeader(g *grid, isKey func(string) bool, ok func(int) bool) (int, bool) {
	for r := 0; r < len(g.rows) && r < 30; r++ {
		if rowHas(g, r, isKey) && (ok == nil || ok(r)) {
			return r, true
		}
	}
	return 0, false
}

func rowHas(g *grid, r int, pred func(string) bool) bool {
	for _, v := range g.rows[r] {
		if pred(v) {
			return true
		}
	}
	return false
}

func (rf *RegisterFile) readProjects(g *grid, h int) Problems {
	var ps Problems
	sheetProblem := func(zh, en string) { ps = append(ps, Problem{Sheet: g.name, Row: h + 1, Zh: zh, En: en}) }
	// A second header row holds the names under a merged group header
	// (投资情况 over 总投资 / 年度计划投资 / 1-11月完成).
	sub := false
	if h+1 < len(g.rows) {
		for c, v := range g.rows[h+1] {
			if regFieldOf(v) != rNone && regFieldOf(g.cell(h, c)) == rNone {
				sub = true
			}
		}
	}
	cols := map[regField]int{}
	headerText := map[regField]string{}
	width := len(g.rows[h])
	if sub && len(g.rows[h+1]) > width {
		width = len(g.rows[h+1])
	}
	for c := 0; c < width; c++ {
		top, low := g.cell(h, c), ""
		if sub {
			low = g.cell(h+1, c)
		}
		f := regFieldOf(low)
		if f == rNone {
			f = regFieldOf(top)
		}
		label := strings.TrimSpace(top)
		if low != "" && low != top {
			label = strings.TrimSpace(top + " / " + low)
		}
		switch {
		case f == rNone:
			if strings.TrimSpace(top+low) != "" {
				rf.Ignored = append(rf.Ignored, label)
			}
		case rf.has[f]:
			ps = append(ps, Problem{Sheet: g.name, Row: h + 1, Column: colName(c),
				Zh: fmt.Sprintf("“%s”列重复（已在 %s 列）。", label, colName(cols[f])),
				En: fmt.Sprintf("the column “%s” appears twice (also column %s).", label, colName(cols[f]))})
		default:
			rf.has[f], cols[f], headerText[f] = true, c, top+" "+low
		}
	}
	data := h + 1
	if sub {
		data = h + 2
	}
	// Money unit: in the column's header, else a 单位 line above the
	// header; a file that says neither is not guessed at.
	rf.Unit = ""
	for _, f := range []regField{rTotal, rPlan, rCompleted} {
		if !rf.has[f] {
			continue
		}
		if m := unitInHeader.FindStringSubmatch(halfWidthBrackets(headerText[f])); m != nil {
			if rf.Unit != "" && rf.Unit != m[1] {
				sheetProblem("投资额各列的单位不一致。", "the investment columns are in different units.")
			}
			rf.Unit = m[1]
		}
	}
	var asOf sv.Date
	for r := 0; r < h; r++ {
		for _, v := range g.rows[r] {
			if m := unitRe.FindStringSubmatch(strings.ToLower(v)); m != nil && rf.Unit == "" {
				rf.Unit = m[1]
			}
			if m := asOfRe.FindStringSubmatch(halfWidth(v)); m != nil {
				if d, ok := date(m[1]); ok {
					asOf = d
				}
			}
		}
	}
	if rf.Unit == "" && (rf.has[rTotal] || rf.has[rPlan] || rf.has[rCompleted]) {
		sheetProblem("看不出投资额的单位：请在表头写明，如“总投资（万元）”，或在表头上方加一行“单位：万元”。",
			"the unit of the investment figures is not stated: write it in the header, e.g. “总投资（万元）”, or add a line “单位：万元” above the header.")
	}
	if !rf.has[rAsOf] && asOf != "" {
		rf.has[rAsOf] = true
		cols[rAsOf] = -1
	}
	factor := unitFactor[rf.Unit]
	seen := map[string]int{}
	for r := data; r < len(g.rows); r++ {
		if g.filled(r) == 0 {
			continue
		}
		first := ""
		for _, v := range g.rows[r] {
			if strings.TrimSpace(v) != "" {
				first = v
				break
			}
		}
		name := strings.TrimSpace(g.cell(r, cols[rName]))
		if skipRe.MatchString(strings.ToLower(halfWidth(first))) {
			continue
		}
		if g.filled(r) == 1 && (name == "" || g.blank[[2]int{r, cols[rName]}] || sectionRe.MatchString(name)) {
			continue // a section heading (一、科研平台（5个）) or a note
		}
		row := RegisterRow{Sheet: g.name, Row: r + 1}
		at := func(f regField) (string, string) {
			c, ok := cols[f]
			if !ok || c < 0 {
				return "", ""
			}
			return strings.TrimSpace(halfWidthKeepCJK(g.cell(r, c))), colName(c)
		}
		bad := func(col, zh, en string) {
			ps = append(ps, Problem{Sheet: g.name, Row: r + 1, Column: col, Zh: zh, En: en})
		}
		text := func(f regField) string { v, _ := at(f); return v }
		row.ID, row.Name, row.ShortName = text(rID), text(rName), text(rShort)
		row.Leader, row.Department, row.Address = text(rLeader), text(rDept), text(rAddress)
		row.Owner, row.Contractor = text(rOwner), text(rContractor)
		if row.Name == "" {
			_, col := at(rName)
			bad(col, "项目名称为空。", "the project name is empty.")
		} else if prev, dup := seen[row.Name]; dup {
			_, col := at(rName)
			bad(col, fmt.Sprintf("项目“%s”与第 %d 行重复。", row.Name, prev), fmt.Sprintf("the project “%s” repeats row %d.", row.Name, prev))
		} else {
			seen[row.Name] = r + 1
		}
		if rf.has[rIndustry] {
			v, col := at(rIndustry)
			ind, ok := industryOf(v)
			if !ok && v != "" {
				bad(col, fmt.Sprintf("“%s”不是已知的产业（可填：%s）。", v, industryList(sv.Chinese)), fmt.Sprintf("“%s” is not a known industry (one of: %s).", v, industryList(sv.English)))
			}
			row.Industry = ind
		}
		if rf.has[rPhase] {
			v, col := at(rPhase)
			ph, ok := phaseOf(v)
			if !ok && v != "" {
				bad(col, fmt.Sprintf("“%s”不是已知的建设阶段（可填：%s）。", v, phaseList(sv.Chinese)), fmt.Sprintf("“%s” is not a known phase (one of: %s).", v, phaseList(sv.English)))
			}
			row.Phase = ph
		}
		money := func(f regField) float64 {
			if !rf.has[f] {
				return 0
			}
			v, col := at(f)
			if v == "" {
				if fo := g.formula(r, cols[f]); fo != "" {
					bad(col, "单元格是公式（="+fo+"）但没有计算结果，请在 Excel 中打开并保存一次，或粘贴为数值。",
						"the cell holds a formula (="+fo+") without a computed value; open and save the file in Excel, or paste it as values.")
				}
				return 0
			}
			n, ok := number(v)
			switch {
			case !ok:
				bad(col, fmt.Sprintf("“%s”不是数字。", v), fmt.Sprintf("“%s” is not a number.", v))
			case n < 0:
				bad(col, "投资额不能为负数。", "an investment cannot be negative.")
			}
			return round4(n * factor)
		}
		row.Investment.Total, row.Investment.AnnualPlan, row.Investment.Completed = money(rTotal), money(rPlan), money(rCompleted)
		day := func(f regField) sv.Date {
			if !rf.has[f] {
				return ""
			}
			v, col := at(f)
			if v == "" {
				return ""
			}
			d, ok := date(v)
			if !ok {
				bad(col, fmt.Sprintf("“%s”不是日期（可写 2026-03-15 或 2026年3月15日）。", v), fmt.Sprintf("“%s” is not a date (write 2026-03-15).", v))
			}
			return d
		}
		row.Start, row.Finish = day(rStart), day(rFinish)
		if cols[rAsOf] >= 0 {
			row.Investment.AsOf = day(rAsOf)
		} else {
			row.Investment.AsOf = asOf
		}
		rf.Rows = append(rf.Rows, row)
	}
	if len(rf.Rows) == 0 && len(ps) == 0 {
		sheetProblem("表头下没有任何项目。", "there are no projects under the header.")
	}
	return ps
}

func (rf *RegisterFile) readMilestones(g *grid, h int) Problems {
	var ps Problems
	cols := map[msField]int{}
	for c, v := range g.rows[h] {
		if f := msFieldOf(v); f != mNone {
			if _, dup := cols[f]; !dup {
				cols[f] = c
			}
		}
	}
	for _, need := range []struct {
		f      msField
		zh, en string
	}{{mProject, "项目名称", "project name"}, {mPlanned, "计划完成时间", "planned date"}} {
		if _, ok := cols[need.f]; !ok {
			ps = append(ps, Problem{Sheet: g.name, Row: h + 1, Zh: "节点表缺少“" + need.zh + "”列。", En: "the milestone sheet lacks a “" + need.en + "” column."})
		}
	}
	if len(ps) > 0 {
		return ps
	}
	for r := h + 1; r < len(g.rows); r++ {
		if g.filled(r) == 0 {
			continue
		}
		get := func(f msField) (string, string) {
			c, ok := cols[f]
			if !ok {
				return "", ""
			}
			return strings.TrimSpace(halfWidthKeepCJK(g.cell(r, c))), colName(c)
		}
		bad := func(col, zh, en string) {
			ps = append(ps, Problem{Sheet: g.name, Row: r + 1, Column: col, Zh: zh, En: en})
		}
		project, pcol := get(mProject)
		name, ncol := get(mName)
		if skipRe.MatchString(strings.ToLower(project)) {
			continue
		}
		if project == "" {
			bad(pcol, "项目名称为空。", "the project name is empty.")
		}
		if name == "" {
			bad(ncol, "节点名称为空。", "the milestone name is empty.")
		}
		m := sv.Milestone{Name: name}
		if v, col := get(mPlanned); v != "" {
			d, ok := date(v)
			if !ok {
				bad(col, fmt.Sprintf("“%s”不是日期（可写 2026-03-15 或 2026年3月15日）。", v), fmt.Sprintf("“%s” is not a date (write 2026-03-15).", v))
			}
			m.Planned = d
		} else {
			bad(col, "计划完成时间为空。", "the planned date is empty.")
		}
		if v, col := get(mActual); v != "" {
			d, ok := date(v)
			if !ok {
				bad(col, fmt.Sprintf("“%s”不是日期（可写 2026-03-15 或 2026年3月15日）。", v), fmt.Sprintf("“%s” is not a date (write 2026-03-15).", v))
			}
			m.Actual = d
		}
		rf.Milestones = append(rf.Milestones, MilestoneRow{Sheet: g.name, Row: r + 1, Project: project, Milestone: m})
	}
	return ps
}

// halfWidthBrackets turns full-width brackets into ASCII ones.
func halfWidthBrackets(s string) string {
	return strings.NewReplacer("（", "(", "）", ")").Replace(s)
}

// halfWidthKeepCJK turns full-width letters and digits into ASCII and the
// ideographic space into a space, but leaves Chinese punctuation such as
// （） in names alone: the register writes 华润微电子（重庆）.
func halfWidthKeepCJK(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
			return r - 0xFEE0
		case r == '\u3000' || r == '\u00a0':
			return ' '
		}
		return r
	}, s)
}

func round4(v float64) float64 {
	s := strconv.FormatFloat(v, 'f', 4, 64)
	r, _ := strconv.ParseFloat(s, 64)
	return r
}

func industryOf(s string) (sv.Industry, bool) {
	n := norm(s)
	for _, i := range sv.Industries() {
		if n == norm(string(i)) || n == norm(i.Label(sv.Chinese)) || n == norm(i.Label(sv.English)) {
			return i, true
		}
	}
	return "", false
}

func phaseOf(s string) (sv.Phase, bool) {
	n := norm(s)
	for _, p := range sv.Phases() {
		if n == norm(string(p)) || n == norm(p.Label(sv.Chinese)) || n == norm(p.Label(sv.English)) {
			return p, true
		}
	}
	return "", false
}

func industryList(lang sv.Lang) string {
	var out []string
	for _, i := range sv.Industries() {
		out = append(out, i.Label(lang))
	}
	return strings.Join(out, listSep(lang))
}

func phaseList(lang sv.Lang) string {
	var out []string
	for _, p := range sv.Phases() {
		out = append(out, p.Label(lang))
	}
	return strings.Join(out, listSep(lang))
}

func listSep(lang sv.Lang) string {
	if lang == sv.English {
		return ", "
	}
	return "、"
}

// WriteRegister writes projects as a register workbook that ReadRegister
// reads back to the same register: a project sheet with Chinese headers
// (the unit in the money columns' headers) and a milestone sheet, dates as
// Excel dates. Archived projects are left out: they are off the register.
func WriteRegister(projects []sv.Project) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	const sheet, msSheet = "重点项目", "节点计划"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, internal(err)
	}
	if _, err := f.NewSheet(msSheet); err != nil {
		return nil, internal(err)
	}
	order := []regField{rID, rName, rShort, rLeader, rDept, rOwner, rContractor, rIndustry, rPhase, rTotal, rPlan, rCompleted, rAsOf, rStart, rFinish, rAddress}
	t := newTable(f, sheet, st)
	var head []string
	for _, fld := range order {
		head = append(head, regColumnOf(fld).zh)
	}
	t.header(head)
	mt := newTable(f, msSheet, st)
	mt.header([]string{"项目名称", "节点名称", "计划完成时间", "实际完成时间"})
	for _, p := range projects {
		if p.Archived {
			continue
		}
		owner, contractor := unitAt(p, 0), unitAt(p, 1)
		t.row(false, p.ID, p.Name, p.ShortName, p.Leader, p.LeadDepartment, owner, contractor,
			p.Industry.Label(sv.Chinese), p.Phase.Label(sv.Chinese),
			p.Investment.Total, p.Investment.AnnualPlan, p.Investment.Completed,
			p.Investment.AsOf, p.PlannedStart, p.PlannedFinish, p.Address)
		for _, m := range p.Milestones {
			mt.row(false, p.Name, m.Name, m.Planned, m.Actual)
		}
	}
	if err := t.finish(); err != nil {
		return nil, err
	}
	if err := mt.finish(); err != nil {
		return nil, err
	}
	return save(f)
}

func unitAt(p sv.Project, i int) string {
	if i < len(p.ParticipatingUnits) {
		return p.ParticipatingUnits[i]
	}
	return ""
}

func save(f *excelize.File) ([]byte, error) {
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, internal(err)
	}
	return buf.Bytes(), nil
}

func internal(err error) error {
	return translate.Wrap(err, sv.EInternal, "spreadsheet.error.cannot_write_the_excel_file")
}
