package supervision

import "testing"

func TestPreviousVisitIsTheNewestSubmittedRecord(t *testing.T) {
	visits := []Visit{
		{ID: "sep", ProjectID: "p", Status: Submitted, StartedAt: day("2026-09-10 09:00")},
		{ID: "oct", ProjectID: "p", Status: Submitted, StartedAt: day("2026-10-12 09:00")},
		{ID: "oct-fix", ProjectID: "p", Replaces: "oct", Status: Submitted, StartedAt: day("2026-10-20 09:00")},
		{ID: "nov-draft-old", ProjectID: "p", Status: Draft, StartedAt: day("2026-11-01 09:00")},
		{ID: "other", ProjectID: "q", Status: Submitted, StartedAt: day("2026-11-02 09:00")},
	}
	now := Visit{ID: "nov", ProjectID: "p", Status: Draft, StartedAt: day("2026-11-05 09:00")}
	prev, ok := PreviousVisit(append(visits, now), now)
	if !ok || prev.ID != "oct-fix" {
		t.Fatalf("previous of a new visit = %q, %v; want the amendment that corrects October", prev.ID, ok)
	}
	// An amendment of October follows September, not itself or what it corrects.
	fix := Visit{ID: "oct-fix2", ProjectID: "p", Replaces: "oct-fix", Status: Draft, StartedAt: day("2026-11-06 09:00")}
	visits[2].StartedAt = day("2026-10-20 09:00")
	if prev, ok := PreviousVisit(visits[:3], fix); !ok || prev.ID != "sep" {
		// oct is replaced by oct-fix, and oct-fix is what fix corrects.
		t.Fatalf("previous of an amendment = %q, %v; want sep", prev.ID, ok)
	}
	if _, ok := PreviousVisit(nil, now); ok {
		t.Fatal("a first visit has a previous one")
	}
}

func TestCarriedAnswerKeepsTheValueOnly(t *testing.T) {
	pct, ytd := 62.0, 12000.0
	prev := Visit{StartedAt: day("2026-10-12 09:00"), Answers: map[string]Answer{
		"pct":   {ItemKey: "pct", Number: &pct, Note: "按合同量估算", Photos: []string{"h1"}, AnsweredBy: "王伟"},
		"stage": {ItemKey: "stage", Choices: []string{"主体施工"}},
		"ytd":   {ItemKey: "ytd", Number: &ytd},
		"edges": {ItemKey: "edges", Verdict: Fail},
	}}
	items := map[string]Item{
		"pct":   {Key: "pct", Kind: KindNumber, Unit: "%", Carry: true},
		"stage": {Key: "stage", Kind: KindSingleChoice, Options: []string{"主体施工", "竣工验收"}, Carry: true},
		"ytd":   {Key: "ytd", Kind: KindNumber, Carry: true, YearToDate: true},
		"edges": {Key: "edges", Kind: KindPassFail},
	}
	a, ok := CarriedAnswer(items["pct"], prev, day("2026-11-05 09:00"))
	if !ok || a.Number == nil || *a.Number != 62 || a.Note != "" || len(a.Photos) != 0 || a.AnsweredBy != "" || !a.AnsweredAt.IsZero() {
		t.Fatalf("carried progress = %+v, %v; want the figure without last month's note, photos or time", a, ok)
	}
	*a.Number = 70
	if pct != 62 {
		t.Fatal("changing the carried figure changed last month's")
	}
	if a, ok := CarriedAnswer(items["stage"], prev, day("2026-11-05 09:00")); !ok || len(a.Choices) != 1 || a.Choices[0] != "主体施工" {
		t.Fatalf("carried stage = %+v, %v", a, ok)
	}
	if _, ok := CarriedAnswer(items["edges"], prev, day("2026-11-05 09:00")); ok {
		t.Fatal("a safety verdict was carried: it is observed anew each visit")
	}
	if _, ok := CarriedAnswer(items["ytd"], prev, day("2026-11-05 09:00")); !ok {
		t.Fatal("the year-to-date figure was not carried within the year")
	}
	dec := Visit{StartedAt: day("2026-12-20 09:00"), Answers: prev.Answers}
	if _, ok := CarriedAnswer(items["ytd"], dec, day("2027-01-08 09:00")); ok {
		t.Fatal("December's year-to-date figure was carried into January")
	}
	if _, ok := CarriedAnswer(items["pct"], dec, day("2027-01-08 09:00")); !ok {
		t.Fatal("progress was not carried across the new year")
	}
	stale := Item{Key: "stage", Kind: KindSingleChoice, Options: []string{"竣工验收", "已投用"}, Carry: true}
	if _, ok := CarriedAnswer(stale, prev, day("2026-11-05 09:00")); ok {
		t.Fatal("an option the checklist no longer has was proposed")
	}
}

func TestSameMonthVisitsLeavesOutAmendments(t *testing.T) {
	visits := []Visit{
		{ID: "a", StartedAt: day("2026-11-03 09:00")},
		{ID: "fix", Replaces: "a", StartedAt: day("2026-11-04 09:00")},
		{ID: "oct", StartedAt: day("2026-10-31 23:30")},
		{ID: "ly", StartedAt: day("2025-11-03 09:00")},
	}
	got := SameMonthVisits(visits, day("2026-11-20 10:00"))
	if len(got) != 1 || got[0].ID != "a" {
		t.Fatalf("same-month visits = %v; want only a", got)
	}
}
