package syncer

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"time"

	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// How a laptop keeps its device (decision 0024). The device id belongs to
// one portal user; the outbox holds only that user's changes. A sign-in
// by another user takes a new device id, and only with an empty outbox.
// When the portal resets the device, the laptop registers a new id and
// sends its unsent changes under it, by itself. When the portal says the
// laptop's data went back in time, re-registering is the user's choice
// (Engine.Reregister): older versions could overwrite newer ones. When the
// portal is a restored one (another epoch), the laptop sends again its
// own records the portal lacks or holds otherwise.

// Login signs the laptop of store in to the portal of client and returns
// the credentials to save. A user other than the one the laptop's device
// belongs to is signed in under a new device id, and refused while the
// outbox holds the other user's changes: they would be sent as the new
// user's.
func Login(ctx context.Context, store *storage.Store, client *portal.Client, user, password string) (Credentials, error) {
	owner, err := store.DeviceUser()
	if err != nil {
		return Credentials{}, err
	}
	if owner != "" && owner != user {
		if err := newDeviceForUser(store, owner); err != nil {
			return Credentials{}, err
		}
	}
	var resp portal.LoginResponse
	for attempt := 0; ; attempt++ {
		resp, err = client.Login(ctx, portal.LoginRequest{User: user, Password: password, Device: store.DeviceID()})
		code := sv.ErrorCode(err)
		if attempt > 0 || (code != portal.ErrDeviceReset && code != portal.ErrDeviceOwned) {
			break
		}
		// The id was reset by an administrator, or belongs to someone
		// else (a laptop shared before devices had owners): a new id.
		if code == portal.ErrDeviceOwned {
			if n, err := store.OutboxLen(); err != nil {
				return Credentials{}, err
			} else if n > 0 {
				return Credentials{}, translate.Errorf(portal.ErrDeviceOwned, "syncer.error.this_laptop_s_device_id_belongs", n)
			}
		}
		if err := store.Reregister(sv.NewID(time.Now()), nil, nil, false); err != nil {
			return Credentials{}, err
		}
	}
	if err != nil {
		return Credentials{}, err
	}
	if err := store.SetDeviceUser(resp.User.Name); err != nil {
		return Credentials{}, err
	}
	return Credentials{Portal: client.Base(), User: resp.User, Token: resp.Token, ExpiresAt: resp.ExpiresAt}, nil
}

// newDeviceForUser gives the laptop a new device id for a user switch,
// refusing while the previous user's changes wait.
func newDeviceForUser(store *storage.Store, owner string) error {
	n, err := store.OutboxLen()
	if err != nil {
		return err
	}
	if n > 0 {
		return translate.Errorf(sv.EConflict, "syncer.error.this_laptop_still_holds_changes_by", owner, n)
	}
	return store.Reregister(sv.NewID(time.Now()), nil, nil, false)
}

// Reregister registers a new device id for this laptop with the portal and
// numbers the outbox again under it, keeping every unsent change: how a
// laptop restored from an old backup continues, by the user's choice
// (`fieldbrief sync --reregister`). The next Sync sends the changes.
func (e *Engine) Reregister(ctx context.Context) error {
	return e.newDevice(ctx, nil, nil, false)
}

// newDevice registers a new id on the portal first, then here: a crash in
// between leaves the token bound to an id the laptop does not use, which
// the next push reports and a new sign-in mends; the outbox is safe.
func (e *Engine) newDevice(ctx context.Context, resend []storage.OwnRecord, bases map[string]sv.Finding, resetCursor bool) error {
	id := sv.NewID(e.opts.Now())
	if _, err := e.client.RegisterDevice(ctx, id); err != nil {
		return err
	}
	return e.store.Reregister(id, resend, bases, resetCursor)
}

// errNewEpoch tells Sync that the portal is a restored or rebuilt one;
// Sync sends again what the portal lacks and carries on.
var errNewEpoch = translate.Errorf(sv.EConflict, "syncer.error.the_portal_s_data_was_restored")

// epochOf returns the epoch part of a pull cursor.
func epochOf(cursor string) string {
	e, _, _ := strings.Cut(cursor, ".")
	return e
}

// resendOwn is what a laptop does on meeting a portal of another epoch: it
// reads the whole portal, compares each record this laptop's user sent
// from here with the portal's, and sends again under a new device id those
// the portal lacks or holds differently, then pulls from the beginning.
// A photo whose record the portal holds without its bytes is sent again
// too: Reregister then uploads its original, if it is still here.
func (e *Engine) resendOwn(ctx context.Context, r *Report) error {
	user, err := e.store.DeviceUser()
	if err != nil {
		return err
	}
	held := map[string][32]byte{}
	// unstored names the photos whose record the portal holds but whose
	// bytes it lacks: received after the backup it was restored from.
	unstored := map[string]bool{}
	findings := map[string]sv.Finding{}
	cursor := ""
	for {
		r.Requests++
		resp, err := e.client.Pull(ctx, cursor, e.opts.PullLimit)
		if err != nil {
			return err
		}
		for _, rec := range resp.Records {
			if rec.Deleted {
				continue
			}
			_, c, err := canonical(rec.Entity, rec.Data)
			if err != nil || c == nil {
				continue
			}
			held[rec.Entity+"\x00"+rec.ID] = sha256.Sum256(c)
			if rec.Entity == portal.EntityPhoto && resp.MarksStored && !rec.Stored {
				unstored[rec.ID] = true
			}
			if rec.Entity == portal.EntityFinding {
				var f sv.Finding
				if json.Unmarshal(rec.Data, &f) == nil {
					findings[rec.ID] = f
				}
			}
		}
		cursor = resp.Cursor
		if !resp.More {
			break
		}
	}
	own, err := e.store.OwnRecords(user)
	if err != nil {
		return err
	}
	var resend []storage.OwnRecord
	bases := map[string]sv.Finding{}
	for _, o := range own {
		h, has := held[o.Entity+"\x00"+o.ID]
		if o.Data == nil {
			if has {
				resend = append(resend, o) // deleted here after the backup
			}
			continue
		}
		_, c, err := canonical(o.Entity, o.Data)
		if err != nil || c == nil {
			continue
		}
		if has && h == sha256.Sum256(c) && (o.Entity != portal.EntityPhoto || !unstored[o.ID]) {
			continue
		}
		resend = append(resend, o)
		if f, ok := findings[o.ID]; ok && o.Entity == portal.EntityFinding {
			bases[o.ID] = f
		}
	}
	if err := e.newDevice(ctx, resend, bases, true); err != nil {
		return err
	}
	r.NewDevice = translate.Errorf(sv.EConflict, "syncer.error.restored_portal_new_device_id_resent", e.store.DeviceID(), len(resend))
	return nil
}

// afterGap reports whether a push refused for a gap met a portal of
// another epoch than the one the laptop last pulled from.
func (e *Engine) afterGap(body portal.ErrorBody) bool {
	st, err := e.store.SyncState()
	return err == nil && st.Cursor != "" && body.Epoch != "" && body.Epoch != epochOf(st.Cursor)
}
