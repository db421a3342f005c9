package cli

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"fieldbrief/portal"
	"fieldbrief/portal/server"
	"fieldbrief/sample"
)

func TestLoginSyncStatusAgainstAPortal(t *testing.T) {
	srv, err := server.New(server.Options{Dir: t.TempDir(), BcryptCost: bcrypt.MinCost, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	projects, templates, _ := sample.Register()
	if err := srv.DB().PutRegister(projects, templates); err != nil {
		t.Fatal(err)
	}
	if err := srv.DB().PutUser(portal.NewUser{User: portal.User{Name: "li", Role: portal.RoleInspector}, Password: "password-1"}, bcrypt.MinCost); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer func() { hs.Close(); srv.Close() }()
	data := t.TempDir()
	var out, errOut bytes.Buffer
	c := &ctx{Env: Env{Stdin: strings.NewReader("password-1\n"), Stdout: &out, Stderr: &errOut, Now: time.Now}, lang: "en"}
	if err := runLogin(c, []string{"--data", data, "--portal", hs.URL, "--user", "li"}); err != nil {
		t.Fatalf("login: %v", err)
	}
	fi, err := os.Stat(filepath.Join(data, "portal.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file: %v %v", fi, err)
	}
	if err := runSync(c, []string{"--data", data}); err != nil {
		t.Fatalf("sync: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "received 22 records") {
		t.Fatalf("sync output: %s", out.String())
	}
	out.Reset()
	if err := runStatus(c, []string{"--data", data, "--json"}); err != nil {
		t.Fatal(err)
	}
	var st statusJSON
	if err := json.Unmarshal(out.Bytes(), &st); err != nil || st.LastSync == nil || st.PendingChanges != 0 || !st.SignedIn || st.User != "li" {
		t.Fatalf("status: %s %v", out.String(), err)
	}
	c.Stdin = strings.NewReader("wrong\n")
	err = runLogin(c, []string{"--data", data, "--portal", hs.URL, "--user", "li"})
	if err == nil || !strings.Contains(err.Error(), "password is wrong") {
		t.Fatalf("wrong password: %v", err)
	}
}
