package app

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// fileChooser is the dialog photos and photo folders are chosen in. It
// replaces Fyne's file dialog, whose places read "Home" and "Computer" in
// English whatever the language, which has no Pictures on every system,
// no camera card, no way to type a path, and opens a folder on a single
// click, so that one click too many imported a photo (issue 14,
// docs/decisions/0044). Here a click only selects; 打开 (or Enter in the
// path box) goes into a folder or chooses.
type fileChooser struct {
	folders bool // a folder is chosen, not a file
	dir     string
	entries []fileEntry
	chosen  int // the selected entry, -1 for none
	places  []place
	picked  func(path string)

	path    *widget.Entry
	list    *widget.List
	placeL  *widget.List
	problem *widget.Label
	ok      *widget.Button
	dlg     dialog.Dialog
}

// fileEntry is a folder or a file the chooser lists.
type fileEntry struct {
	name string
	dir  bool
}

// place is a shortcut in the chooser's left column.
type place struct {
	label string
	path  string
	icon  fyne.Resource
	drive bool // a removable drive or a drive letter
}

// isPhotoName says whether a file is offered as a photo.
func isPhotoName(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg", ".png":
		return true
	}
	return false
}

// placeRoots says where to look for the places: the home folder, and the
// folders removable drives are mounted under (each folder in them is a
// drive).
type placeRoots struct {
	home   string
	mounts []string
	// letters is true on Windows: the drive letters that exist are
	// offered.
	letters bool
}

// systemPlaceRoots are this system's: on Linux a desktop mounts a camera
// card or a USB stick under /media/$USER or /run/media/$USER, and by hand
// under /mnt.
func systemPlaceRoots() placeRoots {
	home, _ := os.UserHomeDir()
	r := placeRoots{home: home, letters: runtime.GOOS == "windows"}
	if runtime.GOOS == "linux" {
		user := os.Getenv("USER")
		if user == "" {
			user = filepath.Base(home)
		}
		r.mounts = []string{filepath.Join("/media", user), filepath.Join("/run/media", user), "/mnt"}
	}
	return r
}

// picturesDir is where pictures are kept: the desktop's own setting on
// Linux (XDG_PICTURES_DIR, 图片 on a Chinese desktop), else Pictures in
// the home folder; "" if there is none.
func picturesDir(home string) string {
	var candidates []string
	if f, err := os.Open(filepath.Join(home, ".config", "user-dirs.dirs")); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "XDG_PICTURES_DIR=")
			if ok {
				v = strings.Trim(v, `"`)
				candidates = append(candidates, strings.Replace(v, "$HOME", home, 1))
			}
		}
		f.Close()
	}
	candidates = append(candidates, filepath.Join(home, "Pictures"), filepath.Join(home, "图片"))
	for _, c := range candidates {
		if isDir(c) {
			return c
		}
	}
	return ""
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// listPlaces returns the chooser's places: Pictures, the home folder, the
// removable drives mounted now, and on Linux the whole file system.
func listPlaces(r placeRoots) []place {
	var out []place
	if p := picturesDir(r.home); p != "" {
		out = append(out, place{label: t0("files.pictures"), path: p, icon: theme.FileImageIcon()})
	}
	if r.home != "" {
		out = append(out, place{label: t0("files.home"), path: r.home, icon: theme.HomeIcon()})
	}
	for _, m := range r.mounts {
		entries, err := os.ReadDir(m)
		if err != nil {
			continue
		}
		for _, e := range entries {
			p := filepath.Join(m, e.Name())
			if !strings.HasPrefix(e.Name(), ".") && isDir(p) {
				out = append(out, place{label: t("files.drive", e.Name()), path: p, icon: theme.StorageIcon(), drive: true})
			}
		}
	}
	if r.letters {
		for c := 'A'; c <= 'Z'; c++ {
			if p := string(c) + `:\`; isDir(p) {
				out = append(out, place{label: t("files.drive", string(c)+":"), path: p, icon: theme.StorageIcon(), drive: true})
			}
		}
	} else {
		out = append(out, place{label: t0("files.computer"), path: "/", icon: theme.ComputerIcon()})
	}
	return out
}

// chooseFile shows the chooser for a photo (folders false) or a folder of
// photos (folders true), starting in Pictures, and hands the path chosen
// to picked.
func chooseFile(env *screenEnv, folders bool, picked func(path string)) *fileChooser {
	return newFileChooser(env, folders, listPlaces(systemPlaceRoots()), picked)
}

func newFileChooser(env *screenEnv, folders bool, places []place, picked func(path string)) *fileChooser {
	c := &fileChooser{folders: folders, places: places, picked: picked, chosen: -1}
	c.path = widget.NewEntry()
	c.path.SetPlaceHolder(t0("files.path_placeholder"))
	c.path.OnSubmitted = c.typed
	up := widget.NewButtonWithIcon(t0("files.up"), theme.MoveUpIcon(), func() { c.show(filepath.Dir(c.dir)) })
	c.problem = widget.NewLabel("")
	c.problem.Importance = widget.DangerImportance
	c.problem.Wrapping = fyne.TextWrapWord
	c.list = widget.NewList(func() int { return len(c.entries) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, widget.NewIcon(theme.FolderIcon()), nil, widget.NewLabel(""))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(c.entries) {
				return
			}
			e := c.entries[id]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(e.name)
			icon := theme.FileImageIcon()
			if e.dir {
				icon = theme.FolderIcon()
			}
			box.Objects[1].(*widget.Icon).SetResource(icon)
		})
	// A click selects only; going into a folder or choosing is 打开.
	c.list.OnSelected = func(id widget.ListItemID) { c.chosen = id; c.refreshOK() }
	c.list.OnUnselected = func(widget.ListItemID) { c.chosen = -1; c.refreshOK() }
	c.placeL = widget.NewList(func() int { return len(c.places) },
		func() fyne.CanvasObject {
			return container.NewBorder(nil, nil, widget.NewIcon(theme.FolderIcon()), nil, widget.NewLabel(""))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			if id >= len(c.places) {
				return
			}
			p := c.places[id]
			box := o.(*fyne.Container)
			box.Objects[0].(*widget.Label).SetText(p.label)
			icon := p.icon
			box.Objects[1].(*widget.Icon).SetResource(icon)
		})
	c.placeL.OnSelected = func(id widget.ListItemID) {
		if id < len(c.places) {
			c.show(c.places[id].path)
		}
	}
	c.ok = widget.NewButtonWithIcon(t0("files.open"), theme.ConfirmIcon(), c.open)
	c.ok.Importance = widget.HighImportance
	cancel := widget.NewButton(t0("common.cancel"), func() { c.dlg.Hide() })
	top := container.NewBorder(nil, nil, nil, up, c.path)
	// What is wrong with a typed path shows beside the buttons, where
	// it moves nothing when it comes and goes.
	buttons := container.NewBorder(nil, nil, nil, container.NewHBox(cancel, c.ok), c.problem)
	placesCol := container.NewBorder(widget.NewLabelWithStyle(t0("files.places"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, nil, nil, c.placeL)
	split := container.NewHSplit(placesCol, c.list)
	split.SetOffset(0.28)
	title := t0("files.title_photo")
	if folders {
		title = t0("files.title_folder")
	}
	c.dlg = dialog.NewCustomWithoutButtons(title, container.NewBorder(top, buttons, nil, nil, split), env.win)
	c.dlg.Resize(fitDialog(env, fyne.NewSize(860, 560)))
	start := ""
	if len(places) > 0 {
		start = places[0].path
	}
	c.show(start)
	env.dialogs.showKeyed(c.dlg, c.open)
	return c
}

// fitDialog is want, made smaller where the window is.
func fitDialog(env *screenEnv, want fyne.Size) fyne.Size {
	win := env.win.Canvas().Size()
	if win.Width > 0 {
		want.Width = min(want.Width, win.Width-2*theme.Padding())
	}
	if win.Height > 0 {
		want.Height = min(want.Height, win.Height-2*theme.Padding())
	}
	return want
}

// show lists folder dir: its folders, then (choosing a file) its photos.
func (c *fileChooser) show(dir string) {
	if dir == "" {
		return
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		c.say(t("files.cannot_read", dir))
		return
	}
	c.problem.SetText("")
	c.dir = dir
	c.path.SetText(dir)
	c.entries = c.entries[:0]
	var files []fileEntry
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		if e.IsDir() || (e.Type()&os.ModeSymlink != 0 && isDir(filepath.Join(dir, name))) {
			c.entries = append(c.entries, fileEntry{name: name, dir: true})
		} else if !c.folders && isPhotoName(name) {
			files = append(files, fileEntry{name: name})
		}
	}
	c.entries = append(c.entries, files...)
	c.chosen = -1
	c.list.UnselectAll()
	c.list.Refresh()
	c.list.ScrollToTop()
	c.refreshOK()
}

// refreshOK names what 打开 does now.
func (c *fileChooser) refreshOK() {
	switch {
	case c.chosen >= 0 && c.chosen < len(c.entries) && c.entries[c.chosen].dir:
		c.ok.SetText(t0("files.open"))
		c.ok.Enable()
	case c.chosen >= 0 && c.chosen < len(c.entries):
		c.ok.SetText(t0("files.choose_photo"))
		c.ok.Enable()
	case c.folders:
		c.ok.SetText(t0("files.choose_folder"))
		c.ok.Enable()
	default:
		c.ok.SetText(t0("files.choose_photo"))
		c.ok.Disable()
	}
}

// open goes into the selected folder or chooses the selected photo; with
// nothing selected, choosing a folder chooses the one shown.
func (c *fileChooser) open() {
	switch {
	case c.chosen >= 0 && c.chosen < len(c.entries) && c.entries[c.chosen].dir:
		c.show(filepath.Join(c.dir, c.entries[c.chosen].name))
	case c.chosen >= 0 && c.chosen < len(c.entries):
		c.choose(filepath.Join(c.dir, c.entries[c.chosen].name))
	case c.folders && c.dir != "":
		c.choose(c.dir)
	}
}

// typed goes to a typed path: a folder is shown, a photo chosen.
func (c *fileChooser) typed(p string) {
	p = strings.TrimSpace(p)
	if strings.HasPrefix(p, "~") {
		if home, err := os.UserHomeDir(); err == nil {
			p = home + p[1:]
		}
	}
	st, err := os.Stat(p)
	switch {
	case err != nil:
		c.say(t("files.not_found", p))
	case st.IsDir():
		c.show(p)
	case c.folders:
		c.show(filepath.Dir(p))
	case !isPhotoName(p):
		c.say(t("files.not_photo", filepath.Base(p)))
	default:
		c.choose(p)
	}
}

func (c *fileChooser) say(msg string) {
	c.problem.SetText(msg)
}

func (c *fileChooser) choose(p string) {
	c.dlg.Hide()
	c.picked(p)
}
