package app

import (
	"context"
	"strings"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// photoImport is the outcome of importing files as photos of one target.
type photoImport struct {
	hashes   []string // photos now linked to the target, new or already stored
	problems []string // one line per file that could not be imported
	// old says, one line per photo, which were taken long before the
	// visit (sv.Photo.TakenLongBefore): kept, but the inspector is told.
	old []string
}

// linkingSink is the store's photo sink with LinkExisting done by
// Data.LinkPhoto, which adds the link to a photo already stored (one
// picture may document an item, the site and a finding).
type linkingSink struct {
	*storage.PhotoSink
	data Data
	link sv.PhotoLink
}

// LinkExisting links an already stored photo to the sink's target.
func (s linkingSink) LinkExisting(_ context.Context, sha string) (bool, error) {
	return s.data.LinkPhoto(sha, s.link)
}

// choosePhoto asks for a photo file and hands its path to picked.
func choosePhoto(env *screenEnv, picked func(path string)) {
	chooseFile(env, false, picked)
}

// attachPhotos imports files for link with a progress bar and a cancel
// button, then reports what could not be imported; done gets the outcome
// when something was stored.
func attachPhotos(env *screenEnv, link sv.PhotoLink, paths []string, done func(photoImport)) {
	newPhotoBatch(env, link, done).run(paths)
}

// baseName is the last element of a slash- or backslash-separated path.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// addHashes returns list with the new hashes appended once.
func addHashes(list []string, hashes ...string) []string {
	for _, h := range hashes {
		found := false
		for _, x := range list {
			if x == h {
				found = true
			}
		}
		if !found {
			list = append(list, h)
		}
	}
	return list
}
