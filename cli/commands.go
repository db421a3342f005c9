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
	fs, data := c.flags("projects", "[--data 文件夹] [--json]", "[--data FOLDER] [--json]")
	asJSON := fs.Bool("json", false, c.pick("输出 JSON", "print JSON"))
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
	fmt.Fprintln(tw, c.pick("编号\t项目\t项目长\t阶段\t上次督查\t下次截止\t未销号\t逾期", "ID\tProject\tLeader\tPhase\tLast visit\tNext due\tOpen\tOverdue"))
	for _, r := range rows {
		last := "—"
		if !r.LastVisit.IsZero() {
			last = string(sv.DateOf(r.LastVisit.In(now.Location())))
		}
		due := string(r.Next.Due)
		if r.Next.Overdue {
			due += c.pick(" (逾期)", " (overdue)")
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
	fs, data := c.flags("visits", "[--data 文件夹] [--project 编号] [--json [--answers]]", "[--data FOLDER] [--project ID] [--json [--answers]]")
	project := fs.String("project", "", c.pick("只列出这个项目的督查", "only this project's visits"))
	asJSON := fs.Bool("json", false, c.pick("输出 JSON", "print JSON"))
	withAnswers := fs.Bool("answers", false, c.pick("JSON 中包含每项的答案、说明和照片", "include each item's answer, note and photos in the JSON"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *withAnswers && !*asJSON {
		return usageError{msg: c.pick("--answers 需与 --json 一起使用。", "Use --answers together with --json.")}
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
	visits, err := s.Inspections(*project)
	if err != nil {
		return err
	}
	if *asJSON {
		// One read of the answers for all visits, not one transaction per visit.
		all, err := s.InspectionsWithAnswers()
		if err != nil {
			return err
		}
		answers := make(map[string]sv.Inspection, len(all))
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
	fmt.Fprintln(tw, c.pick("编号\t项目\t开始时间\t状态\t督查人员", "ID\tProject\tStarted\tStatus\tInspectors"))
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
	fs, data := c.flags("check", "[--data 文件夹]", "[--data FOLDER]")
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
		c.say("数据完好：%s（待同步的修改 %d 条）", "The data is sound: %s (changes waiting to sync: %d)", s.Path(), n)
		return nil
	}
	c.say("发现 %d 个问题：", "Problems found: %d", len(problems))
	for _, p := range problems {
		fmt.Fprintln(c.Stdout, "  -", p)
	}
	c.say("请先用 fieldbrief backup 备份，再联系管理员。", "Make a backup with fieldbrief backup, then contact your administrator.")
	return exitCode(1)
}

func runBackup(c *ctx, args []string) error {
	fs, data := c.flags("backup", "[--data 文件夹] --out 文件", "[--data FOLDER] --out FILE")
	out := fs.String("out", "", c.pick("备份文件的路径", "path of the backup file"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{msg: c.pick("请用 --out 指定备份文件。", "Name the backup file with --out.")}
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
	c.say("已备份到 %s（%.1f MB）。恢复时，把它复制为新数据文件夹中的 %s。", "Backed up to %s (%.1f MB). To restore, copy it as %s into a new data folder.",
		*out, float64(n)/1e6, storage.FileName)
	return nil
}

func runCompact(c *ctx, args []string) error {
	fs, data := c.flags("compact", "[--data 文件夹]", "[--data FOLDER]")
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
	c.say("压缩完成：%.1f MB → %.1f MB", "Compacted: %.1f MB → %.1f MB", float64(before)/1e6, float64(after)/1e6)
	return nil
}

func writeJSON(c *ctx, v any) error {
	enc := json.NewEncoder(c.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
