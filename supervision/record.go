package supervision

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"time"
)

// RecordVersion names the serialisation RecordDigest hashes. A document
// keeps the version it was printed with, so a later version (a field added
// to the record) never changes the hash of an old document: verifying it
// serialises the record the old way (decision 0034).
const RecordVersion = "v1"

// visitRecordV1 is the visit as version 1 prints it: the fields the visit
// report shows, in a fixed order, times in UTC to the second. It is a copy
// of Visit frozen at that version, not Visit itself, so adding a
// field to Visit does not change it.
type visitRecordV1 struct {
	Version            string           `json:"v"`
	ID                 string           `json:"id"`
	ProjectID          string           `json:"project"`
	TemplateID         string           `json:"template"`
	TemplateVersion    int              `json:"template_version"`
	Replaces           string           `json:"replaces"`
	Inspectors         []string         `json:"inspectors"`
	DepartmentsPresent []string         `json:"departments"`
	Weather            string           `json:"weather"`
	StartedAt          string           `json:"started"`
	FinishedAt         string           `json:"finished"`
	Status             string           `json:"status"`
	Summary            string           `json:"summary"`
	Photos             []string         `json:"photos"`
	Answers            []answerRecordV1 `json:"answers"`
}

type answerRecordV1 struct {
	Key     string   `json:"key"`
	Verdict string   `json:"verdict"`
	Number  *float64 `json:"number"`
	Text    string   `json:"text"`
	Choices []string `json:"choices"`
	Date    string   `json:"date"`
	Note    string   `json:"note"`
	Photos  []string `json:"photos"`
}

func canonicalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func orEmpty(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// RecordDigest is the hash of a visit as its report prints it, written
// "v1:" and 64 hex digits. The same record always gives the same digest,
// whatever order its answers were saved in.
func RecordDigest(in Visit) string {
	r := visitRecordV1{
		Version: RecordVersion, ID: in.ID, ProjectID: in.ProjectID, TemplateID: in.TemplateID,
		TemplateVersion: in.TemplateVersion, Replaces: in.Replaces, Inspectors: orEmpty(in.Inspectors),
		DepartmentsPresent: orEmpty(in.DepartmentsPresent), Weather: in.Weather,
		StartedAt: canonicalTime(in.StartedAt), FinishedAt: canonicalTime(in.FinishedAt),
		Status: string(in.Status), Summary: in.Summary, Photos: orEmpty(in.Photos), Answers: []answerRecordV1{},
	}
	keys := make([]string, 0, len(in.Answers))
	for k := range in.Answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a := in.Answers[k]
		r.Answers = append(r.Answers, answerRecordV1{Key: k, Verdict: string(a.Verdict), Number: a.Number, Text: a.Text,
			Choices: orEmpty(a.Choices), Date: string(a.Date), Note: a.Note, Photos: orEmpty(a.Photos)})
	}
	// Marshalling these plain types cannot fail.
	b, _ := json.Marshal(r)
	sum := sha256.Sum256(b)
	return RecordVersion + ":" + hex.EncodeToString(sum[:])
}
