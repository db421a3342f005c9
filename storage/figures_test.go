package storage

import (
	"encoding/json"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal/wire"
	sv "fieldbrief/supervision"
)

// figureRegister is the test register with the progress item bound to the
// image-progress figure, and investment figures on p01 as of 31 October.
func figureRegister() ([]sv.Project, []sv.Template) {
	projects, tpls := testRegister()
	for i := range tpls {
		tpls[i].Sections[0].Items[1].Figure = sv.FigureImageProgress
	}
	projects[0].Investment = sv.Investment{Total: 200000, AnnualPlan: 16000, Completed: 8000, AsOf: "2026-04-30"}
	return projects, tpls
}

// TestVisitAnswerBecomesTheProjectFigure: an answer submitted in a visit is
// the project's figure from the visit's day, with its as-of and source; a
// later register pull of older data does not overwrite it, and a date
// before the visit still answers with the register's figure of then.
func TestVisitAnswerBecomesTheProjectFigure(t *testing.T) {
	s, c := newTestStore(t)
	projects, tpls := figureRegister()
	projects[0].Investment.Completed = 8000
	projects[0].Phase = sv.PhaseConstruct
	if err := s.ImportRegister(projects, tpls, false); err != nil {
		t.Fatal(err)
	}
	reg := sv.Observation{ProjectID: "p01", Figure: sv.FigureImageProgress, Value: 30, AsOf: "2026-05-01", Source: sv.SourceRegister}
	if err := s.db.Update(func(tx *bolt.Tx) error { return put(tx.Bucket(bObservations), reg.Key(), reg) }); err != nil {
		t.Fatal(err)
	}
	in, err := s.StartVisit("p01", []string{"张伟"})
	if err != nil {
		t.Fatal(err)
	}
	v := 62.5
	_ = s.SaveAnswer(in.ID, sv.Answer{ItemKey: "progress", Number: &v})
	_ = s.SaveAnswer(in.ID, sv.Answer{ItemKey: "scaffold", Verdict: sv.Pass})
	if f := must(s.FiguresAsOf("p01", "2026-05-31"))(t); f.Get(sv.FigureImageProgress).Value != 30 {
		t.Fatalf("a draft's answer counted: %+v", f.Get(sv.FigureImageProgress))
	}
	if _, err := s.SubmitVisit(in.ID); err != nil {
		t.Fatal(err)
	}
	f, err := s.FiguresAsOf("p01", "2026-05-31")
	got := f.Get(sv.FigureImageProgress)
	if err != nil || got.Value != 62.5 || got.Source != sv.SourceVisit || got.AsOf != "2026-05-20" || got.Provenance(sv.Chinese) != "截至5月督查" {
		t.Fatalf("after submission: %+v %v", got, err)
	}
	// The portal's register, pulled later, carries figures as of 10 May.
	c.t = c.t.AddDate(0, 0, 5)
	projects[0].Investment = sv.Investment{Total: 200000, AnnualPlan: 16000, Completed: 9500, AsOf: "2026-05-10"}
	older := sv.Observation{ProjectID: "p01", Figure: sv.FigureImageProgress, Value: 40, AsOf: "2026-05-10", Source: sv.SourceRegister}
	if err := s.db.Update(func(tx *bolt.Tx) error {
		if _, err := applyRecord(tx, pulledProject(t, projects[0]), c.t); err != nil {
			return err
		}
		return put(tx.Bucket(bObservations), older.Key(), older)
	}); err != nil {
		t.Fatal(err)
	}
	f, _ = s.FiguresAsOf("p01", "2026-05-31")
	if got := f.Get(sv.FigureImageProgress); got.Value != 62.5 || got.Source != sv.SourceVisit {
		t.Fatalf("an older register figure overwrote the visit's: %+v", got)
	}
	if got := f.Get(sv.FigureCompletedYTD); got.Value != 9500 || got.Provenance(sv.Chinese) != "截至平台 5月10日数据" {
		t.Fatalf("completed after the pull: %+v", got)
	}
	// As of a date before the pull and the visit, the figures then.
	early, _ := s.FiguresAsOf("p01", "2026-05-05")
	if early.Get(sv.FigureCompletedYTD).Value != 8000 || early.Get(sv.FigureImageProgress).Value != 30 {
		t.Fatalf("as of 5 May: %+v", early.Values)
	}
}

// TestUpgradeFromV3RecordsRegisterFigures opens a store written by the
// previous schema (no observations bucket) and expects the bucket created,
// the projects' figures recorded as of their register date, and the check
// to pass.
func TestUpgradeFromV3RecordsRegisterFigures(t *testing.T) {
	s, _ := newTestStore(t)
	projects, tpls := figureRegister()
	if err := s.ImportRegister(projects, tpls, false); err != nil {
		t.Fatal(err)
	}
	if err := s.db.Update(func(tx *bolt.Tx) error {
		if err := tx.DeleteBucket(bObservations); err != nil {
			return err
		}
		return setSchema(tx, 3)
	}); err != nil {
		t.Fatal(err)
	}
	dir := dirOf(s)
	s.Close()
	s2 := openTest(t, dir, &clock{t: time.Date(2026, 6, 1, 9, 0, 0, 0, cst)})
	f, err := s2.FiguresAsOf("p01", "2026-06-01")
	got := f.Get(sv.FigureCompletedYTD)
	if err != nil || !got.Known || got.Value != 8000 || got.AsOf != "2026-04-30" {
		t.Fatalf("figures after upgrade: %+v %v", got, err)
	}
	if ph := f.Get(sv.FigurePhase); ph.Text != string(sv.PhaseConstruct) {
		t.Fatalf("phase after upgrade: %+v", ph)
	}
	if probs := s2.Check(); len(probs) != 0 {
		t.Fatalf("check after upgrade: %v", probs)
	}
}

// pulledProject is a project record as a register pull delivers it.
func pulledProject(t *testing.T, p sv.Project) Pulled {
	raw, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return Pulled{Entity: wire.EntityProject, ID: p.ID, Data: raw}
}
