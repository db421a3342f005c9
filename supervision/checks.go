package supervision

import "fmt"

// CrossCheck is a rule a template declares between two figures of a visit,
// such as "this year's investment is at least this month's". It is data in
// the template, not code keyed to item names, so a new checklist version
// can add, change or drop checks.
type CrossCheck struct {
	// Item and Other name number items of the template by key, or a
	// project figure (see Figure) such as "investment.annual_plan".
	Item  string `json:"item"`
	Op    string `json:"op"` // ">=" or "<="
	Other string `json:"other"`
	// Factor multiplies Other; 0 means 1 (1.2 allows 20% above the plan).
	Factor float64 `json:"factor,omitempty"`
	// Warning checks are listed at submission but do not stop it: the value
	// may be right and the plan out of date.
	Warning bool   `json:"warning,omitempty"`
	Zh      string `json:"zh,omitempty"`
	En      string `json:"en,omitempty"`
}

// validateChecks reports checks that name no number item or figure, or an
// unknown comparison.
func (t Template) validateChecks() []fieldProblem {
	var problems []fieldProblem
	for i, c := range t.Checks {
		name := fmt.Sprintf("校验 %d", i+1)
		nameEn := fmt.Sprintf("check %d", i+1)
		if c.Op != ">=" && c.Op != "<=" {
			problems = append(problems, fieldProblem{name, nameEn, "比较须为 >= 或 <=", "must compare with >= or <="})
		}
		for _, k := range []string{c.Item, c.Other} {
			if it, ok := t.Item(k); ok && it.Kind != KindNumber {
				problems = append(problems, fieldProblem{name, nameEn, "“" + k + "”不是数值项", "names “" + k + "”, which is not a number item"})
			} else if !ok && !Figure(k).Valid() {
				problems = append(problems, fieldProblem{name, nameEn, "“" + k + "”既不是检查项也不是项目数据", "names “" + k + "”, neither an item nor a project figure"})
			}
		}
	}
	return problems
}

// CheckFigures lists the template's checks that the visit's answers break.
// figures holds the project's figures as of the visit (see FiguresAsOf),
// for checks that name one; a check whose operands are not both known is
// skipped, as an unanswered item is reported by Gaps instead.
func (in Visit) CheckFigures(t Template, figures map[Figure]float64) (blocking, warnings []Gap) {
	value := func(k string) (float64, bool) {
		if it, ok := t.Item(k); ok {
			if a, ok := in.Answers[k]; ok && a.IsAnswered(it.Kind) {
				return *a.Number, true
			}
			return 0, false
		}
		v, ok := figures[Figure(k)]
		return v, ok
	}
	for _, c := range t.Checks {
		a, okA := value(c.Item)
		b, okB := value(c.Other)
		if !okA || !okB {
			continue
		}
		f := c.Factor
		if f == 0 {
			f = 1
		}
		held := c.Op == ">=" && a >= b*f || c.Op == "<=" && a <= b*f
		if held {
			continue
		}
		g := Gap{ItemKey: c.Item, Zh: c.Zh, En: c.En}
		if g.Zh == "" {
			g.Zh = fmt.Sprintf("“%s”（%s）应 %s “%s”（%s）", t.title(c.Item, Chinese), FormatNumber(a, ""), c.Op, t.title(c.Other, Chinese), FormatNumber(b*f, ""))
		}
		if g.En == "" {
			g.En = fmt.Sprintf("“%s” (%s) should be %s “%s” (%s)", t.title(c.Item, English), FormatNumber(a, ""), c.Op, t.title(c.Other, English), FormatNumber(b*f, ""))
		}
		if c.Warning {
			warnings = append(warnings, g)
		} else {
			blocking = append(blocking, g)
		}
	}
	return blocking, warnings
}

// title names an item or a figure for a person.
func (t Template) title(k string, lang Lang) string {
	if it, ok := t.Item(k); ok {
		return it.DisplayTitle(lang)
	}
	return Figure(k).Label(lang)
}
