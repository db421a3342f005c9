package cli

import (
	"flag"
	"fmt"

	"fieldbrief/spreadsheet"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

func runFindings(c *ctx, args []string) error {
	for i, a := range args {
		if a == "export" {
			return runFindingsExport(c, append(append([]string(nil), args[:i]...), args[i+1:]...))
		}
	}
	c.findingsUsage()
	if len(args) == 1 && (args[0] == "--help" || args[0] == "-h") {
		return flag.ErrHelp
	}
	return usageError{msg: c.pick("请指定 export。", "Say export.")}
}

func (c *ctx) findingsUsage() {
	fmt.Fprintln(c.Stdout, c.pick(
		"用法：\n  fieldbrief findings export --data 文件夹 --out 文件.xlsx [--status open|overdue|all] [--project 项目编号] [--unit 责任单位]",
		"Usage:\n  fieldbrief findings export --data FOLDER --out FILE.xlsx [--status open|overdue|all] [--project ID] [--unit NAME]"))
}

// runFindingsExport writes the findings ledger (问题台账) the office hands
// to leaders and responsible units.
func runFindingsExport(c *ctx, args []string) error {
	fs, data := c.flags("findings export", "--out 文件.xlsx [--status open|overdue|all] [--project 项目编号] [--unit 责任单位]",
		"--out FILE.xlsx [--status open|overdue|all] [--project ID] [--unit NAME]")
	out := fs.String("out", "", c.pick("导出的 Excel 文件", "the Excel file to write"))
	status := fs.String("status", "open", c.pick("open（在办）、overdue（逾期）或 all（全部）", "open, overdue or all"))
	project := fs.String("project", "", c.pick("只导出此项目（编号）", "only this project (its id)"))
	unit := fs.String("unit", "", c.pick("只导出此责任单位", "only this responsible unit"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	filter := spreadsheet.LedgerFilter{Status: *status, ProjectID: *project, Unit: *unit}
	if err := filter.Valid(); err != nil {
		return usageError{msg: sv.ErrorMessage(err, c.lang)}
	}
	if *out == "" {
		return usageError{msg: c.pick("请用 --out 指定导出的文件。", "Name the file to write with --out.")}
	}
	s, err := c.open(*data, true)
	if err != nil {
		return err
	}
	defer s.Close()
	all, err := s.Findings(storage.FindingFilter{})
	if err != nil {
		return err
	}
	projects, err := s.Projects()
	if err != nil {
		return err
	}
	byID := map[string]sv.Project{}
	for _, p := range projects {
		byID[p.ID] = p
	}
	if *project != "" {
		if _, ok := byID[*project]; !ok {
			return sv.Errorf(sv.ENotFound, "没有编号为“%s”的项目。", "There is no project with the id “%s”.", *project)
		}
	}
	now := c.Now()
	rows := filter.Select(all, now)
	b, err := spreadsheet.WriteLedger(rows, byID, now)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(*out, b); err != nil {
		return err
	}
	c.say("已导出 %d 条问题到 %s。", "Exported %d findings to %s.", len(rows), *out)
	return nil
}
