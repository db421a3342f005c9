package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"golang.org/x/term"

	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/syncer"
	"fieldbrief/translate"
)

func runLogin(c *ctx, args []string) error {
	fs, data := c.flags("login", "cli.args.login")
	addr := fs.String("portal", "", c.t("cli.sync.portal_address_such_as_https"))
	user := fs.String("user", "", c.t("cli.sync.portal_user_name"))
	if err := c.parse(fs, args); err != nil {
		return err
	}
	if *addr == "" || *user == "" {
		return usageError{msg: c.t("cli.sync.give_the_portal_address_with")}
	}
	if w := portal.PlainHTTPWarning(*addr); w != nil {
		fmt.Fprintln(c.Stderr, translate.Message(w, c.lang))
	}
	pw, err := readPassword(c)
	if err != nil {
		return err
	}
	if pw == "" {
		return usageError{msg: c.t("cli.sync.give_the_password_on_standard")}
	}
	dir, err := dataDir(*data)
	if err != nil {
		return err
	}
	s, err := storage.Open(dir, storage.Options{Now: c.Now})
	if err != nil {
		return err
	}
	defer s.Close()
	client, err := portal.NewClient(*addr, syncer.PortalHTTP(), "")
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cred, err := syncer.Login(ctx, s, client, *user, pw)
	if err != nil {
		return err
	}
	if err := syncer.SaveCredentials(dir, cred); err != nil {
		return err
	}
	c.say("cli.sync.signed_in_to_as_until",
		cred.Portal, cred.User.Name, cred.User.Role, cred.ExpiresAt.In(time.Local).Format("2006-01-02 15:04"))
	return nil
}

// readPassword reads the password without echo when stdin is a terminal,
// else the first line of stdin, so scripts can pipe it.
func readPassword(c *ctx) (string, error) {
	if f, ok := c.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(c.Stderr, c.t("cli.sync.password"))
		pw, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.Stderr)
		if err != nil {
			return "", translate.Wrap(err, sv.EInvalid, "cli.error.cannot_read_the_password")
		}
		return string(pw), nil
	}
	pw, err := bufio.NewReader(c.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", translate.Wrap(err, sv.EInvalid, "cli.error.cannot_read_the_password")
	}
	return strings.TrimRight(pw, "\r\n"), nil
}

func runSync(c *ctx, args []string) error {
	fs, data := c.flags("sync", "cli.args.sync")
	// After the portal says the laptop's data went back in time (restored
	// from an old backup): a new device id, the unsent changes kept and
	// sent under it. The user's choice, decision 0024.
	reregister := fs.Bool("reregister", false, "register a new device id and send the unsent changes under it")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	dir, err := dataDir(*data)
	if err != nil {
		return err
	}
	cred, err := syncer.LoadCredentials(dir)
	if err != nil {
		return err
	}
	if !c.Now().Before(cred.ExpiresAt) {
		return translate.Errorf(portal.ErrUnauthorized, "cli.error.your_sign_in_has_expired_run")
	}
	s, err := storage.Open(dir, storage.Options{Now: c.Now})
	if err != nil {
		return err
	}
	defer s.Close()
	client, err := portal.NewClient(cred.Portal, syncer.PortalHTTP(), cred.Token)
	if err != nil {
		return err
	}
	if w := portal.PlainHTTPWarning(cred.Portal); w != nil {
		fmt.Fprintln(c.Stderr, translate.Message(w, c.lang))
	}
	// Ctrl-C stops the sync between steps; what was done stays done.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	eng := syncer.New(s, client, syncer.Options{Now: c.Now, Progress: func(p syncer.Progress) {
		switch p.Phase {
		case syncer.PhasePhotos:
			fmt.Fprintf(c.Stderr, "%s %d/%d (%.1f/%.1f MB)\n", c.t("cli.sync.photos"), p.Done, p.Total, float64(p.Bytes)/1e6, float64(p.TotalBytes)/1e6)
		case syncer.PhaseThumbnails:
			fmt.Fprintf(c.Stderr, "%s %d/%d\n", c.t("cli.sync.thumbnails"), p.Done, p.Total)
		}
	}})
	if *reregister {
		if err := eng.Reregister(ctx); err != nil {
			return err
		}
		c.say("cli.sync.this_laptop_registered_the_new", s.DeviceID())
	}
	r, err := eng.Sync(ctx)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			c.say("cli.sync.sync_cancelled_what_was_done")
			return exitCode(1)
		}
		return err
	}
	c.say("cli.sync.synced_sent_changes_photos_mb",
		r.Pushed, r.PhotosSent, float64(r.PhotoBytes)/1e6, r.Pulled)
	if r.NewDevice != nil {
		fmt.Fprintln(c.Stdout, translate.Message(r.NewDevice, c.lang))
	}
	if r.ClockSkew != nil {
		fmt.Fprintln(c.Stdout, translate.Message(r.ClockSkew, c.lang))
	}
	if r.ThumbnailsFetched > 0 || r.ThumbnailsLeft > 0 {
		c.say("cli.sync.photos_taken_on_other_laptops",
			r.ThumbnailsFetched, r.ThumbnailsLeft)
	}
	for _, rj := range r.Rejections {
		c.say("cli.sync.the_portal_refused", rj.Entity, rj.ID, rj.Message(c.lang))
	}
	if len(r.Rejections) > 0 {
		return exitCode(1)
	}
	return nil
}

// statusJSON is the output of `status --json`; the field names are a
// contract with scripts.
type statusJSON struct {
	Portal            string             `json:"portal"`
	User              string             `json:"user"`
	SignedIn          bool               `json:"signed_in"`
	PendingChanges    int                `json:"pending_changes"`
	PendingPhotos     int                `json:"pending_photos"`
	PendingPhotoBytes int64              `json:"pending_photo_bytes"`
	LastSync          *time.Time         `json:"last_sync"`
	Rejections        []portal.Rejection `json:"rejections"`
}

func runStatus(c *ctx, args []string) error {
	fs, data := c.flags("status", "cli.args.projects")
	asJSON := fs.Bool("json", false, c.t("cli.print_json"))
	if err := c.parse(fs, args); err != nil {
		return err
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
	st, err := syncer.ReadStatus(s)
	if err != nil {
		return err
	}
	out := statusJSON{PendingChanges: st.PendingChanges, PendingPhotos: st.PendingPhotos, PendingPhotoBytes: st.PendingPhotoBytes,
		LastSync: st.LastSync, Rejections: st.Rejections}
	if cred, err := syncer.LoadCredentials(dir); err == nil {
		out.Portal, out.User, out.SignedIn = cred.Portal, cred.User.Name, c.Now().Before(cred.ExpiresAt)
	}
	if *asJSON {
		return writeJSON(c, out)
	}
	if out.Portal == "" {
		c.say("cli.sync.portal_not_signed_in")
	} else {
		c.say("cli.sync.portal_user", out.Portal, out.User)
	}
	c.say("cli.sync.changes_waiting_photos_waiting_mb",
		out.PendingChanges, out.PendingPhotos, float64(out.PendingPhotoBytes)/1e6)
	if out.LastSync == nil {
		c.say("cli.sync.last_sync_never")
	} else {
		c.say("cli.sync.last_sync", out.LastSync.In(time.Local).Format("2006-01-02 15:04"))
	}
	for _, rj := range out.Rejections {
		c.say("cli.sync.the_portal_refused", rj.Entity, rj.ID, rj.Message(c.lang))
	}
	return nil
}
