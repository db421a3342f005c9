package server

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"

	bolt "go.etcd.io/bbolt"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// A backup (decision 0029) is a tar of portal.db, copied with bbolt's
// tx.WriteTo inside one read transaction — a consistent snapshot taken
// while the portal keeps serving — followed by the photo files. Photos
// are written after the snapshot: a photo's bytes are stored before its
// record is marked stored and are never removed, so every photo the
// snapshot calls stored is in the tar. Unfinished uploads are left out;
// laptops resume or repeat them.

// BackupType is the media type of a backup.
const BackupType = "application/x-tar"

func (s *Server) handleBackup(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", BackupType)
	w.Header().Set("Content-Disposition", "attachment; filename=fieldbrief-portal-"+s.opts.Now().Format("20060102-150405")+".tar")
	n, err := s.WriteBackup(w)
	s.audit(r, "backup", "", map[string]any{"bytes": n, "complete": err == nil})
	if err != nil {
		// The status is sent; cutting the stream short makes the tar
		// unreadable, which restore reports.
		s.log.Error("backup failed", "err", err, "bytes", n)
		return
	}
	s.log.Info("backup taken", "bytes", n, "by", userFrom(r.Context()).Name)
}

// WriteBackup writes the backup tar to w and returns its size.
func (s *Server) WriteBackup(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	tw := tar.NewWriter(cw)
	now := s.opts.Now()
	err := s.db.bolt.View(func(tx *bolt.Tx) error {
		if err := tw.WriteHeader(&tar.Header{Name: DBFile, Mode: 0o600, Size: tx.Size(), ModTime: now, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := tx.WriteTo(tw)
		return err
	})
	if err != nil {
		return cw.n, err
	}
	err = filepath.WalkDir(s.photos, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		// Originals only: thumbnails and remembered refusals are made
		// again on demand, and a file being written is not one yet.
		if !validHash(d.Name()) {
			return nil
		}
		rel, err := filepath.Rel(s.opts.Dir, p)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		st, err := f.Stat()
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o600, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err = io.Copy(tw, f)
		return err
	})
	if err != nil {
		return cw.n, err
	}
	return cw.n, tw.Close()
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Restore unpacks a backup into dir, which must be empty or not exist,
// and gives the restored database a new epoch: laptops then see their
// cursors as unknown, pull everything again, and can tell that the portal
// may lack what they sent after the backup. Nothing is left in dir when
// the backup is unreadable.
func Restore(r io.Reader, dir string) (err error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return translate.Errorf(sv.EConflict, "portal.server.error.the_folder_is_not_empty_restore", dir)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return translate.Wrap(err, sv.EUnavailable, "portal.server.error.cannot_read_the_folder", dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return translate.Wrap(err, sv.EUnavailable, "portal.server.error.cannot_create_the_folder", dir)
	}
	defer func() {
		if err != nil {
			cleanDir(dir)
		}
	}()
	broken := func(cause error) error {
		return translate.Wrap(cause, sv.EInvalid, "portal.server.error.the_backup_file_is_incomplete_or")
	}
	tr := tar.NewReader(r)
	sawDB := false
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return broken(err)
		}
		name := path.Clean(h.Name)
		ok := h.Typeflag == tar.TypeReg && (name == DBFile || (strings.HasPrefix(name, "photos/") && validHash(path.Base(name)) &&
			name == "photos/"+path.Base(name)[:2]+"/"+path.Base(name)))
		if !ok {
			return broken(fmt.Errorf("unexpected entry %q", h.Name))
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
			return translate.Wrap(err, sv.EUnavailable, "portal.server.error.cannot_write_the_restored_files")
		}
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return translate.Wrap(err, sv.EUnavailable, "portal.server.error.cannot_write_the_restored_files")
		}
		_, err = io.Copy(f, tr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return broken(err)
		}
		sawDB = sawDB || name == DBFile
	}
	if !sawDB {
		return broken(errors.New("no " + DBFile))
	}
	db, err := OpenDB(dir)
	if err != nil {
		return broken(err)
	}
	defer db.Close()
	_, err = db.NewEpoch()
	return err
}

// cleanDir removes what a failed restore wrote.
func cleanDir(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		_ = os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}
