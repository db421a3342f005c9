package server

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	_ "image/png" // photos may arrive as PNG screenshots
	"io"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"golang.org/x/image/draw"
)

// ThumbSize is the longest side of a thumbnail, in pixels: enough for a
// list of photos, small enough to arrive first over a weak link.
const ThumbSize = 320

// Thumbnails are made from what a laptop uploaded, which may be hostile: a
// PNG of a few hundred kilobytes can declare 80 megapixels of 16-bit colour
// and take gigabytes to decode. So the portal reads the header first and
// decodes only what fits, a few at a time, each photo once.
const (
	// thumbMaxPixels is well below the laptops' import cap (100 MP, see
	// photo.DefaultOptions): a larger photo gets no thumbnail from the
	// portal, and a laptop that wants it fetches the original, which its
	// own import rules check.
	thumbMaxPixels = 40_000_000
	// thumbBudget bounds the memory of the decodes running at once,
	// estimated from each header; a photo estimated above it alone gets no
	// thumbnail.
	thumbBudget = 192 << 20
	// thumbWorkers is how many decodes run at once (the portal's cores are
	// for everyone's requests too).
	thumbWorkers = 2
	// thumbQueue bounds the photos waiting for a decode; beyond it the
	// request is answered busy.
	thumbQueue = 64
	// thumbTimeout bounds one thumbnail's wait and work.
	thumbTimeout = 2 * time.Minute
)

// errNoThumb is a photo the portal will not make a thumbnail of; its
// reason is kept beside the photo so it is never decoded again.
type errNoThumb struct{ reason string }

func (e errNoThumb) Error() string { return e.reason }

var errThumbBusy = errors.New("too many thumbnails waiting")

// thumbnailer makes each photo's thumbnail once, under a memory budget.
type thumbnailer struct {
	path    func(hash string) string
	log     *slog.Logger
	budget  *weighted
	workers chan struct{}

	mu      sync.Mutex
	calls   map[string]*thumbCall
	waiting int
}

// thumbCall is one photo's generation, shared by every request for it
// meanwhile.
type thumbCall struct {
	done chan struct{}
	data []byte
	err  error
}

func newThumbnailer(path func(string) string, log *slog.Logger) *thumbnailer {
	return &thumbnailer{path: path, log: log, budget: newWeighted(thumbBudget >> 20),
		workers: make(chan struct{}, thumbWorkers), calls: map[string]*thumbCall{}}
}

// thumbnail returns a JPEG thumbnail of a stored photo, making it once and
// keeping it beside the photo. An errNoThumb says why there is none.
func (s *Server) thumbnail(ctx context.Context, hash string) ([]byte, error) {
	return s.thumbs.get(ctx, hash)
}

func (t *thumbnailer) get(ctx context.Context, hash string) ([]byte, error) {
	base := t.path(hash)
	if b, err := os.ReadFile(base + ".thumb.jpg"); err == nil {
		return b, nil
	}
	if why, err := os.ReadFile(base + ".thumb.none"); err == nil {
		return nil, errNoThumb{string(why)}
	}
	t.mu.Lock()
	c := t.calls[hash]
	if c == nil {
		if t.waiting >= thumbQueue {
			t.mu.Unlock()
			return nil, errThumbBusy
		}
		t.waiting++
		c = &thumbCall{done: make(chan struct{})}
		t.calls[hash] = c
		// The work goes on if the first asker leaves: the others, and the
		// next sync, want the same thumbnail.
		go t.run(hash, c)
	}
	t.mu.Unlock()
	select {
	case <-c.done:
		return c.data, c.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (t *thumbnailer) run(hash string, c *thumbCall) {
	defer func() {
		if p := recover(); p != nil {
			c.data, c.err = nil, errNoThumb{fmt.Sprintf("decoder failed: %v", p)}
			t.remember(hash, c.err)
		}
		t.mu.Lock()
		delete(t.calls, hash)
		t.waiting--
		t.mu.Unlock()
		close(c.done)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), thumbTimeout)
	defer cancel()
	c.data, c.err = t.make(ctx, hash)
	var no errNoThumb
	if errors.As(c.err, &no) {
		t.remember(hash, c.err)
	}
}

// remember keeps why a photo has no thumbnail, so it is not decoded again,
// also after a restart.
func (t *thumbnailer) remember(hash string, err error) {
	t.log.Warn("no thumbnail for photo", "hash", hash, "reason", err.Error())
	_ = writeAtomic(t.path(hash)+".thumb.none", []byte(err.Error()))
}

func (t *thumbnailer) make(ctx context.Context, hash string) ([]byte, error) {
	f, err := os.Open(t.path(hash))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	cfg, format, err := image.DecodeConfig(bytes.NewReader(head))
	if err != nil {
		return nil, errNoThumb{"not an image the portal can read"}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, errNoThumb{"image header gives no size"}
	}
	px := int64(cfg.Width) * int64(cfg.Height)
	if px > thumbMaxPixels {
		return nil, errNoThumb{fmt.Sprintf("%d×%d pixels, over the portal's %d megapixels for thumbnails", cfg.Width, cfg.Height, thumbMaxPixels/1_000_000)}
	}
	cost := decodeCost(format, cfg, head)
	units := int((cost + 1<<20 - 1) >> 20)
	if units > t.budget.size {
		return nil, errNoThumb{fmt.Sprintf("%d×%d pixels would take %d MB to decode, over the portal's %d MB", cfg.Width, cfg.Height, cost>>20, thumbBudget>>20)}
	}
	select {
	case t.workers <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-t.workers }()
	if err := t.budget.acquire(ctx, units); err != nil {
		return nil, err
	}
	defer t.budget.release(units)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	src, _, err := image.Decode(bufio.NewReaderSize(f, 64<<10))
	if err != nil {
		return nil, errNoThumb{"the image data cannot be decoded"}
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
		return nil, err
	}
	_ = writeAtomic(t.path(hash)+".thumb.jpg", buf.Bytes())
	return buf.Bytes(), nil
}

// decodeCost estimates the memory of decoding an image from its header:
// the pixels in the decoder's colour model, twice over for PNG (an
// interlaced one is decoded pass by pass into images of its own), plus the
// coefficients a progressive JPEG keeps.
func decodeCost(format string, cfg image.Config, head []byte) int64 {
	px := int64(cfg.Width) * int64(cfg.Height)
	per := int64(8)
	switch m := cfg.ColorModel; m {
	case color.GrayModel:
		per = 1
	case color.Gray16Model:
		per = 2
	case color.YCbCrModel:
		per = 3
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel:
		per = 4
	case color.RGBA64Model, color.NRGBA64Model:
		per = 8
	default:
		if _, ok := m.(color.Palette); ok {
			per = 1
		}
	}
	switch format {
	case "png":
		per *= 2
	case "jpeg":
		if progressiveJPEG(head) {
			per += 4 * per // int32 coefficients for every sample
		}
	}
	return px * per
}

// progressiveJPEG reports whether the first frame header in head is SOF2.
func progressiveJPEG(b []byte) bool {
	i := 2
	for i+4 <= len(b) && b[i] == 0xFF {
		m := b[i+1]
		switch {
		case m == 0xFF:
			i++
			continue
		case m == 0xC2:
			return true
		case m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC:
			return false
		}
		i += 2 + (int(b[i+2])<<8 | int(b[i+3]))
	}
	return false
}

// writeAtomic writes through a temporary name, so a reader never sees half
// a file.
func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// weighted is a semaphore of size units, taken several at a time. Takers
// queue one behind the other, so two large ones never each hold half and
// wait forever.
type weighted struct {
	size   int
	tokens chan struct{}
	turn   chan struct{}
}

func newWeighted(size int) *weighted {
	return &weighted{size: size, tokens: make(chan struct{}, size), turn: make(chan struct{}, 1)}
}

func (w *weighted) acquire(ctx context.Context, n int) error {
	select {
	case w.turn <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-w.turn }()
	for i := range n {
		select {
		case w.tokens <- struct{}{}:
		case <-ctx.Done():
			w.release(i)
			return ctx.Err()
		}
	}
	return nil
}

func (w *weighted) release(n int) {
	for range n {
		<-w.tokens
	}
}
