package supervision

import "strings"

// fieldProblem is one broken rule of one field, in both languages.
type fieldProblem struct {
	fieldZh, fieldEn string
	zh, en           string
}

// invalid joins the problems of a record into one EInvalid error, or returns
// nil when there are none. The message names the record so a person knows
// which of many it is.
func invalid(kindZh, kindEn, name string, problems []fieldProblem) error {
	if len(problems) == 0 {
		return nil
	}
	var zh, en []string
	for _, p := range problems {
		zh = append(zh, p.fieldZh+p.zh)
		en = append(en, p.fieldEn+" "+p.en)
	}
	subjectZh, subjectEn := kindZh, kindEn
	if name != "" {
		subjectZh += "“" + name + "”"
		subjectEn += " “" + name + "”"
	}
	return &Error{
		Code: EInvalid,
		Zh:   subjectZh + "：" + strings.Join(zh, "；") + "。",
		En:   subjectEn + ": " + strings.Join(en, "; ") + ".",
	}
}
