// Package server is the reference central portal of fieldbrief: the HTTP
// API of the sync protocol (/api/v1, see docs/sync-protocol.md), sign-in
// with roles, its own bbolt store of records and change log, and a
// content-addressed folder of photos that arrive by tus uploads.
//
// It is the portal the laptops' sync engine is tested against, and small
// enough to run for a district office as it is.
package server

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Options configure a Server. Dir is required; zero values of the rest
// take the defaults noted.
type Options struct {
	// Dir holds portal.db, photos/ and uploads/.
	Dir    string
	Logger *slog.Logger
	// Now is the clock; tests set it to expire tokens.
	Now func() time.Time
	// TokenTTL is how long a sign-in lasts; default 14 days, long enough for
	// a stretch of offline site visits.
	TokenTTL time.Duration
	// MaxBody bounds a JSON request body; default 8 MiB.
	MaxBody int64
	// MaxPhoto bounds one photo upload; default 64 MiB.
	MaxPhoto int64
	// MaxRecord bounds one pushed change's data, as stored; default 256 KiB.
	MaxRecord int
	// MaxPage bounds the records' data in one pull page; default 4 MiB.
	MaxPage int
	// BodyBudget bounds the unpacked JSON bodies of all requests in
	// flight together; default 64 MiB.
	BodyBudget int64
	// Limits pace bodies and responses and cap connections.
	Limits Limits
	// BcryptCost is the password hash's cost; default bcrypt's default.
	BcryptCost int
	// MinProtocol is the oldest protocol version a laptop may speak;
	// default 1, every version. See decision 0025.
	MinProtocol int
}

// Server serves the portal's API.
type Server struct {
	opts     Options
	db       *DB
	log      *slog.Logger
	photos   string
	uploads  string
	throttle *throttle
	mux      *http.ServeMux
	dummy    []byte // a bcrypt hash compared against for unknown users
	thumbs   *thumbnailer
	bodies   *bodyBudget
	quota    *uploadQuota
	// inflight counts requests being served, so Close waits for them.
	inflight sync.WaitGroup
	purge    tokenPurge
	// lastPush holds each device's last push time (string → time.Time),
	// written to the store on Close (devices.go).
	lastPush sync.Map
}

// New opens the portal's data in opts.Dir and returns a server ready to
// be given to an http.Server. Close it to release the data.
func New(opts Options) (*Server, error) {
	if opts.Dir == "" {
		return nil, translate.Errorf(sv.EInvalid, "portal.server.error.choose_the_portal_data_folder_with")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	opts.limitDefaults()
	if opts.TokenTTL == 0 {
		opts.TokenTTL = 14 * 24 * time.Hour
	}
	if opts.MaxBody == 0 {
		opts.MaxBody = 8 << 20
	}
	if opts.MaxPhoto == 0 {
		opts.MaxPhoto = 64 << 20
	}
	if opts.MinProtocol == 0 {
		opts.MinProtocol = 1
	}
	db, err := OpenDB(opts.Dir)
	if err != nil {
		return nil, err
	}
	db.now = opts.Now
	s := &Server{opts: opts, db: db, log: opts.Logger,
		photos: filepath.Join(opts.Dir, "photos"), uploads: filepath.Join(opts.Dir, "uploads"),
		throttle: newThrottle(), mux: http.NewServeMux(), bodies: newBodyBudget(opts.BodyBudget), quota: newUploadQuota()}
	s.thumbs = newThumbnailer(s.photoPath, s.log)
	for _, d := range []string{s.photos, s.uploads} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			db.Close()
			return nil, translate.Wrap(err, sv.EUnavailable, "portal.server.error.cannot_create_the_portal_s_photo")
		}
	}
	s.dummy, err = bcrypt.GenerateFromPassword([]byte("not a password of anyone"), cost(opts.BcryptCost))
	if err != nil {
		db.Close()
		return nil, translate.Wrap(err, sv.EInternal, "portal.server.error.cannot_initialise_password_checks")
	}
	tus, err := s.tusHandler()
	if err != nil {
		db.Close()
		return nil, err
	}
	s.recoverUploads()
	if err := s.markStoredPhotos(); err != nil {
		db.Close()
		return nil, translate.Wrap(err, sv.EInternal, "portal.server.error.cannot_check_the_photos_the_portal")
	}
	s.routes(tus)
	s.userRoutes()
	s.purgeTokensNow(opts.Now())
	s.officeRoutes()
	return s, nil
}

// DB returns the server's store, for the command line's user and demo commands.
func (s *Server) DB() *DB { return s.db }

// Close waits for requests in flight and closes the data. Call it after
// http.Server.Shutdown has stopped new requests.
func (s *Server) Close() error {
	s.inflight.Wait()
	if err := s.savePushTimes(); err != nil {
		s.log.Warn("device push times not saved", "err", err)
	}
	return s.db.Close()
}

func (s *Server) routes(tus http.Handler) {
	m := s.mux
	m.HandleFunc("GET "+portal.PathHealth, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	m.HandleFunc("POST "+portal.PathLogin, s.handleLogin)
	m.Handle("POST "+portal.PathLogout, s.auth(portal.RoleInspector, s.handleLogout))
	m.Handle("GET "+portal.PathMe, s.auth(portal.RoleInspector, s.handleMe))
	m.Handle("POST "+portal.PathPush, s.auth(portal.RoleInspector, s.handlePush))
	m.Handle("GET "+portal.PathPull, s.auth(portal.RoleInspector, s.handlePull))
	m.Handle("POST "+portal.PathSnapshot, s.auth(portal.RoleInspector, s.handleSnapshot))
	m.Handle("POST "+portal.PathPhotosMissing, s.auth(portal.RoleInspector, s.handleMissing))
	m.Handle("GET "+portal.PathPhotos+"{hash}", s.auth(portal.RoleInspector, s.handlePhoto))
	m.Handle("GET "+portal.PathUsers, s.auth(portal.RoleAdmin, s.handleListUsers))
	m.Handle("POST "+portal.PathUsers, s.auth(portal.RoleAdmin, s.handleAddUser))
	m.Handle("PUT "+portal.PathRegister, s.auth(portal.RoleAdmin, s.handleRegister))
	m.Handle(portal.PathUploads, s.authHandler(portal.RoleInspector, tus))
	s.deviceRoutes(m)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, translate.Errorf(sv.ENotFound, "portal.server.error.no_such_endpoint", r.Method, r.URL.Path))
	})
}

// ServeHTTP logs each request, turns a panic into a 500 with a message,
// and counts requests in flight for a graceful shutdown.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.inflight.Add(1)
	defer s.inflight.Done()
	start := s.opts.Now()
	s.paceRequest(w, r, time.Now())
	acct := &bodyAccount{b: s.bodies}
	defer acct.release()
	r = r.WithContext(context.WithValue(r.Context(), accountKey{}, acct))
	rec := &statusWriter{ResponseWriter: w, status: http.StatusOK, rc: http.NewResponseController(w), rate: s.opts.Limits.MinRate, grace: s.opts.Limits.BodyGrace}
	// The server keeps a connection's write deadline from request to
	// request; this one bounds what the server writes on its own (headers
	// of a response without a body) until the first Write paces the rest.
	_ = rec.rc.SetWriteDeadline(time.Now().Add(responseDeadline))
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if !rec.wrote {
				writeError(rec, http.StatusInternalServerError, translate.Errorf(sv.EInternal, "portal.server.error.the_portal_had_an_internal_fault"))
			}
		}
		s.log.Info("request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
			"bytes", rec.bytes, "ms", time.Since(start).Milliseconds(), "remote", r.RemoteAddr)
	}()
	if !s.protocolAccepted(rec, r) {
		return
	}
	s.mux.ServeHTTP(rec, r)
}

// statusWriter records the status and size of a response for the log, and
// paces it: a client that stops reading is cut off like a slow body.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
	rc     *http.ResponseController
	rate   int64
	grace  time.Duration
	pace   pace
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.pace.start.IsZero() {
		w.pace = pace{start: time.Now(), grace: w.grace, rate: w.rate}
	}
	_ = w.rc.SetWriteDeadline(w.pace.deadline(w.bytes, int64(len(b))))
	w.wrote = true
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController (used by tusd) reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeJSONTo writes v gzipped when the client accepts it and the body is
// worth compressing: pages of records shrink several times over.
func writeJSONTo(w http.ResponseWriter, r *http.Request, status int, v any) {
	raw, err := json.Marshal(v)
	if err != nil || len(raw) < 1024 || !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		writeJSON(w, status, v)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Encoding", "gzip")
	w.Header().Set("Vary", "Accept-Encoding")
	w.WriteHeader(status)
	zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed)
	_, _ = zw.Write(raw)
	_ = zw.Close()
}

var errUnpackedTooLarge = errors.New("unpacked body too large")

// limitedReader fails, rather than stopping quietly, past its limit.
type limitedReader struct {
	r    io.Reader
	left int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errUnpackedTooLarge
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

func writeError(w http.ResponseWriter, status int, e *sv.Error) {
	writeJSON(w, status, portal.ErrorBody{Code: e.Code, Zh: e.Zh, En: e.En})
}

// readJSON decodes a bounded JSON body into v, answering the refusal
// itself: 413 for too large, 400 for malformed. It reports whether v is usable.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	acct := accountFrom(r.Context())
	var body io.Reader = &budgetedReader{r: http.MaxBytesReader(w, r.Body, s.opts.MaxBody), a: acct}
	switch r.Header.Get("Content-Encoding") {
	case "":
	case "gzip":
		// Records compress well; the limit applies to the bytes on the
		// wire and again to what they unpack to, so a small bomb cannot
		// blow up into memory.
		zr, err := gzip.NewReader(body)
		if errors.Is(err, errBusy) {
			writeBusy(w)
			return false
		}
		if err != nil {
			writeError(w, http.StatusBadRequest, translate.Errorf(sv.EInvalid, "portal.server.error.the_request_body_is_not_valid"))
			return false
		}
		defer zr.Close()
		body = &budgetedReader{r: &limitedReader{r: zr, left: s.opts.MaxBody}, a: acct}
	default:
		writeError(w, http.StatusUnsupportedMediaType, translate.Errorf(sv.EInvalid, "portal.server.error.unsupported_content_encoding_use_gzip_or", short(r.Header.Get("Content-Encoding"))))
		return false
	}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return true
	case errors.Is(err, errBusy):
		writeBusy(w)
	case errors.As(err, &tooBig), errors.Is(err, errUnpackedTooLarge):
		writeError(w, http.StatusRequestEntityTooLarge, translate.Errorf(sv.EInvalid, "portal.server.error.the_request_is_too_large_limit", s.opts.MaxBody>>20))
	default:
		writeError(w, http.StatusBadRequest, translate.Errorf(sv.EInvalid, "portal.server.error.the_request_is_not_valid_json", jsonProblem(err)))
	}
	return false
}

// jsonProblem describes a decoding error without Go's type names.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("syntax error at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field “%s” has the wrong type", typ.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return strings.TrimPrefix(err.Error(), "json: ")
	case errors.Is(err, context.Canceled):
		return "request cancelled"
	}
	return "empty or cut-off body"
}
