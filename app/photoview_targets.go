package app

import (
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	sv "fieldbrief/supervision"
)

// viewPhotosButton is the button each screen shows to open its photos.
func viewPhotosButton(open func()) *widget.Button {
	return widget.NewButtonWithIcon(t0("photo.view"), theme.GridIcon(), open)
}

// showPhotos opens the item's photos. The answer keeps its own list and is
// saved whole, so it learns of every photo added or deleted.
func (f *itemField) showPhotos() *photoView {
	tg := photoTarget{link: sv.PhotoLink{VisitID: f.v.id, ItemKey: f.item.Key}, title: f.item.DisplayTitle(f.v.env.lang),
		locked: f.v.env.message(f.v.in.CheckPhotoRemove())}
	return showPhotos(f.v.env, tg.title, []photoTarget{tg}, photoViewCallbacks{
		added: f.photosAdded,
		removed: func(hash string) {
			f.ans.Photos = sv.Without(f.ans.Photos, hash)
			f.showPhotoCount()
		},
	})
}

// showSitePhotos opens the photos of the visit as a whole.
func (v *visitScreen) showSitePhotos() *photoView {
	tg := photoTarget{link: sv.PhotoLink{VisitID: v.id}, title: t0("visit.site_photos"), locked: v.env.message(v.in.CheckPhotoRemove())}
	return showPhotos(v.env, tg.title, []photoTarget{tg}, photoViewCallbacks{
		added: func(res photoImport) {
			v.in.Photos = addHashes(v.in.Photos, res.hashes...)
			v.sitePhotos.SetText(t("item.photos", len(v.in.Photos)))
		},
		removed: func(hash string) {
			v.in.Photos = sv.Without(v.in.Photos, hash)
			v.sitePhotos.SetText(t("item.photos", len(v.in.Photos)))
		},
	})
}

// showFindingPhotos opens a finding's photos before and after the fix,
// side by side, each locked with the rulebook's reason when it cannot
// change: photos of the problem raised in a submitted visit are that
// visit's evidence; a closed or withdrawn finding changes no more.
// changed runs after any photo was added or deleted.
func showFindingPhotos(env *screenEnv, f sv.Finding, changed func()) {
	data := env.data
	fetchIn(env, func() (*sv.Visit, error) {
		if f.VisitID == "" {
			return nil, nil
		}
		in, err := data.Visit(f.VisitID)
		if sv.ErrorCode(err) == sv.ENotFound {
			return nil, nil
		}
		return &in, err
	}, func(raisedIn *sv.Visit, err error) {
		if err != nil {
			env.dialogs.showError(err)
			return
		}
		before := photoTarget{link: sv.PhotoLink{FindingID: f.ID, Role: sv.RoleBefore}, title: t0("photo.before"),
			locked: env.message(f.CheckPhotoRemove("", sv.RoleBefore, raisedIn))}
		after := photoTarget{link: sv.PhotoLink{FindingID: f.ID, Role: sv.RoleAfter}, title: t0("photo.after"),
			locked: env.message(f.CheckPhotoRemove("", sv.RoleAfter, raisedIn))}
		cb := func() {
			if changed != nil {
				changed()
			}
		}
		showPhotos(env, sv.Shorten(f.Description, 40), []photoTarget{before, after}, photoViewCallbacks{
			added:   func(photoImport) { cb() },
			removed: func(string) { cb() },
		})
	})
}

// findingPhotosButton opens a finding's photos from its detail, and while
// the detail is open takes the files dropped on the window: photos of the
// problem while the finding is open, of the fix once work has started.
func findingPhotosButton(env *screenEnv, dlg dialog.Dialog, f sv.Finding, changed func()) *widget.Button {
	env.photos.findingDropping(func(paths []string) {
		if err := f.CheckPhotoAdd(); err != nil {
			env.dialogs.inform(t0("photo.drop_title"), env.message(err))
			return
		}
		link := sv.PhotoLink{FindingID: f.ID, Role: sv.RoleAfter}
		if f.Status == sv.StatusOpen {
			link.Role = sv.RoleBefore
		}
		newPhotoBatch(env, link, func(photoImport) { changed() }).run(paths)
	})
	dlg.SetOnClosed(func() { env.photos.findingDropping(nil) })
	return viewPhotosButton(func() { showFindingPhotos(env, f, changed) })
}
