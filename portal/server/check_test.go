package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
)

func (f *fixture) check(t *testing.T) portal.CheckReport {
	t.Helper()
	code, out := f.do(t, "GET", portal.PathCheck, f.tokens["admin"], nil, nil)
	var rep portal.CheckReport
	if code != http.StatusOK || json.Unmarshal(out, &rep) != nil {
		t.Fatalf("check: %d %s", code, out)
	}
	return rep
}

func has(problems []string, words ...string) bool {
	for _, p := range problems {
		all := true
		for _, w := range words {
			all = all && strings.Contains(p, w)
		}
		if all {
			return true
		}
	}
	return false
}

func TestCheckFindsDamagedAndMissingPhotosAndABrokenIndex(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	insp, _ := portal.NewClient(f.url, nil, f.tokens["insp"])
	// A photo links only to a finding the portal holds.
	at := f.clock.now()
	fd := sv.Finding{ID: "f1", ProjectID: "p01", Kind: sv.KindProblem, Category: sv.CategorySafety, Severity: sv.SeverityMajor,
		Description: "临边防护缺失", ResponsibleUnit: "中建三局", Deadline: "2026-06-30", Status: sv.StatusOpen, CreatedAt: at, UpdatedAt: at}
	if resp, err := insp.Push(ctx, portal.PushRequest{Device: "dev-insp", Changes: []portal.Change{findingChange("dev-insp", 1, fd, portal.FindingFields()...)}}); err != nil || len(resp.Rejections) != 0 {
		t.Fatalf("push finding: %+v %v", resp, err)
	}
	var hashes []string
	for i, text := range []string{"first photo ", "second photo ", "third photo "} {
		data := bytes.Repeat([]byte(text), 300)
		sum := sha256.Sum256(data)
		hash := hex.EncodeToString(sum[:])
		hashes = append(hashes, hash)
		u, _, err := insp.CreateUpload(ctx, int64(len(data)), hash, "site.jpg", nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := insp.PatchUpload(ctx, u, 0, bytes.NewReader(data), int64(len(data))); err != nil {
			t.Fatal(err)
		}
		raw, _ := json.Marshal(sv.Photo{Hash: hash, FileName: "site.jpg", Size: int64(len(data)), Links: []sv.PhotoLink{{FindingID: "f1", Role: sv.RoleBefore}}})
		c := portal.Change{Seq: uint64(i + 2), Entity: portal.EntityPhoto, ID: hash, Op: portal.OpPut, At: f.clock.now(), Data: raw}
		if resp, err := insp.Push(ctx, portal.PushRequest{Device: "dev-insp", Changes: []portal.Change{c}}); err != nil || len(resp.Rejections) != 0 {
			t.Fatalf("push: %+v %v", resp, err)
		}
	}
	rep := f.check(t)
	if len(rep.Problems) != 0 || rep.Photos != 3 || rep.Records == 0 {
		t.Fatalf("a sound portal: %+v", rep)
	}
	if err := os.WriteFile(f.srv.photoPath(hashes[0]), []byte("not the photo"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(f.srv.photoPath(hashes[1])); err != nil {
		t.Fatal(err)
	}
	// A change log index entry pointing at a change that is not its own.
	if err := f.srv.db.bolt.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bLogIndex).Put(recordKey(portal.EntityPhoto, hashes[2]), u64(1))
	}); err != nil {
		t.Fatal(err)
	}
	rep = f.check(t)
	for _, want := range [][]string{{hashes[0], "damaged"}, {hashes[1], "missing"}, {"index", hashes[2]}} {
		if !has(rep.Problems, want...) {
			t.Errorf("check does not report %q: %q", want, rep.Problems)
		}
	}
	if len(rep.Problems) != 4 { // the index entry is wrong, and so its change's entry no longer matches
		t.Errorf("problems: %q", rep.Problems)
	}
}
