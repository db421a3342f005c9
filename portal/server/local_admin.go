package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// AdminSocket is the file name, in the data folder, of the Unix socket on
// which a serving portal answers its own administration commands.
const AdminSocket = "admin.sock"

// LocalAdmin returns the portal's admin API as served to the machine's own
// administrator: every request is taken as signed in as an admin called
// "local admin", without a token. It is reached only in-process (a command
// on a stopped portal's folder) or through the admin socket, which only the
// portal's own system user may open: whoever can open it can read the
// data folder and so holds everything already. See decision 0030.
//
// Only the admin endpoints are served this way; syncing needs a real user.
func (s *Server) LocalAdmin() http.Handler {
	local := principal{User: portal.User{Name: LocalAdminName, DisplayName: "本机管理员", Role: portal.RoleAdmin}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, portal.APIPrefix+"/admin/") && r.URL.Path != portal.PathHealth {
			writeError(w, http.StatusNotFound, translate.Errorf(sv.ENotFound, "portal.server.error.the_local_admin_channel_serves_only", short(r.URL.Path)))
			return
		}
		// The bearer check is replaced by the local principal, carried in
		// the context, which no remote request can set.
		s.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), localKey{}, local)))
	})
}

// LocalAdminName is the user name the portal records for actions taken
// through the admin socket or on a stopped portal's folder.
const LocalAdminName = "local-admin"

// localKey marks a request that came through LocalAdmin.
type localKey struct{}

// ServeAdminSocket answers LocalAdmin on the Unix socket AdminSocket in
// the data folder until ctx ends. The socket is made readable by the
// portal's own user only. A socket left by a portal that died is replaced:
// the data folder's lock, taken by New, proves no other portal serves it.
func (s *Server) ServeAdminSocket(ctx context.Context) error {
	path := filepath.Join(s.opts.Dir, AdminSocket)
	_ = os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return translate.Wrap(err, sv.EUnavailable, "portal.server.error.cannot_create_the_local_admin_socket")
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return translate.Wrap(err, sv.EUnavailable, "portal.server.error.cannot_restrict_the_local_admin_socket")
	}
	hs := &http.Server{Handler: s.LocalAdmin(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
	}()
	err = hs.Serve(ln)
	_ = os.Remove(path)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
