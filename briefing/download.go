package briefing

import (
	"sync"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// Downloading is a Source that downloads, on the way, the originals of
// photos taken on another laptop that a document prints, so the document
// shows the picture instead of "not on this laptop": fetch gets the
// original and stores the print and display copies made from it. Each
// photo is asked for once; after a failure for which giveUp is true (the
// link or the sign-in is gone), no more are.
type Downloading struct {
	Source
	fetch  func(hash string) error
	giveUp func(error) bool

	mu         sync.Mutex // the report looks photos up from several goroutines
	tried      map[string]bool
	stopped    bool
	downloaded int
}

// NewDownloading wraps src.
func NewDownloading(src Source, fetch func(hash string) error, giveUp func(error) bool) *Downloading {
	return &Downloading{Source: src, fetch: fetch, giveUp: giveUp, tried: map[string]bool{}}
}

// PhotoBlob reads a rendition; a missing print or display copy is
// downloaded first.
func (s *Downloading) PhotoBlob(hash string, kind storage.BlobKind) ([]byte, error) {
	b, err := s.Source.PhotoBlob(hash, kind)
	if err == nil || sv.ErrorCode(err) != sv.ENotFound || (kind != storage.BlobPrint && kind != storage.BlobDisplay) {
		return b, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped || s.tried[hash] {
		return s.Source.PhotoBlob(hash, kind)
	}
	s.tried[hash] = true
	if ferr := s.fetch(hash); ferr != nil {
		if s.giveUp(ferr) {
			s.stopped = true
		}
		return b, err
	}
	s.downloaded++
	return s.Source.PhotoBlob(hash, kind)
}

// Downloaded is how many photos were downloaded.
func (s *Downloading) Downloaded() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.downloaded
}

// GaveUp reports whether downloading stopped because the portal could not
// be reached or refused the sign-in.
func (s *Downloading) GaveUp() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stopped
}
