package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Backup writes a consistent copy of the whole store to w while the app
// keeps working: bbolt's read transaction sees one snapshot.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, translate.Wrap(err, sv.EUnavailable, "storage.error.writing_the_backup_failed_check_the")
	}
	return n, nil
}

// BackupTo writes a backup to the file at path. The file appears only when
// complete: a failed backup never leaves a file that looks like one.
func (s *Store) BackupTo(path string) (int64, error) {
	abs, _ := filepath.Abs(path)
	if live, _ := filepath.Abs(s.path); abs == live {
		return 0, translate.Errorf(sv.EInvalid, "storage.error.the_backup_file_cannot_be_the")
	}
	tmp, err := os.CreateTemp(filepath.Dir(abs), ".fieldbrief-backup-*")
	if err != nil {
		return 0, translate.Wrap(err, sv.EUnavailable, "storage.error.cannot_create_the_backup_file_in", filepath.Dir(abs))
	}
	defer os.Remove(tmp.Name())
	n, err := s.Backup(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), abs)
	}
	if err != nil {
		return 0, translate.Wrap(err, sv.EUnavailable, "storage.error.writing_the_backup_failed_check_the")
	}
	return n, nil
}

// Check verifies the file's page structure (bbolt's consistency check) and
// the links between records this package maintains: every answer belongs to
// a visit, every index entry to a record, the outbox has no gaps. It returns
// one error per problem found; none means the store is sound.
func (s *Store) Check() []error {
	var problems []error
	err := s.db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			problems = append(problems, err)
		}
		if len(problems) > 0 {
			return nil
		}
		for _, name := range storeBuckets {
			if tx.Bucket(name) == nil {
				problems = append(problems, fmt.Errorf("bucket %s is missing", name))
			}
		}
		if len(problems) > 0 {
			return nil
		}
		insp := tx.Bucket(bVisits)
		_ = tx.Bucket(bAnswers).ForEach(func(k, v []byte) error {
			id, _, _ := cutZero(k)
			if insp.Get(id) == nil {
				problems = append(problems, fmt.Errorf("answer %q belongs to no visit", k))
			}
			return nil
		})
		_ = tx.Bucket(bVisitIndex).ForEach(func(k, v []byte) error {
			_, rest, _ := cutZero(k)
			if _, id, ok := parseVisitKey(rest); !ok || insp.Get([]byte(id)) == nil {
				problems = append(problems, fmt.Errorf("visit index entry %q names no visit", k))
			}
			return nil
		})
		fb := tx.Bucket(bFindings)
		_ = tx.Bucket(bActiveIndex).ForEach(func(k, v []byte) error {
			_, id, _ := cutZero(k)
			if fb.Get(id) == nil {
				problems = append(problems, fmt.Errorf("finding index entry %q names no finding", k))
			}
			return nil
		})
		problems = append(problems, checkFindingIndex(tx)...)
		problems = append(problems, checkPhotoRefs(tx)...)
		// A photo is whole when its metadata and its three renditions are
		// all there; an import commits them together. The print copy is
		// not required: photos imported before it existed have none, and
		// the reports fall back to the display copy. When there is one its
		// JPEG header must read, since a report embeds it without decoding.
		photos, blobs := tx.Bucket(bPhotos), tx.Bucket(bBlobs)
		_ = photos.ForEach(func(k, v []byte) error {
			var p struct {
				Uploaded bool `json:"uploaded"`
			}
			_ = json.Unmarshal(v, &p)
			for _, kind := range []BlobKind{BlobOriginal, BlobDisplay, BlobThumbnail} {
				// Once the portal holds the photo, the laptop may let the
				// original go, and another laptop's photo arrives only when
				// someone looks at it: nothing is required then.
				if p.Uploaded {
					break
				}
				if blobGet(tx, string(k), kind) == nil {
					problems = append(problems, fmt.Errorf("photo %s lacks its %c rendition", k, kind))
				}
			}
			if b := blobGet(tx, string(k), BlobPrint); b != nil {
				if _, err := jpeg.DecodeConfig(bytes.NewReader(b)); err != nil {
					problems = append(problems, fmt.Errorf("photo %s has an unreadable %c rendition: %v", k, BlobPrint, err))
				}
			}
			return nil
		})
		_ = blobs.ForEach(func(k, v []byte) error {
			if v != nil {
				problems = append(problems, fmt.Errorf("photo bytes %q are not in a photo's bucket", k))
			} else if photos.Get(k) == nil {
				problems = append(problems, fmt.Errorf("photo bytes %q belong to no photo", k))
			}
			return nil
		})
		var prev uint64
		_ = tx.Bucket(bOutbox).ForEach(func(k, v []byte) error {
			seq := binary.BigEndian.Uint64(k)
			if prev != 0 && seq != prev+1 {
				problems = append(problems, fmt.Errorf("outbox jumps from %d to %d", prev, seq))
			}
			prev = seq
			return nil
		})
		return nil
	})
	if err != nil {
		problems = append(problems, err)
	}
	return problems
}

func cutZero(k []byte) (before, after []byte, found bool) {
	for i, c := range k {
		if c == 0 {
			return k[:i], k[i+1:], true
		}
	}
	return k, nil, false
}

// Compact rewrites the store in dir into a fresh file without free pages and
// swaps it in. The store must not be open. The old file is replaced only
// after the new one is complete and synced, so a failure leaves it as it was.
func Compact(dir string, opts Options) (before, after int64, err error) {
	src, err := Open(dir, opts)
	if err != nil {
		return 0, 0, err
	}
	path := src.path
	if fi, err := os.Stat(path); err == nil {
		before = fi.Size()
	}
	tmpPath := path + ".compact"
	_ = os.Remove(tmpPath)
	dst, err := bolt.Open(tmpPath, 0o600, &bolt.Options{Timeout: opts.Timeout})
	if err != nil {
		src.Close()
		return 0, 0, translate.Wrap(err, sv.EUnavailable, "storage.error.cannot_create_the_temporary_file_for")
	}
	cerr := bolt.Compact(dst, src.db, 64<<20)
	dst.Close()
	src.Close()
	if cerr == nil {
		if f, err := os.Open(tmpPath); err == nil {
			cerr = f.Sync()
			f.Close()
		}
	}
	if cerr == nil {
		cerr = os.Rename(tmpPath, path)
	}
	if cerr != nil {
		os.Remove(tmpPath)
		return before, 0, translate.Wrap(cerr, sv.EUnavailable, "storage.error.compaction_failed_the_data_was_not")
	}
	if fi, err := os.Stat(path); err == nil {
		after = fi.Size()
	}
	return before, after, nil
}
