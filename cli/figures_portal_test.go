package cli

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldbrief/spreadsheet"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// TestOlderRegisterPullKeepsTheVisitsFigure is issue 13's end-to-end case
// through real parts: an inspector's answer for this year's completed
// investment is submitted and sent to a real portal process; the portal's
// office then imports a register workbook (`fieldbrief-portal register
// import`, the portal's own command) whose figure is older, as of 31
// October; the laptop's next sync pulls it. The register's record now
// says the older figure, but the project's figure and the brief the
// laptop prints still give the visit's answer, as of the visit.
func TestOlderRegisterPullKeepsTheVisitsFigure(t *testing.T) {
	url, bin, portalData, _ := portalProcessAt(t)
	data := t.TempDir()
	cliCommand(t, runLogin, "fieldbrief-demo", "--data", data, "--portal", url, "--user", "inspector1")
	cliCommand(t, runSync, "", "--data", data)

	s, err := storage.Open(data, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	pid, answered, ytd := answerAVisit(t, s)
	if _, err := s.SubmitVisit(answered); err != nil {
		t.Fatalf("submit: %v", err)
	}
	projects, err := s.Projects()
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	cliCommand(t, runSync, "", "--data", data)
	today := sv.DateOf(time.Now())

	// On the portal: the register as the office's workbook has it, with
	// this project's completed investment as of 31 October of this year
	// (or, early in a year, of its first day: older than the visit, and
	// of the same year, whose figure it would otherwise replace).
	older := sv.Date(string(today)[:4] + "-10-31")
	if today <= older {
		older = sv.Date(string(today)[:4] + "-01-01")
	}
	for i, p := range projects {
		if p.ID == pid {
			projects[i].Investment.Completed = 4321
			projects[i].Investment.AsOf = older
		}
	}
	book, err := spreadsheet.WriteRegister(projects)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "重点项目台账.xlsx")
	if err := os.WriteFile(file, book, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "register", "import", "--data", portalData, file).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "1 changed") {
		t.Fatalf("register import on the portal: %v\n%s", err, out)
	}
	cliCommand(t, runSync, "", "--data", data)

	s, err = storage.Open(data, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Project(pid)
	if err != nil {
		t.Fatal(err)
	}
	if p.Investment.Completed != 4321 || p.Investment.AsOf != older {
		s.Close()
		t.Fatalf("the sync did not pull the portal's register: %+v", p.Investment)
	}
	f, err := s.FiguresAsOf(pid, today)
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	got := f.Get(sv.FigureCompletedYTD)
	if got.Value != ytd || got.Source != sv.SourceVisit || got.AsOf != today || got.Ref != answered {
		t.Fatalf("the project's figure after an older register pull: %+v, want %v from visit %s as of %s", got.Observation, ytd, answered, today)
	}

	pdf := filepath.Join(t.TempDir(), "brief.pdf")
	cliCommand(t, runReport, "", "brief", "--data", data, "--period", string(today)[:7], "--as-of", string(today), "--out", pdf, "--offline")
	text := strings.Join(strings.Fields(pdfText(t, pdf)), "")
	printed := fmt.Sprintf("%.2f亿元", ytd/10000)
	asOf := got.Provenance(sv.Chinese)
	if i := strings.Index(text, printed); i < 0 || !strings.Contains(text[i:min(len(text), i+200)], asOf) {
		t.Errorf("the brief does not print the visit's %s %s", printed, asOf)
	}
	if strings.Contains(text, "0.43亿元") {
		t.Error("the brief prints the older register figure 0.43亿元")
	}
}

// answerAVisit starts a visit of the first project that can have one,
// answers every item of its checklist plainly (不适用, the lowest number
// allowed, the first option), types a new completed investment for this
// year into the item the checklist binds to that figure, and returns the
// project, the visit and the value.
func answerAVisit(t *testing.T, s *storage.Store) (projectID, visitID string, ytd float64) {
	t.Helper()
	projects, err := s.Projects()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range projects {
		in, err := s.StartVisit(p.ID, []string{"李督查"})
		if err != nil {
			continue // visited already this month: another project
		}
		tmpl, err := s.Template(in.TemplateID, in.TemplateVersion)
		if err != nil {
			t.Fatal(err)
		}
		var key string
		for _, it := range tmpl.Items() {
			a := sv.Answer{ItemKey: it.Key}
			switch it.Kind {
			case sv.KindPassFail:
				a.Verdict = sv.NotApplicable
			case sv.KindNumber:
				v := 0.0
				if it.Min != nil {
					v = *it.Min
				}
				a.Number = &v
			case sv.KindSingleChoice, sv.KindMultiChoice:
				a.Choices = it.Options[:1]
			case sv.KindDate:
				a.Date = sv.DateOf(time.Now())
			default:
				a.Text = "现场情况正常"
			}
			if it.Figure == sv.FigureCompletedYTD {
				key = it.Key
			}
			if err := s.SaveAnswer(in.ID, a); err != nil {
				t.Fatalf("answer %s: %v", it.Key, err)
			}
		}
		if key == "" {
			t.Fatal("the portal's checklist binds no item to this year's completed investment")
		}
		ytd = 123456
		if err := s.SaveAnswer(in.ID, sv.Answer{ItemKey: key, Number: &ytd}); err != nil {
			t.Fatal(err)
		}
		return p.ID, in.ID, ytd
	}
	t.Fatal("no project of the portal's demo data can be visited")
	return "", "", 0
}
