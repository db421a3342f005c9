package server

import (
	"net/http"
	"strconv"
	"strings"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// protocolAccepted answers with the portal's protocol version and refuses,
// with 426 and plain words, a laptop older than Options.MinProtocol. A
// request without the header comes from a laptop of protocol 1. The health
// check is always answered, so an old laptop still sees the portal is up
// and shows why it cannot sync rather than "offline"; so is the admin API,
// which no laptop uses. See decision 0025.
func (s *Server) protocolAccepted(w http.ResponseWriter, r *http.Request) bool {
	// The portal names its version where a laptop learns about it (the
	// health check, sign-in, who-am-I, a refusal), not on every pull: a
	// sync with nothing new stays as small as it was.
	switch r.URL.Path {
	case portal.PathHealth, portal.PathLogin, portal.PathMe:
		w.Header().Set(portal.ProtocolHeader, strconv.Itoa(portal.ProtocolVersion))
	}
	// The minimum is for laptops: the health check, the admin API (scripts,
	// the admin socket) and the local admin channel are always answered.
	if r.URL.Path == portal.PathHealth || strings.HasPrefix(r.URL.Path, portal.APIPrefix+"/admin/") {
		return true
	}
	v := 1
	if h := r.Header.Get(portal.ProtocolHeader); h != "" {
		n, err := strconv.Atoi(h)
		if err != nil || n < 1 {
			w.Header().Set(portal.ProtocolHeader, strconv.Itoa(portal.ProtocolVersion))
			writeError(w, http.StatusBadRequest, translate.Errorf(sv.EInvalid, "portal.server.error.the_protocol_version_is_not_valid", short(h)))
			return false
		}
		v = n
	}
	if v >= s.opts.MinProtocol {
		return true
	}
	w.Header().Set(portal.ProtocolHeader, strconv.Itoa(portal.ProtocolVersion))
	s.log.Warn("laptop too old", "protocol", v, "min", s.opts.MinProtocol, "remote", r.RemoteAddr)
	writeError(w, http.StatusUpgradeRequired, translate.Errorf(portal.ErrUpdateRequired, "portal.server.error.update_fieldbrief_the_portal_no_longer", v, s.opts.MinProtocol))
	return false
}
