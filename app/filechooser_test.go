package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// chooserRoots makes a home folder with 图片 (named so by the desktop's
// user-dirs file) holding a photo, and a camera card mounted under a
// media folder.
func chooserRoots(t *testing.T) (r placeRoots, pictures, card string) {
	t.Helper()
	root := t.TempDir()
	home := filepath.Join(root, "home")
	pictures = filepath.Join(home, "图片")
	card = filepath.Join(root, "media", "inspector", "CANON")
	for _, d := range []string{pictures, filepath.Join(home, ".config"), filepath.Join(card, "DCIM", "100CANON")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		filepath.Join(home, ".config", "user-dirs.dirs"):      "XDG_DESKTOP_DIR=\"$HOME/桌面\"\nXDG_PICTURES_DIR=\"$HOME/图片\"\n",
		filepath.Join(pictures, "site.jpg"):                   "x",
		filepath.Join(pictures, "notes.txt"):                  "x",
		filepath.Join(card, "DCIM", "100CANON", "IMG_01.JPG"): "x",
	}
	for p, body := range files {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return placeRoots{home: home, mounts: []string{filepath.Join(root, "media", "inspector"), filepath.Join(root, "no-such-mount")}}, pictures, card
}

// labelsIn returns the texts of the labels and buttons under o.
func labelsIn(o fyne.CanvasObject) []string {
	var out []string
	walk(o, func(o fyne.CanvasObject) bool {
		switch w := o.(type) {
		case *widget.Label:
			out = append(out, w.Text)
		case *widget.Button:
			out = append(out, w.Text)
		}
		return false
	})
	return out
}

func TestFileChooserStartsInPicturesAndOffersTheCameraCard(t *testing.T) {
	ui, _ := newTestUI(t)
	r, pictures, card := chooserRoots(t)
	var got []string
	c := newFileChooser(ui.env, false, listPlaces(r), func(p string) { got = append(got, p) })
	if c.dir != pictures {
		t.Errorf("starts in %s, not in Pictures (%s)", c.dir, pictures)
	}
	var places []string
	for _, p := range c.places {
		places = append(places, p.label)
	}
	want := []string{"图片", "主文件夹", "移动存储 CANON", "计算机"}
	if !slices.Equal(places, want) {
		t.Errorf("places %q, want %q", places, want)
	}
	// All in Chinese: nothing of Fyne's English places.
	shown := labelsIn(ui.window.Canvas().Overlays().Top())
	for _, s := range shown {
		if s == "Home" || s == "Computer" || s == "Open" || s == "Cancel" {
			t.Errorf("the chooser shows %q in the Chinese window", s)
		}
	}
	// Only the photo, not the text file.
	if len(c.entries) != 1 || c.entries[0].name != "site.jpg" {
		t.Errorf("Pictures lists %+v", c.entries)
	}
	// The card: a click on it in the places shows it; a click on a folder
	// only selects it, 打开 goes in.
	c.placeL.Select(2)
	if c.dir != card {
		t.Fatalf("the card's place shows %s", c.dir)
	}
	c.list.Select(0) // DCIM
	if c.dir != card || c.ok.Text != "打开" {
		t.Fatalf("one click on a folder went to %s (button %q)", c.dir, c.ok.Text)
	}
	test.Tap(c.ok)
	c.list.Select(0)
	test.Tap(c.ok)
	if c.dir != filepath.Join(card, "DCIM", "100CANON") || len(c.entries) != 1 {
		t.Fatalf("打开 twice shows %s with %+v", c.dir, c.entries)
	}
	// One click on a photo imports nothing; 导入此照片 does.
	c.list.Select(0)
	if len(got) != 0 {
		t.Fatal("a click on a photo imported it")
	}
	if c.ok.Text != "导入此照片" || c.ok.Disabled() {
		t.Errorf("the button says %q (disabled %v) with a photo selected", c.ok.Text, c.ok.Disabled())
	}
	test.Tap(c.ok)
	if len(got) != 1 || got[0] != filepath.Join(card, "DCIM", "100CANON", "IMG_01.JPG") {
		t.Errorf("imported %q", got)
	}
	if ui.window.Canvas().Overlays().Top() != nil {
		t.Error("the chooser stays open after choosing")
	}
}

func TestFileChooserTakesATypedPath(t *testing.T) {
	ui, _ := newTestUI(t)
	r, pictures, card := chooserRoots(t)
	var got []string
	c := newFileChooser(ui.env, false, listPlaces(r), func(p string) { got = append(got, p) })
	enter := func(p string) {
		c.path.SetText(p)
		c.path.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	}
	enter(filepath.Join(card, "DCIM"))
	if c.dir != filepath.Join(card, "DCIM") {
		t.Errorf("a typed folder shows %s", c.dir)
	}
	enter(filepath.Join(card, "nothing here"))
	if !strings.Contains(c.problem.Text, "找不到") || !strings.Contains(c.problem.Text, "请检查路径") {
		t.Errorf("a wrong path says %q", c.problem.Text)
	}
	enter(filepath.Join(pictures, "notes.txt"))
	if len(got) != 0 || !strings.Contains(c.problem.Text, "不是照片") {
		t.Errorf("a text file: imported %q, says %q", got, c.problem.Text)
	}
	enter(filepath.Join(pictures, "site.jpg"))
	if len(got) != 1 || got[0] != filepath.Join(pictures, "site.jpg") {
		t.Errorf("a typed photo imported %q", got)
	}
}

func TestFolderChooserChoosesTheFolderShown(t *testing.T) {
	ui, _ := newTestUI(t)
	r, _, card := chooserRoots(t)
	var got []string
	c := newFileChooser(ui.env, true, listPlaces(r), func(p string) { got = append(got, p) })
	c.placeL.Select(2)
	for _, e := range c.entries {
		if !e.dir {
			t.Errorf("choosing a folder lists the file %s", e.name)
		}
	}
	if c.ok.Text != "导入此文件夹" {
		t.Errorf("the button says %q", c.ok.Text)
	}
	test.Tap(c.ok)
	if len(got) != 1 || got[0] != card {
		t.Errorf("chose %q, want the card %s", got, card)
	}
}

// The item's 添加照片… opens this chooser, not Fyne's.
func TestAddPhotoOpensTheChooser(t *testing.T) {
	ui, _ := newTestUI(t)
	v := startVisit(t, ui, ui.dash.rows[6].Project.ID)
	f := field(t, v, "progress.this_month")
	test.Tap(f.photo)
	top := ui.window.Canvas().Overlays().Top()
	if top == nil || !slices.Contains(labelsIn(top), "位置") || findButton(top, "上一级") == nil {
		t.Fatalf("添加照片… shows %q", labelsIn(top))
	}
}
