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
	"fieldbrief/report"
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
	v, err := briefing.Verify(s, pdf, c.portalAsk(dir, s))
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

// portalAsk is how verify asks the portal — for its copy of a visit, or
// its rebuild of a brief's or tour pack's snapshot — when the data folder
// is signed in; empty when it is not (then only the local records are
// checked).
func (c *ctx) portalAsk(dir string, s *storage.Store) briefing.Portal {
	cred, err := syncer.LoadCredentials(dir)
	if err != nil || !c.Now().Before(cred.ExpiresAt) {
		return briefing.Portal{}
	}
	// The engine only reads from the portal here; the store is not
	// written (it is open read-only).
	withEngine := func(do func(ctx context.Context, e *syncer.Engine) error) error {
		client, err := portal.NewClient(cred.Portal, syncer.PortalHTTP(), cred.Token)
		if err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
		defer cancel()
		return do(ctx, syncer.New(s, client, syncer.Options{Now: c.Now}))
	}
	return briefing.Portal{
		Visit: func(id string) (sv.Visit, bool, []string, error) {
			var pv syncer.PortalVisit
			err := withEngine(func(ctx context.Context, e *syncer.Engine) error {
				var err error
				pv, err = e.FetchPortalVisit(ctx, id)
				return err
			})
			return pv.Visit, pv.Found, pv.Unsent, err
		},
		Snapshot: func(st report.Stamp) (briefing.PortalDigests, error) {
			var out briefing.PortalDigests
			err := withEngine(func(ctx context.Context, e *syncer.Engine) error {
				resp, unsent, err := e.FetchPortalSnapshot(ctx, briefing.SnapshotRequest(st))
				out = briefing.PortalDigests{Digest: resp.Digest, Projects: resp.Projects, Unsent: unsent}
				return err
			})
			return out, err
		},
	}
}
