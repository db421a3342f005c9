//go:build !windows

package printing

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strings"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// command runs a tool with its messages in English, whatever the user's
// locale, since the output is parsed here.
func command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = append(os.Environ(), "LC_ALL=C", "LANG=C")
	return cmd
}

// noCUPS is the error for a system without the CUPS client tools.
func noCUPS(cause error) *sv.Error {
	return translate.Wrap(cause, sv.EUnavailable,
		"printing.error.this_computer_has_no_printing_system")
}

func openFile(ctx context.Context, file string) error {
	tool := "xdg-open"
	if runtime.GOOS == "darwin" {
		tool = "open"
	}
	if _, err := exec.LookPath(tool); err != nil {
		return translate.Wrap(err, sv.EUnavailable, "printing.error.no_open_tool", tool, file)
	}
	out, err := command(ctx, tool, file).CombinedOutput()
	if err != nil {
		return translate.Wrap(errors.New(strings.TrimSpace(string(out))), sv.EUnavailable,
			"printing.error.viewer_could_not_open", file)
	}
	return nil
}

func listPrinters(ctx context.Context) ([]Printer, error) {
	if _, err := exec.LookPath("lpstat"); err != nil {
		return nil, noCUPS(err)
	}
	out, err := command(ctx, "lpstat", "-p").CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "No destinations added") {
			return nil, nil
		}
		return nil, translate.Wrap(errors.New(strings.TrimSpace(string(out))), sv.EUnavailable,
			"printing.error.the_printing_service_cups_does_not")
	}
	list := parseLpstatP(string(out))
	// No default is a normal state, which lpstat reports with status 0 or,
	// in some versions, an error; either way the list above stands.
	def, _ := command(ctx, "lpstat", "-d").CombinedOutput()
	if name := parseLpstatD(string(def)); name != "" {
		for i := range list {
			list[i].Default = list[i].Name == name
		}
	}
	return list, nil
}

// parseLpstatP reads `lpstat -p` in the C locale: one line per printer,
// "printer NAME is idle.  enabled since …" or "printer NAME disabled since
// …", with continuation lines indented.
func parseLpstatP(out string) []Printer {
	var list []Printer
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 || f[0] != "printer" {
			continue
		}
		list = append(list, Printer{Name: f[1], Disabled: f[2] == "disabled"})
	}
	return list
}

// parseLpstatD reads `lpstat -d`: "system default destination: NAME", or
// "no system default destination".
func parseLpstatD(out string) string {
	const prefix = "system default destination:"
	for l := range strings.SplitSeq(out, "\n") {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(l), prefix); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}

func printFile(ctx context.Context, file, printer string) (Job, error) {
	list, err := listPrinters(ctx)
	if err != nil {
		return Job{}, err
	}
	p, err := choose(list, printer)
	if err != nil {
		return Job{}, err
	}
	out, err := command(ctx, "lp", "-d", p.Name, "--", file).CombinedOutput()
	if err != nil {
		return Job{}, translate.Wrap(errors.New(strings.TrimSpace(string(out))), sv.EUnavailable,
			"printing.error.the_printer_did_not_take_the_job", p.Name)
	}
	job := Job{Printer: p.Name}
	// "request id is Office-12 (1 file(s))"
	if _, rest, ok := strings.Cut(string(out), "request id is "); ok {
		if f := strings.Fields(rest); len(f) > 0 {
			job.ID = f[0]
		}
	}
	return job, nil
}
