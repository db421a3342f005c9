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
				return sv.Errorf(sv.EConflict,
					"数据文件格式版本为 %d，本程序使用版本 %d。请用普通方式打开一次以完成升级。",
					"The data file has format version %d; this program uses %d. Open it normally once to upgrade it.", v, currentSchema)
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
		return sv.Errorf(sv.EInvalid,
			"“%s”是一个文件，不是文件夹。请用 --data 指定一个文件夹。",
			"“%s” is a file, not a folder. Choose a folder with --data.", dir)
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist) && !readOnly:
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return sv.Wrap(err, sv.EUnavailable,
				fmt.Sprintf("无法创建数据文件夹“%s”。请检查权限，或用 --data 选择其他文件夹。", dir),
				fmt.Sprintf("Cannot create the data folder “%s”. Check its permissions, or choose another folder with --data.", dir))
		}
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return sv.Errorf(sv.ENotFound, "数据文件夹“%s”不存在。", "The data folder “%s” does not exist.", dir)
	default:
		return sv.Wrap(err, sv.EUnavailable,
			fmt.Sprintf("无法读取数据文件夹“%s”。请检查权限。", dir),
			fmt.Sprintf("Cannot read the data folder “%s”. Check its permissions.", dir))
	}
}

// checkFile refuses a database path that is not a regular file, before bbolt
// would try to map it.
func checkFile(path string) error {
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().IsRegular() {
		return nil
	}
	return sv.Errorf(sv.EInvalid, "“%s”不是普通文件，无法作为数据文件打开。", "“%s” is not a regular file and cannot be opened as data.", path)
}

func openError(dir, path string, err error) error {
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return sv.Wrap(err, sv.EAlreadyOpen,
			"数据已被另一个 fieldbrief 窗口打开。请切换到那个窗口，或先关闭它再重试。",
			"The data is already open in another fieldbrief window. Switch to that window, or close it and try again.")
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return sv.Wrap(err, sv.EUnavailable,
			fmt.Sprintf("没有权限写入数据文件夹“%s”。请检查权限，或用 --data 选择其他文件夹。", dir),
			fmt.Sprintf("No permission to write to the data folder “%s”. Check its permissions, or choose another folder with --data.", dir))
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrChecksum):
		return corrupt(path, err)
	}
	return sv.Wrap(err, sv.EUnavailable,
		fmt.Sprintf("无法打开数据文件“%s”。文件未作任何改动。", path),
		fmt.Sprintf("Cannot open the data file “%s”. The file was not changed.", path))
}

func corrupt(path string, cause error) error {
	return sv.Wrap(cause, sv.EInvalid,
		fmt.Sprintf("数据文件“%s”已损坏或不是 fieldbrief 数据，文件未作任何改动。请从备份恢复，或用 --data 选择其他文件夹。", path),
		fmt.Sprintf("The data file “%s” is damaged or is not fieldbrief data. It was not changed. Restore it from a backup, or choose another folder with --data.", path))
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
		return sv.Wrap(err, sv.EConflict, "数据以只读方式打开，不能修改。", "The data is open read-only and cannot be changed.")
	}
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return sv.Wrap(err, sv.EUnavailable, "数据文件已关闭。", "The data file is closed.")
	}
	return sv.Wrap(err, sv.EInternal,
		"保存失败：磁盘可能已满或不可写。刚才的修改没有保存，请检查磁盘后重试。",
		"Could not save: the disk may be full or not writable. The last change was not saved; check the disk and try again.")
}

// put encodes v as JSON into b under key.
func put(b *bolt.Bucket, key []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return sv.Wrap(err, sv.EInvalid,
			"记录中有无法保存的数值（例如无穷大），请检查输入。",
			"The record holds a value that cannot be saved (such as infinity); check the input.")
	}
	return b.Put(key, data)
}

func decode(b []byte, v any, what string) error {
	if err := json.Unmarshal(b, v); err != nil {
		return sv.Wrap(err, sv.EInternal,
			"数据记录（"+what+"）无法读取。请运行 fieldbrief check 检查数据。",
			"A data record ("+what+") cannot be read. Run fieldbrief check.")
	}
	return nil
}
