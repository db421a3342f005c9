package app

import (
	"strings"

	"fieldbrief/briefing"
	"fieldbrief/storage"
	"fieldbrief/syncer"
)

// Photos taken on another laptop arrive as records; their bytes stay on the
// portal until wanted. The viewer asks for the thumbnails it lacks and, when
// a photo is opened in full or printed, for the original, from which the
// engine makes the display and print copies here. Downloads run one after
// another in the background, under the status bar's life, so closing the
// window stops them.

// downloadPhotos downloads the photos' thumbnails, or with original their
// originals and the copies made from them, one at a time in the
// background; after each, arrived runs there too, with the download's
// error. It returns false, and does nothing, when the portal cannot be used
// now (signed out, the sign-in lapsed, or the last check found it
// offline). Called on the UI goroutine.
func (ui *mainUI) downloadPhotos(hashes []string, original bool, arrived func(hash string, err error)) bool {
	if ui.sync == nil {
		return false
	}
	return ui.sync.agent.Download(hashes, original, arrived)
}

// photosArrived tells the screens that a sync may have brought photo
// bytes or sent some: the open viewer fills the pictures it lacked, and
// the visit and project screens recount their photos.
func (ui *mainUI) photosArrived() {
	if pv := ui.photoView; pv != nil && pv.visible() {
		pv.retryMissing()
	}
	ui.photosChanged()
}

// photosChanged tells the current screen that photos were imported,
// deleted, uploaded or downloaded: its photo counts catch up.
func (ui *mainUI) photosChanged() {
	if s, ok := ui.current.(photosWatcher); ok {
		s.photosChanged()
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
	if ui.sync == nil {
		return ui.cfg.Data
	}
	fetch := ui.sync.agent.OriginalFetcher()
	if fetch == nil {
		return ui.cfg.Data
	}
	return briefing.NewDownloading(ui.cfg.Data, fetch, syncer.Unreachable)
}
