package server

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"fieldbrief/portal"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns a
// pool that trusts it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fieldbrief test portal"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// Over TLS too, a connection beyond the cap is answered — 503 for the API,
// 200 for /healthz — after a proper handshake, and served again once the
// slots are free.
func TestBeyondTheConnectionCapOverTLS(t *testing.T) {
	cert, key, pool := selfSigned(t, t.TempDir())
	p := startProc(t, "--max-conns", "2", "--tls-cert", cert, "--tls-key", key)
	base := "https://" + p.addr
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true, TLSClientConfig: &tls.Config{RootCAs: pool}}}
	var held []net.Conn
	for i := range 2 {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i))}}
		c, err := d.Dial("tcp", p.addr)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c) // no handshake: each holds a slot
	}
	time.Sleep(200 * time.Millisecond)
	c, _ := portal.NewClient(base, hc, "")
	if err := c.Health(context.Background()); err != nil {
		t.Fatalf("healthz beyond the cap over TLS: %v", err)
	}
	_, err := c.Login(context.Background(), portal.LoginRequest{User: "admin", Password: demoPassword})
	var ref *portal.RefusalError
	if !errors.As(err, &ref) || ref.Status != http.StatusServiceUnavailable || ref.Body.Zh == "" {
		t.Fatalf("login beyond the cap over TLS: %v", err)
	}
	for _, h := range held {
		h.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := c.Login(context.Background(), portal.LoginRequest{User: "admin", Password: demoPassword})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal(fmt.Errorf("slots not given back: %w", err))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
