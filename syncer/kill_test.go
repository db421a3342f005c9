package syncer

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"fieldbrief/portal"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// childEnv makes the test binary act as a laptop syncing the data folder
// it names, printing a line per step, so the test can SIGKILL it mid-sync.
const childEnv = "FIELDBRIEF_SYNC_CHILD"

func childSync() int {
	dir := os.Getenv(childEnv)
	cred, err := LoadCredentials(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	s, err := storage.Open(dir, storage.Options{Timeout: 10 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer s.Close()
	c, _ := portal.NewClient(cred.Portal, nil, cred.Token)
	eng := New(s, c, Options{PushBatch: 3, PullLimit: 5, ChunkSize: 64 << 10, Parallel: 2, Progress: func(p Progress) {
		fmt.Printf("%s %d/%d\n", p.Phase, p.Done, p.Total)
	}})
	if _, err := eng.Sync(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func TestSIGKILLMidSyncLosesAndDoublesNothing(t *testing.T) {
	base := startPortal(t)
	dir, s, c, cred := signedIn(t, base)
	const n = 120
	for i := range n {
		f := sv.Finding{ID: sv.NewID(time.Now()), ProjectID: fmt.Sprintf("p%02d", 1+i%20), Kind: sv.KindProblem, Category: sv.CategoryPermits,
			Severity: sv.SeverityMinor, Description: fmt.Sprintf("手续未齐全 %d", i), ResponsibleUnit: "建设单位", Deadline: "2026-12-31"}
		if err := s.CreateFinding(f); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddFindingNote(f.ID, sv.Note{Text: "已提醒"}); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(11, 12))
	var photos []sv.Photo
	var blobs [][]byte
	for range 6 {
		p, data := randomPhoto(t, rng, 400<<10)
		if _, err := s.PutPhoto(p, storage.PhotoBlobs{Original: data}); err != nil {
			t.Fatal(err)
		}
		photos, blobs = append(photos, p), append(blobs, data)
	}
	s.Close() // the child takes the file lock

	kills := 0
	phases := map[string]int{} // what the child was doing when killed
	for round := 0; round < 12; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+dir)
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		lines := 0
		killed := false
		for sc.Scan() {
			lines++
			// Kill points spread over the pushes, the uploads running
			// beside them, and the pull.
			if lines == 2+(round*5)%17 {
				phases[strings.Fields(sc.Text())[0]]++
				_ = cmd.Process.Kill() // SIGKILL: no deferred code runs
				killed = true
				break
			}
		}
		err := cmd.Wait()
		if killed {
			kills++
			continue
		}
		if err != nil {
			t.Fatalf("round %d: the sync failed: %v", round, err)
		}
		break
	}
	t.Logf("killed %d times mid-sync, after a line of: %v", kills, phases)
	if kills < 3 {
		t.Fatalf("only %d kills landed mid-sync", kills)
	}
	// Whatever state the kills left, a last sync completes.
	s, err := storage.Open(dir, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c.SetToken(cred.Token)
	if _, err := New(s, c, Options{}).Sync(context.Background()); err != nil {
		t.Fatal(err)
	}
	if l := must(s.OutboxLen())(t); l != 0 {
		t.Fatalf("outbox: %d", l)
	}
	checkPortalFindings(t, base, n)
	if h := must(StateHash(s))(t); h != portalHash(t, base) {
		t.Fatal("laptop and portal differ after the kills")
	}
	for i, p := range photos {
		got, err := c.Photo(context.Background(), p.Hash)
		if err != nil || !bytes.Equal(got, blobs[i]) {
			t.Fatalf("photo %d on the portal: %d bytes, %v", i, len(got), err)
		}
	}
}
