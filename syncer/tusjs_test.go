package syncer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"fieldbrief/portal"
)

// An off-the-shelf tus client (tus-js-client from npm, under Node) uploads
// to the portal: the portal speaks standard tus 1.0, not a dialect only
// fieldbrief understands.
func TestOffTheShelfTusClientUploads(t *testing.T) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is needed for this test (Node 20 and npm): %v", tool, err)
		}
	}
	work := t.TempDir()
	for _, name := range []string{"package.json", "package-lock.json", "upload.js"} {
		data, err := os.ReadFile(filepath.Join("testdata", "tusjs", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(work, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	install := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
	install.Dir = work
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("npm ci: %v\n%s", err, out)
	}
	base := startPortal(t)
	c, _ := portal.NewClient(base, nil, "")
	login, err := c.Login(context.Background(), portal.LoginRequest{User: "inspector2", Password: demoPassword})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	data := make([]byte, 300<<10+17)
	for i := range data {
		data[i] = byte(rng.UintN(256))
	}
	sum := sha256.Sum256(data)
	hash := hex.EncodeToString(sum[:])
	file := filepath.Join(work, "photo.bin")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	node := exec.Command("node", "upload.js", base, login.Token, file, hash)
	node.Dir = work
	out, err := node.CombinedOutput()
	if err != nil {
		t.Fatalf("tus-js-client: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "/api/v1/uploads/") {
		t.Fatalf("no upload address printed: %s", out)
	}
	got, err := c.Photo(context.Background(), hash)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("the portal's copy differs: %d bytes, %v", len(got), err)
	}
	// A wrong declared hash is refused and the bytes never become a photo.
	wrong := strings.Repeat("1", 64)
	node = exec.Command("node", "upload.js", base, login.Token, file, wrong)
	node.Dir = work
	if out, err := node.CombinedOutput(); err == nil {
		t.Fatalf("a mismatching upload succeeded: %s", out)
	}
	if m := must(c.Missing(context.Background(), []string{wrong}))(t); len(m) != 1 {
		t.Fatal("a mismatching upload became visible")
	}
}
