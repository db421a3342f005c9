package server

import (
	"bytes"
	"net/http"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/crypto/bcrypt"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// errDisabled answers a token of a disabled account: the laptop asks its
// user to sign in again, and the sign-in says why it cannot.
var errDisabled = translate.Errorf(portal.ErrUnauthorized, "portal.server.error.this_account_has_been_disabled_contact")

// errLoginDisabled answers the right password of a disabled account.
var errLoginDisabled = translate.Errorf(portal.ErrForbidden, "portal.server.error.this_account_has_been_disabled_contact")

func errNoUser(name string) *sv.Error {
	return translate.Errorf(sv.ENotFound, "portal.server.error.there_is_no_user", name)
}

var errLastAdmin = translate.Errorf(sv.EConflict, "portal.server.error.this_is_the_portal_s_only")

func activeAdmin(u portal.User) bool { return u.Role == portal.RoleAdmin && !u.Disabled }

// lastAdmin reports whether name is the only enabled admin.
func lastAdmin(tx *bolt.Tx, name string) (bool, error) {
	others := 0
	self := false
	err := tx.Bucket(bUsers).ForEach(func(k, v []byte) error {
		var u userRecord
		if _, err := getJSON(tx.Bucket(bUsers), k, &u); err != nil {
			return err
		}
		if activeAdmin(u.User) {
			if u.Name == name {
				self = true
			} else {
				others++
			}
		}
		return nil
	})
	return self && others == 0, err
}

// revokeTokens deletes every token of user and returns how many. Tokens
// are keyed by their hash, so this reads them all: they are few (users ×
// laptops) and expired ones are purged.
func revokeTokens(tx *bolt.Tx, user string) (int, error) {
	b := tx.Bucket(bTokens)
	var keys [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var t tokenRecord
		if _, err := getJSON(b, k, &t); err != nil || t.User == user {
			keys = append(keys, bytes.Clone(k))
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return 0, err
		}
	}
	return len(keys), nil
}

// userUpdate changes one stored account in one transaction: change edits
// it (returning false to delete it), and the user's tokens are revoked
// when revoke is set. The last enabled admin cannot be lost.
func (d *DB) userUpdate(name string, revoke bool, change func(u *userRecord) (keep bool, err error)) (portal.UserActionResponse, error) {
	var out portal.UserActionResponse
	err := d.bolt.Update(func(tx *bolt.Tx) error {
		var u userRecord
		ok, err := getJSON(tx.Bucket(bUsers), []byte(name), &u)
		if err != nil {
			return err
		}
		if !ok {
			return errNoUser(name)
		}
		wasAdmin := activeAdmin(u.User)
		keep, err := change(&u)
		if err != nil {
			return err
		}
		if wasAdmin && (!keep || !activeAdmin(u.User)) {
			if last, err := lastAdmin(tx, name); err != nil {
				return err
			} else if last {
				return errLastAdmin
			}
		}
		if revoke || !keep {
			if out.Revoked, err = revokeTokens(tx, name); err != nil {
				return err
			}
		}
		out.User = u.User
		if !keep {
			return tx.Bucket(bUsers).Delete([]byte(name))
		}
		return putJSON(tx.Bucket(bUsers), []byte(name), u)
	})
	return out, err
}

// replaceUser stores u, new or in place of the account of its name: a
// replaced account's password is new, so its sign-ins end, and the last
// enabled admin cannot be replaced by anything less.
func replaceUser(tx *bolt.Tx, u userRecord) error {
	var old userRecord
	ok, err := getJSON(tx.Bucket(bUsers), []byte(u.Name), &old)
	if err != nil {
		return err
	}
	if ok {
		if activeAdmin(old.User) && !activeAdmin(u.User) {
			if last, err := lastAdmin(tx, u.Name); err != nil {
				return err
			} else if last {
				return errLastAdmin
			}
		}
		if _, err := revokeTokens(tx, u.Name); err != nil {
			return err
		}
	}
	return putJSON(tx.Bucket(bUsers), []byte(u.Name), u)
}

// SetPassword changes a user's password and ends every sign-in of theirs.
func (d *DB) SetPassword(name, password string, c int) (portal.UserActionResponse, error) {
	if err := ValidateUser(portal.NewUser{User: portal.User{Name: name, Role: portal.RoleInspector}, Password: password}); err != nil {
		return portal.UserActionResponse{}, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), cost(c))
	if err != nil {
		return portal.UserActionResponse{}, translate.Wrap(err, sv.EInternal, "portal.server.error.cannot_process_the_password")
	}
	return d.userUpdate(name, true, func(u *userRecord) (bool, error) { u.Hash = hash; return true, nil })
}

// SetDisabled disables (ending every sign-in at once) or enables a user.
func (d *DB) SetDisabled(name string, disabled bool) (portal.UserActionResponse, error) {
	return d.userUpdate(name, disabled, func(u *userRecord) (bool, error) { u.Disabled = disabled; return true, nil })
}

// RevokeTokens ends every sign-in of a user.
func (d *DB) RevokeTokens(name string) (portal.UserActionResponse, error) {
	return d.userUpdate(name, true, func(u *userRecord) (bool, error) { return true, nil })
}

// DeleteUser removes an account and its tokens. The records the user made
// keep their name: a deleted inspector's findings are still theirs.
func (d *DB) DeleteUser(name string) (portal.UserActionResponse, error) {
	return d.userUpdate(name, true, func(u *userRecord) (bool, error) { return false, nil })
}

// purgeExpiredTokens deletes the tokens expired at now and returns how many.
func (d *DB) purgeExpiredTokens(now time.Time) (int, error) {
	n := 0
	err := d.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bTokens)
		var keys [][]byte
		err := b.ForEach(func(k, v []byte) error {
			var t tokenRecord
			if _, err := getJSON(b, k, &t); err != nil || !now.Before(t.ExpiresAt) {
				keys = append(keys, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, k := range keys {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(keys)
		return nil
	})
	return n, err
}

// tokenPurge runs the purge of expired tokens at most once an hour, on a
// sign-in: the work is one pass over the tokens, and sign-ins are what
// make tokens.
type tokenPurge struct {
	mu   sync.Mutex
	last time.Time
}

func (s *Server) purgeTokensNow(now time.Time) {
	s.purge.mu.Lock()
	due := s.purge.last.IsZero() || now.Sub(s.purge.last) >= time.Hour || now.Before(s.purge.last)
	if due {
		s.purge.last = now
	}
	s.purge.mu.Unlock()
	if !due {
		return
	}
	if n, err := s.db.purgeExpiredTokens(now); err != nil {
		s.log.Error("purging expired tokens", "err", err)
	} else if n > 0 {
		s.log.Info("expired tokens purged", "count", n)
	}
}

// userAction answers an action on the user named in the path.
func (s *Server) userAction(action string, do func(name string) (portal.UserActionResponse, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		out, err := do(name)
		if err != nil {
			s.adminRefusal(w, err)
			return
		}
		s.throttle.forget(name)
		s.audit(r, action, name, map[string]int{"tokens_revoked": out.Revoked})
		writeJSON(w, http.StatusOK, out)
	}
}

// adminRefusal answers an admin request's error with its status.
func (s *Server) adminRefusal(w http.ResponseWriter, err error) {
	e, ok := err.(*sv.Error)
	if !ok {
		s.internal(w, err)
		return
	}
	switch e.Code {
	case sv.EInvalid:
		writeError(w, http.StatusBadRequest, e)
	case sv.ENotFound:
		writeError(w, http.StatusNotFound, e)
	case sv.EConflict:
		writeError(w, http.StatusConflict, e)
	default:
		s.internal(w, err)
	}
}

func (s *Server) userRoutes() {
	m := s.mux
	m.Handle("POST "+portal.PathUsers+"/{name}/"+portal.UserPassword, s.auth(portal.RoleAdmin, func(w http.ResponseWriter, r *http.Request) {
		var req portal.PasswordRequest
		if !s.readJSON(w, r, &req) {
			return
		}
		s.userAction("user.password", func(name string) (portal.UserActionResponse, error) {
			return s.db.SetPassword(name, req.Password, s.opts.BcryptCost)
		})(w, r)
	}))
	m.Handle("POST "+portal.PathUsers+"/{name}/"+portal.UserDisable, s.auth(portal.RoleAdmin,
		s.userAction("user.disable", func(name string) (portal.UserActionResponse, error) {
			return s.db.SetDisabled(name, true)
		})))
	m.Handle("POST "+portal.PathUsers+"/{name}/"+portal.UserEnable, s.auth(portal.RoleAdmin,
		s.userAction("user.enable", func(name string) (portal.UserActionResponse, error) {
			return s.db.SetDisabled(name, false)
		})))
	m.Handle("POST "+portal.PathUsers+"/{name}/"+portal.UserRevoke, s.auth(portal.RoleAdmin,
		s.userAction("user.revoke", func(name string) (portal.UserActionResponse, error) {
			return s.db.RevokeTokens(name)
		})))
	m.Handle("DELETE "+portal.PathUsers+"/{name}", s.auth(portal.RoleAdmin,
		s.userAction("user.delete", func(name string) (portal.UserActionResponse, error) {
			return s.db.DeleteUser(name)
		})))
	m.Handle("GET "+portal.PathAudit, s.auth(portal.RoleAdmin, s.handleAudit))
	m.Handle("GET "+portal.PathCheck, s.auth(portal.RoleAdmin, s.handleCheck))
}
