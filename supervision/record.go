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

// CanonicalTime writes t as the digests hash it: RFC 3339 in UTC, and ""
// for the zero time. Part of every digest version: never change it.
func CanonicalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// CanonicalList is list as the digests hash it: [] rather than null when
// empty, so that a record read back from JSON hashes the same.
func CanonicalList(list []string) []string {
	if list == nil {
		return []string{}
	}
	return list
}

// HashJSON is the hex SHA-256 of v's JSON: the digest of a frozen
// serialisation (RecordDigest's, report's snapshot). v is plain data, whose
// marshalling cannot fail.
func HashJSON(v any) string {
	b, _ := json.Marshal(v)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// RecordDigest is the hash of a visit as its report prints it, written
// "v1:" and 64 hex digits. The same record always gives the same digest,
// whatever order its answers were saved in.
func RecordDigest(in Visit) string {
	r := visitRecordV1{
		Version: RecordVersion, ID: in.ID, ProjectID: in.ProjectID, TemplateID: in.TemplateID,
		TemplateVersion: in.TemplateVersion, Replaces: in.Replaces, Inspectors: CanonicalList(in.Inspectors),
		DepartmentsPresent: CanonicalList(in.DepartmentsPresent), Weather: in.Weather,
		StartedAt: CanonicalTime(in.StartedAt), FinishedAt: CanonicalTime(in.FinishedAt),
		Status: string(in.Status), Summary: in.Summary, Photos: CanonicalList(in.Photos), Answers: []answerRecordV1{},
	}
	keys := make([]string, 0, len(in.Answers))
	for k := range in.Answers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a := in.Answers[k]
		r.Answers = append(r.Answers, answerRecordV1{Key: k, Verdict: string(a.Verdict), Number: a.Number, Text: a.Text,
			Choices: CanonicalList(a.Choices), Date: string(a.Date), Note: a.Note, Photos: CanonicalList(a.Photos)})
	}
	return RecordVersion + ":" + HashJSON(r)
}
