// Package storage keeps everything fieldbrief knows on the laptop, in one
// bbolt file: the project register, checklist templates, visits and their
// answers, findings, photos and the outbox of changes waiting for the portal.
//
// Every change a person makes is written in the same transaction as its
// outbox entry, so a change is either saved and queued for sync or not made
// at all. bbolt fsyncs every commit: once a method returns nil, the change
// survives a power cut or a killed process.
//
// Rules from bbolt's README that this package keeps: open with a timeout so a
// second copy of the app reports "already open" instead of hanging; copy
// values out of transactions (bbolt's byte slices die with the transaction);
// keep read transactions short; never run two transactions in one goroutine.
package storage

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// FileName is the name of the database file inside the data folder.
const FileName = "fieldbrief.db"

// Options tune Open. The zero value is fine for the app.
type Options struct {
	// Timeout bounds the wait for the file lock held by another copy of the
	// app; the default is one second.
	Timeout time.Duration
	// ReadOnly opens without taking the write lock, for checks and backups.
	ReadOnly bool
	// Now returns the current time; tests set it, the app leaves it nil.
	Now func() time.Time
}

// Store is an open data folder. Its methods are safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
	now  func() time.Time
	// device is this laptop's id for the portal; it changes when the
	// laptop registers a new one (see sync_device.go).
	deviceMu sync.RWMutex
	device   string
	// templates caches decoded templates by id and version. A template
	// version never changes once published, so answers — saved one by one,
	// dozens per visit — need not decode the checklist each time.
	templates sync.Map // templateKey → sv.Template
}

// Open opens (creating if needed) the store in dir and upgrades its schema.
// Every failure is an *supervision.Error that says what to do.
func Open(dir string, opts Options) (*Store, error) {
	if opts.Timeout == 0 {
		opts.Timeout = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := prepareDir(dir, opts.ReadOnly); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, FileName)
	if err := checkFile(path); err != nil {
		return nil, err
	}
	if err := precheck(path); err != nil {
		return nil, corrupt(path, err)
	}
	db, err := openBolt(path, opts)
	if err != nil {
		return nil, openError(dir, path, err)
	}
	s := &Store{db: db, path: path, now: opts.Now}
	if opts.ReadOnly {
		err = s.db.View(func(tx *bolt.Tx) error {
			v, err := schemaVersion(tx)
			if err == nil && v != currentSchema {
				return translate.Errorf(sv.EConflict, "storage.error.the_data_file_has_format_version", v, currentSchema)
			}
			s.device = string(tx.Bucket(bMeta).Get(kDevice))
			return err
		})
	} else if s.current() {
		// Already at the current schema: no write transaction, so opening
		// costs no fsync.
	} else {
		err = s.db.Update(func(tx *bolt.Tx) error {
			if err := migrate(tx, s.now()); err != nil {
				return err
			}
			s.device = string(tx.Bucket(bMeta).Get(kDevice))
			return nil
		})
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// current reports whether the store is already at the current schema, and
// reads the device id while at it.
func (s *Store) current() bool {
	ok := false
	_ = s.db.View(func(tx *bolt.Tx) error {
		v, err := schemaVersion(tx)
		if err == nil && v == currentSchema && tx.Bucket(bMeta).Get(kDevice) != nil {
			s.device = string(tx.Bucket(bMeta).Get(kDevice))
			ok = true
		}
		return nil
	})
	return ok
}

// Close releases the file. Pending writes have already been committed.
func (s *Store) Close() error { return s.db.Close() }

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// DeviceID returns this laptop's id, used to number its outbox for the portal.
func (s *Store) DeviceID() string {
	s.deviceMu.RLock()
	defer s.deviceMu.RUnlock()
	return s.device
}

func prepareDir(dir string, readOnly bool) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return translate.Errorf(sv.EInvalid, "storage.error.is_a_file_not_a_folder", dir)
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist) && !readOnly:
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return translate.Wrap(err, sv.EUnavailable, "storage.error.cannot_create_the_data_folder_check", dir)
		}
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return translate.Errorf(sv.ENotFound, "storage.error.the_data_folder_does_not_exist", dir)
	default:
		return translate.Wrap(err, sv.EUnavailable, "storage.error.cannot_read_the_data_folder_check", dir)
	}
}

// checkFile refuses a database path that is not a regular file, before bbolt
// would try to map it.
func checkFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().IsRegular() {
		return nil
	}
	return translate.Errorf(sv.EInvalid, "storage.error.is_not_a_regular_file_and", path)
}

func openError(dir, path string, err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return translate.Wrap(err, sv.EAlreadyOpen, "storage.error.the_data_is_already_open_in")
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return translate.Wrap(err, sv.EUnavailable, "storage.error.no_permission_to_write_to_the", dir)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrChecksum):
		return corrupt(path, err)
	}
	return translate.Wrap(err, sv.EUnavailable, "storage.error.cannot_open_the_data_file_the", path)
}

func corrupt(path string, cause error) error {
	return translate.Wrap(cause, sv.EInvalid, "storage.error.the_data_file_is_damaged_or", path)
}

// openBolt opens the file, turning a panic inside bbolt (which trusts the
// file's pages once the meta page validates) into an error: a damaged file
// must give a message, never crash the app.
func openBolt(path string, opts Options) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%w: %v", berrors.ErrInvalid, r)
		}
	}()
	return bolt.Open(path, 0o600, &bolt.Options{
		Timeout:      opts.Timeout,
		ReadOnly:     opts.ReadOnly,
		FreelistType: bolt.FreelistMapType,
	})
}

// update runs fn in a write transaction, turning bbolt's faults into
// errors a person can read.
func (s *Store) update(fn func(tx *bolt.Tx) error) error {
	err := s.db.Update(fn)
	return storageError(err)
}

func (s *Store) view(fn func(tx *bolt.Tx) error) error {
	return storageError(s.db.View(fn))
}

func storageError(err error) error {
	if err == nil {
		return nil
	}
	var e *sv.Error
	if errors.As(err, &e) {
		return err
	}
	if errors.Is(err, berrors.ErrDatabaseReadOnly) {
		return translate.Wrap(err, sv.EConflict, "storage.error.the_data_is_open_read_only")
	}
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return translate.Wrap(err, sv.EUnavailable, "storage.error.the_data_file_is_closed")
	}
	return translate.Wrap(err, sv.EInternal, "storage.error.could_not_save_the_disk_may")
}

// put encodes v as JSON into b under key.
func put(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return translate.Wrap(err, sv.EInvalid, "storage.error.the_record_holds_a_value_such_as_infinity")
	}
	return b.Put(key, data)
}

func decode(b []byte, v any, what string) error {
	if err := json.Unmarshal(b, v); err != nil {
		return translate.Wrap(err, sv.EInternal, "storage.error.a_data_record_cannot_be_read", what)
	}
	return nil
}
