package app

import (
	"errors"
	"net"
	"strings"

	"fieldbrief/briefing"
	"fieldbrief/portal"
	"fieldbrief/storage"
	"fieldbrief/syncer"
)

// Photos taken on another laptop arrive as records; their bytes stay on the
// portal until wanted. The viewer asks for the thumbnails it lacks and, when
// a photo is opened in full or printed, for the original, from which the
// engine makes the display and print copies here. Downloads run one after
// another in the background, under the status bar's life, so closing the
// window stops them.

// photoEngine returns an engine to download photos with now, or nil when
// the laptop is signed out, its sign-in has lapsed, or the portal did not
// answer the last check. While the first check is still out it is tried:
// a failure then says the same as offline.
func (s *syncUI) photoEngine() *syncer.Engine {
	if s == nil || s.cred == nil || s.expired || (s.known && !s.online) {
		return nil
	}
	client, err := portal.NewClient(s.cred.Portal, s.http, s.cred.Token)
	if err != nil {
		return nil
	}
	return syncer.New(s.cfg.Store, client, syncer.Options{})
}

// downloadPhotos downloads the photos' thumbnails, or with original their
// originals and the copies made from them, one at a time in the
// background; after each, arrived runs there too, with the download's
// error. It returns false, and does nothing, when the portal cannot be used
// now. Called on the UI goroutine.
func (ui *mainUI) downloadPhotos(hashes []string, original bool, arrived func(hash string, err error)) bool {
	eng := ui.sync.photoEngine()
	if eng == nil {
		return false
	}
	life := ui.sync.life
	ui.sync.background(func() {
		for _, h := range hashes {
			if life.Err() != nil {
				return
			}
			arrived(h, eng.FetchPhoto(life, h, original))
		}
	})
	return true
}

// missingPhotoText says why a photo's picture is not shown yet: it is on
// its way (err nil), it waits for the network or a sign-in, or what the
// portal or the check of the bytes said, in the user's language.
func (ui *mainUI) missingPhotoText(err error) string {
	var netErr net.Error
	switch {
	case err == nil:
		return t0("photo.downloading")
	case errors.As(err, &netErr):
		return t0("photo.on_portal")
	}
	return ui.message(err)
}

// photosArrived tells the screens that a sync may have brought photo
// bytes or sent some: the open viewer fills the pictures it lacked, and
// the visit and project screens recount their photos.
func (ui *mainUI) photosArrived() {
	if pv := ui.photoView; pv != nil && pv.visible() {
		pv.retryMissing()
	}
	if ui.visit != nil && ui.visit.loaded {
		ui.visit.loadPhotoState()
	}
	if ui.project != nil {
		ui.project.loadPhotoStates()
	}
}

// photoStateText sums up where a visit's photos are, "" for a visit
// without photos.
func photoStateText(st storage.PhotoState) string {
	if st.Photos == 0 {
		return ""
	}
	var parts []string
	if st.Waiting > 0 {
		parts = append(parts, t("photo.state_waiting", st.Waiting, mb(st.WaitingBytes)))
	}
	if st.NotDownloaded > 0 {
		parts = append(parts, t("photo.state_not_downloaded", st.NotDownloaded))
	}
	if st.NotUploaded > 0 {
		parts = append(parts, t("photo.state_not_uploaded", st.NotUploaded))
	}
	if len(parts) == 0 {
		return t("photo.state_on_portal", st.Photos)
	}
	return strings.Join(parts, " · ")
}

// briefSource returns what a brief reads: the store, downloading on the
// way the originals of colleagues' photos it prints when the portal can be
// used now. Called on the UI goroutine.
func (ui *mainUI) briefSource() briefing.Source {
	eng := ui.sync.photoEngine()
	if eng == nil {
		return ui.cfg.Data
	}
	life := ui.sync.life
	return briefing.NewDownloading(ui.cfg.Data, func(hash string) error { return eng.FetchPhoto(life, hash, true) }, syncer.Unreachable)
}
