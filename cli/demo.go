package cli

import (
	"fieldbrief/sample"
)

func runDemo(c *ctx, args []string) error {
	fs, data := c.flags("demo", "[--data 文件夹]", "[--data FOLDER]")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	s, err := c.open(*data, false)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := sample.Install(s, c.Now())
	if err != nil {
		return err
	}
	c.say("已载入示例数据：%d 个重点项目、%d 次督查、%d 个问题。数据位于 %s", "Loaded the sample data: %d key projects, %d visits, %d findings. The data is in %s",
		n.Projects, n.Inspections, n.Findings, s.Path())
	return nil
}
