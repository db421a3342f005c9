package syncer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"testing"
	"time"

	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// TestPortalSnapshotNamesTheProjectsNotSent: the portal's rebuild of a
// tour pack comes back with each stop's digest, and the projects this
// laptop changed and has not sent — a visit submitted on one, a finding
// on another, a photo's caption on a third — are named, and no other;
// once synced, none, and the portal's parts of those three changed.
func TestPortalSnapshotNamesTheProjectsNotSent(t *testing.T) {
	base := startPortal(t)
	a := newLaptop(t, base, "inspector1", nil)
	a.sync(t, Options{})
	withPhoto, err := a.store.StartVisit("p05", []string{"李督查"})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte("a picture of p05"))
	hash := hex.EncodeToString(sum[:])
	answerAll(t, a.store, withPhoto)
	if _, err := a.store.PutPhoto(sv.Photo{Hash: hash, Size: 16, Links: []sv.PhotoLink{{VisitID: withPhoto.ID}}},
		storage.PhotoBlobs{Original: []byte("a picture of p05")}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.SubmitVisit(withPhoto.ID); err != nil {
		t.Fatal(err)
	}
	a.sync(t, Options{})

	// A tour pack as of an hour from now, so that what is done below is
	// in it.
	now := time.Now()
	at := now.Add(time.Hour)
	req := portal.SnapshotRequest{Kind: "tour", ID: fmt.Sprintf("%dQ%d", at.Year(), (int(at.Month())+2)/3), Time: at, AsOf: at,
		Projects: []string{"p01", "p03", "p05", "p07"}}
	ask := func() (portal.SnapshotResponse, []string) {
		t.Helper()
		resp, unsent, err := New(a.store, a.client, Options{}).FetchPortalSnapshot(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Projects) != 4 || resp.Projects[1].ID != "p03" || len(resp.Projects[1].Digest) != 12 {
			t.Fatalf("the portal's rebuild: %+v", resp)
		}
		return resp, unsent
	}
	if _, unsent := ask(); len(unsent) != 0 {
		t.Errorf("everything sent, yet %v named", unsent)
	}

	in, err := a.store.StartVisit("p03", []string{"李督查"})
	if err != nil {
		t.Fatal(err)
	}
	answerAll(t, a.store, in)
	if _, err := a.store.SubmitVisit(in.ID); err != nil {
		t.Fatal(err)
	}
	if err := a.store.CreateFinding(sv.Finding{ID: sv.NewID(now), ProjectID: "p07", Kind: sv.KindProblem, Category: sv.CategorySafety,
		Severity: sv.SeverityMinor, Description: "临边防护缺失", ResponsibleUnit: "建设局", Deadline: "2026-12-31"}); err != nil {
		t.Fatal(err)
	}
	if err := a.store.UpdatePhoto(hash, "东侧基坑", 0); err != nil {
		t.Fatal(err)
	}
	before, unsent := ask()
	slices.Sort(unsent)
	if !slices.Equal(unsent, []string{"p03", "p05", "p07"}) {
		t.Errorf("not sent: %v, want p03, p05, p07", unsent)
	}

	a.sync(t, Options{})
	after, unsent := ask()
	if len(unsent) != 0 {
		t.Errorf("after syncing, %v named", unsent)
	}
	for i, p := range after.Projects {
		if changed := p.Digest != before.Projects[i].Digest; changed != (p.ID != "p01") {
			t.Errorf("%s: digest changed %v by the sync", p.ID, changed)
		}
	}
}
