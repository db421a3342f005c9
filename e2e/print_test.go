package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cupsPDFPPD is the PPD of the cups-pdf virtual printer, from Debian's
// printer-driver-cups-pdf.
const cupsPDFPPD = "/usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd"

// startCUPS starts a CUPS scheduler of the test's own — private
// configuration, spool and socket, so the machine's printers are neither
// used nor changed — and returns its socket for CUPS_SERVER. The scheduler
// is stopped and its folder removed when the test ends.
func startCUPS(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Fatal("this test starts its own CUPS scheduler (cupsd), which runs only as root, and cups-pdf " +
			"writes the printed file as the printing user: run it as root, as CI does " +
			"(sudo -E go test -run Print ./e2e/)")
	}
	for _, f := range []string{"cupsd", "lpadmin", "lpstat", "lp"} {
		if _, err := exec.LookPath(f); err != nil {
			if _, err := os.Stat(filepath.Join("/usr/sbin", f)); err != nil {
				t.Fatalf("%s is not installed; scripts/install-deps.sh installs cups, cups-client and printer-driver-cups-pdf", f)
			}
		}
	}
	if _, err := os.Stat(cupsPDFPPD); err != nil {
		t.Fatalf("the cups-pdf printer is not installed (%v); scripts/install-deps.sh installs printer-driver-cups-pdf", err)
	}
	// Not t.TempDir: cupsd runs filters as the lp user, which must reach
	// the spool, and t.TempDir's parent is private to root.
	dir, err := os.MkdirTemp("", "fieldbrief-cups-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for _, d := range []string{"spool/tmp", "cache", "state"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "cups.sock")
	// Only the test's own processes reach the socket; jobs and queues
	// need no authentication there.
	conf := fmt.Sprintf(`Listen %s
LogLevel info
Browsing No
WebInterface No
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
`, sock)
	files := fmt.Sprintf(`ServerRoot %[1]s
RequestRoot %[1]s/spool
TempDir %[1]s/spool/tmp
CacheDir %[1]s/cache
StateDir %[1]s/state
ErrorLog %[1]s/error_log
AccessLog %[1]s/access_log
PageLog %[1]s/page_log
ServerBin /usr/lib/cups
DataDir /usr/share/cups
`, dir)
	for name, body := range map[string]string{"cupsd.conf": conf, "cups-files.conf": files} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cupsd, err := exec.LookPath("cupsd")
	if err != nil {
		cupsd = "/usr/sbin/cupsd"
	}
	cmd := exec.Command(cupsd, "-f", "-c", filepath.Join(dir, "cupsd.conf"), "-s", filepath.Join(dir, "cups-files.conf"))
	out, err := os.Create(filepath.Join(dir, "cupsd.out"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting cupsd: %v", err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
		out.Close()
	})
	t.Setenv("CUPS_SERVER", sock)
	deadline := time.Now().Add(15 * time.Second)
	for {
		b, _ := exec.Command("lpstat", "-r").CombinedOutput()
		if strings.Contains(string(b), "scheduler is running") {
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "cupsd.out"))
			elog, _ := os.ReadFile(filepath.Join(dir, "error_log"))
			t.Fatalf("cupsd did not start within 15 s:\n%s\n%s", log, elog)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return sock
}

// cupsPDFDirs returns where cups-pdf writes the files root prints: its Out
// setting with ${HOME} expanded, and the folder for anonymous jobs.
func cupsPDFDirs(t *testing.T) []string {
	t.Helper()
	out, anon := "${HOME}/PDF", "/var/spool/cups-pdf/ANONYMOUS"
	if f, err := os.Open("/etc/cups/cups-pdf.conf"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
			switch k {
			case "Out":
				out = strings.TrimSpace(v)
			case "AnonDirName":
				anon = strings.TrimSpace(v)
			}
		}
		f.Close()
	}
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	return []string{strings.ReplaceAll(out, "${HOME}", home), anon}
}

// waitPrinted waits for cups-pdf to write a file whose name holds token.
func waitPrinted(t *testing.T, dirs []string, token string, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		for _, d := range dirs {
			entries, _ := os.ReadDir(d)
			for _, e := range entries {
				if strings.Contains(e.Name(), token) && strings.HasSuffix(e.Name(), ".pdf") {
					p := filepath.Join(d, e.Name())
					// cups-pdf writes in place; wait until the size settles.
					a, _ := os.Stat(p)
					time.Sleep(300 * time.Millisecond)
					if b, _ := os.Stat(p); a != nil && b != nil && a.Size() == b.Size() && b.Size() > 0 {
						return p
					}
				}
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("cups-pdf wrote no file named like %q into %v within %v", token, dirs, within)
	return ""
}

// TestPrintReportOnVirtualPrinter prints a visit report through CUPS to
// the cups-pdf virtual printer with `report visit --print --printer` and
// checks the printed file: a valid PDF, the same pages, the title in its
// text. Before the printer exists, --print says clearly that no printer is
// set up and still writes the PDF.
func TestPrintReportOnVirtualPrinter(t *testing.T) {
	startCUPS(t)
	data := t.TempDir()
	if _, errs, code := run(t, "demo", "--data", data); code != 0 {
		t.Fatal(errs)
	}
	out, _, _ := run(t, "visits", "--data", data, "--json")
	var visits []map[string]any
	if err := json.Unmarshal([]byte(out), &visits); err != nil || len(visits) == 0 {
		t.Fatalf("visits: %v %s", err, out)
	}
	visit := visits[0]["id"].(string)
	token := fmt.Sprintf("fbprint%d", time.Now().UnixNano())
	pdf := filepath.Join(t.TempDir(), token+".pdf")

	// No printer yet.
	stdout, errs, code := run(t, "report", "visit", "--data", data, "--id", visit, "--out", pdf, "--print")
	if code != 1 || !strings.Contains(errs, "没有设置打印机") || !strings.Contains(errs, "系统设置") || !strings.Contains(errs, pdf) {
		t.Fatalf("--print without a printer: exit %d, stderr %q", code, errs)
	}
	if _, err := os.Stat(pdf); err != nil {
		t.Fatalf("the PDF should be written even when it cannot be printed: %v (%s)", err, stdout)
	}
	_, errs, _ = run(t, "--lang", "en", "report", "visit", "--data", data, "--id", visit, "--out", pdf, "--print")
	if !strings.Contains(errs, "No printer is set up") || !strings.Contains(errs, "add one in the system settings") {
		t.Errorf("English no-printer message: %q", errs)
	}

	const queue = "fieldbrief-test"
	// The default PDF-to-PostScript renderer (Ghostscript) keeps the
	// glyphs but loses the text layer of CID fonts, so pdftotext could not
	// read the printed copy back; pdftocairo keeps it.
	if b, err := exec.Command("lpadmin", "-p", queue, "-v", "cups-pdf:/", "-E", "-P", cupsPDFPPD,
		"-o", "pdftops-renderer-default=pdftocairo").CombinedOutput(); err != nil {
		t.Fatalf("lpadmin: %v\n%s", err, b)
	}
	if _, errs, code := run(t, "report", "visit", "--data", data, "--id", visit, "--out", pdf, "--print", "--printer", "nosuch"); code != 1 || !strings.Contains(errs, "找不到打印机") || !strings.Contains(errs, queue) {
		t.Errorf("unknown printer: exit %d, stderr %q", code, errs)
	}

	dirs := cupsPDFDirs(t)
	stdout, errs, code = run(t, "report", "visit", "--data", data, "--id", visit, "--out", pdf, "--print", "--printer", queue)
	if code != 0 || !strings.Contains(stdout, "已送到打印机 "+queue) {
		t.Fatalf("printing: exit %d\n%s\n%s", code, stdout, errs)
	}
	printed := waitPrinted(t, dirs, token, 90*time.Second)
	t.Cleanup(func() { os.Remove(printed) })
	pdfTool(t, "qpdf", "--check", printed)
	if got, want := pages(t, printed), pages(t, pdf); got != want {
		t.Errorf("the printed PDF has %d pages, the report %d", got, want)
	}
	text := pdfTool(t, "pdftotext", "-layout", printed, "-")
	if !strings.Contains(text, "重点项目现场督查报告") {
		t.Errorf("the printed PDF lacks the report's title; its text begins:\n%.400s", text)
	}
	// Nothing left in the queue.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if b, _ := exec.CommandContext(ctx, "lpstat", "-o", queue).CombinedOutput(); strings.TrimSpace(string(b)) != "" {
		t.Errorf("jobs left in the queue: %s", b)
	}
}
