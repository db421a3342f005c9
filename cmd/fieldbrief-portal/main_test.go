package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldbrief/portal"
	"fieldbrief/portal/server"
)

func TestUserAddDemoAndUsage(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run([]string{"user", "add", "--data", dir, "wang", "--role", "leader", "--display", "王主任"}, strings.NewReader("a long password\n"), &out, &errOut); code != 0 {
		t.Fatalf("user add: %d %s", code, errOut.String())
	}
	if code := run([]string{"user", "add", "--data", dir, "li", "--role", "boss"}, strings.NewReader("a long password\n"), &out, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "inspector, leader or admin") || !strings.Contains(errOut.String(), "角色") {
		t.Fatalf("bad role: %d %q", code, errOut.String())
	}
	errOut.Reset()
	if code := run([]string{"user", "add", "--data", dir, "li", "--role", "inspector"}, strings.NewReader("short\n"), &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "8 characters") {
		t.Fatalf("short password: %d %q", code, errOut.String())
	}
	if code := run([]string{"demo", "--data", dir}, nil, &out, &errOut); code != 0 || !strings.Contains(out.String(), "20 projects") {
		t.Fatalf("demo: %d %s", code, out.String())
	}
	db, err := server.OpenDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	users, _ := db.Users()
	db.Close()
	if len(users) != 5 {
		t.Fatalf("users: %+v", users)
	}
	for _, args := range [][]string{nil, {"fly"}, {"serve", "--tls-cert", "x"}, {"user", "add"}, {"demo"}} {
		errOut.Reset()
		if code := run(args, strings.NewReader(""), &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "usage") {
			t.Errorf("%v: %d %q", args, code, errOut.String())
		}
	}
	errOut.Reset()
	if code := run([]string{"serve", "--addr", "256.0.0.1:1", "--data", t.TempDir()}, nil, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "Cannot listen") {
		t.Fatalf("bad address: %d %q", code, errOut.String())
	}
}

// An admin command given the folder of a running portal goes through the
// portal's admin socket: bbolt would not let it open the data beside it.
func TestAdminCommandReachesARunningPortal(t *testing.T) {
	dir := t.TempDir()
	srv, err := server.New(server.Options{Dir: dir, BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.ServeAdminSocket(ctx) }()
	sock := filepath.Join(dir, server.AdminSocket)
	for i := 0; ; i++ {
		if _, err := os.Stat(sock); err == nil {
			break
		} else if i == 500 {
			t.Fatal("the admin socket never appeared")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if fi, err := os.Stat(sock); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode: %v %v", fi.Mode(), err)
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"user", "add", "--data", dir, "zhao", "--role", "inspector"}, strings.NewReader("a long password\n"), &out, &errOut); code != 0 {
		t.Fatalf("user add beside a running portal: %d %s", code, errOut.String())
	}
	users, err := srv.DB().Users()
	if err != nil || len(users) != 1 || users[0].Name != "zhao" {
		t.Fatalf("the running portal does not have the user: %+v %v", users, err)
	}
	// The socket serves the admin API only: syncing needs a signed-in user.
	admin, err := openAdmin(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := admin.call(context.Background(), http.MethodGet, portal.PathPull, nil, nil); err == nil {
		t.Fatal("the admin socket served a sync endpoint")
	}
	admin.Close()
	cancel()
	if err := <-served; err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Fatalf("the socket outlived the portal: %v", err)
	}
	srv.Close()
	// A folder without a portal is named as such, not made into one.
	errOut.Reset()
	if _, err := openAdmin(t.TempDir(), false); err == nil || !strings.Contains(err.Error(), "no portal data") {
		t.Fatalf("empty folder: %v", err)
	}
}
