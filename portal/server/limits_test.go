package server

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"fieldbrief/internal/selfsigned"
	"fieldbrief/portal"
	sv "fieldbrief/supervision"
)

func newGzip(w io.Writer) *gzip.Writer { return gzip.NewWriter(w) }

// noReuse is an HTTP client whose connections close after each request, so
// a test about the connection cap holds only the connections it means to.
func noReuse() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
}

// rawRequest sends req on a new connection and returns the response, or
// the error of reading it.
func rawRequest(t testing.TB, addr, req string) (*http.Response, []byte, error) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		return nil, nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return nil, nil, err
	}
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func errorBody(t testing.TB, raw []byte) portal.ErrorBody {
	t.Helper()
	var b portal.ErrorBody
	if err := json.Unmarshal(raw, &b); err != nil || b.Zh == "" || b.En == "" {
		t.Fatalf("refusal without a message in both languages: %q", raw)
	}
	return b
}

func token(t testing.TB, p *proc, user string) string {
	t.Helper()
	c, _ := portal.NewClient(p.base, noReuse(), "")
	resp, err := c.Login(context.Background(), portal.LoginRequest{User: user, Password: demoPassword, Device: "dev-" + user})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Token
}

// A body that stops moving is cut off at its deadline and its connection
// closed; nothing of it is stored.
func TestSlowBodyIsCutOffAndItsConnectionClosed(t *testing.T) {
	p := startProc(t, "--body-grace", "1s", "--min-rate", "4096")
	before := p.state(t)
	tok := token(t, p, "inspector1")
	c, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: portal\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{\"device\":", portal.PathPush, tok)
	_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
	// Whatever the portal answers, the connection must end: read to EOF.
	_, err = io.Copy(io.Discard, c)
	took := time.Since(start)
	if err != nil {
		t.Fatalf("the connection was not closed by the portal: %v after %v", err, took)
	}
	// 1 MB at 4 KiB/s would be four minutes; the body stopped after 10 bytes.
	if took > 6*time.Second {
		t.Fatalf("a stalled body held its connection for %v", took)
	}
	if after := p.state(t); after != before {
		t.Fatal("the portal's state changed")
	}
	if _, err := p.health(time.Second); err != nil {
		t.Fatalf("healthz after the cut: %v", err)
	}
}

// Beyond the connection cap a request is answered 503 with Retry-After and
// a message, /healthz still answers, and once the connections go the
// portal serves again.
func TestBeyondTheConnectionCapBusyButHealthAnswers(t *testing.T) {
	p := startProc(t, "--max-conns", "4")
	var held []net.Conn
	for i := range 4 {
		// From four addresses: one address may hold only half the slots.
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(2+i))}}
		c, err := d.Dial("tcp", p.addr)
		if err != nil {
			t.Fatal(err)
		}
		// Headers never finished: each holds a slot.
		fmt.Fprintf(c, "GET /healthz HTTP/1.1\r\nHost: portal\r\n")
		held = append(held, c)
	}
	time.Sleep(200 * time.Millisecond)
	resp, body, err := rawRequest(t, p.addr, "GET "+portal.PathMe+" HTTP/1.1\r\nHost: portal\r\n\r\n")
	if err != nil {
		t.Fatalf("no answer beyond the cap: %v", err)
	}
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("beyond the cap: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if b := errorBody(t, body); b.Code != sv.EUnavailable {
		t.Fatalf("code %q", b.Code)
	}
	for range 5 {
		if took, err := p.health(time.Second); err != nil {
			t.Fatalf("healthz beyond the cap: %v after %v", err, took)
		}
	}
	// A login beyond the cap is refused too: the slots are really full.
	c, _ := portal.NewClient(p.base, noReuse(), "")
	_, err = c.Login(context.Background(), portal.LoginRequest{User: "admin", Password: demoPassword})
	var ref *portal.RefusalError
	if !errors.As(err, &ref) || ref.Status != http.StatusServiceUnavailable {
		t.Fatalf("login beyond the cap: %v", err)
	}
	for _, c := range held {
		c.Close()
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := c.Login(context.Background(), portal.LoginRequest{User: "admin", Password: demoPassword})
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("slots not given back: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// One address may hold at most half the connections: a single host that
// opens many slow connections leaves the rest to everyone else.
func TestOneAddressGetsAtMostHalfTheConnections(t *testing.T) {
	p := startProc(t, "--max-conns", "8")
	from := func(last byte) net.Dialer {
		return net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, last)}}
	}
	for range 4 {
		d := from(2)
		c, err := d.Dial("tcp", p.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: portal\r\n", portal.PathMe)
	}
	time.Sleep(200 * time.Millisecond)
	ask := func(last byte) int {
		d := from(last)
		c, err := d.Dial("tcp", p.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: portal\r\nConnection: close\r\n\r\n", portal.PathMe)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("no answer to 127.0.0.%d: %v", last, err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := ask(2); got != http.StatusServiceUnavailable {
		t.Fatalf("a fifth connection from the same address: %d", got)
	}
	if got := ask(3); got != http.StatusUnauthorized {
		t.Fatalf("another address, with slots free: %d, want the API's own 401", got)
	}
}

func pushRaw(t testing.TB, p *proc, tok string, body []byte, gzipped bool) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, p.base+portal.PathPush, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	if gzipped {
		req.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := noReuse().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

func answerChange(seq uint64, text string) portal.Change {
	data, _ := json.Marshal(portal.AnswerData{VisitID: "v1", Answer: sv.Answer{ItemKey: "k1", Note: text}})
	return portal.Change{Seq: seq, Entity: portal.EntityAnswer, ID: portal.AnswerID("v1", "k1"), Op: portal.OpPut, At: time.Now(), Data: data}
}

// A small gzip body that unpacks past the body limit is refused with 413
// and nothing of it stored; the device's numbering has not moved.
func TestInflatingGzipPushIsRefused(t *testing.T) {
	p := startProc(t)
	before := p.state(t)
	tok := token(t, p, "inspector1")
	raw, _ := json.Marshal(portal.PushRequest{Device: "dev-inspector1", Changes: []portal.Change{answerChange(1, strings.Repeat("A", 40<<20))}})
	body := gz(raw)
	if len(body) > 200<<10 {
		t.Fatalf("the bomb is %d bytes", len(body))
	}
	resp, got := pushRaw(t, p, tok, body, true)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("inflating push: %d %s", resp.StatusCode, got)
	}
	errorBody(t, got)
	if after := p.state(t); after != before {
		t.Fatal("the portal's state changed")
	}
	if rss := p.peakRSS(t); rss > 256<<20 {
		t.Fatalf("portal peak RSS %d MB", rss>>20)
	}
	assertNextSeqIsOne(t, p, tok)
}

// assertNextSeqIsOne pushes an empty-data change 1 of a finding the portal
// refuses for its content: acked 1 shows the numbering had not moved.
func assertNextSeqIsOne(t testing.TB, p *proc, tok string) {
	t.Helper()
	c, _ := portal.NewClient(p.base, noReuse(), tok)
	resp, err := c.Push(context.Background(), portal.PushRequest{Device: "dev-inspector1", Changes: []portal.Change{{Seq: 1, Entity: portal.EntityFinding, ID: "f-none", Op: portal.OpPut, At: time.Now(), Data: json.RawMessage(`{}`)}}})
	if err != nil {
		t.Fatalf("push after the refusal: %v", err)
	}
	if resp.Acked != 1 {
		t.Fatalf("acked %d: the refused push moved the device's numbering", resp.Acked)
	}
}

// A change over the record cap refuses the whole push with 413 and a
// message in both languages naming the limit; nothing is stored.
func TestRecordOverTheCapIsRefusedWithItsMessage(t *testing.T) {
	p := startProc(t)
	before := p.state(t)
	tok := token(t, p, "inspector1")
	f := bigFinding("f-big", 300<<10)
	data, _ := json.Marshal(f)
	c, _ := portal.NewClient(p.base, noReuse(), tok)
	_, err := c.Push(context.Background(), portal.PushRequest{Device: "dev-inspector1", Changes: []portal.Change{{Seq: 1, Entity: portal.EntityFinding, ID: f.ID, Op: portal.OpPut, At: time.Now(), Data: data}}})
	var ref *portal.RefusalError
	if !errors.As(err, &ref) || ref.Status != http.StatusRequestEntityTooLarge || ref.Body.Code != portal.ErrTooLarge {
		t.Fatalf("oversized record: %v", err)
	}
	if !strings.Contains(ref.Body.Zh, "256 KB") || !strings.Contains(ref.Body.En, "256 KB") || !strings.Contains(ref.Body.En, "f-big") {
		t.Fatalf("message does not name the record and the limit: %q / %q", ref.Body.Zh, ref.Body.En)
	}
	if after := p.state(t); after != before {
		t.Fatal("the portal's state changed")
	}
	assertNextSeqIsOne(t, p, tok)
}

func bigFinding(id string, size int) sv.Finding {
	now := time.Now().UTC()
	return sv.Finding{ID: id, ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategoryDust, Severity: sv.SeverityMinor,
		Description: strings.Repeat("x", size), ResponsibleUnit: "施工单位", Deadline: "2026-12-31", Status: sv.StatusOpen,
		CreatedAt: now, CreatedBy: "inspector1", UpdatedAt: now}
}

// Pages of pull end once their records' data reach the byte budget, and
// the cursor then brings every record exactly once.
func TestPullPagesAreBoundedInBytes(t *testing.T) {
	p := startProc(t)
	tok := token(t, p, "inspector1")
	c, _ := portal.NewClient(p.base, noReuse(), tok)
	const n = 30
	for batch := range 3 {
		var req portal.PushRequest
		req.Device = "dev-inspector1"
		for i := range 10 {
			f := bigFinding(fmt.Sprintf("f-%02d", batch*10+i), 200<<10)
			data, _ := json.Marshal(f)
			req.Changes = append(req.Changes, portal.Change{Seq: uint64(batch*10 + i + 1), Entity: portal.EntityFinding, ID: f.ID, Op: portal.OpPut, At: time.Now(), Data: data})
		}
		resp, err := c.Push(context.Background(), req)
		if err != nil || len(resp.Rejections) > 0 {
			t.Fatalf("push: %v %+v", err, resp.Rejections)
		}
	}
	admin := p.client(t, "admin")
	seen := map[string]int{}
	cursor, pages := "", 0
	for {
		page, err := admin.Pull(context.Background(), cursor, 5000)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		size := 0
		for _, r := range page.Records {
			size += len(r.Data)
			seen[r.Entity+"/"+r.ID]++
		}
		if size > defaultMaxPage && len(page.Records) > 1 {
			t.Fatalf("page %d holds %d bytes in %d records", pages, size, len(page.Records))
		}
		cursor = page.Cursor
		if !page.More {
			break
		}
	}
	findings := 0
	for k, times := range seen {
		if times != 1 {
			t.Errorf("%s arrived %d times", k, times)
		}
		if strings.HasPrefix(k, portal.EntityFinding+"/") {
			findings++
		}
	}
	if findings != n || pages < 2 {
		t.Fatalf("%d of %d findings in %d pages", findings, n, pages)
	}
}

// pngChunk appends one PNG chunk.
func pngChunk(b []byte, typ string, data []byte) []byte {
	b = binary.BigEndian.AppendUint32(b, uint32(len(data)))
	start := len(b)
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}

// craftPNG writes a PNG header of any size around the given compressed
// data: a decompression bomb when the size is huge and the data tiny.
func craftPNG(w, h int, depth, colorType byte, idat []byte, tag string) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	ihdr = append(ihdr, depth, colorType, 0, 0, 0)
	b = pngChunk(b, "IHDR", ihdr)
	b = pngChunk(b, "tEXt", []byte("Comment\x00"+tag))
	b = pngChunk(b, "IDAT", idat)
	return pngChunk(b, "IEND", nil)
}

func zlibBytes(raw []byte) []byte {
	var b bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&b, zlib.BestSpeed)
	_, _ = zw.Write(raw)
	_ = zw.Close()
	return b.Bytes()
}

// zeroRows is the zlib data of h rows of rowBytes zero bytes, each with
// its filter byte.
func zeroRows(rowBytes, h int) []byte {
	var b bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&b, zlib.BestSpeed)
	row := make([]byte, rowBytes+1)
	for range h {
		_, _ = zw.Write(row)
	}
	_ = zw.Close()
	return b.Bytes()
}

func sha(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// uploadPhoto uploads data in one request and pushes its photo record
// (when seq > 0), so the portal holds a named photo.
func uploadPhoto(t testing.TB, c *portal.Client, data []byte) string {
	t.Helper()
	h := sha(data)
	_, off, err := c.CreateUpload(context.Background(), int64(len(data)), h, "x.png", data)
	if err != nil || off != int64(len(data)) {
		t.Fatalf("upload: %v (offset %d of %d)", err, off, len(data))
	}
	return h
}

func pushPhotoRecords(t testing.TB, c *portal.Client, firstSeq uint64, hashes ...string) {
	t.Helper()
	req := portal.PushRequest{Device: "dev-inspector1"}
	for i, h := range hashes {
		data, _ := json.Marshal(sv.Photo{Hash: h, FileName: "x.png", Size: 1, ImportedAt: time.Now().UTC()})
		req.Changes = append(req.Changes, portal.Change{Seq: firstSeq + uint64(i), Entity: portal.EntityPhoto, ID: h, Op: portal.OpPut, At: time.Now(), Data: data})
	}
	resp, err := c.Push(context.Background(), req)
	if err != nil || len(resp.Rejections) > 0 {
		t.Fatalf("push photo records: %v %+v", err, resp.Rejections)
	}
}

// A PNG that declares 80 megapixels of 16-bit colour in a few bytes is
// refused from its header, never decoded: the portal's memory does not
// move, and the refusal is remembered rather than tried again. The same
// for one that would fit in pixels but not in the decode budget, and for
// one whose data breaks off.
func TestDecompressionBombPNGIsNotDecoded(t *testing.T) {
	p := startProc(t)
	c := p.client(t, "inspector1")
	tiny := zlibBytes(make([]byte, 64))
	bomb := craftPNG(10000, 8000, 16, 6, tiny, "bomb")
	costly := craftPNG(5000, 5000, 16, 6, tiny, "costly")
	broken := craftPNG(1000, 1000, 8, 2, tiny, "broken")
	var ok bytes.Buffer
	_ = png.Encode(&ok, image.NewGray(image.Rect(0, 0, 640, 480)))
	hashes := []string{uploadPhoto(t, c, bomb), uploadPhoto(t, c, costly), uploadPhoto(t, c, broken), uploadPhoto(t, c, ok.Bytes())}
	// Without a record, no thumbnail is made at all.
	if _, err := c.Thumbnail(context.Background(), hashes[0]); sv.ErrorCode(err) != sv.ENotFound {
		t.Fatalf("thumbnail of a photo no record names: %v", err)
	}
	pushPhotoRecords(t, c, 1, hashes...)
	before := p.state(t)
	for round := range 3 {
		for i, h := range hashes[:3] {
			_, err := c.Thumbnail(context.Background(), h)
			var ref *portal.RefusalError
			if !errors.As(err, &ref) || ref.Status != http.StatusUnprocessableEntity {
				t.Fatalf("round %d, photo %d: %v", round, i, err)
			}
		}
	}
	if thumb, err := c.Thumbnail(context.Background(), hashes[3]); err != nil || !bytes.HasPrefix(thumb, []byte{0xFF, 0xD8}) {
		t.Fatalf("a real PNG gets no JPEG thumbnail: %v", err)
	}
	if n := p.logCount("no thumbnail for photo"); n != 3 {
		t.Fatalf("refusals worked out %d times for 3 photos asked 3 times each", n)
	}
	for _, h := range hashes[:3] {
		if _, err := os.Stat(filepath.Join(p.data, "photos", h[:2], h+".thumb.none")); err != nil {
			t.Errorf("refusal of %s not kept: %v", h[:8], err)
		}
	}
	if p.state(t) != before {
		t.Fatal("the portal's state changed")
	}
	// 80 MP at 8 bytes a pixel would be 640 MB.
	if rss := p.peakRSS(t); rss > 128<<20 {
		t.Fatalf("portal peak RSS %d MB", rss>>20)
	}
}

// Many large thumbnails asked at once are made a few at a time, within
// the decode budget: the portal's peak memory stays far below what they
// would take together.
func TestThumbnailDecodesAreBounded(t *testing.T) {
	p := startProc(t)
	c := p.client(t, "inspector1")
	const n, side = 8, 4000 // 16 MP of 8-bit RGBA: 64 MB decoded each, 512 MB together
	idat := zeroRows(side*4, side)
	hashes := make([]string, n)
	for i := range hashes {
		hashes[i] = uploadPhoto(t, c, craftPNG(side, side, 8, 6, idat, fmt.Sprint("photo ", i)))
	}
	pushPhotoRecords(t, c, 1, hashes...)
	tok := token(t, p, "inspector1")
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for _, h := range hashes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The portal makes them a few at a time, so the last waits for
			// the others: on a loaded machine (make test runs its jobs side
			// by side) longer than noReuse's 30 s. What is checked here is
			// memory, not speed.
			hc := noReuse()
			hc.Timeout = 5 * time.Minute
			tc, _ := portal.NewClient(p.base, hc, tok)
			if _, err := tc.Thumbnail(context.Background(), h); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("thumbnail: %v", err)
	}
	rss := p.peakRSS(t)
	t.Logf("portal peak RSS with %d thumbnails of %d MP at once: %d MB", n, side*side/1_000_000, rss>>20)
	if rss > 320<<20 {
		t.Fatalf("portal peak RSS %d MB", rss>>20)
	}
}

// Uploads of photos no record names are held to the user's quota; once
// records name them, the user may upload more.
func TestUploadsOfUnnamedPhotosHaveAQuota(t *testing.T) {
	p := startProc(t, "--upload-quota", "1000000")
	c := p.client(t, "inspector1")
	blob := func() []byte {
		b := make([]byte, 400<<10)
		_, _ = rand.Read(b)
		return b
	}
	a, b, third := blob(), blob(), blob()
	ha, hb := uploadPhoto(t, c, a), uploadPhoto(t, c, b)
	_, _, err := c.CreateUpload(context.Background(), int64(len(third)), sha(third), "x.jpg", third)
	var ref *portal.RefusalError
	if !errors.As(err, &ref) || ref.Status != http.StatusRequestEntityTooLarge || ref.Body.Code != portal.ErrTooLarge || ref.Body.Zh == "" {
		t.Fatalf("third unnamed photo: %v", err)
	}
	if missing, err := c.Missing(context.Background(), []string{sha(third)}); err != nil || len(missing) != 1 {
		t.Fatalf("the refused photo was stored: %v %v", missing, err)
	}
	pushPhotoRecords(t, c, 1, ha, hb)
	uploadPhoto(t, c, third)
}

// fakeListener has an address and never accepts: enough to build a server.
type fakeListener struct{ addr net.Addr }

func (l fakeListener) Accept() (net.Conn, error) { return nil, errors.New("closed") }
func (l fakeListener) Close() error              { return nil }
func (l fakeListener) Addr() net.Addr            { return l.addr }

// Serving plain HTTP beyond this machine is logged as a warning at start;
// on loopback, or with TLS, it is not.
func TestPlainHTTPOnANetworkAddressIsWarnedAbout(t *testing.T) {
	var logs bytes.Buffer
	srv, err := New(Options{Dir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(&logs, nil)), BcryptCost: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	cert, key, _ := selfsigned.Write(t, t.TempDir())
	warned := func(ip string, tls bool) bool {
		logs.Reset()
		certFile, keyFile := "", ""
		if tls {
			certFile, keyFile = cert, key
		}
		if _, _, err := srv.HTTPServer(fakeListener{&net.TCPAddr{IP: net.ParseIP(ip), Port: 8470}}, certFile, keyFile, Limits{}); err != nil {
			t.Fatal(err)
		}
		return strings.Contains(logs.String(), "plain HTTP")
	}
	if !warned("192.0.2.10", false) || !warned("0.0.0.0", false) {
		t.Fatal("no warning for plain HTTP on a network address")
	}
	if warned("127.0.0.1", false) || warned("::1", false) || warned("192.0.2.10", true) {
		t.Fatal("a warning for loopback or TLS")
	}
}

// A client that stops reading a response is cut off too: it holds its
// connection no longer than the pace allows and gets less than the photo,
// while one that reads gets all of it.
func TestClientThatStopsReadingIsCutOff(t *testing.T) {
	p := startProc(t, "--body-grace", "1s", "--min-rate", "65536")
	c := p.client(t, "inspector1")
	photo := make([]byte, 32<<20) // more than loopback's socket buffers hold
	_, _ = rand.Read(photo)
	h := uploadPhoto(t, c, photo)
	tok := token(t, p, "inspector1")
	// Connection: close, so that the reading client's read ends with the
	// photo rather than at its deadline with the connection kept alive.
	get := fmt.Sprintf("GET %s%s HTTP/1.1\r\nHost: portal\r\nAuthorization: Bearer %s\r\nConnection: close\r\n\r\n", portal.PathPhotos, h, tok)
	read := func(stall time.Duration) int64 {
		conn, err := net.Dial("tcp", p.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(64 << 10)
		}
		_, _ = io.WriteString(conn, get)
		time.Sleep(stall)
		_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
		n, _ := io.Copy(io.Discard, conn)
		return n
	}
	if n := read(0); n < int64(len(photo)) {
		t.Fatalf("a reading client got %d of %d bytes", n, len(photo))
	}
	if n := read(4 * time.Second); n >= int64(len(photo)) {
		t.Fatalf("a client that stopped reading for 4 s still got the whole photo (%d bytes)", n)
	}
}
