package spreadsheet

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// The checklist workbook follows ODK's XLSForm: an items sheet, one row
// per item, with a column for every field an item has, and a settings
// sheet. Headers are English, as in XLSForm, with "::zh"/"::en" for the
// two languages; Chinese headers are accepted too. The domain has no
// "carried forward" or cross-item checks yet, so there are no columns
// for them (decision 0028).
const (
	itemsSheet    = "items"
	settingsSheet = "settings"
	checksSheet   = "checks"
	optionSep     = "|"
)

type itemCol int

const (
	iNone itemCol = iota
	iSection
	iSectionTitle
	iSectionTitleEn
	iKey
	iKind
	iTitle
	iTitleEn
	iRequired
	iMin
	iMax
	iUnit
	iOptions
	iOptionsEn
	iHint
	iHintEn
	iPhoto
	iRaises
	iCategory
	iCarry
	iYearToDate
	iSectionAnswers
	iFigure
)

var itemCols = []struct {
	col     itemCol
	header  string
	aliases []string
}{
	{iSection, "section", []string{"section", "分组", "分组编号"}},
	{iSectionTitle, "section::zh", []string{"section::zh", "分组名称", "sectiontitle"}},
	{iSectionTitleEn, "section::en", []string{"section::en", "分组英文名称", "sectiontitleen"}},
	{iKey, "key", []string{"key", "name", "编号", "检查项编号"}},
	{iKind, "kind", []string{"kind", "type", "类型"}},
	{iTitle, "label::zh", []string{"label::zh", "label", "检查内容", "标题"}},
	{iTitleEn, "label::en", []string{"label::en", "英文标题"}},
	{iRequired, "required", []string{"required", "必填"}},
	{iMin, "min", []string{"min", "下限", "最小值"}},
	{iMax, "max", []string{"max", "上限", "最大值"}},
	{iUnit, "unit", []string{"unit", "单位"}},
	{iOptions, "options::zh", []string{"options::zh", "options", "选项"}},
	{iOptionsEn, "options::en", []string{"options::en", "英文选项"}},
	{iHint, "hint::zh", []string{"hint::zh", "hint", "提示"}},
	{iHintEn, "hint::en", []string{"hint::en", "英文提示"}},
	{iPhoto, "photo_required", []string{"photo_required", "须拍照", "必须拍照"}},
	{iRaises, "fail_raises_finding", []string{"fail_raises_finding", "不符合时生成问题"}},
	{iCategory, "finding_category", []string{"finding_category", "问题类别"}},
	{iCarry, "carry", []string{"carry", "沿用上次"}},
	{iYearToDate, "year_to_date", []string{"year_to_date", "年度累计"}},
	{iSectionAnswers, "section::answers", []string{"section::answers", "分组责任单位类别"}},
	{iFigure, "figure", []string{"figure", "对应指标"}},
}

// checkCols are the columns of the checks sheet, one cross-item check a
// row (supervision.CrossCheck).
var checkCols = []string{"item", "op", "other", "factor", "warning", "message::zh", "message::en"}

func itemColOf(h string) itemCol {
	n := norm(h)
	for _, c := range itemCols {
		if slices.Contains(c.aliases, n) {
			return c.col
		}
	}
	return iNone
}

// TemplateFile is a checklist read from a workbook. The template's
// version is left 0: the portal numbers versions.
type TemplateFile struct {
	Template    sv.Template
	VersionNote string
}

// WriteTemplate writes one version of a checklist in the XLSForm-like
// form ReadTemplate reads back to the same template.
func WriteTemplate(t sv.Template, versionNote string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	if err := f.SetSheetName("Sheet1", itemsSheet); err != nil {
		return nil, internal(err)
	}
	if _, err := f.NewSheet(settingsSheet); err != nil {
		return nil, internal(err)
	}
	if len(t.Checks) > 0 {
		if _, err := f.NewSheet(checksSheet); err != nil {
			return nil, internal(err)
		}
	}
	it := newTable(f, itemsSheet, st)
	var head []string
	for _, c := range itemCols {
		head = append(head, c.header)
	}
	it.header(head)
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return ""
	}
	bound := func(v *float64) any {
		if v == nil {
			return ""
		}
		return *v
	}
	for _, s := range t.Sections {
		for _, item := range s.Items {
			for _, o := range append(slices.Clone(item.Options), item.OptionsEn...) {
				if strings.Contains(o, optionSep) {
					return nil, translate.Errorf(sv.EInvalid, "spreadsheet.error.the_option_of_item_contains_the", item.Title, o)
				}
			}
			it.row(false, s.Key, s.Title, s.TitleEn, item.Key, string(item.Kind), item.Title, item.TitleEn, yes(item.Required),
				bound(item.Min), bound(item.Max), item.Unit, strings.Join(item.Options, " | "), strings.Join(item.OptionsEn, " | "),
				item.Hint, item.HintEn, yes(item.PhotoRequired), yes(item.FailRaisesFinding), string(item.FindingCategory),
				yes(item.Carry), yes(item.YearToDate), string(s.Answers), string(item.Figure))
		}
	}
	if err := it.finish(); err != nil {
		return nil, err
	}
	if len(t.Checks) > 0 {
		ct := newTable(f, checksSheet, st)
		ct.header(checkCols)
		for _, c := range t.Checks {
			factor := any("")
			if c.Factor != 0 {
				factor = c.Factor
			}
			ct.row(false, c.Item, c.Op, c.Other, factor, yes(c.Warning), c.Zh, c.En)
		}
		if err := ct.finish(); err != nil {
			return nil, err
		}
	}
	stt := newTable(f, settingsSheet, st)
	stt.header([]string{"setting", "value"})
	stt.row(false, "id", t.ID)
	stt.row(false, "title::zh", t.Title)
	stt.row(false, "title::en", t.TitleEn)
	stt.row(false, "version", float64(t.Version))
	stt.row(false, "version_note", versionNote)
	if err := stt.finish(); err != nil {
		return nil, err
	}
	return save(f)
}

// ReadTemplate reads a checklist workbook. history holds every stored
// version of checklists, so a key reused with another kind is refused
// (answers of different kinds would then be compared month to month).
// Every problem is returned together with its sheet, row and column.
func ReadTemplate(data []byte, history []sv.Template) (*TemplateFile, error) {
	f, err := open(data)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var items, settings, checks *grid
	var itemsHeader int
	for _, name := range f.GetSheetList() {
		g, err := readGrid(f, name)
		if err != nil {
			return nil, err
		}
		if checks == nil && (norm(name) == checksSheet || norm(name) == "校验规则") {
			checks = g
			continue
		}
		if items == nil {
			if h, ok := findHeader(g, func(s string) bool { return itemColOf(s) == iKey }, func(r int) bool {
				return rowHas(g, r, func(s string) bool { return itemColOf(s) == iKind })
			}); ok {
				items, itemsHeader = g, h
				continue
			}
		}
		if settings == nil && (norm(name) == settingsSheet || norm(name) == "设置" || looksLikeSettings(g)) {
			settings = g
		}
	}
	var ps Problems
	if items == nil {
		return nil, Problems{{Zh: "找不到检查项表：没有哪个工作表的表头同时含 key 与 kind 列。", En: "No items sheet found: no sheet has a header with both a key and a kind column."}}.AsError()
	}
	tf := &TemplateFile{}
	if settings == nil {
		ps = append(ps, Problem{Zh: "缺少 settings 工作表（清单编号 id、标题 title::zh）。", En: "the settings sheet (id, title::zh) is missing."})
	} else {
		for r := range settings.rows {
			k, v := norm(settings.cell(r, 0)), strings.TrimSpace(settings.cell(r, 1))
			switch k {
			case "id", "编号":
				tf.Template.ID = v
			case "title::zh", "title", "标题":
				tf.Template.Title = v
			case "title::en", "英文标题":
				tf.Template.TitleEn = v
			case "version_note", "版本说明":
				tf.VersionNote = v
			}
		}
		if tf.Template.ID == "" {
			ps = append(ps, Problem{Sheet: settings.name, Column: "B", Zh: "缺少清单编号（id）。", En: "the checklist id is missing."})
		}
		if tf.Template.Title == "" {
			ps = append(ps, Problem{Sheet: settings.name, Column: "B", Zh: "缺少清单标题（title::zh）。", En: "the checklist title (title::zh) is missing."})
		}
	}
	ps = append(ps, tf.readItems(items, itemsHeader, history)...)
	if checks != nil {
		ps = append(ps, tf.readChecks(checks)...)
	}
	if len(ps) > 0 {
		return nil, ps
	}
	// The domain's own rules, as a last guard: the checks above name the
	// cells, this one what they may have missed.
	check := tf.Template
	check.Version = 1
	if err := check.Validate(); err != nil {
		return nil, Problems{{Sheet: items.name, Zh: sv.ErrorMessage(err, sv.Chinese), En: sv.ErrorMessage(err, sv.English)}}.AsError()
	}
	return tf, nil
}

func (tf *TemplateFile) readItems(g *grid, h int, history []sv.Template) Problems {
	var ps Problems
	cols := map[itemCol]int{}
	for c, v := range g.rows[h] {
		if k := itemColOf(v); k != iNone {
			if _, dup := cols[k]; dup {
				ps = append(ps, Problem{Sheet: g.name, Row: h + 1, Column: colName(c), Zh: fmt.Sprintf("“%s”列重复。", v), En: fmt.Sprintf("the column “%s” appears twice.", v)})
			}
			cols[k] = c
		} else if strings.TrimSpace(v) != "" {
			ps = append(ps, Problem{Sheet: g.name, Row: h + 1, Column: colName(c), Zh: fmt.Sprintf("不认识的列“%s”。", v), En: fmt.Sprintf("unknown column “%s”.", v)})
		}
	}
	for _, need := range []itemCol{iSection, iKey, iKind, iTitle} {
		if _, ok := cols[need]; !ok {
			ps = append(ps, Problem{Sheet: g.name, Row: h + 1, Zh: "缺少“" + itemCols[need-1].header + "”列。", En: "the column “" + itemCols[need-1].header + "” is missing."})
		}
	}
	if len(ps) > 0 {
		return ps
	}
	// The kind each key had in any earlier version, to refuse a key reused
	// for another kind of answer.
	pastKind := map[string]sv.ItemKind{}
	for _, old := range history {
		if old.ID != tf.Template.ID {
			continue
		}
		for _, it := range old.Items() {
			pastKind[it.Key] = it.Kind
		}
	}
	seen := map[string]int{}
	sectionAt := map[string]int{}
	for r := h + 1; r < len(g.rows); r++ {
		if g.filled(r) == 0 {
			continue
		}
		get := func(c itemCol) (string, string) {
			i, ok := cols[c]
			if !ok {
				return "", ""
			}
			return strings.TrimSpace(g.cell(r, i)), colName(i)
		}
		bad := func(col, zh, en string) {
			ps = append(ps, Problem{Sheet: g.name, Row: r + 1, Column: col, Zh: zh, En: en})
		}
		var it sv.Item
		var col string
		it.Key, col = get(iKey)
		switch prev, dup := seen[it.Key]; {
		case it.Key == "":
			bad(col, "检查项编号（key）为空。", "the item key is empty.")
		case dup:
			bad(col, fmt.Sprintf("编号“%s”与第 %d 行重复。", it.Key, prev), fmt.Sprintf("the key “%s” repeats row %d.", it.Key, prev))
		default:
			seen[it.Key] = r + 1
		}
		kind, kcol := get(iKind)
		it.Kind = kindOf(kind)
		if !it.Kind.Valid() {
			bad(kcol, fmt.Sprintf("类型“%s”未知（可填：pass_fail、number、text、single_choice、multi_choice、date）。", kind),
				fmt.Sprintf("the kind “%s” is unknown (one of pass_fail, number, text, single_choice, multi_choice, date).", kind))
		} else if was, ok := pastKind[it.Key]; ok && was != it.Kind {
			bad(kcol, fmt.Sprintf("编号“%s”在以前的版本中是“%s”类型，不能改作“%s”；新的问题请用新的编号。", it.Key, was.Label(sv.Chinese), it.Kind.Label(sv.Chinese)),
				fmt.Sprintf("the key “%s” was a “%s” item in an earlier version and cannot become “%s”; give the new question a new key.", it.Key, was.Label(sv.English), it.Kind.Label(sv.English)))
		}
		it.Title, col = get(iTitle)
		if it.Title == "" {
			bad(col, "检查内容（label::zh）为空。", "the label (label::zh) is empty.")
		}
		it.TitleEn, _ = get(iTitleEn)
		it.Unit, _ = get(iUnit)
		it.Hint, _ = get(iHint)
		it.HintEn, _ = get(iHintEn)
		flag := func(c itemCol) bool {
			v, col := get(c)
			b, ok := boolean(v)
			if !ok {
				bad(col, fmt.Sprintf("“%s”应为 yes 或留空。", v), fmt.Sprintf("“%s” should be yes or empty.", v))
			}
			return b
		}
		it.Required, it.PhotoRequired, it.FailRaisesFinding = flag(iRequired), flag(iPhoto), flag(iRaises)
		it.Carry, it.YearToDate = flag(iCarry), flag(iYearToDate)
		if v, col := get(iFigure); v != "" {
			it.Figure = sv.Figure(v)
			if !it.Figure.Valid() {
				bad(col, fmt.Sprintf("“%s”不是已知的项目指标。", v), fmt.Sprintf("“%s” is not a known project figure.", v))
			}
		}
		bound := func(c itemCol) *float64 {
			v, col := get(c)
			if v == "" {
				return nil
			}
			n, ok := number(v)
			if !ok {
				bad(col, fmt.Sprintf("“%s”不是数字。", v), fmt.Sprintf("“%s” is not a number.", v))
				return nil
			}
			return &n
		}
		it.Min, it.Max = bound(iMin), bound(iMax)
		if it.Min != nil && it.Max != nil && *it.Min > *it.Max {
			_, col := get(iMin)
			bad(col, "下限大于上限。", "min is above max.")
		}
		it.Options = splitOptions(get(iOptions))
		it.OptionsEn = splitOptions(get(iOptionsEn))
		if (it.Kind == sv.KindSingleChoice || it.Kind == sv.KindMultiChoice) && len(it.Options) < 2 {
			_, col := get(iOptions)
			bad(col, "选择题至少需要两个选项（用 | 分隔）。", "a choice item needs at least two options (separated by |).")
		}
		if len(it.OptionsEn) > 0 && len(it.OptionsEn) != len(it.Options) {
			_, col := get(iOptionsEn)
			bad(col, "英文选项须与中文选项一一对应。", "there must be one English option for each option.")
		}
		if v, col := get(iCategory); v != "" {
			c, ok := categoryOf(v)
			if !ok {
				bad(col, fmt.Sprintf("问题类别“%s”未知。", v), fmt.Sprintf("the finding category “%s” is unknown.", v))
			}
			it.FindingCategory = c
		}
		skey, scol := get(iSection)
		if skey == "" {
			bad(scol, "分组（section）为空。", "the section is empty.")
			continue
		}
		i, ok := sectionAt[skey]
		if !ok {
			i = len(tf.Template.Sections)
			sectionAt[skey] = i
			tf.Template.Sections = append(tf.Template.Sections, sv.Section{Key: skey})
		}
		s := &tf.Template.Sections[i]
		if s.Title == "" {
			s.Title, _ = get(iSectionTitle)
		}
		if s.TitleEn == "" {
			s.TitleEn, _ = get(iSectionTitleEn)
		}
		if s.Answers == "" {
			if v, col := get(iSectionAnswers); v != "" {
				if r := sv.UnitRole(v); r.Valid() {
					s.Answers = r
				} else {
					bad(col, fmt.Sprintf("“%s”不是已知的单位类别（owner、contractor、supervisor、lead）。", v),
						fmt.Sprintf("“%s” is not a known kind of unit (owner, contractor, supervisor, lead).", v))
				}
			}
		}
		s.Items = append(s.Items, it)
	}
	if len(seen) == 0 && len(ps) == 0 {
		ps = append(ps, Problem{Sheet: g.name, Zh: "没有任何检查项。", En: "there are no items."})
	}
	return ps
}

// looksLikeSettings finds a renamed settings sheet by its keys.
func looksLikeSettings(g *grid) bool {
	id, title := false, false
	for r := range g.rows {
		switch norm(g.cell(r, 0)) {
		case "id", "编号":
			id = true
		case "title::zh", "title", "标题":
			title = true
		}
	}
	return id && title
}

func splitOptions(v, _ string) []string {
	if v == "" {
		return nil
	}
	var out []string
	for _, o := range strings.Split(v, optionSep) {
		out = append(out, strings.TrimSpace(o))
	}
	return out
}

func kindOf(s string) sv.ItemKind {
	n := norm(s)
	for _, k := range []sv.ItemKind{sv.KindPassFail, sv.KindNumber, sv.KindText, sv.KindSingleChoice, sv.KindMultiChoice, sv.KindDate} {
		if n == string(k) || n == norm(k.Label(sv.Chinese)) || n == norm(k.Label(sv.English)) {
			return k
		}
	}
	return sv.ItemKind(s)
}

func categoryOf(s string) (sv.Category, bool) {
	n := norm(s)
	for _, c := range sv.Categories() {
		if n == string(c) || n == norm(c.Label(sv.Chinese)) || n == norm(c.Label(sv.English)) {
			return c, true
		}
	}
	return "", false
}

// Difference is one way a checklist differs from its current version.
type Difference struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// DiffTemplates lists how next differs from old, item by item, ignoring
// the version number and the sample mark.
func DiffTemplates(old, next sv.Template) []Difference {
	var out []Difference
	add := func(zh, en string, args ...any) {
		out = append(out, Difference{Zh: fmt.Sprintf(zh, args...), En: fmt.Sprintf(en, args...)})
	}
	if old.Title != next.Title || old.TitleEn != next.TitleEn {
		add("标题：“%s” → “%s”", "title: “%s” → “%s”", old.Title, next.Title)
	}
	var oldSecs, newSecs []string
	for _, s := range old.Sections {
		oldSecs = append(oldSecs, s.Key+"="+s.Title+"/"+s.TitleEn)
	}
	for _, s := range next.Sections {
		newSecs = append(newSecs, s.Key+"="+s.Title+"/"+s.TitleEn)
	}
	if !slices.Equal(oldSecs, newSecs) {
		add("分组：%s → %s", "sections: %s → %s", strings.Join(oldSecs, "，"), strings.Join(newSecs, ", "))
	}
	oldItems := map[string]sv.Item{}
	var oldOrder, newOrder []string
	for _, it := range old.Items() {
		oldItems[it.Key] = it
		oldOrder = append(oldOrder, it.Key)
	}
	for _, it := range next.Items() {
		newOrder = append(newOrder, it.Key)
		was, ok := oldItems[it.Key]
		if !ok {
			add("新增检查项 %s “%s”", "item %s “%s” added", it.Key, it.Title)
			continue
		}
		delete(oldItems, it.Key)
		for _, d := range diffItem(was, it) {
			add("检查项 %s 的 %s：%s → %s", "item %s, %s: %s → %s", it.Key, d[0], d[1], d[2])
		}
	}
	for _, k := range oldOrder {
		if it, ok := oldItems[k]; ok {
			add("删除检查项 %s “%s”", "item %s “%s” removed", k, it.Title)
		}
	}
	if len(out) == 0 && !slices.Equal(oldOrder, newOrder) {
		add("检查项顺序改变", "the order of items changed")
	}
	if !slices.Equal(old.Checks, next.Checks) {
		add("校验规则：%d 条 → %d 条", "checks: %d → %d", len(old.Checks), len(next.Checks))
	}
	return out
}

// readChecks reads the checks sheet: a header row naming checkCols, then
// one check a row; empty rows are skipped.
func (tf *TemplateFile) readChecks(g *grid) Problems {
	var ps Problems
	if len(g.rows) == 0 {
		return nil
	}
	cols := map[string]int{}
	for c, v := range g.rows[0] {
		cols[norm(v)] = c
	}
	for _, want := range []string{"item", "op", "other"} {
		if _, ok := cols[want]; !ok {
			ps = append(ps, Problem{Sheet: g.name, Row: 1, Zh: fmt.Sprintf("校验规则表缺少“%s”列。", want), En: fmt.Sprintf("the checks sheet has no “%s” column.", want)})
		}
	}
	if len(ps) > 0 {
		return ps
	}
	get := func(r int, name string) string {
		c, ok := cols[name]
		if !ok {
			return ""
		}
		return strings.TrimSpace(g.cell(r, c))
	}
	for r := 1; r < len(g.rows); r++ {
		if g.filled(r) == 0 {
			continue
		}
		c := sv.CrossCheck{Item: get(r, "item"), Op: get(r, "op"), Other: get(r, "other"), Zh: get(r, "message::zh"), En: get(r, "message::en")}
		if v := get(r, "factor"); v != "" {
			n, ok := number(v)
			if !ok {
				ps = append(ps, Problem{Sheet: g.name, Row: r + 1, Column: colName(cols["factor"]), Zh: fmt.Sprintf("“%s”不是数字。", v), En: fmt.Sprintf("“%s” is not a number.", v)})
			}
			c.Factor = n
		}
		w, ok := boolean(get(r, "warning"))
		if !ok {
			ps = append(ps, Problem{Sheet: g.name, Row: r + 1, Column: colName(cols["warning"]), Zh: "warning 应为 yes 或留空。", En: "warning should be yes or empty."})
		}
		c.Warning = w
		tf.Template.Checks = append(tf.Template.Checks, c)
	}
	return ps
}

func diffItem(a, b sv.Item) [][3]string {
	f := func(p *float64) string {
		if p == nil {
			return ""
		}
		return strconv.FormatFloat(*p, 'f', -1, 64)
	}
	fields := [][3]string{
		{"label::zh", a.Title, b.Title}, {"label::en", a.TitleEn, b.TitleEn}, {"kind", string(a.Kind), string(b.Kind)},
		{"hint::zh", a.Hint, b.Hint}, {"hint::en", a.HintEn, b.HintEn}, {"unit", a.Unit, b.Unit},
		{"min", f(a.Min), f(b.Min)}, {"max", f(a.Max), f(b.Max)},
		{"options::zh", strings.Join(a.Options, " | "), strings.Join(b.Options, " | ")},
		{"options::en", strings.Join(a.OptionsEn, " | "), strings.Join(b.OptionsEn, " | ")},
		{"required", strconv.FormatBool(a.Required), strconv.FormatBool(b.Required)},
		{"photo_required", strconv.FormatBool(a.PhotoRequired), strconv.FormatBool(b.PhotoRequired)},
		{"fail_raises_finding", strconv.FormatBool(a.FailRaisesFinding), strconv.FormatBool(b.FailRaisesFinding)},
		{"finding_category", string(a.FindingCategory), string(b.FindingCategory)},
		{"carry", strconv.FormatBool(a.Carry), strconv.FormatBool(b.Carry)},
		{"year_to_date", strconv.FormatBool(a.YearToDate), strconv.FormatBool(b.YearToDate)},
		{"figure", string(a.Figure), string(b.Figure)},
	}
	var out [][3]string
	for _, x := range fields {
		if x[1] != x[2] {
			out = append(out, x)
		}
	}
	return out
}
