package storage

import (
	"encoding/json"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/sample"
	sv "fieldbrief/supervision"
)

// BenchmarkSaveAnswer measures saving one checklist answer (record and
// outbox entry in one fsynced transaction) against a bare bbolt update that
// writes the same number of bytes in one fsynced transaction, interleaved in
// the same run so the disk's mood affects both alike. The ratio is the
// figure to watch (target ≤ 1.5).
func BenchmarkSaveAnswer(b *testing.B) {
	c := &clock{t: time.Date(2026, 5, 20, 9, 0, 0, 0, cst)}
	s := openTest(b, b.TempDir(), c)
	p, tpls := testRegister()
	if err := s.ImportRegister(p, tpls, false); err != nil {
		b.Fatal(err)
	}
	in, err := s.StartVisit("p01", []string{"张伟"})
	if err != nil {
		b.Fatal(err)
	}
	answer := sv.Answer{ItemKey: "remark", Text: "东侧基坑支护完成，塔吊两台运行正常，现场作业人员约三百人。", AnsweredAt: c.t}
	payload, _ := json.Marshal(answer)
	againstBareBolt(b, []byte("k"), payload, func() error { return s.SaveAnswer(in.ID, answer) })
}

// againstBareBolt times save against a bare bbolt Update putting payload
// under key, one after the other in each round, so that the disk's mood
// affects both alike, and reports both times and their ratio.
func againstBareBolt(b *testing.B, key, payload []byte, save func() error) {
	bare, err := bolt.Open(b.TempDir()+"/bare.db", 0o600, &bolt.Options{FreelistType: bolt.FreelistMapType})
	if err != nil {
		b.Fatal(err)
	}
	defer bare.Close()
	bare.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucketIfNotExists([]byte("b")); return err })

	var storeTime, bareTime time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := save(); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := bare.Update(func(tx *bolt.Tx) error { return tx.Bucket([]byte("b")).Put(key, payload) }); err != nil {
			b.Fatal(err)
		}
		storeTime += t1.Sub(t0)
		bareTime += time.Since(t1)
	}
	b.ReportMetric(float64(storeTime.Microseconds())/float64(b.N), "save-µs/op")
	b.ReportMetric(float64(bareTime.Microseconds())/float64(b.N), "bare-µs/op")
	b.ReportMetric(float64(storeTime)/float64(bareTime), "ratio")
}

// BenchmarkSaveFormDraft: keeping what is typed into a finding's form (one
// fsynced transaction per change, decision 0020) against a bare bbolt
// Update writing the same bytes, interleaved.
func BenchmarkSaveFormDraft(b *testing.B) {
	c := &clock{t: time.Date(2026, 5, 20, 9, 0, 0, 0, cst)}
	s := openTest(b, b.TempDir(), c)
	d := FormDraft{Key: "finding:new:0190a1b2-c3d4:safety.edges", Fields: map[string]string{
		"description": "临边、洞口防护：二层东侧楼板预留洞口未封闭覆盖，无警示标志",
		"category":    "安全生产", "severity": "较大", "unit": "渝西建工集团有限公司", "deadline": "2026-06-05",
	}}
	payload, _ := json.Marshal(d)
	againstBareBolt(b, []byte(d.Key), payload, func() error { return s.SaveFormDraft(d) })
}

// historyStores builds stores holding one and five years of the sample
// history (20 projects × 12 or 60 visits × ~38 answers; ~900 or ~3,000
// findings), once per benchmark run.
type historyStores struct {
	once      sync.Once
	one, five *Store
	err       error
}

func (h *historyStores) get(b *testing.B) (*Store, *Store) {
	h.once.Do(func() {
		now := time.Date(2026, 11, 26, 10, 0, 0, 0, cst)
		build := func(months int) *Store {
			s, err := Open(b.TempDir(), Options{Now: func() time.Time { return now }})
			if err != nil {
				h.err = err
				return nil
			}
			ds, err := sample.Generate(sample.Options{Now: now, Months: months, Seed: 1})
			if err == nil {
				err = s.ImportRegister(ds.Projects, ds.Templates, true)
			}
			if err == nil {
				err = s.ImportHistory(ds.Visits, ds.Findings)
			}
			if err != nil {
				h.err = err
			}
			return s
		}
		h.one, h.five = build(12), build(60)
	})
	if h.err != nil {
		b.Fatal(h.err)
	}
	return h.one, h.five
}

// BenchmarkDashboard loads the dashboard from a one-year and a five-year
// store alternately; ratio5y1y near 1 shows the cost does not grow with
// history (target: five-year < 50 ms).
func BenchmarkDashboard(b *testing.B) {
	var h historyStores
	one, five := h.get(b)
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, cst)
	var t1, t5 time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		a := time.Now()
		r1, err := one.Dashboard(now)
		if err != nil || len(r1) != 20 {
			b.Fatal(err, len(r1))
		}
		m := time.Now()
		r5, err := five.Dashboard(now)
		if err != nil || len(r5) != 20 {
			b.Fatal(err, len(r5))
		}
		t1 += m.Sub(a)
		t5 += time.Since(m)
	}
	b.ReportMetric(float64(t1.Microseconds())/1000/float64(b.N), "1y-ms/op")
	b.ReportMetric(float64(t5.Microseconds())/1000/float64(b.N), "5y-ms/op")
	b.ReportMetric(float64(t5)/float64(t1), "ratio5y1y")
}
