package server

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// The portal's data has a schema version in meta (decision 0025):
//
//   - 1: the layout before versions were written (commit 0db7d75 and
//     earlier); a file with an epoch and no version is version 1.
//   - 2: device records (owner, first seen, last push, state) beside the
//     change numbers, decision 0024.
//   - 3: the register figures' history (observations), seeded from the
//     register as it is, so the portal rebuilds a brief's snapshot as the
//     laptop does (decision 0034).
//
// OpenDB migrates an older file in one transaction, after copying it to
// portal.db.schema-N-TIME.bak beside it, and refuses a newer one.
const currentSchema = 3

var kSchema = []byte("schema")

// dbMigrations[i] upgrades a file from version i+1 to i+2.
var dbMigrations = []func(tx *bolt.Tx, now time.Time) error{
	migrateDevicesOwned,
	migrateObservations,
}

// allBuckets are the buckets of the current schema. One missing from a file
// of the current version is created at open (a bucket added without a
// layout change needs no migration).
var allBuckets = [][]byte{bMeta, bUsers, bTokens, bDevices, bRejections, bRecords, bLog, bLogIndex, bApplied, bDeviceInfo, bObservations}

func dbSchema(tx *bolt.Tx) (int, error) {
	meta := tx.Bucket(bMeta)
	if meta == nil || meta.Get(kEpoch) == nil {
		return 0, nil // a new file
	}
	v := meta.Get(kSchema)
	if v == nil {
		return 1, nil
	}
	if len(v) != 8 {
		return 0, translate.Errorf(sv.EInvalid, "portal.server.error.the_portal_data_file_s_format")
	}
	return int(readU64(v)), nil
}

// upgrade brings the file of b to currentSchema: a new file is set up, an
// older one copied aside and migrated, a newer one refused.
func upgrade(b *bolt.DB, dir string, now time.Time) error {
	var v int
	missing := false
	err := b.View(func(tx *bolt.Tx) error {
		var err error
		v, err = dbSchema(tx)
		for _, name := range allBuckets {
			missing = missing || tx.Bucket(name) == nil
		}
		return err
	})
	if err != nil {
		return err
	}
	switch {
	case v == currentSchema && !missing:
		return nil
	case v > currentSchema:
		return translate.Errorf(sv.EConflict, "portal.server.error.this_portal_data_was_written_by", v, currentSchema)
	case v > 0 && v < currentSchema:
		// A copy first: a migration that a later version finds wrong can
		// be undone by hand.
		backup := filepath.Join(dir, fmt.Sprintf("%s.schema-%d-%s.bak", DBFile, v, now.UTC().Format("20060102T150405Z")))
		if err := b.View(func(tx *bolt.Tx) error { return tx.CopyFile(backup, 0o600) }); err != nil {
			return translate.Wrap(err, sv.EUnavailable, "portal.server.error.cannot_back_up_the_portal_data")
		}
	}
	return b.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bMeta)
		if v == 0 {
			// The epoch names this database: a cursor from another
			// (restored, rebuilt) portal is recognised as unknown.
			if err := meta.Put(kEpoch, []byte(newEpoch())); err != nil {
				return err
			}
			return meta.Put(kSchema, u64(currentSchema))
		}
		for ; v < currentSchema; v++ {
			if err := dbMigrations[v-1](tx, now); err != nil {
				return err
			}
			if err := meta.Put(kSchema, u64(uint64(v+1))); err != nil {
				return err
			}
		}
		return nil
	})
}

func newEpoch() string {
	var r [8]byte
	_, _ = rand.Read(r[:])
	return hex.EncodeToString(r[:])
}

// migrateDevicesOwned (1 → 2) gives every device that has pushed a record:
// owned by the one user whose tokens name it, or unowned (claimed by the
// next sign-in or push) when several users' tokens did — before devices
// had owners, a shared laptop kept one id.
func migrateDevicesOwned(tx *bolt.Tx, now time.Time) error {
	users := map[string]map[string]bool{}
	if err := tx.Bucket(bTokens).ForEach(func(k, v []byte) error {
		var t tokenRecord
		if _, err := getJSON(tx.Bucket(bTokens), k, &t); err != nil {
			return err
		}
		if t.Device != "" {
			if users[t.Device] == nil {
				users[t.Device] = map[string]bool{}
			}
			users[t.Device][t.User] = true
		}
		return nil
	}); err != nil {
		return err
	}
	info := tx.Bucket(bDeviceInfo)
	var ids []string
	if err := tx.Bucket(bDevices).ForEach(func(k, v []byte) error {
		ids = append(ids, string(k))
		return nil
	}); err != nil {
		return err
	}
	for _, id := range ids {
		r := deviceRecord{FirstSeen: now.UTC(), State: portal.DeviceActive}
		if len(users[id]) == 1 {
			for u := range users[id] {
				r.User = u
			}
		}
		if err := putJSON(info, []byte(id), r); err != nil {
			return err
		}
	}
	return nil
}

// Epoch returns the name of this database's history; cursors carry it.
func (d *DB) Epoch() string {
	var e string
	_ = d.bolt.View(func(tx *bolt.Tx) error {
		e = string(tx.Bucket(bMeta).Get(kEpoch))
		return nil
	})
	return e
}

// NewEpoch gives the database a new epoch and returns it. Call it on a
// portal restored from a backup, before it serves: every laptop's cursor
// then reads as unknown, and a laptop that meets the new epoch registers a
// new device id and sends again its own records the portal lacks or holds
// older (decision 0024) — including changes the old portal had
// acknowledged after the backup was taken.
func (d *DB) NewEpoch() (string, error) {
	e := newEpoch()
	err := d.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(kEpoch, []byte(e)) })
	if err != nil {
		return "", translate.Wrap(err, sv.EUnavailable, "portal.server.error.cannot_write_the_portal_data_s")
	}
	return e, nil
}

// NewEpochMarker is a file that, present in the data folder when the
// portal's data is opened, gives the data a new epoch and is then removed.
// A backup puts it in the copy it makes, so that whatever restores the copy
// — a command or a plain file copy — the restored portal announces a new
// epoch on its first start (decision 0024).
const NewEpochMarker = "NEW-EPOCH"

// epochAfterRestore gives the data a new epoch when the marker is there.
// The epoch changes before the marker goes: a crash between the two costs
// laptops one more comparison, never a missed restore.
func epochAfterRestore(d *DB, dir string) error {
	marker := filepath.Join(dir, NewEpochMarker)
	if _, err := os.Stat(marker); err != nil {
		return nil
	}
	if _, err := d.NewEpoch(); err != nil {
		return err
	}
	if err := os.Remove(marker); err != nil {
		return translate.Wrap(err, sv.EUnavailable, "portal.server.error.the_portal_data_has_a_new", marker)
	}
	return nil
}
