package server

import (
	"crypto/sha256"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/bcrypt"

	"fieldbrief/portal"
	"fieldbrief/sample"
	sv "fieldbrief/supervision"
)

// recordHasher hashes the records the portal holds (not their place in the
// log, nor the origin stored beside them, which a refusal touches so the
// refused laptop pulls them back).
//
// It remembers the hash of each stored value it has decoded: one input
// changes one record at most, and decoding all the sample register's
// records twice an input (encoding/json instrumented by the fuzzing build)
// was most of each input's time.
type recordHasher struct {
	seen map[[32]byte][32]byte // sha256 of a stored value → of its record
}

func (rh *recordHasher) sum(t testing.TB, s *Server) [32]byte {
	t.Helper()
	if rh.seen == nil {
		rh.seen = map[[32]byte][32]byte{}
	}
	// bbolt walks the records in key order: the same records give the
	// same sum.
	all := sha256.New()
	err := s.db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bRecords).ForEach(func(k, v []byte) error {
			stored := sha256.Sum256(v)
			if h, ok := rh.seen[stored]; ok {
				all.Write(h[:])
				return nil
			}
			var r storedRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			line, err := json.Marshal(r.Record)
			if err != nil {
				return err
			}
			h := sha256.Sum256(line)
			rh.seen[stored] = h
			all.Write(h[:])
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return [32]byte(all.Sum(nil))
}

// FuzzPushChange sends one change, as a signed-in inspector's laptop
// could, through the whole push path (decode, check, merge, store) of a
// portal holding a finding and a submitted visit. Whatever the change: no
// panic and no store fault; a refused change leaves every record as it
// was; an accepted one never leaves a closing by the inspector, a clock
// ahead of the portal's time or one of another device.
//
// Run longer with: go test ./portal/server -run '^$' -fuzz FuzzPushChange -fuzztime 5m
func FuzzPushChange(f *testing.F) {
	now := time.Date(2026, 5, 20, 9, 0, 0, 0, time.UTC)
	srv, err := New(Options{Dir: f.TempDir(), Now: func() time.Time { return now }, BcryptCost: bcrypt.MinCost,
		MaxBody: 64 << 10, MaxPhoto: 1 << 20, TokenTTL: time.Hour, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { srv.Close() })
	projects, templates, err := sample.Register()
	if err != nil {
		f.Fatal(err)
	}
	if err := srv.DB().PutRegister(projects, templates); err != nil {
		f.Fatal(err)
	}
	leader := principal{User: portal.User{Name: "leader", DisplayName: "王主任", Role: portal.RoleLeader}}
	insp := principal{User: portal.User{Name: "insp", DisplayName: "李督查", Role: portal.RoleInspector}}
	fd := sv.NewFinding("f1", "p01", "", sv.KindProblem, "王主任", now.Add(-time.Hour))
	fd.Description, fd.ResponsibleUnit = "临边防护缺失", "中建三局"
	visit := sv.Visit{ID: "v1", ProjectID: "p01", TemplateID: "monthly", TemplateVersion: 1, Inspectors: []string{"王主任"},
		StartedAt: now.Add(-time.Hour), Status: sv.Submitted}
	fdata, _ := json.Marshal(fd)
	vdata, _ := json.Marshal(visit)
	clock := portal.HLC{}.Tick(now.Add(-time.Hour), "dev-leader").String()
	seed := portal.PushRequest{Device: "dev-leader", Changes: []portal.Change{
		{Seq: 1, Entity: portal.EntityFinding, ID: "f1", Op: portal.OpPut, At: now, Data: fdata, Clocks: map[string]string{portal.FieldStatus: clock, portal.FieldDescription: clock}},
		{Seq: 2, Entity: portal.EntityVisit, ID: "v1", Op: portal.OpPut, At: now, Data: vdata},
	}}
	if resp, err := srv.push(leader, seed); err != nil || len(resp.Rejections) != 0 {
		f.Fatalf("seeding: %+v %v", resp, err)
	}

	// Seeds: a finding closed by the inspector, a far-future clock, a clock
	// of another device, a photo linked into the submitted visit, a note.
	closing := fd
	_ = closing.Apply(sv.Move{To: sv.StatusFixed, By: "x", Note: "已整改", At: now})
	_ = closing.Apply(sv.Move{To: sv.StatusClosed, By: "王主任", Role: sv.RoleLeader, Note: "销号", At: now})
	noted := fd
	noted.Notes = []sv.Note{{ID: "n1", At: now, By: "王主任", Text: "已通知"}}
	photo := sv.Photo{Hash: strings.Repeat("ab", 32), Caption: "x", Links: []sv.PhotoLink{{VisitID: "v1"}}}
	// The change's parts are fuzzed one by one, so that most inputs reach
	// the checks rather than stop at the request's JSON.
	add := func(entity, id, op string, v any, field, clock string, at time.Time) {
		data, _ := json.Marshal(v)
		f.Add(entity, id, op, data, field, clock, at.UnixMilli())
	}
	add(portal.EntityFinding, "f1", portal.OpPut, closing, portal.FieldStatus, portal.HLC{}.Tick(now, "fuzz").String(), now)
	add(portal.EntityFinding, "f1", portal.OpPut, fd, portal.FieldDescription, "9999999999999999.999999.fuzz", now.AddDate(100, 0, 0))
	add(portal.EntityFinding, "f1", portal.OpPut, fd, portal.FieldDescription, portal.HLC{}.Tick(now, "dev-leader").String(), now)
	add(portal.EntityFinding, "f1", portal.OpPut, noted, "", "", now)
	add(portal.EntityFinding, "f2", portal.OpPut, closing, portal.FieldStatus, portal.HLC{}.Tick(now, "fuzz").String(), now)
	add(portal.EntityPhoto, photo.Hash, portal.OpPut, photo, "", "", now)
	add(portal.EntityVisit, "v1", portal.OpDelete, nil, "", "", now)
	add(portal.EntityVisit, "v1", portal.OpPut, visit, "", "", now)

	var mu sync.Mutex
	var seq uint64
	var records recordHasher
	f.Fuzz(func(t *testing.T, entity, id, op string, data []byte, field, clock string, atMillis int64) {
		c := portal.Change{Entity: entity, ID: id, Op: op, At: time.UnixMilli(atMillis).UTC(), Data: data}
		if !json.Valid(data) {
			c.Data = nil // the request's JSON would not decode: answered 400 before anything is applied
		}
		if field != "" || clock != "" {
			c.Clocks = map[string]string{field: clock}
		}
		mu.Lock()
		defer mu.Unlock()
		seq++
		c.Seq = seq
		before := records.sum(t, srv)
		resp, err := srv.push(insp, portal.PushRequest{Device: "fuzz", Changes: []portal.Change{c}})
		if err != nil {
			t.Fatalf("push failed: %v", err)
		}
		if len(resp.Rejections) > 0 {
			if resp.Acked != seq {
				t.Fatalf("acked %d, want %d", resp.Acked, seq)
			}
			if records.sum(t, srv) != before {
				t.Fatalf("refused (%s) but the records changed", resp.Rejections[0].En)
			}
			return
		}
		err = srv.db.bolt.View(func(tx *bolt.Tx) error {
			r, ok, err := getRecord(tx, portal.EntityFinding, "f1")
			if err != nil || !ok {
				return err
			}
			var got sv.Finding
			if err := json.Unmarshal(r.Data, &got); err != nil {
				return err
			}
			for _, h := range got.History {
				if h.To == sv.StatusClosed && h.By != "王主任" {
					t.Errorf("an inspector closed the finding: %+v", h)
				}
			}
			limit := portal.HLC{Wall: now.Add(portal.MaxClockSkew).UnixMilli() + 1}.String()
			for field, cl := range r.Clocks {
				if _, err := portal.CheckClock(cl, portal.ParseHLC(cl).Node); err != nil || cl > limit {
					t.Errorf("clock of %s: %q", field, cl)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
