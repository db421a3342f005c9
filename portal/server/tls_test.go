package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"fieldbrief/portal"

	"fieldbrief/internal/selfsigned"
)

// Over TLS too, a connection beyond the cap is answered — 503 for the API,
// 200 for /healthz — after a proper handshake, and served again once the
// slots are free.
func TestBeyondTheConnectionCapOverTLS(t *testing.T) {
	cert, key, pool := selfsigned.Write(t, t.TempDir())
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
