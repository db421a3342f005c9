package main

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldbrief/portal"
	"fieldbrief/portal/server"
)

// servingPortal runs a portal on dir with its admin socket, as `serve`
// does, and returns its HTTP address.
func servingPortal(t *testing.T, dir string) string {
	t.Helper()
	srv, err := server.New(server.Options{Dir: dir, BcryptCost: 4, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.ServeAdminSocket(ctx) }()
	for i := 0; ; i++ {
		if _, err := os.Stat(filepath.Join(dir, server.AdminSocket)); err == nil {
			break
		} else if i == 500 {
			t.Fatal("the admin socket never appeared")
		}
		time.Sleep(10 * time.Millisecond)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); cancel(); <-served; srv.Close() })
	return hs.URL
}

// The user commands work beside a serving portal, and each does what it
// says to the accounts signing in over HTTP; the audit log has them all.
func TestUserCommandsOnAServingPortal(t *testing.T) {
	dir := t.TempDir()
	base := servingPortal(t, dir)
	cmd := func(stdin string, args ...string) (int, string) {
		t.Helper()
		var out, errOut bytes.Buffer
		code := run(args, strings.NewReader(stdin), &out, &errOut)
		return code, out.String() + errOut.String()
	}
	signIn := func(password string) (string, int) {
		t.Helper()
		c, _ := portal.NewClient(base, nil, "")
		resp, err := c.Login(context.Background(), portal.LoginRequest{User: "li", Password: password})
		var ref *portal.RefusalError
		switch {
		case err == nil:
			return resp.Token, http.StatusOK
		case asRefusal(err, &ref):
			return "", ref.Status
		}
		t.Fatalf("sign-in: %v", err)
		return "", 0
	}
	works := func(token string) bool {
		c, _ := portal.NewClient(base, nil, token)
		_, err := c.Me(context.Background())
		return err == nil
	}
	for _, u := range [][]string{{"boss", "admin"}, {"li", "inspector"}} {
		if code, out := cmd("a long password\n", "user", "add", "--data", dir, u[0], "--role", u[1]); code != 0 {
			t.Fatalf("user add %s: %s", u[0], out)
		}
	}
	tok, _ := signIn("a long password")
	if code, out := cmd("another long password\n", "user", "passwd", "--data", dir, "li"); code != 0 || !strings.Contains(out, "1 sign-ins ended") {
		t.Fatalf("passwd: %d %s", code, out)
	}
	if works(tok) {
		t.Fatal("a token from before the password change works")
	}
	if _, code := signIn("a long password"); code != http.StatusUnauthorized {
		t.Fatalf("old password: %d", code)
	}
	tok, code := signIn("another long password")
	if code != http.StatusOK {
		t.Fatalf("new password: %d", code)
	}
	if code, out := cmd("", "user", "disable", "--data", dir, "li"); code != 0 {
		t.Fatalf("disable: %s", out)
	}
	if works(tok) {
		t.Fatal("a disabled user's token works")
	}
	if _, code := signIn("another long password"); code != http.StatusForbidden {
		t.Fatalf("a disabled user's sign-in: %d", code)
	}
	if code, out := cmd("", "user", "list", "--data", dir); code != 0 || !strings.Contains(out, "li") || !strings.Contains(out, "disabled") {
		t.Fatalf("list: %d %s", code, out)
	}
	if code, out := cmd("", "user", "enable", "--data", dir, "li"); code != 0 {
		t.Fatalf("enable: %s", out)
	}
	if tok, code = signIn("another long password"); code != http.StatusOK {
		t.Fatalf("an enabled user's sign-in: %d", code)
	}
	if code, out := cmd("", "user", "revoke", "--data", dir, "li"); code != 0 || works(tok) {
		t.Fatalf("revoke: %d %s", code, out)
	}
	if code, out := cmd("", "user", "delete", "--data", dir, "li"); code != 0 {
		t.Fatalf("delete: %s", out)
	}
	if _, code := signIn("another long password"); code != http.StatusUnauthorized {
		t.Fatalf("a deleted user's sign-in: %d", code)
	}
	if code, out := cmd("", "user", "delete", "--data", dir, "boss"); code != 1 || !strings.Contains(out, "only enabled administrator") {
		t.Fatalf("deleting the last admin: %d %s", code, out)
	}
	if code, out := cmd("", "user", "disable", "--data", dir, "nobody"); code != 1 || !strings.Contains(out, "no user “nobody”") {
		t.Fatalf("unknown user: %d %s", code, out)
	}
	code, out := cmd("", "audit", "--data", dir)
	if code != 0 {
		t.Fatalf("audit: %s", out)
	}
	var actions []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 6 || f[2] != server.LocalAdminName || f[3] != "local" {
			t.Fatalf("audit line: %q", line)
		}
		actions = append(actions, f[4]+" "+f[5])
	}
	want := "user.add boss|user.add li|user.password li|user.disable li|user.enable li|user.revoke li|user.delete li"
	if strings.Join(actions, "|") != want {
		t.Fatalf("audit log:\n%s", out)
	}
	if code, out := cmd("", "audit", "--data", dir, "--since", "2999-01-01"); code != 0 || strings.TrimSpace(out) != "" {
		t.Fatalf("audit since the future: %d %q", code, out)
	}
	if code, out := cmd("", "audit", "--data", dir, "--since", "last week"); code != 1 || !strings.Contains(out, "since must be a date") {
		t.Fatalf("audit since nonsense: %d %q", code, out)
	}
	if code, out := cmd("", "check", "--data", dir); code != 0 || !strings.Contains(out, "sound") {
		t.Fatalf("check: %d %s", code, out)
	}
	for _, args := range [][]string{{"user", "passwd", "--data", dir}, {"user", "list"}, {"user", "disable", "--data", dir, "a", "b"}} {
		if code, out := cmd("", args...); code != 2 || !strings.Contains(out, "usage") {
			t.Errorf("%v: %d %q", args, code, out)
		}
	}
}

func asRefusal(err error, target **portal.RefusalError) bool {
	r, ok := err.(*portal.RefusalError)
	*target = r
	return ok
}
