package app

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	sv "fieldbrief/supervision"
)

// TestMissingValuesSayNotRecorded: a register record with nothing but its
// name, phase and industry (which the register requires) — no planned
// period, leader, status, investment or milestone date —
// reads 未填写 on the project page and in the dashboard's row, as the
// documents print it, never a bare dash or an empty cell.
func TestMissingValuesSayNotRecorded(t *testing.T) {
	s := sampleStore(t)
	bare := sv.Project{ID: "XM-BARE-01", Name: "只有名称的项目", Phase: sv.PhasePreparation, Industry: sv.IndustryHealth, Milestones: []sv.Milestone{{Name: "主体封顶"}}}
	if err := s.ImportRegister([]sv.Project{bare}, nil, true); err != nil {
		t.Fatal(err)
	}
	ui, err := newMainUI(windowApp(t), Config{Data: s, Lang: sv.Chinese, Now: func() time.Time { return testNow }, Background: inPlace})
	if err != nil {
		t.Fatal(err)
	}
	ui.window.Resize(fyne.NewSize(1240, 760))
	waitFor(t, "dashboard rows", func() bool { return len(ui.dash.rows) == 21 })

	var row sv.ProjectStatus
	for _, r := range ui.dash.rows {
		if r.Project.ID == bare.ID {
			row = r
		}
	}
	for i, c := range dashboardColumns() {
		switch c.key {
		case "dashboard.col.light", "dashboard.col.leader":
			full, shown := ui.dash.cellText(i, row)
			if full != "未填写" || shown != "未填写" {
				t.Errorf("dashboard column %s reads %q / %q, want 未填写", c.key, full, shown)
			}
		}
	}

	ui.openProject(bare.ID, true)
	waitFor(t, "the project page", func() bool { return ui.project() != nil && ui.project().data.project.ID == bare.ID })
	want := map[string]string{
		t0("project.period"):          "未填写",
		t0("project.leader"):          "未填写",
		t0("project.light"):           "未填写",
		t0("project.lead_department"): "未填写",
		t0("project.address"):         "未填写",
		t0("project.total"):           "未填写",
		t0("project.annual_plan"):     "未填写",
		t0("project.completed"):       "未填写",
		t0("project.image_progress"):  "未填写",
	}
	for _, it := range ui.project().facts.Items {
		text := it.Widget.(*widget.Label).Text
		if w, ok := want[it.Text]; ok && text != w {
			t.Errorf("the project page's %s reads %q, want %q", it.Text, text, w)
		}
		if strings.TrimSpace(text) == "" || strings.Trim(text, " —-") == "" {
			t.Errorf("the project page's %s is a bare %q", it.Text, text)
		}
	}
	if text := screenText(ui); !strings.Contains(text, "主体封顶：计划 未填写") {
		t.Errorf("a milestone without a planned day does not say 未填写:\n%s", text)
	}
}
