package syncer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

func portalHash(t testing.TB, base string) string {
	t.Helper()
	c, _ := portal.NewClient(base, nil, "")
	if _, err := c.Login(context.Background(), portal.LoginRequest{User: "admin", Password: demoPassword}); err != nil {
		t.Fatal(err)
	}
	h, err := PortalStateHash(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestFreshLaptopSignsInAndGetsTheRegister(t *testing.T) {
	base := startPortal(t)
	px := newProxy(t, base)
	l := newLaptop(t, px.URL(), "inspector1", nil)
	r := l.sync(t, Options{})
	projects, err := l.store.Projects()
	if err != nil || len(projects) != 20 {
		t.Fatalf("projects after first sync: %d %v", len(projects), err)
	}
	templates, _ := l.store.Templates()
	if len(templates) != 2 {
		t.Fatalf("templates: %d", len(templates))
	}
	if _, err := l.store.LatestTemplate(projects[0].TemplateID); err != nil {
		t.Fatalf("template of a project: %v", err)
	}
	if r.Pulled != 22 {
		t.Fatalf("pulled %d records", r.Pulled)
	}
	if got, want := l.hash(t), portalHash(t, base); got != want {
		t.Fatalf("laptop %s, portal %s", got, want)
	}
	// A sync with nothing new: few requests, few bytes.
	up, down := px.up.Load(), px.down.Load()
	r = l.sync(t, Options{})
	wire := px.up.Load() - up + px.down.Load() - down
	t.Logf("no-op sync: %d requests, %d bytes on the wire", r.Requests, wire)
	if r.Requests > 2 || wire >= 2048 {
		t.Fatalf("no-op sync took %d requests and %d bytes", r.Requests, wire)
	}
	st, err := ReadStatus(l.store)
	if err != nil || st.PendingChanges != 0 || st.LastSync == nil {
		t.Fatalf("status: %+v %v", st, err)
	}
}

func TestTwoLaptopsEditTheSameFindingOfflineAndConverge(t *testing.T) {
	base := startPortal(t)
	a := newLaptop(t, base, "inspector1", nil)
	b := newLaptop(t, base, "inspector2", nil)
	a.sync(t, Options{})
	b.sync(t, Options{})

	f := sv.Finding{ID: sv.NewID(time.Now()), ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMajor,
		Description: "塔吊基础积水", ResponsibleUnit: "中建三局", Deadline: "2026-12-31", CreatedBy: "李督查"}
	if err := a.store.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	a.sync(t, Options{})
	b.sync(t, Options{})
	if _, err := b.store.Finding(f.ID); err != nil {
		t.Fatalf("laptop B did not get the finding: %v", err)
	}

	// Offline on both laptops.
	if _, err := a.store.EditFinding(f.ID, storage.FindingEdit{Description: f.Description, ResponsibleUnit: "重庆科城建设", Deadline: "2026-12-15",
		Severity: sv.SeverityMajor, Category: sv.CategorySafety}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.AddFindingNote(f.ID, sv.Note{By: "李督查", Text: "已电话通知项目经理"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.MoveFinding(f.ID, sv.Move{To: sv.StatusInProgress, By: "李督查"}); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond) // B's edits come later
	if _, err := b.store.EditFinding(f.ID, storage.FindingEdit{Description: "塔吊基础积水，排水沟堵塞", ResponsibleUnit: f.ResponsibleUnit, Deadline: f.Deadline,
		Severity: sv.SeveritySerious, Category: sv.CategorySafety}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.store.AddFindingNote(f.ID, sv.Note{By: "张督查", Text: "现场复查仍有积水"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.store.MoveFinding(f.ID, sv.Move{To: sv.StatusFixed, By: "张督查", Note: "已疏通排水沟"}); err != nil {
		t.Fatal(err)
	}

	a.sync(t, Options{})
	b.sync(t, Options{})
	a.sync(t, Options{})
	ha, hb, hp := a.hash(t), b.hash(t), portalHash(t, base)
	if ha != hb || hb != hp {
		t.Fatalf("stores differ: A %s, B %s, portal %s", ha, hb, hp)
	}
	got, _ := a.store.Finding(f.ID)
	if got.ResponsibleUnit != "重庆科城建设" || got.Deadline != "2026-12-15" {
		t.Errorf("A's fields lost: %+v", got)
	}
	if got.Description != "塔吊基础积水，排水沟堵塞" || got.Severity != sv.SeveritySerious || got.Status != sv.StatusFixed {
		t.Errorf("B's fields lost: %+v", got)
	}
	if len(got.Notes) != 2 {
		t.Errorf("notes: %+v", got.Notes)
	}
	if len(got.History) != 2 {
		t.Errorf("history should keep both status changes: %+v", got.History)
	}
	for _, l := range []*laptop{a, b} {
		if rs := must(l.store.Rejections())(t); len(rs) != 0 {
			t.Errorf("%s: unexpected rejections %+v", l.user, rs)
		}
	}
}

func TestRefusedChangesComeBackToTheLaptop(t *testing.T) {
	base := startPortal(t)
	a := newLaptop(t, base, "inspector1", nil)
	a.sync(t, Options{})
	f := sv.Finding{ID: sv.NewID(time.Now()), ProjectID: "p02", Kind: sv.KindProblem, Category: sv.CategoryQuality, Severity: sv.SeverityMinor,
		Description: "钢筋保护层不足", ResponsibleUnit: "监理单位", Deadline: "2026-12-31"}
	if err := a.store.CreateFinding(f); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.MoveFinding(f.ID, sv.Move{To: sv.StatusFixed, By: "李督查", Note: "已整改"}); err != nil {
		t.Fatal(err)
	}
	// The laptop's own store refuses an inspector's closing; a laptop
	// that claims a leader's role for it is refused by the portal, which
	// knows who signed in.
	if _, err := a.store.MoveFinding(f.ID, sv.Move{To: sv.StatusClosed, By: "李督查", Note: "我自己销号"}); sv.ErrorCode(err) != sv.EForbidden {
		t.Fatalf("the laptop let an inspector close: %v", err)
	}
	if _, err := a.store.MoveFinding(f.ID, sv.Move{To: sv.StatusClosed, By: "李督查", Role: sv.RoleLeader, Note: "我自己销号"}); err != nil {
		t.Fatal(err)
	}
	r := a.sync(t, Options{})
	if r.Rejected != 1 {
		t.Fatalf("rejected %d, want 1 (an inspector closing a finding)", r.Rejected)
	}
	rs, _ := a.store.Rejections()
	if len(rs) != 1 || !strings.Contains(rs[0].En, "leader") || rs[0].Zh == "" {
		t.Fatalf("stored rejections: %+v", rs)
	}
	got, _ := a.store.Finding(f.ID)
	if got.Status != sv.StatusFixed {
		t.Fatalf("the laptop should show the portal's status after a refusal, has %s", got.Status)
	}
	if a.hash(t) != portalHash(t, base) {
		t.Fatal("laptop and portal differ after a refusal")
	}
}

func TestLostResponsesAfterCommitDoNotDuplicate(t *testing.T) {
	base := startPortal(t)
	px := newProxy(t, base)
	l := newLaptop(t, px.URL(), "inspector1", noKeepAlive())
	l.sync(t, Options{})
	for i := range 30 {
		f := sv.Finding{ID: sv.NewID(time.Now()), ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategoryDust, Severity: sv.SeverityMinor,
			Description: "裸土未覆盖 " + string(rune('A'+i%26)), ResponsibleUnit: "施工单位", Deadline: "2026-12-31"}
		if err := l.store.CreateFinding(f); err != nil {
			t.Fatal(err)
		}
		if _, err := l.store.AddFindingNote(f.ID, sv.Note{Text: "拍照留存"}); err != nil {
			t.Fatal(err)
		}
	}
	dropped := 0
	px.set(func(p *proxy) {
		p.dropResponse = func(line string) bool { // called under p.mu
			if strings.HasPrefix(line, "POST /api/v1/push") || strings.HasPrefix(line, "GET /api/v1/pull") {
				dropped++
				return dropped%2 == 1 // every other response is lost
			}
			return false
		}
	})
	var err error
	attempts := 0
	for attempts = 1; attempts <= 100; attempts++ {
		if _, err = New(l.store, l.client, Options{PushBatch: 7, PullLimit: 10}).Sync(context.Background()); err == nil {
			break
		}
		if sv.ErrorCode(err) != sv.EUnavailable {
			t.Fatalf("sync failed with %v", err)
		}
	}
	if err != nil {
		t.Fatalf("sync never completed: %v", err)
	}
	t.Logf("%d responses dropped, %d sync attempts", (dropped+1)/2, attempts)
	if dropped < 4 {
		t.Fatalf("only %d requests went through the fault injector", dropped)
	}
	px.set(func(p *proxy) { p.dropResponse = nil })
	l.sync(t, Options{})
	if n := must(l.store.OutboxLen())(t); n != 0 {
		t.Fatalf("outbox not empty: %d", n)
	}
	checkPortalFindings(t, base, 30)
	if l.hash(t) != portalHash(t, base) {
		t.Fatal("laptop and portal differ")
	}
}

func randomPhoto(t testing.TB, rng *rand.Rand, size int) (sv.Photo, []byte) {
	t.Helper()
	data := make([]byte, size)
	for i := range data {
		data[i] = byte(rng.UintN(256))
	}
	sum := sha256.Sum256(data)
	return sv.Photo{Hash: hex.EncodeToString(sum[:]), FileName: "site.jpg", Size: int64(size)}, data
}

func TestUploadSurvivesManyCutsAndResendsAtMostAChunkPerCut(t *testing.T) {
	base := startPortal(t)
	px := newProxy(t, base)
	// One connection per request, so a cut falls on one PATCH.
	l := newLaptop(t, px.URL(), "inspector1", noKeepAlive())
	l.sync(t, Options{})
	rng := rand.New(rand.NewPCG(1, 2))
	p, data := randomPhoto(t, rng, 3<<20)
	if _, err := l.store.PutPhoto(p, storage.PhotoBlobs{Original: data}); err != nil {
		t.Fatal(err)
	}
	const chunk = 256 << 10
	cuts := 0
	px.set(func(px *proxy) {
		px.cutAfter = func(line string) int64 {
			// The first two cuts fall on the upload's creation (the first
			// chunk rides on the POST, so the laptop never learns the
			// upload's address), the others on appends.
			creating := strings.HasPrefix(line, "POST /api/v1/uploads")
			if cuts >= 12 || (cuts < 2) != creating || !(creating || strings.HasPrefix(line, "PATCH ")) {
				return 0
			}
			cuts++
			return 16<<10 + rng.Int64N(chunk-32<<10) // inside the chunk
		}
	})
	r := l.sync(t, Options{ChunkSize: chunk, Retries: 100, Backoff: 10 * time.Millisecond})
	resent := r.BytesSent - int64(len(data))
	t.Logf("%d cuts, %d resumes, %d bytes sent for %d, %d re-sent", cuts, r.Resumes, r.BytesSent, len(data), resent)
	if r.Resumes < 10 {
		t.Fatalf("only %d resumes; the fault injector did not cut uploads", r.Resumes)
	}
	if resent > int64(r.Resumes)*chunk {
		t.Fatalf("re-sent %d bytes over %d cuts: more than one chunk (%d) per cut", resent, r.Resumes, chunk)
	}
	got, err := l.client.Photo(context.Background(), p.Hash)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("the portal's photo differs: %d bytes, %v", len(got), err)
	}
	if st := must(ReadStatus(l.store))(t); st.PendingPhotos != 0 {
		t.Fatalf("photo still pending: %+v", st)
	}
}

func TestPhotoBytesOnTheWire(t *testing.T) {
	base := startPortal(t)
	px := newProxy(t, base)
	l := newLaptop(t, px.URL(), "inspector1", nil)
	l.sync(t, Options{})
	rng := rand.New(rand.NewPCG(3, 4))
	var total int64
	for range 8 {
		p, data := randomPhoto(t, rng, 1<<20+rng.IntN(1<<20))
		if _, err := l.store.PutPhoto(p, storage.PhotoBlobs{Original: data}); err != nil {
			t.Fatal(err)
		}
		total += int64(len(data))
	}
	up, down := px.up.Load(), px.down.Load()
	r := l.sync(t, Options{})
	wire := px.up.Load() - up + px.down.Load() - down
	ratio := float64(wire) / float64(total)
	t.Logf("photos %d bytes, wire %d bytes, ratio %.4f, %d requests", total, wire, ratio, r.Requests)
	if ratio > 1.02 {
		t.Fatalf("wire/photo bytes %.4f > 1.02", ratio)
	}
	if r.PhotosSent != 8 {
		t.Fatalf("sent %d photos", r.PhotosSent)
	}
}
