// Package printing opens PDF files in the system's viewer and prints them,
// by handing them to the operating system's own tools: xdg-open on Linux,
// open on macOS and the shell's "open" verb on Windows for viewing; CUPS's
// lp and lpstat on Linux and macOS and the shell's "print" verb on Windows
// for printing. The app and the CLI call it after writing a report; it
// knows nothing of either.
//
// Every error it returns is a *supervision.Error whose Chinese and English
// messages say what to do — above all "no printer is set up — add one in
// the system settings" — with the tool's own output kept as the cause for
// the logs.
package printing

import (
	"context"
	"errors"
	"os"
	"strings"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Printer is a print queue the system knows.
type Printer struct {
	Name string
	// Default marks the system's default printer.
	Default bool
	// Disabled reports a queue that accepts no jobs now (CUPS "disabled");
	// always false on Windows.
	Disabled bool
}

// Job is a print job handed to the system.
type Job struct {
	Printer string // the queue the file went to
	ID      string // the system's job id, such as "Office-12"; "" when unknown
}

// IsNoPrinter reports whether err says that no printer is set up at all,
// so that a caller can point to the system settings instead of offering a
// retry.
func IsNoPrinter(err error) bool {
	var e *sv.Error
	return errors.As(err, &e) && e.Code == sv.EUnavailable && e.Key == noPrinter
}

// noPrinter is the catalogue key of the error IsNoPrinter recognises.
const noPrinter = "printing.error.no_printer"

func errNoPrinter(cause error) *sv.Error {
	return translate.Wrap(cause, sv.EUnavailable, noPrinter)
}

// choose picks the queue to print on: want when it is set up, else the
// default, else the only printer there is.
func choose(printers []Printer, want string) (Printer, error) {
	if len(printers) == 0 {
		return Printer{}, errNoPrinter(nil)
	}
	names := make([]string, len(printers))
	for i, p := range printers {
		names[i] = p.Name
		if want != "" && p.Name == want {
			if p.Disabled {
				return Printer{}, translate.Errorf(sv.EUnavailable, "printing.error.the_printer_is_disabled_enable_it", want)
			}
			return p, nil
		}
	}
	list := strings.Join(names, "、")
	if want != "" {
		return Printer{}, translate.Errorf(sv.ENotFound, "printing.error.there_is_no_printer_printers_set", want, list)
	}
	for _, p := range printers {
		if p.Default {
			return p, nil
		}
	}
	if len(printers) == 1 {
		return printers[0], nil
	}
	return Printer{}, translate.Errorf(sv.EInvalid, "printing.error.there_is_no_default_printer_choose", list)
}

// checkFile makes sure there is a file to hand over, so that a wrong path
// is reported as such and not as a viewer's or spooler's cryptic failure.
func checkFile(file string) error {
	st, err := os.Stat(file)
	if err != nil {
		return translate.Wrap(err, sv.ENotFound, "printing.error.file_not_there", file)
	}
	if st.IsDir() {
		return translate.Errorf(sv.EInvalid, "printing.error.is_a_folder_not_a_pdf", file)
	}
	return nil
}

// Open shows file in the system's PDF viewer and returns once the viewer
// has been asked to; it does not wait for the viewer to close.
func Open(ctx context.Context, file string) error {
	if err := checkFile(file); err != nil {
		return err
	}
	return openFile(ctx, file)
}

// Printers lists the system's printers, the default one marked. An empty
// list with a nil error means the printing system runs but no printer is
// set up.
func Printers(ctx context.Context) ([]Printer, error) {
	return listPrinters(ctx)
}

// Print sends file to printer, or to the default printer when printer is
// "" (or to the only one, when there is no default). It returns when the
// system has taken the job, not when the paper is out.
func Print(ctx context.Context, file, printer string) (Job, error) {
	if err := checkFile(file); err != nil {
		return Job{}, err
	}
	return printFile(ctx, file, printer)
}
