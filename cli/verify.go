package cli

import (
	"os"
	"sort"
	"strings"

	"fieldbrief/report"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// runReportVerify checks a printed visit report against the store: is the
// record still what was printed, was it corrected since, and is the file
// itself the one fieldbrief wrote (decision 0034). It fails (a non-zero
// exit) unless all three hold.
func runReportVerify(c *ctx, args []string) error {
	fs, data := c.flags("report verify", "cli.args.report_verify")
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
		return usageError{msg: c.t("cli.verify.name_the_pdf_file_to")}
	}
	pdf, err := os.ReadFile(path)
	if err != nil {
		return translate.Wrap(err, sv.ENotFound, "cli.error.cannot_read_file", path)
	}
	stamp, ok := report.ReadStamp(pdf)
	if !ok || stamp.Kind != "visit" {
		return translate.Errorf(sv.EInvalid, "cli.error.carries_no_fieldbrief_visit_record_stamp", path)
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
		c.say(line.key, line.args...)
	}
	if !v.ok {
		return translate.Errorf(sv.EConflict, "cli.error.verification_failed")
	}
	return nil
}

// verdict is what verify found, line by line: catalogue keys with their
// arguments, printed in the command's language.
type verdict struct {
	ok    bool
	lines []verdictLine
}

type verdictLine struct {
	key  string
	args []any
}

func (v *verdict) say(key string, args ...any) { v.lines = append(v.lines, verdictLine{key, args}) }

// verifyVisit compares a stamped visit report with the store.
func verifyVisit(s *storage.Store, stamp report.Stamp, pdf []byte) (verdict, error) {
	v := verdict{ok: true}
	printed := stamp.Time.Format("2006-01-02 15:04")
	in, err := s.Inspection(stamp.ID)
	if sv.ErrorCode(err) == sv.ENotFound {
		v.ok = false
		v.say("cli.verify.visit_not_here", stamp.ID)
		return v, nil
	}
	if err != nil {
		return v, err
	}
	if sealed, intact := report.CheckSeal(pdf); sealed && !intact {
		v.ok = false
		v.say("cli.verify.pdf_changed", printed)
	}
	if sv.RecordDigest(in) == stamp.Record {
		v.say("cli.verify.record_unchanged", printed, stamp.Record[3:19])
	} else {
		v.ok = false
		v.say("cli.verify.record_changed", printed)
		if !in.FinishedAt.IsZero() && in.FinishedAt.After(stamp.Time) {
			v.say("cli.verify.submitted_after", in.FinishedAt.In(stamp.Time.Location()).Format("2006-01-02 15:04"))
		}
		if keys := answeredAfter(in, stamp); len(keys) > 0 {
			v.say("cli.verify.items_changed", keys)
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
			v.say("cli.verify.corrected", other.ID, day, other.Inspectors)
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
