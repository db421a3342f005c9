package storage

import (
	bolt "go.etcd.io/bbolt"

	sv "fieldbrief/supervision"
)

// Photos taken on another laptop arrive as records first; their bytes
// follow from the portal: the thumbnail with the next sync, the original
// when someone opens the photo or prints it. What is downloaded is this
// laptop's copy, not a change: no outbox entry.

// bSyncFetch lists the photos whose record came from the portal with no
// bytes on this laptop: sha256 → nothing. An entry is made when a pull
// brings a photo not seen here, and removed when its thumbnail is stored,
// so a sync with nothing to download reads one empty bucket, and a download
// that failed is tried again by the next sync.
var bSyncFetch = []byte("sync_fetch")

// queueFetch remembers that a pulled photo's bytes are still on the portal.
func queueFetch(tx *bolt.Tx, hash string) error {
	b, err := tx.CreateBucketIfNotExists(bSyncFetch)
	if err != nil {
		return err
	}
	return b.Put([]byte(hash), nil)
}

// unqueueFetch forgets a photo whose thumbnail is now here (or that is gone).
func unqueueFetch(tx *bolt.Tx, hash string) error {
	if b := tx.Bucket(bSyncFetch); b != nil {
		return b.Delete([]byte(hash))
	}
	return nil
}

// PhotosToFetch returns the photos pulled from the portal whose thumbnail
// has not been downloaded yet, in hash order.
func (s *Store) PhotosToFetch() ([]string, error) {
	var out []string
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bSyncFetch)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, _ []byte) error {
			out = append(out, string(k))
			return nil
		})
	})
	return out, err
}

// PutPulledThumbnails stores thumbnails downloaded from the portal, hash →
// bytes, in one transaction, and takes them off the list PhotosToFetch
// reads. A photo deleted meanwhile is skipped, and a thumbnail already
// stored (made here from the original) is kept.
func (s *Store) PutPulledThumbnails(thumbs map[string][]byte) error {
	if len(thumbs) == 0 {
		return nil
	}
	return s.update(func(tx *bolt.Tx) error {
		pb := tx.Bucket(bPhotos)
		for hash, data := range thumbs {
			if err := unqueueFetch(tx, hash); err != nil {
				return err
			}
			if pb.Get([]byte(hash)) == nil || blobGet(tx, hash, BlobThumbnail) != nil {
				continue
			}
			if err := blobPut(tx, hash, BlobThumbnail, data); err != nil {
				return err
			}
		}
		return nil
	})
}

// PutFetchedPhoto stores what this laptop made from an original downloaded
// from the portal, in one transaction: the display and print copies, the
// thumbnail unless one is stored, and the original itself only when the
// photo is not uploaded yet or the user keeps originals: bytes that came
// from the portal need no retention period (see LetGoOriginals) to guard
// them, the portal holds them.
func (s *Store) PutFetchedPhoto(hash string, blobs PhotoBlobs) error {
	return s.update(func(tx *bolt.Tx) error {
		var p sv.Photo
		if err := getPhoto(tx, hash, &p); err != nil {
			return err
		}
		keepOriginal := !p.Uploaded || tx.Bucket(bMeta).Get(kKeepOriginals) != nil
		for _, r := range []struct {
			kind BlobKind
			data []byte
			put  bool
		}{
			{BlobDisplay, blobs.Display, true},
			{BlobPrint, blobs.Print, true},
			{BlobThumbnail, blobs.Thumbnail, blobGet(tx, hash, BlobThumbnail) == nil},
			{BlobOriginal, blobs.Original, keepOriginal},
		} {
			if r.data == nil || !r.put {
				continue
			}
			if err := blobPut(tx, hash, r.kind, r.data); err != nil {
				return err
			}
		}
		return unqueueFetch(tx, hash)
	})
}

// PhotoState sums up where the photos of a visit are.
type PhotoState struct {
	// Photos is how many photos the visit and its answers list.
	Photos int
	// Waiting is how many of them this laptop still has to upload, and
	// WaitingBytes their size.
	Waiting      int
	WaitingBytes int64
	// NotDownloaded is how many were taken on another laptop, are on the
	// portal, and have nothing on this one yet, not even a thumbnail.
	NotDownloaded int
	// NotUploaded is how many were taken on another laptop that has not
	// uploaded them yet (or whose record has not arrived): nothing here
	// can fetch them until that laptop syncs.
	NotUploaded int
}

// VisitPhotoStates returns the photo state of each visit named, in one
// read transaction: the visit's own photos and its answers' photos, each
// counted once.
func (s *Store) VisitPhotoStates(ids ...string) (map[string]PhotoState, error) {
	out := make(map[string]PhotoState, len(ids))
	err := s.view(func(tx *bolt.Tx) error {
		insp, photos, blobs := tx.Bucket(bVisits), tx.Bucket(bPhotos), tx.Bucket(bBlobs)
		queued := tx.Bucket(bSyncFetch)
		for _, id := range ids {
			if insp.Get([]byte(id)) == nil {
				continue
			}
			// The visit's photos and its answers', each once, from the
			// photo index.
			listed := map[string]bool{}
			listedBy(tx, append(visitRef(id), 0), listed)
			listedBy(tx, answerRef(id, ""), listed)
			var st PhotoState
			for h := range listed {
				st.Photos++
				rec := photos.Get([]byte(h))
				b := blobs.Bucket([]byte(h))
				if rec == nil || b == nil || (b.Get([]byte{byte(BlobThumbnail)}) == nil && b.Get([]byte{byte(BlobDisplay)}) == nil) {
					// A pulled photo is queued once the portal holds its
					// bytes (see applyRecord); until then it is not there.
					if rec != nil && queued != nil && queued.Get([]byte(h)) != nil {
						st.NotDownloaded++
					} else {
						st.NotUploaded++
					}
					continue
				}
				var p struct {
					Size     int64 `json:"size"`
					Uploaded bool  `json:"uploaded"`
				}
				if err := decode(rec, &p, "photo"); err != nil {
					return err
				}
				if !p.Uploaded && b.Get([]byte{byte(BlobOriginal)}) != nil {
					st.Waiting++
					st.WaitingBytes += p.Size
				}
			}
			out[id] = st
		}
		return nil
	})
	return out, err
}
