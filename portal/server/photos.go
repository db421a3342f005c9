package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/tus/tusd/v2/pkg/filestore"
	tusd "github.com/tus/tusd/v2/pkg/handler"
	"github.com/tus/tusd/v2/pkg/memorylocker"
	bolt "go.etcd.io/bbolt"
	xslog "golang.org/x/exp/slog"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil && h == string(toLower(h))
}

func toLower(s string) []byte {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'F' {
			b[i] = c + 'a' - 'A'
		}
	}
	return b
}

// photoPath is where a verified photo lives: photos/ab/abcdef…, so no
// folder grows past a few thousand entries.
func (s *Server) photoPath(hash string) string {
	return filepath.Join(s.photos, hash[:2], hash)
}

func (s *Server) hasPhoto(hash string) bool {
	_, err := os.Stat(s.photoPath(hash))
	return err == nil
}

// tusHandler serves tus 1.0 uploads under /api/v1/uploads/ with tusd's own
// handler, so any standard tus client can upload. Partial uploads live in
// uploads/ and are never served; a finished upload becomes a photo only
// after its SHA-256 matched the one declared when it was created.
func (s *Server) tusHandler() (http.Handler, error) {
	store := filestore.New(s.uploads)
	composer := tusd.NewStoreComposer()
	store.UseIn(composer)
	memorylocker.New().UseIn(composer)
	h, err := tusd.NewHandler(tusd.Config{
		BasePath:             portal.PathUploads,
		StoreComposer:        composer,
		MaxSize:              s.opts.MaxPhoto,
		DisableDownload:      true,
		DisableConcatenation: true,
		// tusd logs through x/exp/slog; its events are covered by the
		// server's own request log and "photo stored" entries.
		Logger:                    xslog.New(xslog.NewTextHandler(io.Discard, nil)),
		PreUploadCreateCallback:   s.beforeUpload,
		PreFinishResponseCallback: s.finishUpload,
		// A cut connection keeps the bytes that arrived; this bounds how
		// long the store may take to save them after the client is gone.
		GracefulRequestCompletionTimeout: 10 * time.Second,
		NetworkTimeout:                   60 * time.Second,
	})
	if err != nil {
		return nil, translate.Wrap(err, sv.EInternal, "portal.server.error.cannot_start_the_photo_upload_service")
	}
	// tusd routes on the path below its base, so the prefix goes first.
	return http.StripPrefix(strings.TrimSuffix(portal.PathUploads, "/"), h), nil
}

func (s *Server) beforeUpload(ev tusd.HookEvent) (tusd.HTTPResponse, tusd.FileInfoChanges, error) {
	hash := ev.Upload.MetaData[portal.MetaSHA256]
	if !validHash(hash) {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusError("ERR_MISSING_SHA256", http.StatusBadRequest,
			translate.Errorf(sv.EInvalid, "portal.server.error.upload_metadata_must_carry_sha256"))
	}
	if ev.Upload.SizeIsDeferred {
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusError("ERR_LENGTH_REQUIRED", http.StatusBadRequest,
			translate.Errorf(sv.EInvalid, "portal.server.error.upload_length_is_required"))
	}
	if e := s.admitUpload(userFrom(ev.Context).Name, hash, ev.Upload.Size); e != nil {
		status := http.StatusRequestEntityTooLarge
		if e.Code == sv.EInternal {
			status = http.StatusInternalServerError
		}
		s.log.Warn("upload refused", "user", userFrom(ev.Context).Name, "hash", hash, "reason", e.En)
		return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, tusRefusal(status, e)
	}
	return tusd.HTTPResponse{}, tusd.FileInfoChanges{}, nil
}

// finishUpload runs before the response to the last PATCH: it checks the
// bytes against the declared hash and links them into the photo folder.
// The client learns of success only after the photo is visible.
func (s *Server) finishUpload(ev tusd.HookEvent) (tusd.HTTPResponse, error) {
	hash := ev.Upload.MetaData[portal.MetaSHA256]
	bin := ev.Upload.Storage["Path"]
	if bin == "" {
		bin = filepath.Join(s.uploads, ev.Upload.ID)
	}
	got, err := fileHash(bin)
	if err != nil {
		s.log.Error("upload unreadable", "id", ev.Upload.ID, "err", err)
		return tusd.HTTPResponse{}, tusError("ERR_INTERNAL", http.StatusInternalServerError, translate.Errorf(sv.EInternal, "portal.server.error.the_upload_cannot_be_read"))
	}
	if got != hash {
		s.log.Warn("upload hash mismatch", "id", ev.Upload.ID, "declared", hash, "got", got)
		_ = os.Remove(bin)
		_ = os.Remove(bin + ".info")
		return tusd.HTTPResponse{}, tusError("ERR_CHECKSUM_MISMATCH", 460,
			translate.Errorf(sv.EInvalid, "portal.server.error.the_bytes_do_not_match_the_declared_sha256"))
	}
	if err := s.promote(bin, hash); err != nil {
		s.log.Error("promote photo", "hash", hash, "err", err)
		return tusd.HTTPResponse{}, tusError("ERR_INTERNAL", http.StatusInternalServerError, translate.Errorf(sv.EInternal, "portal.server.error.the_photo_cannot_be_stored"))
	}
	if err := s.db.markPhotoStored(hash); err != nil {
		s.log.Error("mark photo stored", "hash", hash, "err", err)
		return tusd.HTTPResponse{}, tusError("ERR_INTERNAL", http.StatusInternalServerError, translate.Errorf(sv.EInternal, "portal.server.error.the_photo_cannot_be_stored"))
	}
	s.log.Info("photo stored", "hash", hash, "bytes", ev.Upload.Size, "upload", ev.Upload.ID)
	return tusd.HTTPResponse{}, nil
}

// markStoredPhotos runs at start-up, after recoverUploads: a photo whose
// bytes are here but whose record does not say so (the portal stopped
// between storing the bytes and marking the record, or an upload was
// recovered just now) is marked, so laptops download it.
func (s *Server) markStoredPhotos() error {
	var hashes []string
	err := s.db.bolt.View(func(tx *bolt.Tx) error {
		prefix := recordKey(portal.EntityPhoto, "")
		c := tx.Bucket(bRecords).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var r storedRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			if !r.Stored && validHash(r.ID) && s.hasPhoto(r.ID) {
				hashes = append(hashes, r.ID)
			}
		}
		return nil
	})
	if err != nil || len(hashes) == 0 {
		return err
	}
	// One transaction: the first start after an upgrade marks every photo
	// the portal holds, and a commit (two fsyncs) each would take minutes.
	err = s.db.bolt.Update(func(tx *bolt.Tx) error {
		for _, h := range hashes {
			if err := markStored(tx, h); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		s.log.Info("photos marked stored at start-up", "count", len(hashes))
	}
	return err
}

// markPhotoStored notes on a photo's record that its bytes are here, and
// moves the record to the end of the change log, so laptops that pulled it
// without bytes pull it again and download its thumbnail then. A photo
// with no record yet is marked when its record is pushed (applyPhoto);
// both run in write transactions, so one of them sees the other.
func (d *DB) markPhotoStored(hash string) error {
	return d.bolt.Update(func(tx *bolt.Tx) error { return markStored(tx, hash) })
}

// markStored marks one photo's record, if it has one not yet marked.
func markStored(tx *bolt.Tx, hash string) error {
	var r storedRecord
	ok, err := getJSON(tx.Bucket(bRecords), recordKey(portal.EntityPhoto, hash), &r)
	if err != nil || !ok || r.Stored {
		return err
	}
	r.Stored = true
	// The device that sent the record has the bytes; its pull still
	// skips it.
	return putRecordFrom(tx, r.Record, r.Origin)
}

// promote makes the verified upload visible under its hash: a hard link
// (or copy) to a temporary name, fsync, then rename — so the photo folder
// only ever holds whole, verified files.
func (s *Server) promote(bin, hash string) error {
	dst := s.photoPath(hash)
	if s.hasPhoto(hash) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return err
	}
	tmp := dst + ".tmp" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := os.Link(bin, tmp); err != nil {
		if err := copyFile(bin, tmp); err != nil {
			return err
		}
	}
	if f, err := os.Open(tmp); err == nil {
		_ = f.Sync()
		f.Close()
	}
	return os.Rename(tmp, dst)
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// maxMissing bounds one question about photos.
const maxMissing = 10000

func (s *Server) handleMissing(w http.ResponseWriter, r *http.Request) {
	var req portal.MissingRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	if len(req.Hashes) > maxMissing {
		writeError(w, http.StatusRequestEntityTooLarge, translate.Errorf(sv.EInvalid, "portal.server.error.ask_about_at_most_photos_at", maxMissing))
		return
	}
	out := portal.MissingResponse{Missing: []string{}}
	for _, h := range req.Hashes {
		if !validHash(h) {
			writeError(w, http.StatusBadRequest, translate.Errorf(sv.EInvalid, "portal.server.error.is_not_a_valid_sha_256", short(h)))
			return
		}
		if !s.hasPhoto(h) {
			out.Missing = append(out.Missing, h)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func short(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func (s *Server) handlePhoto(w http.ResponseWriter, r *http.Request) {
	hash := r.PathValue("hash")
	if !validHash(hash) {
		writeError(w, http.StatusBadRequest, translate.Errorf(sv.EInvalid, "portal.server.error.is_not_a_valid_sha_256", short(hash)))
		return
	}
	if r.URL.Query().Get("size") == "thumb" && s.hasPhoto(hash) {
		s.serveThumbnail(w, r, hash)
		return
	}
	f, err := os.Open(s.photoPath(hash))
	if errors.Is(err, fs.ErrNotExist) {
		writeError(w, http.StatusNotFound, translate.Errorf(sv.ENotFound, "portal.server.error.the_portal_does_not_have_this"))
		return
	} else if err != nil {
		s.internal(w, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	// A photo never changes under its hash.
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	http.ServeContent(w, r, hash, time.Time{}, f)
}

// serveThumbnail answers a stored photo's thumbnail. Only photos a record
// names get one: laptops ask for the thumbnails of the records they pull,
// and bytes no record names are nobody's to look at yet.
func (s *Server) serveThumbnail(w http.ResponseWriter, r *http.Request, hash string) {
	named, err := s.photosNamed([]string{hash})
	if err != nil {
		s.internal(w, err)
		return
	}
	if !named[hash] {
		writeError(w, http.StatusNotFound, translate.Errorf(sv.ENotFound, "portal.server.error.the_portal_has_no_record_of"))
		return
	}
	data, err := s.thumbnail(r.Context(), hash)
	var no errNoThumb
	switch {
	case err == nil:
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
		_, _ = w.Write(data)
	case errors.As(err, &no):
		// The original is not sent in its place: a laptop would decode
		// it for a list. It fetches the original when someone opens the
		// photo, under its own import rules.
		writeError(w, http.StatusUnprocessableEntity, translate.Errorf(sv.EInvalid, "portal.server.error.the_portal_makes_no_thumbnail_of", no.reason))
	case errors.Is(err, errThumbBusy):
		writeBusy(w)
	case r.Context().Err() != nil:
	default:
		s.internal(w, err)
	}
}

func (s *Server) handlePull(w http.ResponseWriter, r *http.Request) {
	limit := 500
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 5000 {
			writeError(w, http.StatusBadRequest, translate.Errorf(sv.EInvalid, "portal.server.error.limit_must_be_a_whole_number"))
			return
		}
		limit = n
	}
	resp, err := s.db.Pull(r.URL.Query().Get("cursor"), limit, s.opts.MaxPage, userFrom(r.Context()).Device)
	if err != nil {
		s.internal(w, err)
		return
	}
	writeJSONTo(w, r, http.StatusOK, resp)
}

func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) {
	var req portal.RegisterRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	if err := s.db.PutRegister(req.Projects, req.Templates); err != nil {
		var e *sv.Error
		if errors.As(err, &e) && e.Code == sv.EInvalid {
			writeError(w, http.StatusBadRequest, e)
			return
		}
		s.internal(w, err)
		return
	}
	s.log.Info("register saved", "projects", len(req.Projects), "templates", len(req.Templates), "by", userFrom(r.Context()).Name)
	s.audit(r, "register", "", map[string]int{"projects": len(req.Projects), "templates": len(req.Templates)})
	writeJSON(w, http.StatusOK, map[string]int{"projects": len(req.Projects), "templates": len(req.Templates)})
}

// PutRegister stores projects and templates, each as a record laptops pull.
func (d *DB) PutRegister(projects []sv.Project, templates []sv.Template) error {
	for _, p := range projects {
		if err := p.Validate(); err != nil {
			return err
		}
	}
	for _, t := range templates {
		if err := t.Validate(); err != nil {
			return err
		}
	}
	return d.bolt.Update(func(tx *bolt.Tx) error {
		for _, p := range projects {
			data, err := json.Marshal(p)
			if err != nil {
				return err
			}
			if err := putRecord(tx, portal.Record{Entity: portal.EntityProject, ID: p.ID, Data: data}); err != nil {
				return err
			}
			// The figures' history, as every laptop keeps it when the
			// record arrives, so the portal rebuilds a brief as of a past
			// date as the laptop does.
			if err := recordRegister(tx, p, d.now()); err != nil {
				return err
			}
		}
		for _, t := range templates {
			data, err := json.Marshal(t)
			if err != nil {
				return err
			}
			if err := putRecord(tx, portal.Record{Entity: portal.EntityTemplate, ID: portal.TemplateID(t.ID, t.Version), Data: data}); err != nil {
				return err
			}
		}
		return nil
	})
}

// staleUpload is how long an unfinished upload is kept for its laptop to
// come back and resume it.
const staleUpload = 30 * 24 * time.Hour

// recoverUploads runs at start-up. An upload whose last byte arrived but
// whose hook did not run (the portal stopped in between) is verified and
// promoted now, so the laptop's next "missing" question finds the photo;
// uploads untouched for a month are removed.
func (s *Server) recoverUploads() {
	infos, err := filepath.Glob(filepath.Join(s.uploads, "*.info"))
	if err != nil {
		return
	}
	for _, info := range infos {
		raw, err := os.ReadFile(info)
		if err != nil {
			continue
		}
		var fi tusd.FileInfo
		if json.Unmarshal(raw, &fi) != nil {
			continue
		}
		bin := strings.TrimSuffix(info, ".info")
		st, err := os.Stat(bin)
		hash := fi.MetaData[portal.MetaSHA256]
		switch {
		case err == nil && st.Size() == fi.Size && validHash(hash) && !s.hasPhoto(hash):
			if sum, err := fileHash(bin); err == nil && sum == hash {
				if err := s.promote(bin, hash); err == nil {
					s.log.Info("photo recovered from finished upload", "hash", hash, "upload", fi.ID)
				}
			}
		case err != nil || s.opts.Now().Sub(st.ModTime()) > staleUpload:
			_ = os.Remove(bin)
			_ = os.Remove(info)
			s.log.Info("stale upload removed", "upload", fi.ID)
		}
	}
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// tusError is a refusal in tus's own terms, which carry one text: the
// English and the Chinese side by side, as tus clients show it whole.
func tusError(code string, status int, e *sv.Error) tusd.Error {
	return tusd.NewError(code, e.En+" / "+e.Zh, status)
}
