package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldbrief/portal/server"
	"fieldbrief/sample"
)

// The office's commands work on a running portal, through its admin
// socket: a dry run changes nothing, the import does, the exports write
// files, and a bad file is refused with its cell named.
func TestOfficeCommandsOnARunningPortal(t *testing.T) {
	dir := t.TempDir()
	srv, err := server.New(server.Options{Dir: dir, BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	projects, templates, err := sample.Register()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.DB().PutRegister(projects, templates); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.ServeAdminSocket(ctx) }()
	defer func() { cancel(); <-served; srv.Close() }()
	for i := 0; ; i++ {
		if _, err := os.Stat(filepath.Join(dir, server.AdminSocket)); err == nil {
			break
		} else if i == 500 {
			t.Fatal("the admin socket never appeared")
		}
		time.Sleep(10 * time.Millisecond)
	}
	office, _ := filepath.Abs("../../spreadsheet/testdata/重点项目推进情况表.xlsx")
	runOK := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if code := run(args, nil, &out, &errOut); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errOut.String())
		}
		return out.String()
	}
	asOf := func() string {
		ps, err := srv.DB().Projects()
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.ID == "p01" {
				return string(p.Investment.AsOf)
			}
		}
		return "missing"
	}
	out := runOK("register", "import", "--data", dir, "--dry-run", office)
	if !strings.Contains(out, "20 changed") || !strings.Contains(out, "数据截至 / as of: \"\" → \"2026-11-30\"") || !strings.Contains(out, "Dry run") {
		t.Fatalf("dry run output:\n%s", out)
	}
	if asOf() != "" {
		t.Fatal("the dry run changed the register")
	}
	out = runOK("register", "import", office, "--data", dir)
	if !strings.Contains(out, "Imported") || asOf() != "2026-11-30" {
		t.Fatalf("import: %s (as of %q)", out, asOf())
	}
	tmp := t.TempDir()
	reg, tpl, ledger := filepath.Join(tmp, "r.xlsx"), filepath.Join(tmp, "t.xlsx"), filepath.Join(tmp, "l.xlsx")
	runOK("register", "export", "--data", dir, "--out", reg)
	if out := runOK("register", "import", "--data", dir, reg); !strings.Contains(out, "0 changed, 0 archived, 20 unchanged") {
		t.Errorf("re-import of the export:\n%s", out)
	}
	runOK("template", "export", "--data", dir, "--out", tpl)
	if out := runOK("template", "import", "--data", dir, tpl); !strings.Contains(out, "no new version") {
		t.Errorf("re-import of the checklist:\n%s", out)
	}
	runOK("findings", "export", "--data", dir, "--out", ledger, "--status", "all")
	for _, f := range []string{reg, tpl, ledger} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	csv := filepath.Join(tmp, "register.xlsx")
	os.WriteFile(csv, []byte("项目名称,总投资\n金凤实验室,\"12,000\"\n"), 0o600)
	var o, e bytes.Buffer
	if code := run([]string{"register", "import", "--data", dir, csv}, nil, &o, &e); code != 1 || !strings.Contains(e.String(), "CSV") || !strings.Contains(e.String(), "改了扩展名") {
		t.Errorf("a CSV renamed: exit %d\n%s", code, e.String())
	}
	e.Reset()
	if code := run([]string{"findings", "export", "--data", dir, "--out", ledger, "--status", "later"}, nil, &o, &e); code != 2 {
		t.Errorf("unknown status: exit %d %s", code, e.String())
	}
}

// A stopped portal's folder is backed up in-process; the backup restores
// into a new folder only, under a new epoch, with the same records.
func TestBackupAndRestoreOfAStoppedPortal(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run([]string{"demo", "--data", dir}, nil, &out, &errOut); code != 0 {
		t.Fatal(errOut.String())
	}
	file := filepath.Join(t.TempDir(), "b.tar")
	if code := run([]string{"backup", "--data", dir, "--out", file}, nil, &out, &errOut); code != 0 {
		t.Fatalf("backup: %s", errOut.String())
	}
	restored := filepath.Join(t.TempDir(), "new")
	if code := run([]string{"restore", "--from", file, "--data", restored}, nil, &out, &errOut); code != 0 {
		t.Fatalf("restore: %s", errOut.String())
	}
	errOut.Reset()
	if code := run([]string{"restore", "--from", file, "--data", dir}, nil, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "not empty") {
		t.Fatalf("restore over the live folder: %d %s", code, errOut.String())
	}
	open := func(d string) (int, string) {
		db, err := server.OpenDB(d)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		ps, err := db.Projects()
		if err != nil {
			t.Fatal(err)
		}
		e := db.Epoch()
		return len(ps), e
	}
	n1, e1 := open(dir)
	n2, e2 := open(restored)
	if n1 != 20 || n2 != 20 || e1 == e2 {
		t.Fatalf("original %d projects epoch %s, restored %d epoch %s", n1, e1, n2, e2)
	}
}
