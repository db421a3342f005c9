package cli

import (
	"fieldbrief/sample"
)

func runDemo(c *ctx, args []string) error {
	fs, data := c.flags("demo", "[--data 文件夹] [--months 月数]", "[--data FOLDER] [--months N]")
	months := fs.Int("months", 12, c.pick("生成多少个月的督查历史（60 为五年，用于性能测试）", "months of visit history to generate (60 = five years, for benchmarks)"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *months < 1 || *months > 120 {
		return usageError{msg: c.pick("--months 应在 1 到 120 之间。", "--months must be between 1 and 120.")}
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
	c.say("已载入示例数据：%d 个重点项目、%d 次督查、%d 个问题。数据位于 %s", "Loaded the sample data: %d key projects, %d visits, %d findings. The data is in %s",
		n.Projects, n.Inspections, n.Findings, s.Path())
	return nil
}
