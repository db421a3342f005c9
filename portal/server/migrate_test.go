package server

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
)

// copySchema1 copies the folder written by commit 0db7d75 (see
// testdata/schema1/README.md) into a temporary folder.
func copySchema1(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "schema1", DBFile))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, DBFile), raw, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestOpenDBMigratesAFolderOfCommit0db7d75(t *testing.T) {
	dir := copySchema1(t)
	db, err := OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	var v int
	_ = db.bolt.View(func(tx *bolt.Tx) error { v, err = dbSchema(tx); return err })
	if v != currentSchema {
		t.Fatalf("schema after opening: %d", v)
	}
	devices, err := db.Devices()
	if err != nil || len(devices) != 1 || devices[0].ID != "old-laptop-1" || devices[0].User != "inspector1" || devices[0].Acked != 3 || devices[0].State != portal.DeviceActive {
		t.Fatalf("devices after migrating: %+v %v", devices, err)
	}
	page, err := db.Pull("", 1000, 0, "")
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, r := range page.Records {
		found[r.Entity+"/"+r.ID] = true
	}
	for _, want := range []string{"inspection/v1-visit", "answer/v1-visit/safety.helmets", "finding/v1-finding", "project/p01"} {
		if !found[want] {
			t.Errorf("%s lost by the migration", want)
		}
	}
	// The register's figures seeded the history a brief's rebuild reads,
	// as the laptop's store seeds its own.
	projects, err := db.Projects()
	if err != nil {
		t.Fatal(err)
	}
	seeded := 0
	for _, p := range projects {
		obs, err := db.registerObservations(p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := sv.RegisterObservations(p, sv.DateOf(time.Now())); len(obs) != len(want) {
			t.Errorf("%s: %d observations after migrating, want %d", p.ID, len(obs), len(want))
		}
		seeded += len(obs)
	}
	if seeded == 0 {
		t.Error("the migration seeded no register figures")
	}
	db.Close()
	backups, _ := filepath.Glob(filepath.Join(dir, DBFile+".schema-1-*.bak"))
	if len(backups) != 1 {
		t.Fatalf("backups: %v", backups)
	}
	old, _ := os.ReadFile(filepath.Join("testdata", "schema1", DBFile))
	if copyRaw := must(os.ReadFile(backups[0]))(t); len(copyRaw) == 0 {
		t.Fatal("empty backup")
	} else if db2, err := bolt.Open(backups[0], 0o600, nil); err != nil {
		t.Fatal(err)
	} else {
		_ = db2.View(func(tx *bolt.Tx) error { v, _ = dbSchema(tx); return nil })
		db2.Close()
		if v != 1 || len(old) == 0 {
			t.Fatalf("the backup is not the schema 1 file: %d", v)
		}
	}
	// Opening again migrates nothing and copies nothing.
	db, err = OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if again := must(filepath.Glob(filepath.Join(dir, DBFile+".schema-*.bak")))(t); len(again) != 1 {
		t.Fatalf("a second open made backups: %v", again)
	}
}

func TestOpenDBRefusesANewerSchemaAndLeavesItAlone(t *testing.T) {
	dir := t.TempDir()
	db, err := OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(kSchema, u64(currentSchema+1)) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(filepath.Join(dir, DBFile))
	_, err = OpenDB(dir)
	if sv.ErrorCode(err) != sv.EConflict || sv.ErrorMessage(err, sv.English) == "" {
		t.Fatalf("a newer schema must be refused clearly: %v", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, DBFile))
	if !bytes.Equal(before, after) {
		t.Fatal("the refused file was changed")
	}
}

func TestNewEpochMakesEveryCursorUnknown(t *testing.T) {
	db, err := OpenDB(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	page, err := db.Pull("", 10, 0, "")
	if err != nil || page.Reset {
		t.Fatal(page, err)
	}
	old := db.Epoch()
	e, err := db.NewEpoch()
	if err != nil || e == old || db.Epoch() != e {
		t.Fatalf("epoch %q → %q %v", old, e, err)
	}
	if page, err = db.Pull(page.Cursor, 10, 0, ""); err != nil || !page.Reset {
		t.Fatalf("a cursor of the old epoch must read as unknown: %+v %v", page, err)
	}
}

// A backup carries the NEW-EPOCH marker; however it is restored, the
// first open gives the data a new epoch, once.
func TestMarkerGivesARestoredFolderANewEpochOnce(t *testing.T) {
	dir := t.TempDir()
	db, err := OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	old := db.Epoch()
	db.Close()
	if err := os.WriteFile(filepath.Join(dir, NewEpochMarker), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	db, err = OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	restored := db.Epoch()
	db.Close()
	if restored == old || restored == "" {
		t.Fatalf("epoch %q → %q", old, restored)
	}
	if _, err := os.Stat(filepath.Join(dir, NewEpochMarker)); !os.IsNotExist(err) {
		t.Fatalf("the marker stays: %v", err)
	}
	db, err = OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Epoch() != restored {
		t.Fatal("the epoch changed again without a marker")
	}
}
