package photo

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// phonePhotos returns n distinct 4032×3024 JPEGs like a phone's: a few
// generated scenes (gradients, discs, fine texture and sensor-like noise),
// made distinct by a comment segment so that every file has its own hash
// but costs the same to decode.
func phonePhotos(b *testing.B, n int) [][]byte {
	b.Helper()
	const scenes = 4
	bases := make([][]byte, scenes)
	var wg sync.WaitGroup
	for i := range bases {
		wg.Go(func() {
			var buf bytes.Buffer
			if err := jpeg.Encode(&buf, scene(4032, 3024, uint64(i+1)), &jpeg.Options{Quality: 92}); err != nil {
				panic(err)
			}
			bases[i] = buf.Bytes()
		})
	}
	wg.Wait()
	out := make([][]byte, n)
	for i := range out {
		base := bases[i%scenes]
		com := fmt.Sprintf("photo %04d", i)
		seg := append([]byte{0xFF, 0xFE, 0, byte(len(com) + 2)}, com...)
		f := append(append(append([]byte{}, base[:2]...), seg...), base[2:]...)
		out[i] = f
	}
	return out
}

// parallel calls f(0) … f(n-1) from w workers and returns the wall and CPU
// time.
func parallel(w, n int, f func(i int)) (wall, cpu time.Duration) {
	start, startCPU := time.Now(), cpuTime()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range w {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
	return time.Since(start), cpuTime() - startCPU
}

func decodeOnly(b []byte) {
	if _, err := jpeg.Decode(bytes.NewReader(b)); err != nil {
		panic(err)
	}
}

// BenchmarkProcessVsDecode processes 12-megapixel photos and decodes the same
// photos alone, alternating, with one worker per core, and reports the ratio
// of the two times. Alternating within one run keeps a busy machine from
// favouring one side.
func BenchmarkProcessVsDecode(b *testing.B) {
	photos := phonePhotos(b, 8)
	var in int
	for _, p := range photos {
		in += len(p)
	}
	w := runtime.GOMAXPROCS(0)
	for _, q := range []int{75, 80, 85} {
		b.Run(fmt.Sprintf("q%d", q), func(b *testing.B) {
			proc := NewProcessor(Options{DisplayQuality: q})
			var dec, proc0 timing
			var outBytes atomic.Int64
			rounds := 0
			for b.Loop() {
				rounds++
				dec.add(parallel(w, len(photos), func(i int) { decodeOnly(photos[i]) }))
				proc0.add(parallel(w, len(photos), func(i int) {
					p, err := proc.Process("x.jpg", photos[i])
					if err != nil {
						panic(err)
					}
					outBytes.Add(int64(len(p.Display) + len(p.Thumb)))
				}))
			}
			n := float64(rounds * len(photos))
			report(b, n, "decode", dec, "process", proc0)
			b.ReportMetric(float64(outBytes.Load())/n/1024, "out-KiB/photo")
			b.ReportMetric(float64(in)/float64(len(photos))/1024, "in-KiB/photo")
		})
	}
}

// timing sums wall and CPU time over rounds.
type timing struct{ wall, cpu time.Duration }

func (t *timing) add(wall, cpu time.Duration) { t.wall += wall; t.cpu += cpu }

// report writes per-photo times of a baseline and a measured run and their
// ratios, in wall time and, where available, CPU time.
func report(b *testing.B, n float64, baseName string, base timing, name string, t timing) {
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 / n }
	b.ReportMetric(ms(base.wall), baseName+"-ms/photo")
	b.ReportMetric(ms(t.wall), name+"-ms/photo")
	b.ReportMetric(float64(t.wall)/float64(base.wall), name+"/"+baseName)
	if base.cpu > 0 {
		b.ReportMetric(ms(base.cpu), baseName+"-cpu-ms/photo")
		b.ReportMetric(ms(t.cpu), name+"-cpu-ms/photo")
		b.ReportMetric(float64(t.cpu)/float64(base.cpu), name+"/"+baseName+"-cpu")
	}
}

// discardSink stores nothing, as the benchmark measures the importer, not
// bbolt; a real sink writes the bytes out and lets them go the same way.
type discardSink struct{ n atomic.Int64 }

func (s *discardSink) LinkExisting(context.Context, string) (bool, error) { return false, nil }
func (s *discardSink) PutPhoto(context.Context, *Processed) (bool, error) {
	s.n.Add(1)
	return true, nil
}

// BenchmarkImport100 imports 100 12-megapixel files from disk with the
// default options (one worker per core, 256 MiB budget) and reports the time
// against decoding the same files with the same number of workers, and the
// peak memory of the import: resident set (VmHWM, reset before the import)
// and the Go runtime's own total, sampled every 5 ms.
func BenchmarkImport100(b *testing.B) {
	dir := b.TempDir()
	var paths []string
	for i, data := range phonePhotos(b, 100) {
		p := filepath.Join(dir, fmt.Sprintf("IMG_%04d.jpg", i))
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
		paths = append(paths, p)
	}
	w := runtime.GOMAXPROCS(0)
	var dec, imp timing
	var peakGo uint64
	var peakRSS int64
	rounds := 0
	for b.Loop() {
		rounds++
		dec.add(parallel(w, len(paths), func(i int) {
			data, err := os.ReadFile(paths[i])
			if err != nil {
				panic(err)
			}
			decodeOnly(data)
		}))

		runtime.GC()
		debug.FreeOSMemory()
		resetPeakRSS()
		stop := sampleGoMemory(&peakGo)
		sink := &discardSink{}
		im := NewImporter(NewProcessor(DefaultOptions()), sink, ImportOptions{})
		start, startCPU := time.Now(), cpuTime()
		results, err := im.Import(context.Background(), []string{dir}, nil)
		imp.add(time.Since(start), cpuTime()-startCPU)
		stop()
		peakRSS = max(peakRSS, readPeakRSS())
		if err != nil || sink.n.Load() != 100 || len(results) != 100 {
			b.Fatalf("import: %v, %d stored", err, sink.n.Load())
		}
	}
	report(b, float64(rounds*len(paths)), "decode", dec, "import", imp)
	b.ReportMetric(float64(peakGo)/(1<<20), "peak-go-MiB")
	if peakRSS > 0 {
		b.ReportMetric(float64(peakRSS)/1024, "peak-RSS-MiB")
	}
}

// sampleGoMemory records the highest memory the Go runtime holds from the
// OS (mapped minus returned) until the returned stop is called.
func sampleGoMemory(peak *uint64) (stop func()) {
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(samples)
			*peak = max(*peak, samples[0].Value.Uint64()-samples[1].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// resetPeakRSS resets the kernel's high-water mark of this process (Linux
// 4.0+), so VmHWM measures the import and not the generation before it.
func resetPeakRSS() {
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// readPeakRSS returns VmHWM in KiB, or 0 where /proc is not available.
func readPeakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}
