package syncer

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// guess sends one sign-in with a wrong password for user from the local
// address src (any of 127.0.0.0/8 reaches the portal on 127.0.0.1) and
// returns the status and Retry-After.
func guess(t *testing.T, base, user, password string, src net.IP) (int, string) {
	t.Helper()
	tr := &http.Transport{DisableKeepAlives: true, DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: src}}).DialContext}
	defer tr.CloseIdleConnections()
	body := fmt.Sprintf(`{"user":%q,"password":%q}`, user, password)
	resp, err := (&http.Client{Transport: tr}).Post(base+portal.PathLogin, "application/json", strings.NewReader(body))
	if err != nil {
		t.Errorf("sign-in from %s: %v", src, err)
		return 0, ""
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// 100 simultaneous guesses at one account from one address: each is
// counted before its password hash is compared, so only the free five are
// compared and the rest are refused with a Retry-After.
func TestSimultaneousGuessesAreCountedBeforeTheHash(t *testing.T) {
	base := startPortal(t)
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for range 100 {
		wg.Go(func() {
			code, retry := guess(t, base, "inspector1", "not the password", net.IPv4(127, 0, 0, 1))
			if code == http.StatusTooManyRequests && retry == "" {
				t.Error("429 without Retry-After")
			}
			mu.Lock()
			codes[code]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[http.StatusUnauthorized] > 5 || codes[http.StatusUnauthorized]+codes[http.StatusTooManyRequests] != 100 {
		t.Fatalf("answers to 100 simultaneous guesses: %v; at most 5 may be checked", codes)
	}
	// Nothing changed for the account: its owner's laptop, from another
	// address it signed in from before, still works.
	if code, _ := guess(t, base, "inspector1", demoPassword, net.IPv4(127, 0, 0, 9)); code != http.StatusOK {
		t.Fatalf("the owner from another address: %d", code)
	}
}

// 20 addresses × 5 guesses at one account: the account-wide counter
// refuses most of them, while the owner, from the address they signed in
// from before, is not held up.
func TestGuessesFromManyAddressesMeetTheAccountLimit(t *testing.T) {
	base := startPortal(t)
	home := net.IPv4(127, 0, 0, 250)
	if code, _ := guess(t, base, "leader", demoPassword, home); code != http.StatusOK {
		t.Fatalf("the owner's sign-in: %d", code)
	}
	codes := map[int]int{}
	for a := range 20 {
		for range 5 {
			code, _ := guess(t, base, "leader", "guess", net.IPv4(127, 0, 1, byte(a+1)))
			codes[code]++
		}
	}
	if codes[http.StatusUnauthorized] > 25 || codes[http.StatusTooManyRequests] < 75 {
		t.Fatalf("answers to 20 addresses × 5 guesses: %v", codes)
	}
	if code, _ := guess(t, base, "leader", demoPassword, home); code != http.StatusOK {
		t.Fatalf("the owner from their own address: %d", code)
	}
}

// portalCheck runs `fieldbrief-portal check` on data, which a portal may
// be serving, and returns its exit code and output.
func portalCheck(t *testing.T, data string) (int, string) {
	t.Helper()
	out, err := exec.Command(portalBin, "check", "--data", data).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}

// check, run beside a serving portal, finds a damaged and a missing photo
// file and exits 1; on sound data it exits 0.
func TestPortalCheckFindsDamagedAndMissingPhotos(t *testing.T) {
	data := demoData(t)
	base, _ := servePortal(t, data, "http")
	l := newLaptop(t, base, "inspector1", nil)
	l.sync(t, Options{})
	in, err := l.store.StartVisit("p01", []string{"李督查"})
	if err != nil {
		t.Fatal(err)
	}
	answerAll(t, l.store, in)
	l.sync(t, Options{})
	var files []string
	_ = filepath.WalkDir(filepath.Join(data, "photos"), func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(d.Name(), ".") {
			files = append(files, path)
		}
		return nil
	})
	if len(files) < 2 {
		t.Fatalf("the portal holds %d photos, want 2 or more", len(files))
	}
	if code, out := portalCheck(t, data); code != 0 || !strings.Contains(out, "sound") {
		t.Fatalf("check of sound data: %d\n%s", code, out)
	}
	if err := os.WriteFile(files[0], []byte("scribbled over"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(files[1]); err != nil {
		t.Fatal(err)
	}
	code, out := portalCheck(t, data)
	if code != 1 || !strings.Contains(out, filepath.Base(files[0])+" is damaged") || !strings.Contains(out, filepath.Base(files[1])+" is marked stored but its file is missing") {
		t.Fatalf("check of damaged data: %d\n%s", code, out)
	}
}

// A photo the portal refuses (here: its bytes do not match its hash) is
// listed with its reason; the other photos go up and the pull still runs.
func TestOneRefusedPhotoDoesNotStopTheSync(t *testing.T) {
	base := startPortal(t)
	l := newLaptop(t, base, "inspector1", nil)
	var good []string
	for i := range 3 {
		data := bytes.Repeat([]byte(fmt.Sprintf("good photo %d ", i)), 2000)
		p, _ := photoOf(data)
		if _, err := l.store.PutPhoto(p, storage.PhotoBlobs{Original: data}); err != nil {
			t.Fatal(err)
		}
		good = append(good, p.Hash)
	}
	bad, _ := photoOf([]byte("what the photo was"))
	if _, err := l.store.PutPhoto(bad, storage.PhotoBlobs{Original: []byte("what the disk now holds")}); err != nil {
		t.Fatal(err)
	}
	r := l.sync(t, Options{})
	var refused []portal.Rejection
	for _, rj := range r.Rejections {
		if rj.Entity == portal.EntityPhoto && strings.HasPrefix(rj.Device, photoRefusalDevice) {
			refused = append(refused, rj)
		}
	}
	if len(refused) != 1 || refused[0].ID != bad.Hash || refused[0].Zh == "" || refused[0].En == "" {
		t.Fatalf("refused photos: %+v", refused)
	}
	if r.PhotosSent != 3 {
		t.Fatalf("photos sent: %d, want 3", r.PhotosSent)
	}
	if missing, err := l.client.Missing(context.Background(), good); err != nil || len(missing) != 0 {
		t.Fatalf("the portal lacks good photos: %v %v", missing, err)
	}
	if ps := must(l.store.Projects())(t); len(ps) != 20 {
		t.Fatalf("the pull did not run: %d projects", len(ps))
	}
	// The refusal is kept for the user, and the photo is not sent again
	// until they dismissed it.
	st, _ := ReadStatus(l.store)
	if len(st.Rejections) == 0 || st.PendingPhotos != 1 {
		t.Fatalf("after the sync: %d rejections kept, %d photos pending", len(st.Rejections), st.PendingPhotos)
	}
	if again := l.sync(t, Options{}); again.Rejected != 0 || again.PhotosSent != 0 {
		t.Fatalf("the refused photo was sent again before its refusal was read: %+v", again)
	}
	if err := l.store.DismissRejection(refused[0].Device, refused[0].Seq); err != nil {
		t.Fatal(err)
	}
	if again := l.sync(t, Options{}); len(again.Rejections) != 1 || again.Rejections[0].ID != bad.Hash {
		t.Fatalf("after dismissing, the photo is tried and refused again: %+v", again.Rejections)
	}
}

func photoOf(data []byte) (sv.Photo, []byte) {
	sum := sha256.Sum256(data)
	return sv.Photo{Hash: hex.EncodeToString(sum[:]), FileName: "site.jpg", Size: int64(len(data))}, data
}

// certificate writes a self-signed certificate for 127.0.0.1 valid from
// notBefore to notAfter and returns its files and a pool trusting it.
func certificate(t *testing.T, notBefore, notAfter time.Time) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	dir := t.TempDir()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "fieldbrief test portal"},
		NotBefore: notBefore, NotAfter: notAfter, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tpl, tpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	_ = os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// A certificate problem is named as such, with what to do, and not as
// "cannot reach the portal".
func TestCertificateProblemsAreNamed(t *testing.T) {
	cert, key, pool := certificate(t, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	base := startPortalWith(t, "https", "--tls-cert", cert, "--tls-key", key)
	oldCert, oldKey, oldPool := certificate(t, time.Now().Add(-48*time.Hour), time.Now().Add(-24*time.Hour))
	expired := startPortalWith(t, "https", "--tls-cert", oldCert, "--tls-key", oldKey)
	plain := startPortal(t)
	trusting := func(p *x509.CertPool) *http.Client {
		return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: p, MinVersion: tls.VersionTLS12}}}
	}
	for _, c := range []struct {
		name, base string
		hc         *http.Client
		want       string
	}{
		{"unknown authority", base, nil, "not issued by an authority this computer trusts"},
		{"another name", strings.Replace(base, "127.0.0.1", "localhost", 1), trusting(pool), "not for the address “localhost”"},
		{"expired", expired, trusting(oldPool), "has expired"},
		{"not https", strings.Replace(plain, "http://", "https://", 1), nil, "does not speak HTTPS"},
	} {
		client, err := portal.NewClient(c.base, c.hc, "")
		if err != nil {
			t.Fatal(err)
		}
		_, err = client.Login(context.Background(), portal.LoginRequest{User: "inspector1", Password: demoPassword})
		if sv.ErrorCode(err) != portal.ErrCertificate || !strings.Contains(sv.ErrorMessage(err, sv.English), c.want) || !strings.Contains(sv.ErrorMessage(err, sv.Chinese), "证书") && c.name != "not https" {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// The right trust signs in.
	client, _ := portal.NewClient(base, trusting(pool), "")
	if _, err := client.Login(context.Background(), portal.LoginRequest{User: "inspector1", Password: demoPassword}); err != nil {
		t.Fatal(err)
	}
}
