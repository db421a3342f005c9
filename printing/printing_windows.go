//go:build windows

package printing

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"unsafe"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// shellExecute runs the Windows shell's verb ("open", "print", "printto")
// on file, as Explorer's context menu does: the program registered for PDF
// files does the work. It returns the shell's result code, which is above
// 32 on success.
func shellExecute(verb, file, params string) (uintptr, error) {
	proc := syscall.NewLazyDLL("shell32.dll").NewProc("ShellExecuteW")
	if err := proc.Find(); err != nil {
		return 0, err
	}
	v, err := syscall.UTF16PtrFromString(verb)
	if err != nil {
		return 0, err
	}
	f, err := syscall.UTF16PtrFromString(file)
	if err != nil {
		return 0, err
	}
	var p *uint16
	if params != "" {
		if p, err = syscall.UTF16PtrFromString(params); err != nil {
			return 0, err
		}
	}
	const swShowNormal = 1
	r, _, _ := proc.Call(0, uintptr(unsafe.Pointer(v)), uintptr(unsafe.Pointer(f)), uintptr(unsafe.Pointer(p)), 0, swShowNormal)
	return r, nil
}

// shellError explains a ShellExecute result code of 32 or less.
func shellError(code uintptr, what string) error {
	const (
		seErrNoAssoc      = 31
		seErrAssocIncompl = 27
	)
	cause := fmt.Errorf("ShellExecute %s: code %d", what, code)
	if code == seErrNoAssoc || code == seErrAssocIncompl {
		key := "printing.error.no_program_can_open_pdf"
		if what != "open" {
			key = "printing.error.no_program_can_print_pdf"
		}
		return translate.Wrap(cause, sv.EUnavailable, key)
	}
	return translate.Wrap(cause, sv.EUnavailable, "printing.error.windows_could_not_handle_the_pdf")
}

func openFile(_ context.Context, file string) error {
	r, err := shellExecute("open", file, "")
	if err != nil {
		return translate.Wrap(err, sv.EInternal, "printing.error.could_not_ask_the_windows_shell")
	}
	if r <= 32 {
		return shellError(r, "open")
	}
	return nil
}

// listPrinters asks WMI through PowerShell, which every supported Windows
// has; each line is "True|False<TAB>name".
func listPrinters(ctx context.Context) ([]Printer, error) {
	out, err := exec.CommandContext(ctx, "powershell", "-NoProfile", "-NonInteractive", "-Command",
		"Get-CimInstance -ClassName Win32_Printer | ForEach-Object { \"$($_.Default)`t$($_.Name)\" }").Output()
	if err != nil {
		return nil, translate.Wrap(err, sv.EUnavailable, "printing.error.could_not_read_this_computers_printers")
	}
	var list []Printer
	for l := range strings.SplitSeq(string(out), "\n") {
		def, name, ok := strings.Cut(strings.TrimRight(l, "\r"), "\t")
		if ok && name != "" {
			list = append(list, Printer{Name: name, Default: strings.EqualFold(def, "true")})
		}
	}
	return list, nil
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
	// "print" goes to the default printer; "printto" takes the printer's
	// name, quoted, as its parameter.
	verb, params := "print", ""
	if !p.Default {
		verb, params = "printto", `"`+p.Name+`"`
	}
	r, err := shellExecute(verb, file, params)
	if err != nil {
		return Job{}, translate.Wrap(err, sv.EInternal, "printing.error.could_not_ask_the_windows_shell_2")
	}
	if r <= 32 {
		return Job{}, shellError(r, "print")
	}
	return Job{Printer: p.Name}, nil
}
