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
		zh := "打开"
		if what != "open" {
			zh = "打印"
		}
		return sv.Wrap(cause, sv.EUnavailable,
			"这台电脑上没有能"+zh+" PDF 的程序——请安装 PDF 阅读器（如 Adobe Acrobat Reader）后重试。",
			"No program on this computer can "+what+" PDF files — install a PDF reader (such as Adobe Acrobat Reader) and try again.")
	}
	return sv.Wrap(cause, sv.EUnavailable, "Windows 无法处理这个 PDF 文件，请手动打开它。",
		"Windows could not handle the PDF file; open it by hand.")
}

func openFile(_ context.Context, file string) error {
	r, err := shellExecute("open", file, "")
	if err != nil {
		return sv.Wrap(err, sv.EInternal, "无法调用 Windows 外壳打开文件。", "Could not ask the Windows shell to open the file.")
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
		return nil, sv.Wrap(err, sv.EUnavailable, "无法读取这台电脑的打印机列表，请在系统设置中检查打印机。",
			"Could not read this computer's printers; check them in the system settings.")
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
		return Job{}, sv.Wrap(err, sv.EInternal, "无法调用 Windows 外壳打印文件。", "Could not ask the Windows shell to print the file.")
	}
	if r <= 32 {
		return Job{}, shellError(r, "print")
	}
	return Job{Printer: p.Name}, nil
}
