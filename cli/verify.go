package cli

import (
	"os"
	"sort"
	"strings"

	"fieldbrief/report"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// runReportVerify checks a printed visit report against the store: is the
// record still what was printed, was it corrected since, and is the file
// itself the one fieldbrief wrote (decision 0034). It fails (a non-zero
// exit) unless all three hold.
func runReportVerify(c *ctx, args []string) error {
	fs, data := c.flags("report verify", "文件.pdf", "FILE.pdf")
	// The file is the one argument that is not an option or its value.
	var path string
	var opts []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case (a == "--data" || a == "-data" || a == "--lang" || a == "-lang") && i+1 < len(args):
			opts = append(opts, a, args[i+1])
			i++
		case strings.HasPrefix(a, "-") || path != "":
			opts = append(opts, a)
		default:
			path = a
		}
	}
	if err := c.parse(fs, opts); err != nil {
		return err
	}
	if path == "" {
		return usageError{msg: c.pick("请给出要核对的 PDF 文件。", "Name the PDF file to verify.")}
	}
	pdf, err := os.ReadFile(path)
	if err != nil {
		return sv.Wrap(err, sv.ENotFound, "无法读取文件 "+path+"。", "Cannot read "+path+".")
	}
	stamp, ok := report.ReadStamp(pdf)
	if !ok || stamp.Kind != "visit" {
		return sv.Errorf(sv.EInvalid, "%s 不带 fieldbrief 督查报告的记录校验信息，无法核对（可能不是 fieldbrief 生成的督查报告，或由旧版本生成）。",
			"%s carries no fieldbrief visit record stamp and cannot be verified (not a fieldbrief visit report, or made by an older version).", path)
	}
	dir, err := dataDir(*data)
	if err != nil {
		return err
	}
	s, err := storage.Open(dir, storage.Options{ReadOnly: true, Now: c.Now})
	if err != nil {
		return err
	}
	defer s.Close()
	v, err := verifyVisit(s, stamp, pdf)
	if err != nil {
		return err
	}
	for _, line := range v.lines {
		c.say(line[0], line[1])
	}
	if !v.ok {
		return sv.Errorf(sv.EConflict, "核对未通过。", "Verification failed.")
	}
	return nil
}

// verdict is what verify found, line by line in both languages.
type verdict struct {
	ok    bool
	lines [][2]string
}

func (v *verdict) say(zh, en string) { v.lines = append(v.lines, [2]string{zh, en}) }

// verifyVisit compares a stamped visit report with the store.
func verifyVisit(s *storage.Store, stamp report.Stamp, pdf []byte) (verdict, error) {
	v := verdict{ok: true}
	printed := stamp.Time.Format("2006-01-02 15:04")
	in, err := s.Inspection(stamp.ID)
	if sv.ErrorCode(err) == sv.ENotFound {
		v.ok = false
		v.say("此报告所载督查记录（"+stamp.ID+"）不在该数据文件夹中：它可能来自另一台电脑或另一个数据文件夹，请在那里核对，或先同步。",
			"The visit this report records ("+stamp.ID+") is not in this data folder: it may come from another laptop or folder; verify it there, or sync first.")
		return v, nil
	}
	if err != nil {
		return v, err
	}
	if sealed, intact := report.CheckSeal(pdf); sealed && !intact {
		v.ok = false
		v.say("此 PDF 文件在生成后被改动过：它不是 fieldbrief 于 "+printed+" 生成的原文件，内容不可信。",
			"This PDF was changed after it was made: it is not the file fieldbrief wrote at "+printed+", and its content cannot be trusted.")
	}
	if sv.RecordDigest(in) == stamp.Record {
		v.say("督查记录自 "+printed+" 打印以来未改变（记录校验码 "+stamp.Record[3:19]+"）。",
			"The visit record is unchanged since it was printed at "+printed+" (record check "+stamp.Record[3:19]+").")
	} else {
		v.ok = false
		v.say("督查记录在 "+printed+" 打印之后已改变：打印件与现存记录不一致。",
			"The visit record changed after it was printed at "+printed+": the printed copy no longer matches the stored record.")
		if !in.FinishedAt.IsZero() && in.FinishedAt.After(stamp.Time) {
			v.say("打印时为草稿，之后于 "+in.FinishedAt.In(stamp.Time.Location()).Format("2006-01-02 15:04")+" 提交。",
				"It was a draft when printed and was submitted at "+in.FinishedAt.In(stamp.Time.Location()).Format("2006-01-02 15:04")+".")
		}
		if keys := answeredAfter(in, stamp); len(keys) > 0 {
			v.say("打印后修改过的检查项："+strings.Join(keys, "、")+"。", "Items changed after printing: "+strings.Join(keys, ", ")+".")
		}
	}
	visits, err := s.ProjectVisits(in.ProjectID)
	if err != nil {
		return v, err
	}
	for _, other := range visits {
		if other.Replaces == in.ID && other.Status == sv.Submitted {
			v.ok = false
			day := other.StartedAt.In(stamp.Time.Location()).Format("2006-01-02")
			v.say("此记录已被更正：更正记录 "+other.ID+"（"+day+"，"+strings.Join(other.Inspectors, "、")+"）取代了它，请以更正记录为准。",
				"This record has been corrected: the amendment "+other.ID+" ("+day+", "+strings.Join(other.Inspectors, ", ")+") replaces it.")
		}
	}
	return v, nil
}

// answeredAfter lists the items of a draft answered after the stamp's time.
func answeredAfter(in sv.Inspection, stamp report.Stamp) []string {
	var keys []string
	for k, a := range in.Answers {
		if a.AnsweredAt.After(stamp.Time) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
