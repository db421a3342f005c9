package syncer

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// pullEverything reads every record a portal holds, as a leader on a
// device that sent nothing, keyed by entity and id.
func pullEverything(t *testing.T, base string) (map[string]string, string) {
	t.Helper()
	c, _ := portal.NewClient(base, nil, "")
	resp, err := c.Login(context.Background(), portal.LoginRequest{User: "leader", Password: demoPassword, Device: "backup-check"})
	if err != nil {
		t.Fatalf("login at %s: %v", base, err)
	}
	c.SetToken(resp.Token)
	out := map[string]string{}
	cursor := ""
	for {
		page, err := c.Pull(context.Background(), cursor, 5000)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range page.Records {
			out[r.Entity+"/"+r.ID] = fmt.Sprintf("%s deleted=%v stored=%v", r.Data, r.Deleted, r.Stored)
		}
		cursor = page.Cursor
		if !page.More {
			break
		}
	}
	return out, strings.SplitN(cursor, ".", 2)[0]
}

func portalCmd(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(portalBin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("fieldbrief-portal %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// A backup taken from the running portal while a laptop syncs is a
// consistent copy: restored into a new folder, every record it holds is
// the original's, and every photo it calls stored is there. A backup of
// the quiet portal restores to the same records exactly, under a new
// epoch.
func TestBackupDuringSyncRestores(t *testing.T) {
	data := demoData(t)
	base, _ := servePortal(t, data, "http")
	px := newProxy(t, base)
	l := newLaptop(t, px.URL(), "inspector1", nil)
	l.sync(t, Options{})
	now := time.Now()
	for i := range 150 {
		f := sv.Finding{ID: sv.NewID(now.Add(time.Duration(i) * time.Millisecond)), ProjectID: fmt.Sprintf("p%02d", i%20+1), Kind: sv.KindProblem,
			Category: sv.CategorySafety, Severity: sv.SeverityMinor, Description: fmt.Sprintf("备份测试问题 %d", i), ResponsibleUnit: "施工单位",
			Deadline: "2026-12-31", Status: sv.StatusOpen, CreatedAt: now, UpdatedAt: now, CreatedBy: "李督查"}
		if err := l.store.CreateFinding(f); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	var hashes []string
	for range 3 {
		p, blob := randomPhoto(t, rng, 1<<20)
		if _, err := l.store.PutPhoto(p, storage.PhotoBlobs{Original: blob}); err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, p.Hash)
	}
	px.set(func(p *proxy) { p.rate = 1 << 20 }) // about three seconds of sync
	done := make(chan error, 1)
	go func() {
		_, err := New(l.store, l.client, Options{ChunkSize: 256 << 10}).Sync(context.Background())
		done <- err
	}()
	time.Sleep(700 * time.Millisecond)
	mid := filepath.Join(t.TempDir(), "mid.tar")
	out := portalCmd(t, "backup", "--data", data, "--out", mid)
	if !strings.Contains(out, "restore --from") {
		t.Errorf("backup does not say how to restore: %s", out)
	}
	select {
	case <-done:
		t.Log("the sync ended before the backup did; the backup was still taken from the serving portal")
	default:
	}
	if err := <-done; err != nil {
		t.Fatalf("sync: %v", err)
	}
	final := filepath.Join(t.TempDir(), "final.tar")
	portalCmd(t, "backup", "--data", data, "--out", final)
	original, epoch := pullEverything(t, base)

	midDir := filepath.Join(t.TempDir(), "mid")
	portalCmd(t, "restore", "--from", mid, "--data", midDir)
	midBase, _ := servePortal(t, midDir, "http")
	restored, midEpoch := pullEverything(t, midBase)
	if midEpoch == epoch {
		t.Error("the restored portal kept the old epoch")
	}
	for k, v := range restored {
		if strings.HasPrefix(k, portal.EntityPhoto+"/") {
			continue // the photo may have been marked stored after the snapshot
		}
		if original[k] != v {
			t.Errorf("the mid-sync backup holds %s as\n%s\nbut the portal had\n%s", k, v, original[k])
		}
	}
	checkPhotos(t, midBase, restored)

	// The laptop meets the portal restored from the mid-sync backup: it
	// sends again what that portal lacks, changes the old portal had
	// acknowledged included, instead of failing on a gap. Nothing is lost.
	mc, _ := portal.NewClient(midBase, nil, "")
	if _, err := Login(context.Background(), l.store, mc, "inspector1", demoPassword); err != nil {
		t.Fatalf("sign-in at the restored portal: %v", err)
	}
	if _, err := New(l.store, mc, Options{}).Sync(context.Background()); err != nil {
		t.Fatalf("sync with the restored portal: %v", err)
	}
	healed, _ := pullEverything(t, midBase)
	findings := 0
	for k := range original {
		if strings.HasPrefix(k, portal.EntityFinding+"/") {
			findings++
			if _, ok := healed[k]; !ok {
				t.Errorf("the restored portal still lacks %s after the laptop's sync", k)
			}
		}
	}
	if findings != 150 {
		t.Errorf("the original portal holds %d findings, want 150", findings)
	}
	if n := checkPhotos(t, midBase, healed); n != len(hashes) {
		t.Errorf("%d photos stored on the restored portal after the laptop's sync, want %d", n, len(hashes))
	}

	finalDir := filepath.Join(t.TempDir(), "final")
	portalCmd(t, "restore", "--from", final, "--data", finalDir)
	if out, err := exec.Command(portalBin, "restore", "--from", final, "--data", finalDir).CombinedOutput(); err == nil || !strings.Contains(string(out), "not empty") {
		t.Errorf("restore into a used folder: %v %s", err, out)
	}
	finalBase, _ := servePortal(t, finalDir, "http")
	again, finalEpoch := pullEverything(t, finalBase)
	if finalEpoch == epoch || len(again) != len(original) {
		t.Fatalf("restored %d records under epoch %s; the portal has %d under %s", len(again), finalEpoch, len(original), epoch)
	}
	for k, v := range original {
		if again[k] != v {
			t.Errorf("%s differs after restore:\n%s\n%s", k, again[k], v)
		}
	}
	n := checkPhotos(t, finalBase, again)
	if n != len(hashes) {
		t.Errorf("%d photos stored after restore, want %d", n, len(hashes))
	}
}

// checkPhotos downloads every photo the records call stored and returns
// how many there are.
func checkPhotos(t *testing.T, base string, records map[string]string) int {
	t.Helper()
	c, _ := portal.NewClient(base, nil, "")
	resp, err := c.Login(context.Background(), portal.LoginRequest{User: "leader", Password: demoPassword, Device: "photo-check"})
	if err != nil {
		t.Fatal(err)
	}
	c.SetToken(resp.Token)
	n := 0
	for k, v := range records {
		hash, ok := strings.CutPrefix(k, portal.EntityPhoto+"/")
		if !ok || !strings.HasSuffix(v, "stored=true") {
			continue
		}
		got, err := c.Photo(context.Background(), hash)
		if err != nil || len(got) == 0 {
			t.Errorf("photo %s is marked stored but cannot be downloaded: %v", hash, err)
		}
		n++
	}
	return n
}

// A portal restored from a backup taken after a photo's record arrived but
// before its bytes did holds the record, not stored. A laptop that still
// has the original uploads it again when it meets that portal, even when
// the record it holds is the very one the laptop sent (here: under the
// laptop's previous device id, so the portal's pull does not leave it out
// and it compares equal).
func TestRestoredPortalGetsPhotoBytesItLacks(t *testing.T) {
	ctx := context.Background()
	data := demoData(t)
	base, _ := servePortal(t, data, "http")
	l := newLaptop(t, base, "inspector1", nil)
	l.sync(t, Options{})
	p, blob := randomPhoto(t, rand.New(rand.NewPCG(3, 4)), 300<<10)
	if _, err := l.store.PutPhoto(p, storage.PhotoBlobs{Original: blob}); err != nil {
		t.Fatal(err)
	}
	eng := New(l.store, l.client, Options{})
	var r Report
	if err := eng.Push(ctx, &r); err != nil || r.Pushed != 1 {
		t.Fatalf("push of the photo's record: %+v %v", r, err)
	}
	backup := filepath.Join(t.TempDir(), "b.tar")
	portalCmd(t, "backup", "--data", data, "--out", backup)
	if err := eng.UploadPhotos(ctx, &r); err != nil || r.PhotosSent != 1 {
		t.Fatalf("upload: %+v %v", r, err)
	}
	if err := eng.Reregister(ctx); err != nil {
		t.Fatal(err)
	}
	l.sync(t, Options{})
	if got, err := l.store.PhotoBlob(p.Hash, storage.BlobOriginal); err != nil || !bytes.Equal(got, blob) {
		t.Fatalf("the original went right after the portal confirmed it: %v", err)
	}

	restoredDir := filepath.Join(t.TempDir(), "restored")
	portalCmd(t, "restore", "--from", backup, "--data", restoredDir)
	rBase, _ := servePortal(t, restoredDir, "http")
	before, _ := pullEverything(t, rBase)
	if v := before[portal.EntityPhoto+"/"+p.Hash]; !strings.HasSuffix(v, "stored=false") {
		t.Fatalf("the restored portal should hold the photo's record without its bytes: %q", v)
	}
	rc, _ := portal.NewClient(rBase, nil, "")
	if _, err := Login(ctx, l.store, rc, "inspector1", demoPassword); err != nil {
		t.Fatalf("sign-in at the restored portal: %v", err)
	}
	rep, err := New(l.store, rc, Options{}).Sync(ctx)
	if err != nil {
		t.Fatalf("sync with the restored portal: %v", err)
	}
	if rep.PhotosSent != 1 || rep.NewDevice == nil {
		t.Errorf("sync with the restored portal sent %d photos (want 1), new device %v", rep.PhotosSent, rep.NewDevice)
	}
	after, _ := pullEverything(t, rBase)
	if n := checkPhotos(t, rBase, after); n != 1 {
		t.Fatalf("%d photos stored on the restored portal after the laptop's sync, want 1", n)
	}
	leader, _ := portal.NewClient(rBase, nil, "")
	resp, err := leader.Login(ctx, portal.LoginRequest{User: "leader", Password: demoPassword, Device: "bytes-check"})
	if err != nil {
		t.Fatal(err)
	}
	leader.SetToken(resp.Token)
	if got, err := leader.Photo(ctx, p.Hash); err != nil || !bytes.Equal(got, blob) {
		t.Errorf("the restored portal's copy of the photo differs from the original: %v", err)
	}
	// The restored portal's confirmation starts the retention again.
	if _, err := l.store.PhotoBlob(p.Hash, storage.BlobOriginal); err != nil {
		t.Errorf("the original went right after the restored portal confirmed it: %v", err)
	}
	if pending, err := l.store.PendingPhotos(); err != nil || len(pending) != 0 {
		t.Errorf("photos still waiting after the sync: %v %v", pending, err)
	}
}

// A laptop keeps its own originals for storage.OriginalsRetention after
// the portal confirmed them, so that a portal restored from a backup older
// than the upload can be sent them again; a successful sync after that
// lets them go, a failed one does not.
func TestOwnOriginalsStayForTheRetentionAfterUpload(t *testing.T) {
	ctx := context.Background()
	data := demoData(t)
	base, stop := servePortal(t, data, "http")
	now := time.Now()
	s, err := storage.Open(t.TempDir(), storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	c, _ := portal.NewClient(base, nil, "")
	cred, err := Login(ctx, s, c, "inspector1", demoPassword)
	if err != nil {
		t.Fatal(err)
	}
	p, blob := randomPhoto(t, rand.New(rand.NewPCG(5, 6)), 100<<10)
	if _, err := s.PutPhoto(p, storage.PhotoBlobs{Original: blob, Display: []byte("display")}); err != nil {
		t.Fatal(err)
	}
	syncNow := func() error {
		_, err := New(s, c, Options{}).Sync(ctx)
		return err
	}
	has := func() bool {
		_, err := s.PhotoBlob(p.Hash, storage.BlobOriginal)
		return err == nil
	}
	if err := syncNow(); err != nil {
		t.Fatal(err)
	}
	if pending := must(s.PendingPhotos())(t); len(pending) != 0 || !has() {
		t.Fatalf("after the upload: %d photos waiting, original here %v; want 0 and true", len(pending), has())
	}
	now = now.Add(storage.OriginalsRetention - time.Hour)
	if err := syncNow(); err != nil {
		t.Fatal(err)
	}
	if !has() {
		t.Fatal("the original went before the retention passed")
	}
	now = now.Add(2 * time.Hour)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if err := syncNow(); err == nil {
		t.Fatal("a sync with the portal down succeeded")
	}
	if !has() {
		t.Fatal("a failed sync let the original go")
	}
	base, _ = servePortal(t, data, "http")
	c, _ = portal.NewClient(base, nil, cred.Token)
	if err := syncNow(); err != nil {
		t.Fatal(err)
	}
	if has() {
		t.Fatal("the original is still here after the retention and a successful sync")
	}
	if d, err := s.PhotoBlob(p.Hash, storage.BlobDisplay); err != nil || string(d) != "display" {
		t.Fatalf("the display copy went with the original: %v", err)
	}
}
