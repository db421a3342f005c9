package photo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Sink receives the photos of a batch. The storage layer implements it for
// one target (a visit, an item or a finding). Each call must be one atomic
// transaction, so that a batch cancelled or killed at any moment leaves every
// photo either fully stored, with its links and outbox entry, or absent.
// Calls come from several goroutines at once.
type Sink interface {
	// LinkExisting is called with the SHA-256 (hex) of a file's bytes before
	// the file is decoded. If that photo is already stored, the sink links it
	// to the target and returns true, and the importer skips processing;
	// this is what makes a re-import cheap.
	LinkExisting(ctx context.Context, sha256 string) (bool, error)
	// PutPhoto stores a new photo and links it to the target. If the photo
	// was stored meanwhile (by another batch), it only links it and returns
	// false.
	PutPhoto(ctx context.Context, p *Processed) (stored bool, err error)
}

// Status is the outcome for one file of a batch.
type Status int

// Outcomes of a file.
const (
	StatusImported     Status = iota + 1 // stored as a new photo
	StatusAlreadyThere                   // the same bytes were already stored
	StatusRejected                       // the file cannot be imported: see Rejection
	StatusFailed                         // the sink failed: see Err
	StatusCancelled                      // not done because the batch was cancelled
)

func (s Status) String() string {
	switch s {
	case StatusImported:
		return "imported"
	case StatusAlreadyThere:
		return "already there"
	case StatusRejected:
		return "rejected"
	case StatusFailed:
		return "failed"
	case StatusCancelled:
		return "cancelled"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Result is what happened to one file.
type Result struct {
	Path      string
	Status    Status
	SHA256    string     // set once the file was read
	Rejection *Rejection // set when Status is StatusRejected
	Err       error      // set when Status is StatusFailed or StatusCancelled
	// MetadataWarnings are carried over from Processed for an imported file
	// whose EXIF was broken and ignored.
	MetadataWarnings []string
}

// Describe returns the outcome as one short phrase for a CLI line or a list
// in the UI: lang "zh" for Chinese, anything else for English.
func (r Result) Describe(lang string) string {
	zh := lang == "zh" || strings.HasPrefix(lang, "zh-") || strings.HasPrefix(lang, "zh_")
	switch r.Status {
	case StatusImported:
		if zh {
			return "已导入"
		}
		return "imported"
	case StatusAlreadyThere:
		if zh {
			return "已存在"
		}
		return "already there"
	case StatusRejected:
		if zh {
			return "已拒绝：" + r.Rejection.Zh
		}
		return "rejected: " + r.Rejection.En
	case StatusFailed:
		if zh {
			return fmt.Sprintf("保存失败：%v", r.Err)
		}
		return fmt.Sprintf("failed: %v", r.Err)
	case StatusCancelled:
		if zh {
			return "已取消"
		}
		return "cancelled"
	}
	return r.Status.String()
}

// Progress reports a batch's advance. Done counts finished files; Current is
// the file just started or finished.
type Progress struct {
	Done, Total int
	Current     string
}

// ImportOptions configures an Importer. Zero fields take defaults.
type ImportOptions struct {
	// Workers is the number of files processed at once; default
	// runtime.NumCPU().
	Workers int
	// MemoryBudget bounds the estimated working memory of the photos being
	// decoded at once, in bytes; default 256 MiB. A photo larger than the
	// budget still runs, alone. It is what keeps a 16-core laptop from
	// holding 16 decoded 12-megapixel photos.
	MemoryBudget int64
}

// Importer imports batches of files and folders into a Sink.
type Importer struct {
	proc *Processor
	sink Sink
	opt  ImportOptions
}

// NewImporter returns an Importer that processes with proc and stores into
// sink.
func NewImporter(proc *Processor, sink Sink, opt ImportOptions) *Importer {
	if opt.Workers <= 0 {
		opt.Workers = runtime.NumCPU()
	}
	if opt.MemoryBudget <= 0 {
		opt.MemoryBudget = 256 << 20
	}
	return &Importer{proc: proc, sink: sink, opt: opt}
}

// Import imports the given files, and the files in the given folders
// recursively, and returns one Result per file in walk order. Inside
// folders, hidden files and folders (name starting with ".") and the
// thumbnail caches Windows leaves behind are skipped; files named
// explicitly are always tried. progress may be nil; it is called from worker
// goroutines, one call at a time.
//
// A cancelled ctx stops the batch: files not yet started are reported as
// StatusCancelled and ctx.Err() is returned. Otherwise the error is nil:
// problems with single files are in their Results.
func (im *Importer) Import(ctx context.Context, paths []string, progress func(Progress)) ([]Result, error) {
	files, results := collect(paths)
	b := batch{
		im:       im,
		ctx:      ctx,
		files:    files,
		results:  results,
		progress: progress,
		budget:   newBudget(im.opt.MemoryBudget),
		shaLocks: map[string]chan struct{}{},
	}
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(im.opt.Workers, max(len(files), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				b.run(i)
			}
		}()
	}
	for i := range files {
		if results[i].Status != 0 {
			b.finished(files[i]) // walk errors: already decided
			continue
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results, ctx.Err()
}

// batch is the state of one Import call.
type batch struct {
	im       *Importer
	ctx      context.Context
	files    []string
	results  []Result
	progress func(Progress)
	budget   *budget

	mu       sync.Mutex
	done     int
	shaLocks map[string]chan struct{} // serialises files with equal bytes
}

func (b *batch) started(path string) {
	if b.progress == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.progress(Progress{Done: b.done, Total: len(b.files), Current: path})
}

func (b *batch) finished(path string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done++
	if b.progress != nil {
		b.progress(Progress{Done: b.done, Total: len(b.files), Current: path})
	}
}

func (b *batch) run(i int) {
	path := b.files[i]
	res := &b.results[i]
	res.Path = path
	defer b.finished(path)
	if err := b.ctx.Err(); err != nil {
		res.Status, res.Err = StatusCancelled, err
		return
	}
	b.started(path)
	b.importFile(res)
}

func (b *batch) importFile(res *Result) {
	proc := b.im.proc
	data, rej := readLimited(res.Path, proc.opt.MaxBytes)
	if rej == nil {
		_, rej = sniff(data)
	}
	if rej != nil {
		res.Status, res.Rejection = StatusRejected, rej
		return
	}
	res.SHA256 = hashHex(data)

	// Two copies of one photo in the same batch (a folder and a file in it,
	// or a duplicate on the card) must not both be stored: the second waits
	// for the first and then finds it stored.
	unlock, err := b.lockSHA(res.SHA256)
	if err != nil {
		res.Status, res.Err = StatusCancelled, err
		return
	}
	defer unlock()

	if ok, err := b.im.sink.LinkExisting(b.ctx, res.SHA256); err != nil {
		b.fail(res, err)
		return
	} else if ok {
		res.Status = StatusAlreadyThere
		return
	}

	cost := proc.workingSet(data)
	if err := b.budget.acquire(b.ctx, cost); err != nil {
		res.Status, res.Err = StatusCancelled, err
		return
	}
	defer b.budget.release(cost)

	p, err := proc.process(res.Path, data, res.SHA256)
	if err != nil {
		var r *Rejection
		if errors.As(err, &r) {
			res.Status, res.Rejection = StatusRejected, r
		} else {
			res.Status, res.Err = StatusFailed, err
		}
		return
	}
	res.MetadataWarnings = p.MetadataWarnings
	stored, err := b.im.sink.PutPhoto(b.ctx, p)
	switch {
	case err != nil:
		b.fail(res, err)
	case stored:
		res.Status = StatusImported
	default:
		res.Status = StatusAlreadyThere
	}
}

func (b *batch) fail(res *Result, err error) {
	if b.ctx.Err() != nil && errors.Is(err, b.ctx.Err()) {
		res.Status, res.Err = StatusCancelled, err
		return
	}
	res.Status, res.Err = StatusFailed, err
}

// lockSHA waits until no other file with these bytes is in progress.
func (b *batch) lockSHA(sha string) (func(), error) {
	for {
		b.mu.Lock()
		ch, busy := b.shaLocks[sha]
		if !busy {
			ch = make(chan struct{})
			b.shaLocks[sha] = ch
			b.mu.Unlock()
			return func() {
				b.mu.Lock()
				delete(b.shaLocks, sha)
				b.mu.Unlock()
				close(ch)
			}, nil
		}
		b.mu.Unlock()
		select {
		case <-ch:
		case <-b.ctx.Done():
			return nil, b.ctx.Err()
		}
	}
}

// readLimited reads a whole file, refusing before reading anything a file
// larger than limit.
func readLimited(path string, limit int64) ([]byte, *Rejection) {
	f, err := os.Open(path)
	if err != nil {
		return nil, rejectUnreadable(err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, rejectUnreadable(err)
	}
	if !st.Mode().IsRegular() {
		return nil, rejectNotImage()
	}
	if st.Size() > limit {
		return nil, rejectTooLarge(st.Size(), limit)
	}
	var buf bytes.Buffer
	buf.Grow(int(st.Size()) + bytes.MinRead)
	// The file may grow between Stat and the read (a copy in progress).
	if _, err := buf.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, rejectUnreadable(err)
	}
	if int64(buf.Len()) > limit {
		return nil, rejectTooLarge(int64(buf.Len()), limit)
	}
	if buf.Len() == 0 {
		return nil, rejectEmpty()
	}
	return buf.Bytes(), nil
}

// skipInFolder reports OS clutter that a camera card or phone dump carries
// and that should not each be reported as "not a picture".
func skipInFolder(name string) bool {
	if strings.HasPrefix(name, ".") {
		return true // .DS_Store, ._IMG_0001.JPG (AppleDouble), .thumbnails
	}
	switch strings.ToLower(name) {
	case "thumbs.db", "desktop.ini", "ehthumbs.db":
		return true
	}
	return false
}

// collect expands folders into their files, drops repeated paths and
// records folders that could not be read as rejected results.
func collect(paths []string) ([]string, []Result) {
	var files []string
	var results []Result
	seen := map[string]bool{}
	add := func(p string, r Result) {
		key := p
		if abs, err := filepath.Abs(p); err == nil {
			key = abs
		}
		if seen[key] {
			return
		}
		seen[key] = true
		files = append(files, p)
		results = append(results, r)
	}
	for _, root := range paths {
		st, err := os.Stat(root)
		if err != nil {
			add(root, Result{Path: root, Status: StatusRejected, Rejection: rejectUnreadable(err)})
			continue
		}
		if !st.IsDir() {
			add(root, Result{})
			continue
		}
		_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				add(p, Result{Path: p, Status: StatusRejected, Rejection: rejectUnreadable(err)})
				return nil
			}
			if p != root && skipInFolder(d.Name()) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			switch {
			case d.IsDir():
			case d.Type().IsRegular():
				add(p, Result{})
			case d.Type()&fs.ModeSymlink != 0:
				// Follow links to files, never to folders: a link cycle
				// would walk forever.
				if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
					add(p, Result{})
				}
			}
			return nil
		})
	}
	return files, results
}

// workingSet estimates the peak memory of processing data: the decoded
// image, the progressive decoder's coefficients and the display copies. A
// header that cannot be parsed costs little: Process will reject it at once.
func (p *Processor) workingSet(data []byte) int64 {
	format, rej := sniff(data)
	if rej != nil {
		return int64(len(data))
	}
	cfg, err := decodeConfig(format, data)
	if err != nil || cfg.Width <= 0 || cfg.Height <= 0 {
		return int64(len(data))
	}
	px := int64(cfg.Width) * int64(cfg.Height)
	perPixel := int64(4) // YCbCr planes or NRGBA, with slack
	if format == "jpeg" && isProgressive(data) {
		perPixel += 8 // int32 coefficients kept for every component
	}
	dw, dh := fit(cfg.Width, cfg.Height, p.opt.DisplayEdge)
	display := int64(dw) * int64(dh) * 3 / 2
	pw, ph := fitBox(dw, dh, max(p.opt.PrintWidth, p.opt.PrintHeight), max(p.opt.PrintWidth, p.opt.PrintHeight))
	prn := int64(pw) * int64(ph) * 3 / 2 // its planes and, at most, its bytes
	return int64(len(data)) + px*perPixel + 3*display + 2*prn
}

// isProgressive reports whether the first frame header is SOF2 (progressive
// DCT), whose decoder keeps all coefficients in memory.
func isProgressive(b []byte) bool {
	i := 2
	for i+4 <= len(b) && b[i] == 0xFF {
		m := b[i+1]
		if m == 0xFF {
			i++
			continue
		}
		if m == 0xC2 || m == 0xC6 || m == 0xCA || m == 0xCE {
			return true
		}
		if m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC || m == 0xDA {
			return false
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 {
			return false
		}
		i += 2 + n
	}
	return false
}

// budget is a weighted semaphore over bytes of working memory.
type budget struct {
	mu    sync.Mutex
	cond  *sync.Cond
	free  int64
	total int64
}

func newBudget(total int64) *budget {
	b := &budget{free: total, total: total}
	b.cond = sync.NewCond(&b.mu)
	return b
}

func (b *budget) clamp(n int64) int64 { return min(max(n, 1), b.total) }

func (b *budget) acquire(ctx context.Context, n int64) error {
	n = b.clamp(n)
	stop := context.AfterFunc(ctx, func() {
		b.mu.Lock()
		b.cond.Broadcast()
		b.mu.Unlock()
	})
	defer stop()
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.free < n {
		if err := ctx.Err(); err != nil {
			return err
		}
		b.cond.Wait()
	}
	b.free -= n
	return nil
}

func (b *budget) release(n int64) {
	n = b.clamp(n)
	b.mu.Lock()
	b.free += n
	b.cond.Broadcast()
	b.mu.Unlock()
}
