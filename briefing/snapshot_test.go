package briefing

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"fieldbrief/portal"
	"fieldbrief/report"
	"fieldbrief/sample"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// TestSnapshotIsRebuiltInTheStampsVersion: verify rebuilds a brief's and
// a tour pack's snapshot in the serialisation its stamp names. A document
// printed now (s2, with 形象进度) is rebuilt unchanged; one printed before
// s2 is rebuilt in s1, which leaves out the 形象进度 it did not print, so
// the projects whose figure a visit observed differ between the two and
// the others do not.
func TestSnapshotIsRebuiltInTheStampsVersion(t *testing.T) {
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, cst)
	s, err := storage.Open(t.TempDir(), storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := sample.InstallMonths(s, now.AddDate(0, 0, -10), 3); err != nil {
		t.Fatal(err)
	}
	m, err := NewMaker()
	if err != nil {
		t.Fatal(err)
	}
	for _, req := range []Request{{Kind: Brief, PeriodEnd: now}, {Kind: Tour, Year: 2026, Quarter: 4}} {
		req.Time, req.Deterministic, req.Size = now, true, report.A4
		var buf bytes.Buffer
		if _, err := m.Make(s, req, &buf); err != nil {
			t.Fatal(err)
		}
		st, ok := report.ReadStamp(buf.Bytes())
		if !ok || st.Version() != report.SnapshotVersion {
			t.Fatalf("%s: stamp %+v", req.Kind, st)
		}
		now2, err := Snapshot(s, st)
		if err != nil || now2.Digest != st.Record {
			t.Fatalf("%s: rebuilt %s, printed %s (%v)", req.Kind, now2.Digest, st.Record, err)
		}
		old := st
		old.Record = "s1:" + strings.Repeat("0", 64)
		s1, err := Snapshot(s, old)
		if err != nil || !strings.HasPrefix(s1.Digest, "s1:") {
			t.Fatalf("%s: rebuilt in %q (%v)", req.Kind, s1.Digest, err)
		}
		differ := 0
		for i, p := range s1.Projects {
			f, err := s.FiguresAsOf(p.ID, "2026-11-20")
			if err != nil {
				t.Fatal(err)
			}
			observed := f.Get(sv.FigureImageProgress).Known
			if (p.Digest != now2.Projects[i].Digest) != observed {
				t.Errorf("%s, %s: s1 %s, s2 %s; 形象进度 observed: %v", req.Kind, p.ID, p.Digest, now2.Projects[i].Digest, observed)
			}
			if observed {
				differ++
			}
		}
		if differ == 0 {
			t.Errorf("%s: no project has a 形象进度 to tell the versions apart", req.Kind)
		}
	}
}

// TestAPortalInAnotherVersionDoesNotJudge: a portal that refuses the
// stamp's snapshot version (400), or one from before the request named a
// version and so rebuilt an s2 document in s1, cannot judge the document:
// verify says the portal is too old, and does not call the projects
// changed on the portal.
func TestAPortalInAnotherVersionDoesNotJudge(t *testing.T) {
	stamp := report.Stamp{Kind: "brief", ID: "2026-11", Record: "s2:" + strings.Repeat("a", 64),
		Projects: []report.ProjectDigest{{ID: "p01", Digest: "aaaaaaaaaaaa"}}}
	for name, ask := range map[string]PortalSnapshot{
		"rebuilt in s1": func(report.Stamp) (PortalDigests, error) {
			return PortalDigests{Digest: "s1:" + strings.Repeat("b", 64), Projects: []portal.SnapshotProject{{ID: "p01", Digest: "bbbbbbbbbbbb"}}}, nil
		},
		"refused": func(report.Stamp) (PortalDigests, error) {
			return PortalDigests{}, &portal.RefusalError{Err: translate.Errorf(sv.EInvalid, "portal.server.error.unknown_snapshot_version", "s2"), Status: 400}
		},
	} {
		v := Verdict{OK: true}
		verifyPortalSnapshot(&v, stamp, ask, map[string]string{"p01": "一号项目"}, true)
		if !v.OK || len(v.Lines) != 1 || v.Lines[0].Key != "cli.verify.portal_cannot_rebuild" {
			t.Errorf("%s: %v %+v", name, v.OK, v.Lines)
		}
	}
	// The same portal answering in the stamp's version does judge.
	v := Verdict{OK: true}
	verifyPortalSnapshot(&v, stamp, func(report.Stamp) (PortalDigests, error) {
		return PortalDigests{Digest: "s2:" + strings.Repeat("b", 64), Projects: []portal.SnapshotProject{{ID: "p01", Digest: "bbbbbbbbbbbb"}}}, nil
	}, map[string]string{"p01": "一号项目"}, true)
	if v.OK || len(v.Lines) != 1 || v.Lines[0].Key != "cli.verify.portal_snapshot_differs" {
		t.Errorf("in s2: %v %+v", v.OK, v.Lines)
	}
}
