package main

import (
	"bytes"
	"strings"
	"testing"

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
