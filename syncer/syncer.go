// Package syncer is fieldbrief's client sync engine: it pushes the laptop's
// outbox to the portal, uploads the photos the portal lacks, and pulls what
// changed elsewhere — so that nothing is lost and nothing doubled, whatever
// the network does in between. It has no user interface; the app and the
// command line drive it and show its Progress and errors.
//
// The protocol is in docs/sync-protocol.md. In short:
//   - push sends outbox entries in order, numbered per device; the portal
//     applies each number once, so a lost response is simply pushed again;
//   - photos go up by tus, resuming from the portal's offset after a cut;
//   - pull applies each page and its cursor in one transaction;
//   - findings carry a hybrid logical clock per field, stamped here from
//     the difference between each pushed version and the one before, and the
//     portal merges field by field.
package syncer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"fieldbrief/photo"
	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Options tune an Engine; zero values take the defaults noted.
type Options struct {
	// PushBatch is how many outbox entries go in one push; default 200.
	PushBatch int
	// PullLimit is how many records one pull page holds; default 500.
	PullLimit int
	// ChunkSize is the size of one tus PATCH; default 1 MiB. After a cut
	// at most one chunk is sent again.
	ChunkSize int64
	// Parallel is how many photos upload at once; default 6.
	Parallel int
	// Retries bounds how often one photo upload resumes after a cut within
	// a sync; default 20.
	Retries int
	// Backoff is the first wait before resuming; it doubles up to 5 s.
	// Default 200 ms.
	Backoff time.Duration
	// Progress, when set, is told what the engine is doing, one call at a
	// time from the engine's goroutines; the UI wraps it in fyne.Do.
	Progress func(Progress)
	// Now is the clock; default time.Now.
	Now func() time.Time
	// Processor makes the display, print and thumbnail copies of an
	// original downloaded from the portal; default photo's defaults, the
	// same copies an import makes.
	Processor *photo.Processor
}

// Progress reports one step of a sync.
type Progress struct {
	Phase      Phase
	Done       int
	Total      int
	Bytes      int64
	TotalBytes int64
}

// Phase names a part of a sync.
type Phase string

// Phases, in the order a sync runs them.
const (
	PhasePush   Phase = "push"
	PhasePhotos Phase = "photos"
	PhasePull   Phase = "pull"
	// PhaseThumbnails downloads the thumbnails of photos taken on other
	// laptops that the pull brought the records of.
	PhaseThumbnails Phase = "thumbnails"
	PhaseDone       Phase = "done"
)

// Report says what one sync did.
type Report struct {
	Pushed        int
	Rejected      int
	PhotosSent    int
	PhotoBytes    int64 // bytes of photos that the portal did not have
	BytesSent     int64 // bytes of photo data sent in PATCH bodies, resends included
	Resumes       int   // uploads resumed after a cut
	Pulled        int
	Requests      int
	Rejections    []portal.Rejection
	CompletedAt   time.Time
	PhotosSkipped int // photos the portal already had
	// ThumbnailsFetched thumbnails of other laptops' photos arrived;
	// ThumbnailsLeft did not (the portal lacks the photo yet, or the link
	// went) and are asked for again by the next sync.
	ThumbnailsFetched int
	ThumbnailsLeft    int
	// NewDevice is set when this sync registered a new device id (the
	// portal reset the device, or was restored from a backup) and says why,
	// so the user hears of it; nothing was lost (decision 0024).
	NewDevice *sv.Error
	// ClockSkew is set when the portal found this laptop's clock ahead of
	// its own and clamped the changes' times: the user should set the
	// clock right, or their edits lose to colleagues' later ones.
	ClockSkew *sv.Error
}

// clockSkewWarning words the portal's report that the laptop's clock runs
// ahead, in minutes as people set clocks.
func clockSkewWarning(seconds int64) *sv.Error {
	minutes := (seconds + 59) / 60
	return translate.Errorf(sv.EInvalid, "syncer.error.this_laptop_s_clock_is_about", minutes)
}

// Engine syncs one store with one portal.
type Engine struct {
	store      *storage.Store
	client     *portal.Client
	opts       Options
	progressMu sync.Mutex
}

// New returns an engine for store and the portal behind client (which
// must carry a token).
func New(store *storage.Store, client *portal.Client, opts Options) *Engine {
	if opts.PushBatch <= 0 {
		opts.PushBatch = 200
	}
	if opts.PullLimit <= 0 {
		opts.PullLimit = 500
	}
	if opts.ChunkSize <= 0 {
		opts.ChunkSize = 1 << 20
	}
	if opts.Parallel <= 0 {
		opts.Parallel = 6
	}
	if opts.Retries <= 0 {
		opts.Retries = 20
	}
	if opts.Backoff <= 0 {
		opts.Backoff = 200 * time.Millisecond
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Processor == nil {
		opts.Processor = photo.NewProcessor(photo.Options{})
	}
	return &Engine{store: store, client: client, opts: opts}
}

// progress reports to the caller one call at a time, although pushes and
// uploads run side by side, so the caller's callback needs no lock.
func (e *Engine) progress(p Progress) {
	if e.opts.Progress != nil {
		e.progressMu.Lock()
		defer e.progressMu.Unlock()
		e.opts.Progress(p)
	}
}

// Sync runs push, photo upload and pull once, then downloads the
// thumbnails of photos the pull brought the records of. Every step is safe to
// interrupt (by ctx, a cut or a killed process) and to run again.
func (e *Engine) Sync(ctx context.Context) (Report, error) {
	var r Report
	err := e.syncOnce(ctx, &r)
	if errors.Is(err, errNewEpoch) {
		// A restored portal: send again what it lacks of this laptop's
		// own records, under a new device id, then sync from the start.
		if err := e.resendOwn(ctx, &r); err != nil {
			return r, err
		}
		err = e.syncOnce(ctx, &r)
	}
	return r, err
}

func (e *Engine) syncOnce(ctx context.Context, r *Report) error {
	// Records and photo bytes go up side by side: a visit may name photos
	// the portal has not received yet, and over a slow link the records'
	// round trips then hide behind the photos' bytes.
	var photos Report
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	photoErr := make(chan error, 1)
	go func() { photoErr <- e.UploadPhotos(pctx, &photos) }()
	pushErr := e.Push(ctx, r)
	if pushErr != nil {
		cancel()
	}
	err := <-photoErr
	r.PhotosSent += photos.PhotosSent
	r.PhotoBytes += photos.PhotoBytes
	r.BytesSent += photos.BytesSent
	r.Resumes += photos.Resumes
	r.PhotosSkipped += photos.PhotosSkipped
	r.Requests += photos.Requests
	r.Rejected += photos.Rejected
	r.Rejections = append(r.Rejections, photos.Rejections...)
	if pushErr != nil {
		return pushErr
	}
	if err != nil {
		return err
	}
	if err := e.Pull(ctx, r); err != nil {
		return err
	}
	// The records are in; a thumbnail that does not come now is asked for
	// again next time, so only cancelling stops the sync here.
	if err := e.FetchThumbnails(ctx, r); err != nil {
		return err
	}
	// Only now, with the portal's epoch checked by the pull (a restored
	// portal was sent what it lacks first), may originals it confirmed
	// long enough ago go.
	if _, err := e.store.LetGoOriginals(); err != nil {
		return err
	}
	r.CompletedAt = e.opts.Now()
	if err := e.store.SetLastSync(r.CompletedAt); err != nil {
		return err
	}
	e.progress(Progress{Phase: PhaseDone})
	return nil
}

// Push sends the outbox in order until it is empty.
func (e *Engine) Push(ctx context.Context, r *Report) error {
	total, err := e.store.OutboxLen()
	if err != nil || total == 0 {
		return err
	}
	st, err := e.store.SyncState()
	if err != nil {
		return err
	}
	clock := portal.ParseHLC(st.HLC)
	done := 0
	reset := false
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		device := e.store.DeviceID()
		batch, err := e.store.Outbox(0, e.opts.PushBatch)
		if err != nil || len(batch) == 0 {
			return err
		}
		batch = fitBatch(batch)
		req := portal.PushRequest{Device: device, Changes: make([]portal.Change, 0, len(batch))}
		bases := map[string]*sv.Finding{}
		var pushed []sv.Finding
		for _, c := range batch {
			w := c // the outbox keeps the wire's record; the clocks are set below
			if c.Entity == portal.EntityFinding && c.Op == portal.OpPut {
				var f sv.Finding
				if err := json.Unmarshal(c.Data, &f); err != nil {
					return translate.Wrap(err, sv.EInternal, "syncer.error.a_finding_waiting_to_sync_cannot")
				}
				base, seen := bases[c.ID]
				if !seen {
					if b, ok, err := e.store.FindingBase(c.ID); err != nil {
						return err
					} else if ok {
						base = &b
					}
				}
				if fields := portal.ChangedFields(base, f); len(fields) > 0 {
					clock = clock.Tick(c.At, device)
					w.Clocks = map[string]string{}
					for _, name := range fields {
						w.Clocks[name] = clock.String()
					}
				} else {
					w.Clocks = map[string]string{}
				}
				bases[c.ID] = &f
				pushed = append(pushed, f)
			}
			req.Changes = append(req.Changes, w)
		}
		r.Requests++
		resp, err := e.client.Push(ctx, req)
		if err != nil {
			var ref *portal.RefusalError
			if errors.As(err, &ref) && ref.Body.Code == portal.ErrDeviceReset && !reset {
				// An administrator reset this device: a new id, the
				// same changes (decision 0024).
				reset = true
				if err := e.newDevice(ctx, nil, nil, false); err != nil {
					return err
				}
				r.NewDevice = translate.Errorf(portal.ErrDeviceReset, "syncer.error.an_administrator_reset_this_laptop_s", e.store.DeviceID())
				continue
			}
			if errors.As(err, &ref) && ref.Body.Code == portal.ErrGap && e.afterGap(ref.Body) {
				return errNewEpoch
			}
			if errors.As(err, &ref) && ref.Body.Code == portal.ErrGap {
				return translate.Wrap(err, sv.EConflict, "syncer.error.the_portal_is_missing_earlier_changes")
			}
			return err
		}
		if resp.ClockSkewSeconds > 0 {
			r.ClockSkew = clockSkewWarning(resp.ClockSkewSeconds)
		}
		ack := storage.Acked{Seq: min(resp.Acked, batch[len(batch)-1].Seq), HLC: clock.String(), Bases: pushed}
		ack.Rejections = resp.Rejections
		if err := e.store.AckPushed(ack); err != nil {
			return err
		}
		r.Pushed += len(batch)
		r.Rejected += len(ack.Rejections)
		r.Rejections = append(r.Rejections, ack.Rejections...)
		done += len(batch)
		e.progress(Progress{Phase: PhasePush, Done: done, Total: max(total, done)})
	}
}

// pushBytes bounds the records' data in one push, well under the
// portal's limit for a request body (8 MiB unpacked), so a run of large
// records goes up in several pushes rather than being refused.
const pushBytes = 4 << 20

// fitBatch cuts batch at pushBytes of data, keeping at least one entry.
func fitBatch(batch []portal.Change) []portal.Change {
	size := 0
	for i, c := range batch {
		size += len(c.Data)
		if i > 0 && size > pushBytes {
			return batch[:i]
		}
	}
	return batch
}

// Pull applies pages of records changed on the portal until it has no more.
func (e *Engine) Pull(ctx context.Context, r *Report) error {
	st, err := e.store.SyncState()
	if err != nil {
		return err
	}
	cursor := st.Cursor
	clock := portal.ParseHLC(st.HLC)
	clock.Node = e.store.DeviceID()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.Requests++
		resp, err := e.client.Pull(ctx, cursor, e.opts.PullLimit)
		if err != nil {
			return err
		}
		if resp.Reset && cursor != "" {
			// Another epoch: the portal may lack what it had acknowledged.
			return errNewEpoch
		}
		page := make([]storage.Pulled, 0, len(resp.Records))
		for _, rec := range resp.Records {
			for _, c := range rec.Clocks {
				if rec.Entity == portal.EntityFinding {
					clock = clock.Observe(c)
				}
			}
			page = append(page, storage.Pulled{Entity: rec.Entity, ID: rec.ID, Deleted: rec.Deleted, Data: rec.Data, Stored: rec.Stored || !resp.MarksStored})
		}
		hlc := ""
		if clock.Wall > 0 {
			hlc = clock.String()
		}
		n, err := e.store.ApplyPulled(page, resp.Cursor, hlc)
		if err != nil {
			return err
		}
		r.Pulled += n
		cursor = resp.Cursor
		e.progress(Progress{Phase: PhasePull, Done: r.Pulled})
		if !resp.More {
			return nil
		}
	}
}

// UploadPhotos asks which of the laptop's photos the portal lacks and
// uploads those, resuming each after a cut from the portal's offset.
func (e *Engine) UploadPhotos(ctx context.Context, r *Report) error {
	pending, err := e.store.PendingPhotos()
	if err != nil || len(pending) == 0 {
		return err
	}
	// A photo the portal refused waits until its user has seen why and
	// dismissed the refusal: sending the same bytes again would only be
	// refused again.
	refused, err := e.refusedPhotos()
	if err != nil {
		return err
	}
	byHash := map[string]sv.Photo{}
	hashes := make([]string, 0, len(pending))
	for _, p := range pending {
		if refused[p.Hash] {
			continue
		}
		byHash[p.Hash] = p
		hashes = append(hashes, p.Hash)
	}
	var missing []string
	for start := 0; start < len(hashes); start += 1000 {
		r.Requests++
		m, err := e.client.Missing(ctx, hashes[start:min(start+1000, len(hashes))])
		if err != nil {
			return err
		}
		missing = append(missing, m...)
	}
	lacks := map[string]bool{}
	var totalBytes int64
	for _, h := range missing {
		lacks[h] = true
		totalBytes += byHash[h].Size
	}
	var have []string
	for _, h := range hashes {
		if !lacks[h] {
			have = append(have, h)
		}
	}
	r.PhotosSkipped = len(have)
	if len(have) > 0 {
		if err := e.store.MarkUploaded(have...); err != nil {
			return err
		}
	}
	// A few uploads run at once so that one photo's round trips and the
	// laptop's and portal's disk syncs overlap another's bytes on the line.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu       sync.Mutex
		firstErr error
		sent     int64
		done     int
		// uploaded collects finished photos, marked in batches: a crash
		// before marking only means asking the portal about them again.
		uploaded []string
	)
	flush := func() error {
		if len(uploaded) == 0 {
			return nil
		}
		err := e.store.MarkUploaded(uploaded...)
		uploaded = uploaded[:0]
		return err
	}
	inParallel(ctx, e.opts.Parallel, missing, func(h string) {
		var one Report
		err := e.upload(ctx, byHash[h], &one)
		mu.Lock()
		defer mu.Unlock()
		r.Requests += one.Requests
		r.BytesSent += one.BytesSent
		r.Resumes += one.Resumes
		r.PhotoBytes += one.PhotoBytes
		if rj, ok := photoRefusal(err, h, e.opts.Now()); ok {
			// The portal will not take this photo; the others and the
			// pull go on, and the user is told why.
			r.Rejected++
			r.Rejections = append(r.Rejections, rj)
			if err := e.store.AckPushed(storage.Acked{Rejections: []portal.Rejection{rj}}); err != nil && firstErr == nil {
				firstErr = err
				cancel()
			}
			return
		}
		if err != nil && firstErr == nil {
			firstErr = err
			cancel()
		}
		if err == nil {
			r.PhotosSent++
			done++
			sent += byHash[h].Size
			uploaded = append(uploaded, h)
			if len(uploaded) >= 64 {
				if err := flush(); err != nil && firstErr == nil {
					firstErr = err
					cancel()
				}
			}
			e.progress(Progress{Phase: PhasePhotos, Done: done, Total: len(missing), Bytes: sent, TotalBytes: totalBytes})
		}
	})
	if err := flush(); err != nil && firstErr == nil {
		firstErr = err
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return firstErr
}

// photoRefusalDevice prefixes the Device of a refused photo's Rejection:
// a photo has no change number, so its hash keys the refusal instead, one
// per photo however often it is refused.
const photoRefusalDevice = "photo:"

// photoRefusal tells whether err is the portal refusing this photo itself
// (too large, damaged, not allowed) rather than the link, the sign-in or a
// fault of the portal, and makes the refusal to show the user.
func photoRefusal(err error, hash string, now time.Time) (portal.Rejection, bool) {
	var ref *portal.RefusalError
	if !errors.As(err, &ref) || ref.Status < 400 || ref.Status >= 500 {
		return portal.Rejection{}, false
	}
	switch ref.Status {
	case http.StatusUnauthorized, http.StatusRequestTimeout, http.StatusTooManyRequests,
		// tus: the upload is gone or its offset moved; the next sync
		// starts it again or resumes it, as before.
		http.StatusNotFound, http.StatusConflict, http.StatusGone:
		return portal.Rejection{}, false
	}
	return portal.Rejection{Device: photoRefusalDevice + hash, Entity: portal.EntityPhoto, ID: hash,
		Code: ref.Err.Code, Zh: ref.Err.Zh, En: ref.Err.En, At: now.UTC()}, true
}

// refusedPhotos returns the hashes of photos whose refusal the user has
// not dismissed yet.
func (e *Engine) refusedPhotos() (map[string]bool, error) {
	rs, err := e.store.Rejections()
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, r := range rs {
		if hash, ok := strings.CutPrefix(r.Device, photoRefusalDevice); ok {
			out[hash] = true
		}
	}
	return out, nil
}

// inParallel calls do with each item on n goroutines at once, and returns
// when all that were started are done. Once ctx ends, no more are started.
func inParallel(ctx context.Context, n int, items []string, do func(item string)) {
	work := make(chan string)
	var wg sync.WaitGroup
	for range min(n, len(items)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for it := range work {
				// Taken just as the work was cancelled: a request
				// now would only fail, or wait on a dead link.
				if ctx.Err() == nil {
					do(it)
				}
			}
		}()
	}
feed:
	for _, it := range items {
		// select picks at random among ready cases, so a cancellation
		// must be checked first, or a waiting worker still gets items.
		if ctx.Err() != nil {
			break
		}
		select {
		case work <- it:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
}

// upload sends one photo by tus. The upload's address is kept in the store,
// so a resume works across restarts; a transport fault is retried from the
// offset the portal reports, so at most the chunk in flight is sent again.
func (e *Engine) upload(ctx context.Context, p sv.Photo, r *Report) error {
	data, err := e.store.PhotoBlob(p.Hash, storage.BlobOriginal)
	if err != nil {
		return err
	}
	size := int64(len(data))
	url, err := e.store.UploadURL(p.Hash)
	if err != nil {
		return err
	}
	var offset int64
	wait := e.opts.Backoff
	for attempt := 0; ; attempt++ {
		before := offset
		err := func() error {
			if url != "" {
				r.Requests++
				off, err := e.client.UploadOffset(ctx, url)
				if sv.ErrorCode(err) == sv.ENotFound {
					url = ""
				} else if err != nil {
					return err
				} else {
					offset = off
				}
			}
			if url == "" {
				r.Requests++
				first := data[:min(e.opts.ChunkSize, size)]
				r.BytesSent += int64(len(first))
				u, off, err := e.client.CreateUpload(ctx, size, p.Hash, p.FileName, first)
				if err != nil {
					return err
				}
				// A photo of one chunk gains nothing from resuming after a
				// restart (the chunk is sent again either way), so only
				// larger ones cost a write to remember their upload.
				if size > e.opts.ChunkSize {
					if err := e.store.SetUploadURL(p.Hash, u); err != nil {
						return err
					}
				}
				url, offset = u, off
			}
			for offset < size {
				n := min(e.opts.ChunkSize, size-offset)
				r.Requests++
				r.BytesSent += n
				off, err := e.client.PatchUpload(ctx, url, offset, bytes.NewReader(data[offset:offset+n]), n)
				if err != nil {
					return err
				}
				offset = off
			}
			return nil
		}()
		if err == nil {
			break
		}
		if ctx.Err() != nil || sv.ErrorCode(err) != sv.EUnavailable || attempt >= e.opts.Retries {
			return err
		}
		// A cut: wait, then ask the portal how far it got. A link that
		// drops now and then but moves data is not a dead link: the wait
		// starts short again after progress.
		r.Resumes++
		if offset > before {
			wait = e.opts.Backoff
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 5*time.Second)
	}
	r.PhotoBytes += size
	return nil
}
