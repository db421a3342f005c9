package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"time"

	"fieldbrief/briefing"
	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/syncer"
	"fieldbrief/translate"
)

// runReportVerify checks a printed visit report, brief or tour pack
// against the store (and, for a visit signed in, the portal's copy): are
// the records still what was printed, was a visit corrected since, and is
// the file itself the one fieldbrief wrote (decision 0034). It fails (a
// non-zero exit) unless all hold.
func runReportVerify(c *ctx, args []string) error {
	fs, data := c.flags("report verify", "cli.args.report_verify")
	// The file is the one argument that is not an option or its value.
	var path string
	var opts []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case (a == "--data" || a == "-data" || a == "--lang" || a == "-lang") && i+1 < len(args):
			opts = append(opts, a, args[i+1])
			i++
		case strings.HasPrefix(a, "-") || path != "":
			opts = append(opts, a)
		default:
			path = a
		}
	}
	if err := c.parse(fs, opts); err != nil {
		return err
	}
	if path == "" {
		return usageError{msg: c.t("cli.verify.name_the_pdf_file_to")}
	}
	pdf, err := os.ReadFile(path)
	if err != nil {
		return translate.Wrap(err, sv.ENotFound, "cli.error.cannot_read_file", path)
	}
	dir, err := dataDir(*data)
	if err != nil {
		return err
	}
	s, err := storage.Open(dir, storage.Options{ReadOnly: true, Now: c.Now})
	if err != nil {
		return err
	}
	defer s.Close()
	v, err := briefing.Verify(s, pdf, c.portalCopy(dir, s))
	if sv.ErrorCode(err) == sv.EInvalid {
		return translate.Errorf(sv.EInvalid, "cli.error.carries_no_record_stamp", path)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(c.Stdout, v.Text(c.lang))
	if !v.OK {
		return translate.Errorf(sv.EConflict, "cli.error.verification_failed")
	}
	return nil
}

// portalCopy is how verify reads the portal's copy of a visit when the
// data folder is signed in, or nil when it is not (then only the local
// record is checked).
func (c *ctx) portalCopy(dir string, s *storage.Store) briefing.PortalCopy {
	cred, err := syncer.LoadCredentials(dir)
	if err != nil || !c.Now().Before(cred.ExpiresAt) {
		return nil
	}
	return func(id string) (sv.Visit, bool, []string, error) {
		client, err := portal.NewClient(cred.Portal, syncer.PortalHTTP(), cred.Token)
		if err != nil {
			return sv.Visit{}, false, nil, err
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		// The engine only reads from the portal here; the store is not
		// written (it is open read-only).
		pv, err := syncer.New(s, client, syncer.Options{Now: c.Now}).FetchPortalVisit(ctx, id)
		return pv.Visit, pv.Found, pv.Unsent, err
	}
}
