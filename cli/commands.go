package cli

import (
	"encoding/json"
	"fmt"
	"sort"
	"text/tabwriter"
	"time"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// projectJSON is one line of `projects --json`; the field names are a
// contract with scripts.
type projectJSON struct {
	ID              string  `json:"id"`
	Name            string  `json:"name"`
	ShortName       string  `json:"short_name"`
	Leader          string  `json:"leader"`
	LeadDepartment  string  `json:"lead_department"`
	Industry        string  `json:"industry"`
	Phase           string  `json:"phase"`
	PhaseLabel      string  `json:"phase_label"`
	Light           string  `json:"light"`
	LastVisit       *string `json:"last_visit"`
	NextDue         string  `json:"next_due"`
	VisitOverdue    bool    `json:"visit_overdue"`
	OpenFindings    int     `json:"open_findings"`
	OverdueFindings int     `json:"overdue_findings"`
	Sample          bool    `json:"sample"`
}

func runProjects(c *ctx, args []string) error {
	fs, data := c.flags("projects", "cli.args.projects")
	asJSON := fs.Bool("json", false, c.t("cli.print_json"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	s, err := c.open(*data, true)
	if err != nil {
		return err
	}
	defer s.Close()
	now := c.Now()
	rows, err := s.Dashboard(now)
	if err != nil {
		return err
	}
	sortedProjects(rows)
	if *asJSON {
		out := make([]projectJSON, 0, len(rows))
		for _, r := range rows {
			p := r.Project
			j := projectJSON{ID: p.ID, Name: p.Name, ShortName: p.ShortName, Leader: p.Leader, LeadDepartment: p.LeadDepartment,
				Industry: string(p.Industry), Phase: string(p.Phase), PhaseLabel: p.Phase.Label(c.lang), Light: string(p.Light),
				NextDue: string(r.Next.Due), VisitOverdue: r.Next.Overdue, OpenFindings: r.OpenFindings, OverdueFindings: r.OverdueFindings, Sample: p.Sample}
			if !r.LastVisit.IsZero() {
				d := string(sv.DateOf(r.LastVisit.In(now.Location())))
				j.LastVisit = &d
			}
			out = append(out, j)
		}
		return writeJSON(c, out)
	}
	tw := tabwriter.NewWriter(c.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, c.t("cli.id_project_leader_phase_last"))
	for _, r := range rows {
		last := "—"
		if !r.LastVisit.IsZero() {
			last = string(sv.DateOf(r.LastVisit.In(now.Location())))
		}
		due := string(r.Next.Due)
		if r.Next.Overdue {
			due += c.t("cli.overdue")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\n", r.Project.ID, r.Project.DisplayName(), r.Project.Leader,
			r.Project.Phase.Label(c.lang), last, due, r.OpenFindings, r.OverdueFindings)
	}
	return tw.Flush()
}

type visitJSON struct {
	ID              string   `json:"id"`
	ProjectID       string   `json:"project_id"`
	Started         string   `json:"started"`
	Finished        *string  `json:"finished"`
	Status          string   `json:"status"`
	Inspectors      []string `json:"inspectors"`
	TemplateID      string   `json:"template_id"`
	TemplateVersion int      `json:"template_version"`
	Answers         int      `json:"answers"`
	Replaces        string   `json:"replaces,omitempty"`
	// Items are the answers themselves (value, note, photos), in item-key
	// order, only with --answers: the list stays small by default.
	Items []sv.Answer `json:"items,omitempty"`
}

func runVisits(c *ctx, args []string) error {
	fs, data := c.flags("visits", "cli.args.visits")
	project := fs.String("project", "", c.t("cli.only_this_projects_visits"))
	asJSON := fs.Bool("json", false, c.t("cli.print_json"))
	withAnswers := fs.Bool("answers", false, c.t("cli.include_each_items_answer_note"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *withAnswers && !*asJSON {
		return usageError{msg: c.t("cli.use_answers_together_with_json")}
	}
	s, err := c.open(*data, true)
	if err != nil {
		return err
	}
	defer s.Close()
	if *project != "" {
		if _, err := s.Project(*project); err != nil {
			return err
		}
	}
	visits, err := s.Visits(*project)
	if err != nil {
		return err
	}
	if *asJSON {
		// One read of the answers for all visits, not one transaction per visit.
		all, err := s.VisitsWithAnswers()
		if err != nil {
			return err
		}
		answers := make(map[string]sv.Visit, len(all))
		for _, in := range all {
			answers[in.ID] = in
		}
		out := make([]visitJSON, 0, len(visits))
		for _, v := range visits {
			j := visitJSON{ID: v.ID, ProjectID: v.ProjectID, Started: v.StartedAt.Format(time.RFC3339), Status: string(v.Status),
				Inspectors: v.Inspectors, TemplateID: v.TemplateID, TemplateVersion: v.TemplateVersion, Answers: len(answers[v.ID].Answers), Replaces: v.Replaces}
			if *withAnswers {
				j.Items = answerList(answers[v.ID].Answers)
			}
			if !v.FinishedAt.IsZero() {
				f := v.FinishedAt.Format(time.RFC3339)
				j.Finished = &f
			}
			out = append(out, j)
		}
		return writeJSON(c, out)
	}
	tw := tabwriter.NewWriter(c.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, c.t("cli.id_project_started_status_inspectors"))
	for _, v := range visits {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\n", v.ID, v.ProjectID, v.StartedAt.Local().Format("2006-01-02 15:04"), v.Status.Label(c.lang), v.Inspectors)
	}
	return tw.Flush()
}

// answerList lists a visit's answers in item-key order, so that the same
// visit always prints the same.
func answerList(m map[string]sv.Answer) []sv.Answer {
	out := make([]sv.Answer, 0, len(m))
	for _, a := range m {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ItemKey < out[j].ItemKey })
	return out
}

func runCheck(c *ctx, args []string) error {
	fs, data := c.flags("check", "cli.args.check")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	s, err := c.open(*data, true)
	if err != nil {
		return err
	}
	defer s.Close()
	problems := s.Check()
	if len(problems) == 0 {
		n, _ := s.OutboxLen()
		c.say("cli.the_data_is_sound_changes", s.Path(), n)
		return nil
	}
	c.say("cli.problems_found", len(problems))
	for _, p := range problems {
		fmt.Fprintln(c.Stdout, "  -", p)
	}
	c.say("cli.make_a_backup_with_fieldbrief")
	return exitCode(1)
}

func runBackup(c *ctx, args []string) error {
	fs, data := c.flags("backup", "cli.args.backup")
	out := fs.String("out", "", c.t("cli.path_of_the_backup_file"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{msg: c.t("cli.name_the_backup_file_with")}
	}
	s, err := c.open(*data, true)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.BackupTo(*out)
	if err != nil {
		return err
	}
	c.say("cli.backed_up_to_mb_to",
		*out, float64(n)/1e6, storage.FileName)
	return nil
}

func runCompact(c *ctx, args []string) error {
	fs, data := c.flags("compact", "cli.args.check")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	dir, err := dataDir(*data)
	if err != nil {
		return err
	}
	before, after, err := storage.Compact(dir, storage.Options{Now: c.Now})
	if err != nil {
		return err
	}
	c.say("cli.compacted_mb_mb", float64(before)/1e6, float64(after)/1e6)
	return nil
}

func writeJSON(c *ctx, v any) error {
	enc := json.NewEncoder(c.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
