package syncer

import (
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
	data := t.TempDir()
	portalCmd(t, "demo", "--data", data)
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
