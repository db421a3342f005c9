package cli

import (
	"flag"
	"fmt"

	"fieldbrief/spreadsheet"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
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
	return usageError{msg: c.t("cli.findings.say_export")}
}

func (c *ctx) findingsUsage() {
	fmt.Fprintln(c.Stdout, c.t(
		"cli.findings.usage_fieldbrief_findings_export_data"))
}

// runFindingsExport writes the findings ledger (问题台账) the office hands
// to leaders and responsible units.
func runFindingsExport(c *ctx, args []string) error {
	fs, data := c.flags("findings export", "cli.args.findings_export")
	out := fs.String("out", "", c.t("cli.findings.the_excel_file_to_write"))
	status := fs.String("status", "open", c.t("cli.findings.open_overdue_or_all"))
	project := fs.String("project", "", c.t("cli.findings.only_this_project_its_id"))
	unit := fs.String("unit", "", c.t("cli.findings.only_this_responsible_unit"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	filter := spreadsheet.LedgerFilter{Status: *status, ProjectID: *project, Unit: *unit}
	if err := filter.Valid(); err != nil {
		return usageError{msg: translate.Message(err, c.lang)}
	}
	if *out == "" {
		return usageError{msg: c.t("cli.findings.name_the_file_to_write")}
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
			return translate.Errorf(sv.ENotFound, "cli.error.there_is_no_project_with_the", *project)
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
	c.say("cli.findings.exported_findings_to", len(rows), *out)
	return nil
}
