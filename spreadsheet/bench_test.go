package spreadsheet

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"
	"time"

	sv "fieldbrief/supervision"
)

func benchFindings(n int) ([]sv.Finding, map[string]sv.Project) {
	at := time.Date(2022, 1, 3, 9, 0, 0, 0, time.UTC)
	projects := map[string]sv.Project{}
	for i := range 20 {
		id := fmt.Sprintf("p%02d", i+1)
		projects[id] = sv.Project{ID: id, Name: "项目" + id, ShortName: "简称" + id}
	}
	units := []string{"重庆科城建设工程有限公司", "华西科创建设有限公司", "渝西建工集团有限公司", "科技创新局", "重庆市设计院有限公司"}
	out := make([]sv.Finding, n)
	for i := range out {
		created := at.Add(time.Duration(i) * 12 * time.Hour)
		f := sv.Finding{ID: fmt.Sprint(i), ProjectID: fmt.Sprintf("p%02d", i%20+1), Category: sv.Categories()[i%8], Severity: sv.Severities()[i%3],
			Description: "塔吊基础积水，标准节螺栓松动，未见日常检查记录，需落实专人整改并上报", ResponsibleUnit: units[i%5],
			Deadline: sv.DateOf(created.AddDate(0, 0, 30)), Status: sv.Statuses()[i%5], CreatedAt: created, PhotosBefore: []string{"a", "b"}}
		if f.Status == sv.StatusClosed {
			f.ClosedAt = created.AddDate(0, 0, 20)
		}
		out[i] = f
	}
	return out, projects
}

// BenchmarkLedgerExport writes the ledger of 3,000 findings (the
// five-year store's size); the baseline encodes the same findings as JSON.
func BenchmarkLedgerExport(b *testing.B) {
	findings, projects := benchFindings(3000)
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	b.Run("baseline-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(findings); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("xlsx-3000", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := WriteLedger(findings, projects, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRegisterImport reads and plans the office's 20-project
// register; the baseline only inflates every part of the same file.
func BenchmarkRegisterImport(b *testing.B) {
	data := mustRead(b, "testdata/重点项目推进情况表.xlsx")
	current := sampleProjects(b)
	b.Run("baseline-unzip", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				b.Fatal(err)
			}
			for _, f := range zr.File {
				r, _ := f.Open()
				_, _ = io.Copy(io.Discard, r)
				r.Close()
			}
		}
	})
	b.Run("import-20", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rf, err := ReadRegister(data)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := PlanRegister(rf, current, func() string { return "x" }); err != nil {
				b.Fatal(err)
			}
		}
	})
}
