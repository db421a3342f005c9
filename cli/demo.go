package cli

import (
	"fieldbrief/sample"
)

func runDemo(c *ctx, args []string) error {
	fs, data := c.flags("demo", "cli.args.demo")
	months := fs.Int("months", 12, c.t("cli.demo.months_of_visit_history_to"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *months < 1 || *months > 120 {
		return usageError{msg: c.t("cli.demo.months_must_be_between_1")}
	}
	s, err := c.open(*data, false)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := sample.InstallMonths(s, c.Now(), *months)
	if err != nil {
		return err
	}
	c.say("cli.demo.loaded_the_sample_data_key",
		n.Projects, n.Visits, n.Findings, s.Path())
	return nil
}
