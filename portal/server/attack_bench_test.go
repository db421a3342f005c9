package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"fieldbrief/portal"
)

// BenchmarkPortalUnderAttack runs a real portal process through each attack
// of issue 11 that aims at its memory or connections, while a prober asks
// /healthz every 100 ms on a new connection. Each reports the portal's
// peak RSS (VmHWM) and the slowest health answer, and fails past 512 MB or
// 1 s. Run once each:
//
//	go test -run '^$' -bench PortalUnderAttack -benchtime 1x ./portal/server/
func BenchmarkPortalUnderAttack(b *testing.B) {
	b.Run("bomb-thumbnails", func(b *testing.B) { underAttack(b, bombThumbnails) })
	b.Run("slow-connections-10000", func(b *testing.B) { underAttack(b, slowConnections) })
	b.Run("inflating-gzip-push", func(b *testing.B) { underAttack(b, inflatingPushes) })
}

func underAttack(b *testing.B, attack func(b *testing.B, p *proc)) {
	for range b.N {
		p := startProc(b)
		stop := make(chan struct{})
		var worst atomic.Int64
		var failed atomic.Int64
		var probes atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(100 * time.Millisecond):
				}
				took, err := p.health(2 * time.Second)
				probes.Add(1)
				if err != nil {
					if failed.Add(1) <= 3 {
						b.Logf("health probe at %v failed: %v", time.Since(start).Round(time.Millisecond), err)
					}
					took = 2 * time.Second
				}
				for {
					w := worst.Load()
					if int64(took) <= w || worst.CompareAndSwap(w, int64(took)) {
						break
					}
				}
			}
		}()
		attack(b, p)
		close(stop)
		wg.Wait()
		rss := p.peakRSS(b)
		b.ReportMetric(float64(rss)/(1<<20), "peak-RSS-MB")
		b.ReportMetric(float64(worst.Load())/float64(time.Millisecond), "healthz-max-ms")
		b.ReportMetric(float64(failed.Load()), "healthz-failed")
		b.Logf("attack %v: portal peak RSS %d MB; %d health probes, slowest %v, %d failed",
			time.Since(start).Round(time.Millisecond), rss>>20, probes.Load(), time.Duration(worst.Load()).Round(time.Millisecond), failed.Load())
		if rss >= 512<<20 {
			b.Errorf("portal peak RSS %d MB, limit 512 MB", rss>>20)
		}
		if worst.Load() > int64(time.Second) || failed.Load() > 0 {
			b.Errorf("/healthz: slowest %v, %d failed", time.Duration(worst.Load()), failed.Load())
		}
	}
}

// bombThumbnails uploads 20 PNGs declaring 80 MP of 16-bit colour in a
// few bytes (the bomb), 20 that fit the pixel cap but not the
// decode budget, and 20 real 16 MP images, names them all in records, and
// has 6 clients ask for every thumbnail three times over.
func bombThumbnails(b *testing.B, p *proc) {
	c := p.client(b, "inspector1")
	tiny := zlibBytes(make([]byte, 64))
	real := zeroRows(4000*4, 4000)
	var hashes []string
	for i := range 20 {
		hashes = append(hashes,
			uploadPhoto(b, c, craftPNG(10000, 8000, 16, 6, tiny, fmt.Sprint("bomb ", i))),
			uploadPhoto(b, c, craftPNG(6000, 6000, 8, 6, tiny, fmt.Sprint("costly ", i))),
			uploadPhoto(b, c, craftPNG(4000, 4000, 8, 6, real, fmt.Sprint("real ", i))))
	}
	pushPhotoRecords(b, c, 1, hashes...)
	tok := token(b, p, "inspector1")
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tc, _ := portal.NewClient(p.base, noReuse(), tok)
			for round := range 3 {
				for i := range hashes {
					_, _ = tc.Thumbnail(context.Background(), hashes[(i+w*7+round)%len(hashes)])
				}
			}
		}()
	}
	wg.Wait()
}

// slowConnections opens 10,000 connections from loopback addresses, each
// sending the start of a request and then a byte every 5 s, and holds them
// for 20 s.
func slowConnections(b *testing.B, p *proc) {
	const n = 10000
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		b.Fatal(err)
	}
	if rl.Cur < n+1000 {
		rl.Cur = min(rl.Max, n+1000)
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur < n+1000 {
			b.Skipf("cannot open %d files (limit %d): %v", n, rl.Cur, err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	var opened, refused atomic.Int64
	var wg sync.WaitGroup
	sem := make(chan struct{}, 500) // dials in flight
	for i := range n {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := net.Dialer{Timeout: 5 * time.Second, LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, byte(1+i/250), byte(2+i%250))}}
			conn, err := d.Dial("tcp", p.addr)
			<-sem
			if err != nil {
				refused.Add(1)
				return
			}
			opened.Add(1)
			defer conn.Close()
			if _, err := fmt.Fprintf(conn, "POST %s HTTP/1.1\r\nHost: portal\r\nContent-Type: application/json\r\n", portal.PathLogin); err != nil {
				return
			}
			for time.Now().Before(deadline) {
				time.Sleep(5 * time.Second)
				if _, err := conn.Write([]byte("X")); err != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	b.Logf("%d connections opened, %d not", opened.Load(), refused.Load())
}

// inflatingPushes has 16 clients push gzip bodies of about 100 KB that
// unpack to 40 MB, for 10 s; then pushes 400 findings of 250 KB each (100
// MB stored, the most the record cap allows) and pulls them all as the
// admin.
func inflatingPushes(b *testing.B, p *proc) {
	tok := token(b, p, "inspector1")
	raw, _ := json.Marshal(portal.PushRequest{Device: "dev-inspector1", Changes: []portal.Change{answerChange(1, strings.Repeat("A", 40<<20))}})
	bomb := gz(raw)
	stop := time.Now().Add(10 * time.Second)
	var wg sync.WaitGroup
	var sent, refused atomic.Int64
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				resp, body := pushRaw(b, p, tok, bomb, true)
				sent.Add(1)
				if resp.StatusCode == 413 || resp.StatusCode == 503 {
					refused.Add(1)
				} else {
					b.Errorf("an inflating push was answered %d: %s", resp.StatusCode, body)
				}
			}
		}()
	}
	wg.Wait()
	b.Logf("%d bombs of %d KB pushed, %d refused", sent.Load(), len(bomb)>>10, refused.Load())
	c, _ := portal.NewClient(p.base, noReuse(), tok)
	seq := uint64(1)
	for batch := range 16 {
		req := portal.PushRequest{Device: "dev-inspector1"}
		for i := range 25 {
			f := bigFinding(fmt.Sprintf("f-%03d", batch*25+i), 250<<10)
			data, _ := json.Marshal(f)
			req.Changes = append(req.Changes, portal.Change{Seq: seq, Entity: portal.EntityFinding, ID: f.ID, Op: portal.OpPut, At: time.Now(), Data: data})
			seq++
		}
		if _, err := c.Push(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
	admin := p.client(b, "admin")
	cursor, pages, records := "", 0, 0
	for {
		page, err := admin.Pull(context.Background(), cursor, 5000)
		if err != nil {
			b.Fatal(err)
		}
		pages++
		records += len(page.Records)
		cursor = page.Cursor
		if !page.More {
			break
		}
	}
	b.Logf("pulled %d records in %d pages", records, pages)
}
