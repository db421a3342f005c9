package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/briefing"
	"fieldbrief/portal"
	"fieldbrief/report"
	"fieldbrief/sample"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// putHistory stores visits, their answers and findings as the portal holds
// them after laptops pushed them: a visit's header, each answer as its own
// record, each finding whole.
func putHistory(t testing.TB, d *DB, visits []sv.Visit, findings []sv.Finding) {
	t.Helper()
	err := d.bolt.Update(func(tx *bolt.Tx) error {
		for _, in := range visits {
			answers := in.Answers
			in.Answers = nil
			data := must(json.Marshal(in))(t)
			if err := putRecord(tx, portal.Record{Entity: portal.EntityVisit, ID: in.ID, Data: data}); err != nil {
				return err
			}
			for _, a := range answers {
				data := must(json.Marshal(portal.AnswerData{VisitID: in.ID, Answer: a}))(t)
				if err := putRecord(tx, portal.Record{Entity: portal.EntityAnswer, ID: portal.AnswerID(in.ID, a.ItemKey), Data: data}); err != nil {
					return err
				}
			}
		}
		for _, f := range findings {
			if err := putRecord(tx, portal.Record{Entity: portal.EntityFinding, ID: f.ID, Data: must(json.Marshal(f))(t)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPortalSnapshotIsTheLaptops loads the same generated records into a
// laptop's store and the portal's database and rebuilds briefs and tour
// packs on both, in each snapshot version a stamp may name: the portal's
// digests, whole and per project, are the laptop's. In s2 that includes
// the 形象进度 the visits observed, which the portal reads as the laptop
// does, from the visits' answers to the items the templates bind; a
// request without a version (a laptop from before s2) is rebuilt in s1.
// After the register's figures change (on both, as a pull
// brings them), a brief as of an earlier date is still the same on both
// and still what it was: the portal keeps the figures' history too.
func TestPortalSnapshotIsTheLaptops(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, cst)
	opt := sample.Options{Now: now, Months: 8, Seed: 5}
	ds := must(sample.Generate(opt))(t)
	clock := now
	s := must(storage.Open(t.TempDir(), storage.Options{Now: func() time.Time { return clock }}))(t)
	defer s.Close()
	if _, err := sample.InstallGenerated(s, opt); err != nil {
		t.Fatal(err)
	}
	db := must(OpenDB(t.TempDir()))(t)
	defer db.Close()
	db.now = func() time.Time { return clock }
	if err := db.PutRegister(ds.Projects, ds.Templates); err != nil {
		t.Fatal(err)
	}
	putHistory(t, db, ds.Visits, ds.Findings)

	projects := must(s.Projects())(t)
	order := briefing.LocationOrder(projects)
	stop := func(ids ...string) []report.ProjectDigest {
		var out []report.ProjectDigest
		for _, id := range ids {
			out = append(out, report.ProjectDigest{ID: id})
		}
		return out
	}
	septEnd := time.Date(2026, 9, 30, 23, 59, 59, 0, cst)
	stamps := map[string]report.Stamp{
		"brief now":       {Kind: "brief", ID: "2026-11", Time: now, AsOf: now},
		"brief september": {Kind: "brief", ID: "2026-09", Time: now, AsOf: septEnd},
		"tour by place":   {Kind: "tour", ID: "2026Q4", Time: now, AsOf: now, Projects: stop(order...)},
		"tour of three":   {Kind: "tour", ID: "2026Q4", Time: now, AsOf: now, Projects: stop(order[4], order[0], order[2])},
	}
	compare := func(when string) map[string]string {
		digests := map[string]string{}
		for name, st := range stamps {
			for _, version := range []string{"s1", "s2", ""} {
				st := st
				st.Record = version + ":"
				if version == "" {
					st.Record = "s1:"
				}
				want := must(briefing.Snapshot(s, st))(t)
				// Through JSON, as the request travels.
				var req portal.SnapshotRequest
				if err := json.Unmarshal(must(json.Marshal(briefing.SnapshotRequest(st)))(t), &req); err != nil {
					t.Fatal(err)
				}
				if req.Version != st.Version() {
					t.Fatalf("the request asks for version %q, the stamp names %q", req.Version, st.Version())
				}
				// A laptop from before s2 sends no version.
				req.Version = version
				got := must(db.Snapshot(req))(t)
				if got.Digest != want.Digest || len(got.Projects) != len(want.Projects) || len(want.Projects) == 0 {
					t.Errorf("%s, %s, %q: portal %s (%d projects), laptop %s (%d)", when, name, version, got.Digest, len(got.Projects), want.Digest, len(want.Projects))
					continue
				}
				for i, p := range want.Projects {
					if got.Projects[i] != (portal.SnapshotProject{ID: p.ID, Digest: p.Digest}) {
						t.Errorf("%s, %s, %q: project %d: portal %v, laptop %v", when, name, version, i, got.Projects[i], p)
					}
				}
				digests[name+" "+st.Version()] = want.Digest
			}
		}
		return digests
	}
	before := compare("as loaded")
	// The versions differ by the 形象进度 visits observed: without one,
	// s2's comparison would not cover it.
	nowS1 := must(briefing.Snapshot(s, report.Stamp{Kind: "brief", ID: "2026-11", Time: now, AsOf: now, Record: "s1:"}))(t)
	nowS2 := must(briefing.Snapshot(s, report.Stamp{Kind: "brief", ID: "2026-11", Time: now, AsOf: now, Record: "s2:"}))(t)
	observed := 0
	for i, p := range nowS2.Projects {
		f := must(s.FiguresAsOf(p.ID, sv.DateOf(now)))(t)
		known := f.Get(sv.FigureImageProgress).Known
		if known {
			observed++
		}
		if (p.Digest != nowS1.Projects[i].Digest) != known {
			t.Errorf("%s: s1 %s, s2 %s, 形象进度 observed: %v", p.ID, nowS1.Projects[i].Digest, p.Digest, known)
		}
	}
	if observed == 0 {
		t.Fatal("no visit observed a 形象进度: s2 is compared without it")
	}
	findings := 0
	for _, f := range ds.Findings {
		if !f.CreatedAt.After(septEnd) {
			findings++
		}
	}
	if findings == 0 || len(ds.Visits) == 0 {
		t.Fatalf("the generated data has nothing to compare: %d visits, %d findings", len(ds.Visits), findings)
	}

	// A month later the register brings new figures, dated, and one
	// undated; the laptop takes them from a pull, the portal from PUT.
	clock = now.AddDate(0, 1, 0)
	changed := append([]sv.Project(nil), ds.Projects...)
	changed[0].Investment.Completed += 1234
	changed[0].Investment.AsOf = "2026-12-15"
	changed[1].Investment.Completed += 77
	changed[1].Investment.AsOf = ""
	changed[2].Phase = sv.PhaseAcceptance
	changed[2].Investment.AsOf = "2026-12-10"
	if err := db.PutRegister(changed[:3], nil); err != nil {
		t.Fatal(err)
	}
	if err := s.ImportRegister(changed[:3], nil, true); err != nil {
		t.Fatal(err)
	}
	after := compare("after the register changed")
	for _, name := range []string{"brief september s1", "brief now s1", "brief september s2", "brief now s2"} {
		if after[name] != before[name] {
			t.Errorf("%s: a brief as of an earlier date changed with later figures", name)
		}
	}
	if obs := must(db.registerObservations(changed[0].ID))(t); len(obs) < 4 {
		t.Errorf("the portal kept %d observations of %s, want the old and the new", len(obs), changed[0].ID)
	}
}

func (d *DB) registerObservations(projectID string) ([]sv.Observation, error) {
	var out []sv.Observation
	err := d.bolt.View(func(tx *bolt.Tx) error {
		var err error
		out, err = txSource{tx}.RegisterObservations(projectID)
		return err
	})
	return out, err
}

// TestSnapshotRequestRefusesWhatNoDocumentAsks: the rebuild needs a
// sign-in, and a request no printed document could make is refused with
// the portal's usual reasons, changing nothing.
func TestSnapshotRequestRefusesWhatNoDocumentAsks(t *testing.T) {
	f := newFixture(t)
	seq := func() uint64 {
		var n uint64
		if err := f.srv.DB().bolt.View(func(tx *bolt.Tx) error { n = readU64(tx.Bucket(bMeta).Get(kSeq)); return nil }); err != nil {
			t.Fatal(err)
		}
		return n
	}
	start := seq()
	// As a laptop from before s2 asks: no version, which means s1.
	good := `{"kind":"tour","id":"2026Q2","time":"2026-05-20T17:00:00+08:00","as_of":"2026-05-20T17:00:00+08:00","projects":["p02","p01"]}`
	if code, body := f.do(t, "POST", portal.PathSnapshot, "", []byte(good), nil); code != http.StatusUnauthorized {
		t.Errorf("without a sign-in: %d", code)
	} else {
		reason(t, "no token", body)
	}
	code, body := f.do(t, "POST", portal.PathSnapshot, f.tokens["insp"], []byte(good), nil)
	var resp portal.SnapshotResponse
	if code != http.StatusOK || json.Unmarshal(body, &resp) != nil || !strings.HasPrefix(resp.Digest, "s1:") ||
		len(resp.Projects) != 2 || resp.Projects[0].ID != "p02" || len(resp.Projects[0].Digest) != 12 {
		t.Fatalf("an inspector's good request: %d %s", code, body)
	}
	s2 := strings.Replace(good, `{"kind"`, `{"version":"s2","kind"`, 1)
	if code, body := f.do(t, "POST", portal.PathSnapshot, f.tokens["insp"], []byte(s2), nil); code != http.StatusOK ||
		json.Unmarshal(body, &resp) != nil || !strings.HasPrefix(resp.Digest, "s2:") {
		t.Fatalf("a request in s2: %d %s", code, body)
	}
	many := `{"kind":"tour","id":"2026Q2","time":"2026-05-20T17:00:00Z","as_of":"2026-05-20T17:00:00Z","projects":["p01"` +
		strings.Repeat(`,"p01"`, portal.MaxSnapshotProjects) + `]}`
	for name, body := range map[string]string{
		"unknown version":  `{"version":"s9","kind":"brief","id":"2026-05","time":"2026-05-20T17:00:00Z","as_of":"2026-05-20T17:00:00Z"}`,
		"unknown kind":     `{"kind":"visit","id":"v1","time":"2026-05-20T17:00:00Z","as_of":"2026-05-20T17:00:00Z"}`,
		"bad period":       `{"kind":"brief","id":"2026-13","time":"2026-05-20T17:00:00Z","as_of":"2026-05-20T17:00:00Z"}`,
		"bad quarter":      `{"kind":"tour","id":"2026Q5","time":"2026-05-20T17:00:00Z","as_of":"2026-05-20T17:00:00Z"}`,
		"no time":          `{"kind":"brief","id":"2026-05","as_of":"2026-05-20T17:00:00Z"}`,
		"empty project id": `{"kind":"tour","id":"2026Q2","time":"2026-05-20T17:00:00Z","as_of":"2026-05-20T17:00:00Z","projects":[""]}`,
		"too many":         many,
		"a stop twice":     `{"kind":"tour","id":"2026Q2","time":"2026-05-20T17:00:00Z","as_of":"2026-05-20T17:00:00Z","projects":["p01","p01"]}`,
		"malformed":        `{"kind":"brief",`,
		"wrong type":       `{"kind":"brief","id":2026}`,
	} {
		code, out := f.do(t, "POST", portal.PathSnapshot, f.tokens["insp"], []byte(body), nil)
		if code != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, code, out)
		}
		reason(t, name, out)
	}
	big := `{"kind":"brief","id":"2026-05","time":"2026-05-20T17:00:00Z","as_of":"2026-05-20T17:00:00Z","projects":["` + strings.Repeat("x", 70<<10) + `"]}`
	if code, out := f.do(t, "POST", portal.PathSnapshot, f.tokens["insp"], []byte(big), nil); code != http.StatusRequestEntityTooLarge {
		t.Errorf("oversized: %d %s", code, out)
	} else {
		reason(t, "oversized", out)
	}
	if seq() != start {
		t.Errorf("a snapshot request changed the change log: %d → %d", start, seq())
	}
}

// BenchmarkPortalSnapshot measures the portal's rebuild of a brief from
// the five-year sample (20 projects × 60 visits) against the laptop's
// rebuild of the same brief from its store: ratioLaptop is the portal's
// time over the laptop's.
func BenchmarkPortalSnapshot(b *testing.B) {
	cst := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, cst)
	opt := sample.Options{Now: now, Months: 60, Seed: 1}
	ds := must(sample.Generate(opt))(b)
	s := must(storage.Open(b.TempDir(), storage.Options{Now: func() time.Time { return now }}))(b)
	defer s.Close()
	if _, err := sample.InstallGenerated(s, opt); err != nil {
		b.Fatal(err)
	}
	db := must(OpenDB(b.TempDir()))(b)
	defer db.Close()
	db.now = func() time.Time { return now }
	if err := db.PutRegister(ds.Projects, ds.Templates); err != nil {
		b.Fatal(err)
	}
	putHistory(b, db, ds.Visits, ds.Findings)
	st := report.Stamp{Kind: "brief", ID: "2026-11", Time: now, AsOf: now, Record: report.SnapshotVersion + ":"}
	req := briefing.SnapshotRequest(st)
	var tp, tl time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := time.Now()
		got, err := db.Snapshot(req)
		if err != nil {
			b.Fatal(err)
		}
		m := time.Now()
		want, err := briefing.Snapshot(s, st)
		if err != nil {
			b.Fatal(err)
		}
		tp += m.Sub(a)
		tl += time.Since(m)
		if got.Digest != want.Digest {
			b.Fatal("the portal's rebuild is not the laptop's")
		}
	}
	b.ReportMetric(float64(tp.Microseconds())/1000/float64(b.N), "portal-ms/op")
	b.ReportMetric(float64(tl.Microseconds())/1000/float64(b.N), "laptop-ms/op")
	b.ReportMetric(float64(tp)/float64(tl), "ratioLaptop")
}
