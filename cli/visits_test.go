package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"fieldbrief/sample"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// TestVisitsJSONWithAnswersCarriesNotes records a draft with a noted number
// and lists it: --answers prints the note with the value, and without it
// the list keeps its usual shape.
func TestVisitsJSONWithAnswersCarriesNotes(t *testing.T) {
	now := time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	data := t.TempDir()
	s, err := storage.Open(data, storage.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sample.Install(s, now); err != nil {
		t.Fatal(err)
	}
	in, err := s.StartVisit("p02", []string{"张三"})
	if err != nil {
		t.Fatal(err)
	}
	v := 32.5
	if err := s.SaveAnswer(in.ID, sv.Answer{ItemKey: "quality.concrete", Number: &v, Note: "三号楼二层柱取芯"}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	visit := func(args ...string) map[string]any {
		t.Helper()
		var out, errOut bytes.Buffer
		c := &ctx{Env: Env{Stdout: &out, Stderr: &errOut, Now: func() time.Time { return now }}, lang: sv.Chinese}
		if err := runVisits(c, append([]string{"--data", data, "--project", "p02", "--json"}, args...)); err != nil {
			t.Fatalf("visits: %v\n%s", err, errOut.String())
		}
		var rows []map[string]any
		if err := json.Unmarshal(out.Bytes(), &rows); err != nil {
			t.Fatalf("visits --json: %v\n%s", err, out.String())
		}
		for _, r := range rows {
			if r["id"] == in.ID {
				return r
			}
		}
		t.Fatalf("the draft %s is not listed", in.ID)
		return nil
	}
	plain := visit()
	if _, ok := plain["items"]; ok || plain["answers"] != 1.0 {
		t.Errorf("without --answers: %v", plain)
	}
	items, _ := visit("--answers")["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("with --answers: items %v", items)
	}
	a := items[0].(map[string]any)
	if a["item_key"] != "quality.concrete" || a["number"] != 32.5 || a["note"] != "三号楼二层柱取芯" {
		t.Errorf("the answer printed as %v", a)
	}

	var errOut bytes.Buffer
	c := &ctx{Env: Env{Stdout: &bytes.Buffer{}, Stderr: &errOut, Now: time.Now}, lang: sv.Chinese}
	err = runVisits(c, []string{"--data", data, "--answers"})
	if ue, ok := err.(usageError); !ok || !strings.Contains(ue.msg, "--json") {
		t.Errorf("--answers without --json: %v", err)
	}
}
