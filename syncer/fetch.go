package syncer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"sync"

	"fieldbrief/photo"
	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// Photos taken on another laptop come down in two steps. Each sync fetches
// the thumbnails of the photos its pull brought the records of, so that
// lists show pictures at once and cost little; the original comes only when
// someone opens the photo in full or prints it, and this laptop then makes
// the display and print copies itself, as an import does.

// thumbBatch bounds how many downloaded thumbnails, and how many bytes of
// them, wait in memory before they are written in one transaction.
const (
	thumbBatch      = 32
	thumbBatchBytes = 4 << 20
)

// FetchThumbnails downloads the thumbnails of photos whose records came
// from the portal without bytes, a few at a time. A thumbnail that does not
// come (the portal lacks the photo yet, or the link dropped) is left for
// the next sync and counted in r.ThumbnailsLeft; only a cancelled ctx or a
// store that cannot write makes it fail.
func (e *Engine) FetchThumbnails(ctx context.Context, r *Report) error {
	hashes, err := e.store.PhotosToFetch()
	if err != nil || len(hashes) == 0 {
		return err
	}
	outer := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu         sync.Mutex
		batch      = map[string][]byte{}
		batchBytes int
		storeErr   error
		done       int
	)
	// flush is called with mu held.
	flush := func() {
		if len(batch) == 0 || storeErr != nil {
			return
		}
		if err := e.store.PutPulledThumbnails(batch); err != nil {
			storeErr = err
			cancel()
			return
		}
		done += len(batch)
		e.progress(Progress{Phase: PhaseThumbnails, Done: done, Total: len(hashes)})
		batch, batchBytes = map[string][]byte{}, 0
	}
	inParallel(ctx, e.opts.Parallel, hashes, func(h string) {
		data, err := e.client.Thumbnail(ctx, h)
		mu.Lock()
		defer mu.Unlock()
		r.Requests++
		switch code := sv.ErrorCode(err); {
		case err == nil:
			batch[h] = data
			batchBytes += len(data)
			if len(batch) >= thumbBatch || batchBytes >= thumbBatchBytes {
				flush()
			}
		case code == sv.EUnavailable || code == portal.ErrUnauthorized || code == portal.ErrCertificate:
			// The link or the sign-in is gone: every other request
			// would fail the same way, after a wait each.
			cancel()
		}
	})
	mu.Lock()
	defer mu.Unlock()
	flush()
	r.ThumbnailsFetched += done
	r.ThumbnailsLeft += len(hashes) - done
	if storeErr != nil {
		return storeErr
	}
	return outer.Err()
}

// FetchPhoto downloads a photo taken on another laptop. Without original
// it fetches the thumbnail only. With original it fetches the original
// bytes, refuses them unless they hash to the photo's SHA-256, makes the
// display, print and thumbnail copies here, and stores them in one
// transaction; the original itself stays only when the user keeps
// originals (see storage.Store.PutFetchedPhoto). No outbox entry is made:
// these are copies of what the portal holds.
func (e *Engine) FetchPhoto(ctx context.Context, hash string, original bool) error {
	if !original {
		thumb, err := e.client.Thumbnail(ctx, hash)
		if err != nil {
			return err
		}
		return e.store.PutPulledPhotoBlob(hash, storage.BlobThumbnail, thumb)
	}
	meta, err := e.store.Photo(hash)
	if err != nil {
		return err
	}
	data, err := e.client.Photo(ctx, hash)
	if err != nil {
		return err
	}
	if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != hash {
		return translate.Errorf(sv.EUnavailable, "syncer.error.the_downloaded_photo_is_incomplete_or")
	}
	p, err := e.opts.Processor.Process(meta.FileName, data)
	if err != nil {
		var rej *photo.Rejection
		if errors.As(err, &rej) {
			reason := func(l sv.Lang) string { return rej.Message(string(l)) }
			return translate.Wrap(err, sv.EInvalid, "syncer.error.this_photo_on_the_portal_cannot", translate.PerLanguage(reason))
		}
		return err
	}
	return e.store.PutFetchedPhoto(hash, storage.PhotoBlobs{Original: data, Display: p.Display, Print: p.Print, Thumbnail: p.Thumb})
}

// Unreachable reports whether err means the portal cannot be used now —
// no link, a lapsed sign-in, or the work was cancelled — so that asking it
// for more photos would only fail again.
func Unreachable(err error) bool {
	var netErr net.Error
	return errors.As(err, &netErr) || sv.ErrorCode(err) == portal.ErrUnauthorized || errors.Is(err, context.Canceled)
}
