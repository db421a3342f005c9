package storage

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal/wire"
	"fieldbrief/sample"
	sv "fieldbrief/supervision"
)

// listFilters are the filters the window's lists use, and some that match
// nothing.
func listFilters(unit string, now time.Time) []FindingFilter {
	return []FindingFilter{
		{},
		{ActiveOnly: true},
		{ProjectID: "p03"},
		{ProjectID: "p03", ActiveOnly: true},
		{Status: sv.StatusClosed},
		{Status: sv.StatusOpen},
		{Status: sv.StatusFixed, ProjectID: "p01"},
		{ActiveOnly: true, OverdueAt: now},
		{ResponsibleUnit: unit},
		{Text: "塔吊"},
		{Text: "no such words", TextUnits: []string{unit}},
		{ProjectID: "no-such-project"},
	}
}

// wantRows filters and orders whole records as a list must show them: what
// Findings returned before the index held the rows.
func wantRows(records []sv.Finding, f FindingFilter) []sv.Finding {
	var out []sv.Finding
	for _, r := range records {
		if f.match(r) {
			r.Notes, r.History = nil, nil
			out = append(out, r)
		}
	}
	sortFindings(out)
	return out
}

// unitsOf is the sorted set of units records name.
func unitsOf(records []sv.Finding) []string {
	var out []string
	for _, r := range records {
		if r.ResponsibleUnit != "" && !slices.Contains(out, r.ResponsibleUnit) {
			out = append(out, r.ResponsibleUnit)
		}
	}
	sort.Strings(out)
	return out
}

// checkLists compares every list with the whole records and runs Check,
// which compares the index with the records entry by entry.
func checkLists(t *testing.T, s *Store, now time.Time) {
	t.Helper()
	records, err := s.FindingRecords()
	if err != nil {
		t.Fatal(err)
	}
	unit := ""
	if len(records) > 0 {
		unit = records[0].ResponsibleUnit
	}
	for _, f := range listFilters(unit, now) {
		got, err := s.Findings(f)
		if err != nil {
			t.Fatal(err)
		}
		if want := wantRows(records, f); !reflect.DeepEqual(got, want) {
			t.Errorf("Findings(%+v):\n got %d %+v\nwant %d %+v", f, len(got), got, len(want), want)
		}
	}
	units, err := s.ResponsibleUnits()
	if err != nil {
		t.Fatal(err)
	}
	if want := unitsOf(records); !reflect.DeepEqual(units, want) {
		t.Errorf("units %v, want %v", units, want)
	}
	if problems := s.Check(); len(problems) > 0 {
		t.Errorf("check: %v", problems)
	}
}

// TestFindingListsMatchRecords checks the lists read from the index return
// exactly what the records hold, less notes and history, over a year of
// sample findings.
func TestFindingListsMatchRecords(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, cst)
	s, err := Open(t.TempDir(), Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := sample.Install(s, now); err != nil {
		t.Fatal(err)
	}
	records, err := s.FindingRecords()
	if err != nil || len(records) < 100 {
		t.Fatalf("%d findings, %v", len(records), err)
	}
	withHistory, unit := 0, records[0].ResponsibleUnit
	for _, r := range records {
		if len(r.History) > 0 && !r.Status.Active() {
			withHistory++
		}
	}
	if withHistory == 0 {
		t.Fatal("no closed finding has a history: the comparison proves nothing")
	}
	if got, _ := s.Findings(FindingFilter{Text: "no such words", TextUnits: []string{unit}}); len(got) == 0 {
		t.Errorf("no finding of %s kept by TextUnits", unit)
	}
	if units, _ := s.ResponsibleUnits(); len(units) < 3 {
		t.Errorf("units %v", units)
	}
	checkLists(t, s, now)
}

// TestListsReadNoFindingRecord spoils every finding record in the file and
// checks the lists, the units, the dashboard and a project's photos give
// what they gave before: they read the index alone.
func TestListsReadNoFindingRecord(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, cst)
	dir := t.TempDir()
	s, err := Open(dir, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sample.Install(s, now); err != nil {
		t.Fatal(err)
	}
	busy := "p03"
	if err := s.CreateFinding(sv.Finding{ID: "fphoto", ProjectID: busy, Kind: sv.KindProblem, Category: sv.CategorySafety,
		Severity: sv.SeverityMinor, Description: "临边防护缺失", ResponsibleUnit: "建设局", Deadline: "2026-12-01"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutPhoto(sv.Photo{Hash: "ph1", Size: 1, Links: []sv.PhotoLink{{FindingID: "fphoto", Role: sv.RoleBefore}}},
		PhotoBlobs{Thumbnail: []byte("t")}); err != nil {
		t.Fatal(err)
	}
	type lists struct {
		Findings [][]sv.Finding
		Units    []string
		Board    []sv.ProjectStatus
		Photos   []sv.Photo
	}
	read := func() lists {
		t.Helper()
		var l lists
		for _, f := range listFilters("建设局", now) {
			got, err := s.Findings(f)
			if err != nil {
				t.Fatalf("Findings(%+v): %v", f, err)
			}
			l.Findings = append(l.Findings, got)
		}
		var err error
		if l.Units, err = s.ResponsibleUnits(); err != nil {
			t.Fatal(err)
		}
		if l.Board, err = s.Dashboard(now); err != nil {
			t.Fatal(err)
		}
		if l.Photos, err = s.ProjectPhotos(busy, 0); err != nil {
			t.Fatal(err)
		}
		return l
	}
	before := read()
	if len(before.Photos) != 1 || len(before.Findings[0]) < 100 {
		t.Fatalf("%d photos, %d findings", len(before.Photos), len(before.Findings[0]))
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bFindings)
		var keys [][]byte
		if err := b.ForEach(func(k, _ []byte) error { keys = append(keys, append([]byte(nil), k...)); return nil }); err != nil {
			return err
		}
		for _, k := range keys {
			if err := b.Put(k, []byte("not a finding")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Finding("fphoto"); err == nil {
		t.Fatal("the records were not spoilt")
	}
	if after := read(); !reflect.DeepEqual(after, before) {
		t.Errorf("the lists changed when the records were spoilt")
	}
	s.Close()
}

// TestRowKeepsEveryListedField fills every field of a finding and checks
// its row gives all of them back but the notes and history: a field added
// to sv.Finding later fails here until the row holds it.
func TestRowKeepsEveryListedField(t *testing.T) {
	var f sv.Finding
	v := reflect.ValueOf(&f).Elem()
	at := time.Date(2026, 3, 4, 5, 6, 7, 8, time.FixedZone("", 8*3600))
	for i := range v.NumField() {
		fv, name := v.Field(i), v.Type().Field(i).Name
		switch {
		case name == "Notes" || name == "History":
		case fv.Kind() == reflect.String:
			fv.SetString(name + " 值")
		case fv.Type() == reflect.TypeOf([]string(nil)):
			fv.Set(reflect.ValueOf([]string{name + "1", name + "2"}))
		case fv.Type() == reflect.TypeOf(time.Time{}):
			fv.Set(reflect.ValueOf(at.Add(time.Duration(i) * time.Hour)))
		case fv.Kind() == reflect.Bool:
			fv.SetBool(true)
		default:
			t.Fatalf("field %s (%s): teach encodeRow and this test about it", name, fv.Type())
		}
	}
	got, err := decodeRow(encodeRow(f))
	if err != nil {
		t.Fatal(err)
	}
	// What the record decodes to is what the row must decode to.
	raw, _ := json.Marshal(f)
	var want sv.Finding
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("row:\n got %+v\nwant %+v", got, want)
	}
	if _, err := decodeRow(encodeRow(f)[:40]); sv.ErrorCode(err) != sv.EInternal {
		t.Errorf("a cut row: %v", err)
	}
}

// TestIndexFollowsEveryWrite runs each path that writes a finding, a visit,
// an answer or a photo link, and after each checks the lists and the photo
// index against the records (Check compares them entry by entry).
func TestIndexFollowsEveryWrite(t *testing.T) {
	s, c := newTestStore(t)
	now := func() time.Time { return c.t }
	in, err := s.StartVisit("p01", []string{"张伟"})
	if err != nil {
		t.Fatal(err)
	}
	f := sv.Finding{ID: "f1", ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategorySafety,
		Severity: sv.SeverityMinor, Description: "临边防护缺失", ResponsibleUnit: "建设局", Deadline: "2026-06-01"}
	step := func(name string, do func() error) {
		t.Helper()
		c.t = c.t.Add(time.Minute)
		if err := do(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		checkLists(t, s, now())
	}
	listed := func(hash string) bool {
		t.Helper()
		var ok bool
		if err := s.view(func(tx *bolt.Tx) error { ok = photoListed(tx, hash); return nil }); err != nil {
			t.Fatal(err)
		}
		return ok
	}
	units := func() []string { t.Helper(); u, _ := s.ResponsibleUnits(); return u }

	step("create", func() error { return s.CreateFinding(f) })
	if got, _ := s.Findings(FindingFilter{ProjectID: "p01", ActiveOnly: true}); len(got) != 1 || got[0].ID != "f1" {
		t.Errorf("p01's active findings after create: %+v", got)
	}
	step("edit", func() error {
		_, err := s.EditFinding("f1", FindingEdit{Description: "临边防护缺失，已警示", ResponsibleUnit: "渝西建工", Deadline: "2026-06-05",
			Severity: sv.SeverityMajor, Category: sv.CategorySafety})
		return err
	})
	if got := units(); !reflect.DeepEqual(got, []string{"渝西建工"}) {
		t.Errorf("units after the only finding's unit changed: %v", got)
	}
	blobs := PhotoBlobs{Original: []byte("o"), Display: []byte("d"), Thumbnail: []byte("t")}
	before := sv.PhotoLink{FindingID: "f1", Role: sv.RoleBefore}
	step("photo put", func() error {
		_, err := s.PutPhoto(sv.Photo{Hash: "aa", Size: 1, Links: []sv.PhotoLink{before}}, blobs)
		return err
	})
	step("photo on an item", func() error {
		_, err := s.PutPhoto(sv.Photo{Hash: "bb", Size: 1, Links: []sv.PhotoLink{{VisitID: in.ID, ItemKey: "scaffold"}}}, blobs)
		return err
	})
	step("photo link", func() error {
		_, err := s.LinkPhoto("bb", sv.PhotoLink{VisitID: in.ID})
		return err
	})
	if !listed("aa") || !listed("bb") {
		t.Errorf("linked photos not in the photo index")
	}
	if got, _ := s.ProjectPhotos("p01", 0); len(got) != 2 {
		t.Errorf("p01's photos: %+v", got)
	}
	step("photo unlink from the visit", func() error {
		_, err := s.UnlinkPhoto("bb", sv.PhotoLink{VisitID: in.ID})
		return err
	})
	if !listed("bb") {
		t.Errorf("bb is still listed by the item, the index lost it")
	}
	step("photo unlink from the item", func() error {
		deleted, err := s.UnlinkPhoto("bb", sv.PhotoLink{VisitID: in.ID, ItemKey: "scaffold"})
		if err == nil && !deleted {
			t.Errorf("bb, listed by nothing, was kept")
		}
		return err
	})
	if listed("bb") {
		t.Errorf("bb listed after it was taken off everything")
	}
	item := sv.PhotoLink{VisitID: in.ID, ItemKey: "scaffold"}
	step("photo on an item again", func() error {
		_, err := s.PutPhoto(sv.Photo{Hash: "ee", Size: 1, Links: []sv.PhotoLink{item}}, blobs)
		return err
	})
	step("note with the photo", func() error {
		_, err := s.AddFindingNote("f1", sv.Note{By: "张伟", Text: "见照片", Photos: []string{"ee"}})
		return err
	})
	step("photo unlink kept by the note", func() error {
		deleted, err := s.UnlinkPhoto("ee", item)
		if err == nil && deleted {
			t.Errorf("ee, shown in a note, was deleted")
		}
		return err
	})
	if !listed("ee") {
		t.Errorf("ee is in a note, the index lost it")
	}
	step("move", func() error {
		_, err := s.MoveFinding("f1", sv.Move{To: sv.StatusWithdrawn, By: "李娜", Role: sv.RoleLeader, Note: "重复"})
		return err
	})
	if got, _ := s.Findings(FindingFilter{ActiveOnly: true}); len(got) != 0 {
		t.Errorf("active after withdrawal: %+v", got)
	}
	pulled := f
	pulled.ID, pulled.ProjectID, pulled.ResponsibleUnit, pulled.PhotosBefore = "f2", "p02", "建设局", []string{"cc"}
	step("pull", func() error {
		data, _ := json.Marshal(pulled)
		_, err := s.ApplyPulled([]Pulled{{Entity: wire.EntityFinding, ID: "f2", Data: data}}, "e.1", "")
		return err
	})
	if !listed("cc") {
		t.Errorf("a pulled finding's photo is not in the photo index")
	}
	// A finding the portal moved to another project leaves the old
	// project's list.
	pulled.ProjectID, pulled.PhotosBefore = "p01", nil
	step("pull to another project", func() error {
		data, _ := json.Marshal(pulled)
		_, err := s.ApplyPulled([]Pulled{{Entity: wire.EntityFinding, ID: "f2", Data: data}}, "e.2", "")
		return err
	})
	if got, _ := s.Findings(FindingFilter{ProjectID: "p02"}); len(got) != 0 {
		t.Errorf("p02 still lists %+v", got)
	}
	step("pull an answer", func() error {
		data, _ := json.Marshal(answerChange{VisitID: in.ID, Answer: sv.Answer{ItemKey: "remark", Text: "x", Photos: []string{"dd"}}})
		_, err := s.ApplyPulled([]Pulled{{Entity: wire.EntityAnswer, ID: in.ID + "/remark", Data: data}}, "e.3", "")
		return err
	})
	if !listed("dd") {
		t.Errorf("a pulled answer's photo is not in the photo index")
	}
	step("delete the draft", func() error { return s.DeleteDraft(in.ID) })
	if listed("dd") {
		t.Errorf("a deleted visit's answer still lists dd")
	}
	imported := f
	imported.ID, imported.ResponsibleUnit = "f3", "市政公司"
	step("import history", func() error { return s.ImportHistory(nil, []sv.Finding{imported}) })
	if got := units(); !reflect.DeepEqual(got, []string{"市政公司", "建设局", "渝西建工"}) {
		t.Errorf("units: %v", got)
	}
}

// TestMigrateFromSchema3 opens a store written by the release at commit
// 0db7d75 (storage/testdata/schema3) and checks the indexes schema 5 adds
// are built from its records.
func TestMigrateFromSchema3(t *testing.T) {
	dir := t.TempDir()
	src, err := os.Open(filepath.Join("testdata", "schema3", FileName))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.Create(filepath.Join(dir, FileName))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	before := schemaOf(t, dir)
	if before != 3 {
		t.Fatalf("the test store has schema %d, want 3", before)
	}
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, cst)
	s, err := Open(dir, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	records, err := s.FindingRecords()
	if err != nil || len(records) != 120 {
		t.Fatalf("%d findings, %v; the store holds 120", len(records), err)
	}
	checkLists(t, s, now)
	const photo = "15bd1ee86563dc158c2037d13fe2341f1fc377878899a9d3270549a6d68ff09d"
	got, err := s.ProjectPhotos("p17", 0)
	if err != nil || len(got) != 1 || got[0].Hash != photo {
		t.Errorf("p17's photos after the migration: %+v %v", got, err)
	}
	// The finding still lists the photo: taking it off the finding must
	// keep it, which only the photo index can tell.
	var listed bool
	if err := s.view(func(tx *bolt.Tx) error { listed = photoListed(tx, photo); return nil }); err != nil || !listed {
		t.Errorf("the migrated photo index does not list the photo: %v", err)
	}
	s.Close()
	if v := schemaOf(t, dir); v != currentSchema {
		t.Errorf("schema %d after opening, want %d", v, currentSchema)
	}
}

func schemaOf(t *testing.T, dir string) int {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, FileName), 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.View(func(tx *bolt.Tx) error { v, err = schemaVersion(tx); return err }); err != nil {
		t.Fatal(err)
	}
	return v
}
