//go:build !windows

package printing

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	sv "fieldbrief/supervision"
)

func TestParseLpstat(t *testing.T) {
	out := "printer Office is idle.  enabled since Thu 26 Nov 2026 10:00:00 AM UTC\n" +
		"printer PDF disabled since Thu 26 Nov 2026 10:00:00 AM UTC -\n\treason unknown\n" +
		"printer Lab_2 now printing Lab_2-7.  enabled since Thu 26 Nov 2026\n"
	got := parseLpstatP(out)
	want := []Printer{{Name: "Office"}, {Name: "PDF", Disabled: true}, {Name: "Lab_2"}}
	if len(got) != len(want) {
		t.Fatalf("parseLpstatP = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("printer %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if d := parseLpstatD("system default destination: Office\n"); d != "Office" {
		t.Errorf("default %q, want Office", d)
	}
	if d := parseLpstatD("no system default destination\n"); d != "" {
		t.Errorf("default %q, want none", d)
	}
}

// fakeCUPS puts lp and lpstat scripts first on PATH that behave like CUPS
// with the given lpstat outputs; lp records its arguments in a file.
func fakeCUPS(t *testing.T, lpstatP string, lpstatPStatus int, lpstatD string) (argsFile string) {
	t.Helper()
	dir := t.TempDir()
	argsFile = filepath.Join(dir, "lp.args")
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("lpstat", `case "$1" in
-p) printf '%s' "$LPSTAT_P"; exit $LPSTAT_P_STATUS;;
-d) printf '%s' "$LPSTAT_D";;
esac
`)
	write("lp", `echo "$@" > "$LP_ARGS"
echo "request id is $2-42 (1 file(s))"
`)
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("LPSTAT_P", lpstatP)
	t.Setenv("LPSTAT_P_STATUS", string(rune('0'+lpstatPStatus)))
	t.Setenv("LPSTAT_D", lpstatD)
	t.Setenv("LP_ARGS", argsFile)
	return argsFile
}

func TestPrintWithCUPSTools(t *testing.T) {
	args := fakeCUPS(t, "printer Office is idle.  enabled since today\nprinter Lab is idle.  enabled since today\n", 0,
		"system default destination: Office\n")
	pdf := filepath.Join(t.TempDir(), "报告 1.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	list, err := Printers(ctx)
	if err != nil || len(list) != 2 || !list[0].Default || list[1].Default {
		t.Fatalf("Printers = %+v, %v", list, err)
	}
	job, err := Print(ctx, pdf, "")
	if err != nil || job.Printer != "Office" || job.ID != "Office-42" {
		t.Fatalf("Print to the default = %+v, %v", job, err)
	}
	if b := must(os.ReadFile(args))(t); strings.TrimSpace(string(b)) != "-d Office -- "+pdf {
		t.Errorf("lp was called with %q", b)
	}
	if job, err = Print(ctx, pdf, "Lab"); err != nil || job.Printer != "Lab" {
		t.Errorf("Print to Lab = %+v, %v", job, err)
	}
	if _, err = Print(ctx, pdf, "Nowhere"); sv.ErrorCode(err) != sv.ENotFound {
		t.Errorf("Print to an unknown printer: %v", err)
	}
	if _, err = Print(ctx, filepath.Join(t.TempDir(), "missing.pdf"), ""); sv.ErrorCode(err) != sv.ENotFound {
		t.Errorf("Print of a missing file: %v", err)
	}
}

func TestNoPrinterSetUp(t *testing.T) {
	args := fakeCUPS(t, "lpstat: No destinations added.\n", 1, "no system default destination\n")
	pdf := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	list, err := Printers(context.Background())
	if err != nil || len(list) != 0 {
		t.Fatalf("Printers with none set up = %+v, %v; want an empty list", list, err)
	}
	if _, err := Print(context.Background(), pdf, ""); !IsNoPrinter(err) {
		t.Fatalf("Print with no printer: %v, want the no-printer error", err)
	}
	if _, err := os.Stat(args); err == nil {
		t.Error("lp was called although there is no printer")
	}
}

func TestCUPSNotAnswering(t *testing.T) {
	fakeCUPS(t, "lpstat: Bad file descriptor\n", 1, "")
	_, err := Printers(context.Background())
	if sv.ErrorCode(err) != sv.EUnavailable || IsNoPrinter(err) || !strings.Contains(err.(*sv.Error).En, "CUPS") {
		t.Fatalf("Printers with CUPS down: %v", err)
	}
}

func TestOpenHandsTheFileToTheViewer(t *testing.T) {
	tool := "xdg-open"
	if runtime.GOOS == "darwin" {
		tool = "open"
	}
	dir := t.TempDir()
	got := filepath.Join(dir, "opened")
	if err := os.WriteFile(filepath.Join(dir, tool), []byte("#!/bin/sh\necho \"$1\" > \""+got+"\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	pdf := filepath.Join(t.TempDir(), "督查报告.pdf")
	if err := os.WriteFile(pdf, []byte("%PDF-1.4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Open(context.Background(), pdf); err != nil {
		t.Fatal(err)
	}
	if b := must(os.ReadFile(got))(t); strings.TrimSpace(string(b)) != pdf {
		t.Errorf("%s was given %q, want %q", tool, b, pdf)
	}
	if err := Open(context.Background(), dir); sv.ErrorCode(err) != sv.EInvalid {
		t.Errorf("Open of a folder: %v", err)
	}
}
