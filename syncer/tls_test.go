package syncer

import (
	"crypto/tls"
	"net/http"
	"testing"

	"fieldbrief/internal/selfsigned"
)

func TestSyncOverTLS(t *testing.T) {
	cert, key, pool := selfsigned.Write(t, t.TempDir())
	base := startPortalWith(t, "https", "--tls-cert", cert, "--tls-key", key)
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	l := newLaptop(t, base, "inspector1", hc)
	l.sync(t, Options{})
	if ps := must(l.store.Projects())(t); len(ps) != 20 {
		t.Fatalf("projects over TLS: %d", len(ps))
	}
	// A client that does not trust the certificate is refused.
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Fatal("an untrusted certificate was accepted")
	}
}
