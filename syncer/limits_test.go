package syncer

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	sv "fieldbrief/supervision"
)

func largeFinding(i, size int) sv.Finding {
	return sv.Finding{ID: sv.NewID(time.Now()), ProjectID: fmt.Sprintf("p%02d", 1+i%20), Kind: sv.KindProblem, Category: sv.CategoryDust,
		Severity: sv.SeverityMinor, Description: strings.Repeat("围挡破损。", size/15), ResponsibleUnit: "施工单位", Deadline: "2026-12-31"}
}

// A laptop with many large records pushes them in several requests, and
// another laptop gets every one of them over several pull pages, each
// bounded in bytes by the portal.
func TestLargeRecordsGoUpAndComeDownInSeveralRequests(t *testing.T) {
	base := startPortal(t)
	a := newLaptop(t, base, "inspector1", nil)
	b := newLaptop(t, base, "inspector2", nil)
	a.sync(t, Options{}) // the register
	b.sync(t, Options{})
	const n = 30 // 30 × 200 KB: 6 MB, over a push's 4 MiB and a page's 4 MiB
	for i := range n {
		if err := a.store.CreateFinding(largeFinding(i, 200<<10)); err != nil {
			t.Fatal(err)
		}
	}
	ra := a.sync(t, Options{})
	if ra.Pushed != n || ra.Rejected != 0 {
		t.Fatalf("pushed %d, rejected %d", ra.Pushed, ra.Rejected)
	}
	rb := b.sync(t, Options{})
	if rb.Pulled != n {
		t.Fatalf("the other laptop pulled %d of %d findings", rb.Pulled, n)
	}
	if rb.Requests < 2 {
		t.Fatalf("%d findings of 200 KB came in %d pull request(s)", n, rb.Requests)
	}
	a.sync(t, Options{})
	if a.hash(t) != b.hash(t) {
		t.Fatal("the laptops differ after both synced")
	}
}

// A record larger than the portal takes stops the sync with a message in
// both languages that names the limit, and the portal holds nothing of it.
func TestRecordOverThePortalsCapIsShownOnTheLaptop(t *testing.T) {
	base := startPortal(t)
	a := newLaptop(t, base, "inspector1", nil)
	a.sync(t, Options{})
	before := portalHash(t, base)
	if err := a.store.CreateFinding(largeFinding(0, 300<<10)); err != nil {
		t.Fatal(err)
	}
	_, err := New(a.store, a.client, Options{}).Sync(context.Background())
	if err == nil {
		t.Fatal("a 300 KB finding synced")
	}
	zh, en := sv.ErrorMessage(err, sv.Chinese), sv.ErrorMessage(err, sv.English)
	if !strings.Contains(zh, "256 KB") || !strings.Contains(en, "256 KB") || !strings.Contains(en, "finding") {
		t.Fatalf("message does not say what is too large: %q / %q", zh, en)
	}
	if n := must(a.store.OutboxLen())(t); n != 1 {
		t.Fatalf("outbox holds %d entries, want the one refused", n)
	}
	if portalHash(t, base) != before {
		t.Fatal("the portal's state changed")
	}
}
