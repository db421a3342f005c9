package server

import (
	"bytes"
	"image"
	"image/jpeg"
	_ "image/png" // photos may arrive as PNG screenshots
	"os"
	"strconv"
	"time"

	"golang.org/x/image/draw"
)

// ThumbSize is the longest side of a thumbnail, in pixels: enough for a
// list of photos, small enough to arrive first over a weak link.
const ThumbSize = 320

// maxPixels bounds the images the portal decodes for a thumbnail, so a
// crafted file with huge dimensions cannot exhaust memory.
const maxPixels = 80_000_000

// thumbnail returns a JPEG thumbnail of a stored photo, making it once and
// keeping it beside the photo. ok is false when the photo is not an image
// the portal can read; the laptop then fetches the original.
func (s *Server) thumbnail(hash string) (data []byte, ok bool, err error) {
	path := s.photoPath(hash) + ".thumb.jpg"
	if b, err := os.ReadFile(path); err == nil {
		return b, true, nil
	}
	f, err := os.Open(s.photoPath(hash))
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return nil, false, nil
	}
	if _, err := f.Seek(0, 0); err != nil {
		return nil, false, err
	}
	src, _, err := image.Decode(f)
	if err != nil {
		return nil, false, nil
	}
	w, h := cfg.Width, cfg.Height
	if w >= h && w > ThumbSize {
		w, h = ThumbSize, max(1, h*ThumbSize/w)
	} else if h > w && h > ThumbSize {
		w, h = max(1, w*ThumbSize/h), ThumbSize
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 80}); err != nil {
		return nil, false, err
	}
	// Kept through a temporary name, so a reader never sees half a file.
	tmp := path + ".tmp" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := os.WriteFile(tmp, buf.Bytes(), 0o600); err == nil {
		if os.Rename(tmp, path) != nil {
			os.Remove(tmp)
		}
	}
	return buf.Bytes(), true, nil
}
