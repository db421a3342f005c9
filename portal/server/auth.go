package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/bcrypt"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

type ctxKey struct{}

// principal is the signed-in user of a request.
type principal struct {
	portal.User
	Device string
}

func userFrom(ctx context.Context) principal {
	p, _ := ctx.Value(ctxKey{}).(principal)
	return p
}

func rank(r portal.Role) int {
	switch r {
	case portal.RoleInspector:
		return 1
	case portal.RoleLeader:
		return 2
	case portal.RoleAdmin:
		return 3
	}
	return 0
}

// auth admits requests with a valid, unexpired token of a user holding at
// least role.
func (s *Server) auth(role portal.Role, h http.HandlerFunc) http.Handler {
	return s.authHandler(role, h)
}

func (s *Server) authHandler(role portal.Role, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := r.Context().Value(localKey{}).(principal); ok {
			h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, p)))
			return
		}
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" {
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeError(w, http.StatusUnauthorized, translate.Errorf(portal.ErrUnauthorized, "portal.server.error.sign_in_to_the_portal_first"))
			return
		}
		p, err := s.lookupToken(tok)
		if err != nil {
			w.Header().Set("WWW-Authenticate", "Bearer")
			writeError(w, http.StatusUnauthorized, err)
			return
		}
		if rank(p.Role) < rank(role) {
			writeError(w, http.StatusForbidden, translate.Errorf(portal.ErrForbidden, "portal.server.error.your_account_does_not_have_the"))
			return
		}
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, p)))
	})
}

func tokenKey(tok string) []byte {
	sum := sha256.Sum256([]byte(tok))
	return []byte(hex.EncodeToString(sum[:]))
}

func (s *Server) lookupToken(tok string) (principal, *sv.Error) {
	expired := translate.Errorf(portal.ErrUnauthorized, "portal.server.error.your_sign_in_has_expired_sign")
	var p principal
	err := s.db.bolt.View(func(tx *bolt.Tx) error {
		var t tokenRecord
		ok, err := getJSON(tx.Bucket(bTokens), tokenKey(tok), &t)
		if err != nil || !ok || !s.opts.Now().Before(t.ExpiresAt) {
			return expired
		}
		var u userRecord
		ok, err = getJSON(tx.Bucket(bUsers), []byte(t.User), &u)
		if err != nil || !ok {
			return expired
		}
		// A disabled account's tokens stop working at once, whether or
		// not they were deleted with it.
		if u.Disabled {
			return errDisabled
		}
		p = principal{User: u.User, Device: t.Device}
		return nil
	})
	if err == errDisabled {
		return p, errDisabled
	}
	if err != nil {
		return p, expired
	}
	return p, nil
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	var req portal.LoginRequest
	if !s.readJSON(w, r, &req) {
		return
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	account := strings.ToLower(req.User)
	now := s.opts.Now()
	// The guess is counted before the hash is compared (decision 0026).
	g, wait := s.throttle.admit(account, host, now)
	if wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds()+0.999)))
		writeError(w, http.StatusTooManyRequests, translate.Errorf(portal.ErrTooMany, "portal.server.error.too_many_failed_sign_ins_try", int(wait.Seconds()+0.999)))
		return
	}
	s.purgeTokensNow(now)
	var u userRecord
	var found bool
	_ = s.db.bolt.View(func(tx *bolt.Tx) error {
		found, _ = getJSON(tx.Bucket(bUsers), []byte(req.User), &u)
		return nil
	})
	// Without an account, compare against a real hash anyway, so the answer
	// takes as long as for a wrong password and names cannot be probed.
	hash := s.dummy
	if found {
		hash = u.Hash
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(req.Password)) != nil || !found {
		s.log.Warn("login failed", "user", req.User, "remote", host)
		writeError(w, http.StatusUnauthorized, translate.Errorf(portal.ErrUnauthorized, "portal.server.error.the_user_name_or_password_is"))
		return
	}
	if u.Disabled {
		s.log.Warn("login of a disabled user", "user", req.User, "remote", host)
		writeError(w, http.StatusForbidden, errLoginDisabled)
		return
	}
	g.succeeded(account, host, now)
	var raw [32]byte
	_, _ = rand.Read(raw[:])
	tok := base64.RawURLEncoding.EncodeToString(raw[:])
	exp := now.Add(s.opts.TokenTTL).UTC()
	// The token is bound to the device, and the device to its first user,
	// in one transaction (decision 0024).
	var refused *sv.Error
	err := s.db.bolt.Update(func(tx *bolt.Tx) error {
		if refused = bindDevice(tx, req.Device, u.Name, now); refused != nil {
			return nil
		}
		return putJSON(tx.Bucket(bTokens), tokenKey(tok), tokenRecord{User: u.Name, Device: req.Device, ExpiresAt: exp})
	})
	if err != nil {
		s.internal(w, err)
		return
	}
	if refused != nil {
		s.log.Warn("login refused for device", "user", u.Name, "device", req.Device, "reason", refused.En)
		status := http.StatusConflict
		if refused.Code == sv.EInvalid {
			status = http.StatusBadRequest
		}
		writeError(w, status, refused)
		return
	}
	s.log.Info("login", "user", u.Name, "device", req.Device)
	writeJSON(w, http.StatusOK, portal.LoginResponse{Token: tok, ExpiresAt: exp, User: u.User})
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if err := s.db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bTokens).Delete(tokenKey(tok)) }); err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "signed out"})
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, userFrom(r.Context()).User)
}

func (s *Server) internal(w http.ResponseWriter, err error) {
	s.log.Error("internal", "err", err)
	writeError(w, http.StatusInternalServerError, translate.Errorf(sv.EInternal, "portal.server.error.the_portal_had_an_internal_fault"))
}

// ValidateUser checks an account before it is stored.
func ValidateUser(u portal.NewUser) error {
	switch {
	case u.Name == "" || len(u.Name) > 64 || strings.ContainsAny(u.Name, " \t\r\n/\x00") || !utf8.ValidString(u.Name):
		return translate.Errorf(sv.EInvalid, "portal.server.error.the_user_name_must_not_be")
	case !u.Role.Valid():
		return translate.Errorf(sv.EInvalid, "portal.server.error.the_role_must_be_inspector_leader")
	case utf8.RuneCountInString(u.Password) < 8 || len(u.Password) > 72:
		// bcrypt reads at most 72 bytes; a longer password would be cut silently.
		return translate.Errorf(sv.EInvalid, "portal.server.error.the_password_needs_at_least_8")
	}
	return nil
}

// PutUser creates or replaces an account, hashing its password.
func (d *DB) PutUser(u portal.NewUser, c int) error {
	if err := ValidateUser(u); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(u.Password), cost(c))
	if err != nil {
		return translate.Wrap(err, sv.EInternal, "portal.server.error.cannot_process_the_password")
	}
	if u.DisplayName == "" {
		u.DisplayName = u.Name
	}
	return d.bolt.Update(func(tx *bolt.Tx) error {
		return replaceUser(tx, userRecord{User: u.User, Hash: hash})
	})
}

// Users lists the accounts.
func (d *DB) Users() ([]portal.User, error) {
	out := []portal.User{}
	err := d.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bUsers).ForEach(func(k, v []byte) error {
			var u userRecord
			if _, err := getJSON(tx.Bucket(bUsers), k, &u); err != nil {
				return err
			}
			out = append(out, u.User)
			return nil
		})
	})
	return out, err
}

func (s *Server) handleAddUser(w http.ResponseWriter, r *http.Request) {
	var u portal.NewUser
	if !s.readJSON(w, r, &u) {
		return
	}
	if err := s.db.PutUser(u, s.opts.BcryptCost); err != nil {
		s.adminRefusal(w, err)
		return
	}
	s.log.Info("user saved", "user", u.Name, "role", u.Role, "by", userFrom(r.Context()).Name)
	s.throttle.forget(u.Name)
	s.audit(r, "user.add", u.Name, map[string]any{"role": u.Role, "projects": u.Projects, "disabled": u.Disabled})
	writeJSON(w, http.StatusOK, u.User)
}

func (s *Server) handleListUsers(w http.ResponseWriter, r *http.Request) {
	users, err := s.db.Users()
	if err != nil {
		s.internal(w, err)
		return
	}
	writeJSON(w, http.StatusOK, users)
}

func cost(c int) int {
	if c == 0 {
		return bcrypt.DefaultCost
	}
	return c
}
