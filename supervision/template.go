package supervision

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// ItemKind says what sort of answer a checklist item takes.
type ItemKind string

// Item kinds.
const (
	KindPassFail     ItemKind = "pass_fail" // 符合 / 不符合 / 不适用
	KindNumber       ItemKind = "number"    // a measured or reported figure with a unit and bounds
	KindText         ItemKind = "text"
	KindSingleChoice ItemKind = "single_choice"
	KindMultiChoice  ItemKind = "multi_choice"
	KindDate         ItemKind = "date"
)

var kindLabels = map[ItemKind][2]string{
	KindPassFail:     {"符合性检查", "Pass / fail"},
	KindNumber:       {"数值", "Number"},
	KindText:         {"文字", "Text"},
	KindSingleChoice: {"单选", "Single choice"},
	KindMultiChoice:  {"多选", "Multiple choice"},
	KindDate:         {"日期", "Date"},
}

// Label returns the kind's name for people.
func (k ItemKind) Label(lang Lang) string { return label(kindLabels, k, lang) }

// Valid reports whether k is a known kind.
func (k ItemKind) Valid() bool { _, ok := kindLabels[k]; return ok }

// Verdict is the answer to a pass/fail item.
type Verdict string

// Verdicts.
const (
	Pass          Verdict = "pass" // 符合
	Fail          Verdict = "fail" // 不符合
	NotApplicable Verdict = "na"   // 不适用
)

var verdictLabels = map[Verdict][2]string{
	Pass:          {"符合", "Pass"},
	Fail:          {"不符合", "Fail"},
	NotApplicable: {"不适用", "N/A"},
}

// Label returns the verdict's name for people.
func (v Verdict) Label(lang Lang) string { return label(verdictLabels, v, lang) }

// Item is one question of a checklist.
type Item struct {
	// Key identifies the item across template versions, so answers and
	// findings can be compared from month to month.
	Key   string `json:"key"`
	Title string `json:"title"`
	// TitleEn is the English wording; empty means the Chinese is shown.
	TitleEn string `json:"title_en,omitempty"`
	Hint    string `json:"hint,omitempty"`
	// HintEn is the hint's English wording; empty means the Chinese is shown.
	HintEn string   `json:"hint_en,omitempty"`
	Kind   ItemKind `json:"kind"`
	// Unit, Min and Max apply to number items; nil bounds are open.
	Unit    string   `json:"unit,omitempty"`
	Min     *float64 `json:"min,omitempty"`
	Max     *float64 `json:"max,omitempty"`
	Options []string `json:"options,omitempty"`
	// OptionsEn are the options' English labels, one for each option in
	// order. An answer always stores the Chinese option, so a visit reads
	// the same whichever language it was filled in.
	OptionsEn []string `json:"options_en,omitempty"`
	// Required items must be answered before a visit can be submitted.
	Required bool `json:"required,omitempty"`
	// PhotoRequired items need at least one photo before submission.
	PhotoRequired bool `json:"photo_required,omitempty"`
	// FailRaisesFinding means a "fail" opens a prefilled finding.
	FailRaisesFinding bool `json:"fail_raises_finding,omitempty"`
	// FindingCategory prefills the category of a finding raised from this item.
	FindingCategory Category `json:"finding_category,omitempty"`
	// Figure binds a number or choice item to a project figure: a submitted
	// visit's answer is an observation of it as of the visit (decision 0033).
	Figure Figure `json:"figure,omitempty"`
	// Carry prefills a new visit with the last visit's answer (the phase,
	// the permits obtained, the progress): it rarely changes from month to
	// month, so the inspector confirms or corrects it instead of typing it
	// again. See CarriedAnswer.
	Carry bool `json:"carry,omitempty"`
	// YearToDate marks a figure summed since 1 January: it is carried only
	// within the same year, since January starts again from zero.
	YearToDate bool `json:"year_to_date,omitempty"`
}

// DisplayTitle returns the title in the given language, falling back to Chinese.
func (it Item) DisplayTitle(lang Lang) string {
	if lang == English && it.TitleEn != "" {
		return it.TitleEn
	}
	return it.Title
}

// DisplayHint returns the hint in the given language, falling back to Chinese.
func (it Item) DisplayHint(lang Lang) string {
	if lang == English && it.HintEn != "" {
		return it.HintEn
	}
	return it.Hint
}

// OptionLabel returns how an option (as stored in an answer) reads in the
// given language; an option the item does not list reads as stored.
func (it Item) OptionLabel(option string, lang Lang) string {
	if lang == English && len(it.OptionsEn) == len(it.Options) {
		for i, o := range it.Options {
			if o == option {
				return it.OptionsEn[i]
			}
		}
	}
	return option
}

// OptionLabels returns the options as they read in the given language.
func (it Item) OptionLabels(lang Lang) []string {
	out := make([]string, len(it.Options))
	for i, o := range it.Options {
		out[i] = it.OptionLabel(o, lang)
	}
	return out
}

// OptionFor returns the option stored for a label shown in the given
// language, and whether there is one.
func (it Item) OptionFor(label string, lang Lang) (string, bool) {
	for _, o := range it.Options {
		if it.OptionLabel(o, lang) == label {
			return o, true
		}
	}
	return "", false
}

// Section groups the items of a checklist under a heading.
type Section struct {
	Key     string `json:"key"`
	Title   string `json:"title"`
	TitleEn string `json:"title_en,omitempty"`
	Items   []Item `json:"items"`
	// Answers names the kind of unit that usually answers for a problem
	// found in this section (safety: the contractor; permits: the owner),
	// so a finding raised here names that unit of the project by default.
	Answers UnitRole `json:"answers,omitempty"`
}

// DisplayTitle returns the title in the given language, falling back to Chinese.
func (s Section) DisplayTitle(lang Lang) string {
	if lang == English && s.TitleEn != "" {
		return s.TitleEn
	}
	return s.Title
}

// Template is one version of a checklist (督查清单). Templates are never
// edited in place: a change is a new version, and a visit keeps the
// version it was started with.
type Template struct {
	ID       string    `json:"id"`
	Version  int       `json:"version"`
	Title    string    `json:"title"`
	TitleEn  string    `json:"title_en,omitempty"`
	Sections []Section `json:"sections"`
	Sample   bool      `json:"sample,omitempty"`
	// Checks are rules between figures, checked at submission.
	Checks []CrossCheck `json:"checks,omitempty"`
}

// Items returns every item in order.
func (t Template) Items() []Item {
	var items []Item
	for _, s := range t.Sections {
		items = append(items, s.Items...)
	}
	return items
}

// Item returns the item with the given key.
func (t Template) Item(key string) (Item, bool) {
	for _, s := range t.Sections {
		for _, it := range s.Items {
			if it.Key == key {
				return it, true
			}
		}
	}
	return Item{}, false
}

// Validate checks that the template can be filled in: unique keys, known
// kinds, choices for choice items, consistent bounds.
func (t Template) Validate() error {
	var problems []fieldProblem
	if strings.TrimSpace(t.ID) == "" {
		problems = append(problems, fieldProblem{"编号", "id", "不能为空", "is required"})
	}
	if t.Version < 1 {
		problems = append(problems, fieldProblem{"版本", "version", "必须从 1 开始", "must be 1 or more"})
	}
	seen := map[string]bool{}
	for _, s := range t.Sections {
		if s.Answers != "" && !s.Answers.Valid() {
			problems = append(problems, fieldProblem{"部分“" + s.Title + "”", "section “" + s.Title + "”", "责任单位类别未知", "names an unknown kind of unit"})
		}
		for _, it := range s.Items {
			name := fmt.Sprintf("“%s”", it.Title)
			switch {
			case it.Key == "":
				problems = append(problems, fieldProblem{"检查项" + name, "item " + name, "缺少编号", "has no key"})
			case seen[it.Key]:
				problems = append(problems, fieldProblem{"检查项" + name, "item " + name, "编号重复", "repeats key " + it.Key})
			}
			seen[it.Key] = true
			if !it.Kind.Valid() {
				problems = append(problems, fieldProblem{"检查项" + name, "item " + name, "类型未知", "has an unknown kind"})
			}
			if (it.Kind == KindSingleChoice || it.Kind == KindMultiChoice) && len(it.Options) < 2 {
				problems = append(problems, fieldProblem{"检查项" + name, "item " + name, "至少需要两个选项", "needs at least two options"})
			}
			if len(it.OptionsEn) > 0 && (len(it.OptionsEn) != len(it.Options) || !distinctLabels(it.OptionsEn)) {
				problems = append(problems, fieldProblem{"检查项" + name, "item " + name, "英文选项须与选项一一对应且互不相同", "needs one distinct English option for each option"})
			}
			if it.Min != nil && it.Max != nil && *it.Min > *it.Max {
				problems = append(problems, fieldProblem{"检查项" + name, "item " + name, "下限大于上限", "has min above max"})
			}
		}
	}
	if len(seen) == 0 {
		problems = append(problems, fieldProblem{"清单", "checklist", "没有检查项", "has no items"})
	}
	problems = append(problems, t.validateChecks()...)
	return invalid("督查清单", "Checklist", t.Title, problems)
}

// Answer is the inspector's answer to one item. Only the field that belongs
// to the item's kind is set.
type Answer struct {
	ItemKey string   `json:"item_key"`
	Verdict Verdict  `json:"verdict,omitempty"`
	Number  *float64 `json:"number,omitempty"`
	Text    string   `json:"text,omitempty"`
	Choices []string `json:"choices,omitempty"`
	Date    Date     `json:"date,omitempty"`
	// Note is a free remark on any kind of item.
	Note string `json:"note,omitempty"`
	// Photos are SHA-256 hashes of photos attached to this item.
	Photos     []string  `json:"photos,omitempty"`
	AnsweredAt time.Time `json:"answered_at"`
	AnsweredBy string    `json:"answered_by,omitempty"`
}

// IsAnswered reports whether the answer holds a value for its kind.
func (a Answer) IsAnswered(kind ItemKind) bool {
	switch kind {
	case KindPassFail:
		return a.Verdict != ""
	case KindNumber:
		return a.Number != nil
	case KindText:
		return strings.TrimSpace(a.Text) != ""
	case KindSingleChoice, KindMultiChoice:
		return len(a.Choices) > 0
	case KindDate:
		return a.Date != ""
	}
	return false
}

// Check validates an answer against its item: the right kind of value,
// numbers within bounds, choices among the options.
func (it Item) Check(a Answer) error {
	bad := func(zh, en string) error {
		return &Error{Code: EInvalid,
			Zh: fmt.Sprintf("“%s”：%s", it.Title, zh),
			En: fmt.Sprintf("“%s”: %s", it.DisplayTitle(English), en)}
	}
	switch it.Kind {
	case KindPassFail:
		if a.Verdict != "" && a.Verdict != Pass && a.Verdict != Fail && a.Verdict != NotApplicable {
			return bad("请选择 符合、不符合 或 不适用。", "choose pass, fail or not applicable.")
		}
	case KindNumber:
		if a.Number == nil {
			return nil
		}
		v := *a.Number
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return bad("请输入一个数字。", "enter a number.")
		}
		if it.Min != nil && v < *it.Min {
			return bad(fmt.Sprintf("不能小于 %s%s。", FormatNumber(*it.Min, ""), it.Unit),
				fmt.Sprintf("must be at least %s %s.", FormatNumber(*it.Min, ""), it.Unit))
		}
		if it.Max != nil && v > *it.Max {
			return bad(fmt.Sprintf("不能大于 %s%s。", FormatNumber(*it.Max, ""), it.Unit),
				fmt.Sprintf("must be at most %s %s.", FormatNumber(*it.Max, ""), it.Unit))
		}
	case KindSingleChoice, KindMultiChoice:
		if it.Kind == KindSingleChoice && len(a.Choices) > 1 {
			return bad("只能选择一项。", "choose only one option.")
		}
		for _, c := range a.Choices {
			if !contains(it.Options, c) {
				return bad(fmt.Sprintf("“%s”不是可选项。", c), fmt.Sprintf("“%s” is not one of the options.", c))
			}
		}
	case KindDate:
		if a.Date != "" {
			if _, ok := a.Date.Time(time.UTC); !ok {
				return bad("日期格式应为 2026-03-15。", "write the date as 2026-03-15.")
			}
		}
	}
	return nil
}

// distinctLabels reports whether every label is written and none repeats:
// an answer given in English is stored by finding its label.
func distinctLabels(list []string) bool {
	seen := map[string]bool{}
	for _, s := range list {
		if s == "" || seen[s] {
			return false
		}
		seen[s] = true
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
