package supervision

import (
	"testing"
	"time"
)

// TestRecordDigestIsFrozen pins RecordDigest's bytes: a stamped report
// carries the digest, and verifying it later must give the same digest for
// the same visit, whatever the code's names became since (issue 12 gave the
// visit type its name). The values were computed by the code before that.
func TestRecordDigestIsFrozen(t *testing.T) {
	n := 42.5
	cst := time.FixedZone("CST", 8*3600)
	in := Visit{
		ID: "v-1", ProjectID: "p01", TemplateID: "monthly", TemplateVersion: 3, Replaces: "v-0",
		Inspectors: []string{"王工", "李工"}, Weather: "晴", Summary: "总体良好",
		StartedAt:  time.Date(2026, 3, 12, 9, 30, 0, 0, cst),
		FinishedAt: time.Date(2026, 3, 12, 11, 0, 0, 0, cst),
		Status:     Submitted, Photos: []string{"ab"},
		Answers: map[string]Answer{
			"safety.helmets": {ItemKey: "safety.helmets", Verdict: Fail, Note: "二层东侧", Photos: []string{"cd"}},
			"progress.pct":   {ItemKey: "progress.pct", Number: &n},
			"site.date":      {ItemKey: "site.date", Date: "2026-03-01", Choices: []string{"a", "b"}, Text: "x"},
		},
	}
	const want = "v1:5383ccb60fc9354716f6976ee46023c8fd48e3676c128d51479de9b57cb4e3ab"
	if got := RecordDigest(in); got != want {
		t.Fatalf("RecordDigest = %s, want %s: the frozen serialisation changed", got, want)
	}
	// A draft with nothing filled in hashes its empty lists as [], not null.
	const wantEmpty = "v1:c84b8e79f5f2cdd892c5dccaac275d0a60aaedc48e2cc905e56d264ae2232e87"
	if got := RecordDigest(Visit{ID: "v-2"}); got != wantEmpty {
		t.Fatalf("RecordDigest of an empty visit = %s, want %s", got, wantEmpty)
	}
}
