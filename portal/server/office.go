package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal"
	"fieldbrief/spreadsheet"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// The committee office's workbooks (issue 16, decision 0028): the
// register and checklists come in from Excel, the findings ledger goes out
// to Excel. Imports go into the change log like PUT register, so laptops
// receive them with their next sync.

// xlsxType is the media type of an .xlsx workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// RegisterImportResult answers a register import: what it changes, and
// whether it was applied (not on a dry run).
type RegisterImportResult struct {
	spreadsheet.RegisterPlan
	Applied bool `json:"applied"`
}

// TemplateImportResult answers a checklist import.
type TemplateImportResult struct {
	ID          string                   `json:"id"`
	Version     int                      `json:"version"`
	Created     bool                     `json:"created"`
	Applied     bool                     `json:"applied"`
	VersionNote string                   `json:"version_note,omitempty"`
	Differences []spreadsheet.Difference `json:"differences,omitempty"`
}

func (s *Server) officeRoutes() {
	m := s.mux
	m.Handle("POST "+portal.PathRegisterImport, s.auth(portal.RoleAdmin, s.handleRegisterImport))
	m.Handle("GET "+portal.PathRegisterExport, s.auth(portal.RoleAdmin, s.handleRegisterExport))
	m.Handle("POST "+portal.PathTemplateImport, s.auth(portal.RoleAdmin, s.handleTemplateImport))
	m.Handle("GET "+portal.PathTemplateExport, s.auth(portal.RoleAdmin, s.handleTemplateExport))
	m.Handle("GET "+portal.PathFindingsExport, s.auth(portal.RoleAdmin, s.handleFindingsExport))
	m.Handle("GET "+portal.PathBackup, s.auth(portal.RoleAdmin, s.handleBackup))
}

// entityData returns the data of every live record of an entity.
func (d *DB) entityData(entity string) ([]json.RawMessage, error) {
	var out []json.RawMessage
	err := d.bolt.View(func(tx *bolt.Tx) error {
		prefix := recordKey(entity, "")
		c := tx.Bucket(bRecords).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var r storedRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return err
			}
			if !r.Deleted && len(r.Data) > 0 {
				out = append(out, slices.Clone(r.Data))
			}
		}
		return nil
	})
	return out, err
}

func decodeAll[T any](d *DB, entity string) ([]T, error) {
	raws, err := d.entityData(entity)
	if err != nil {
		return nil, err
	}
	out := make([]T, 0, len(raws))
	for _, raw := range raws {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Projects returns the register, archived projects included.
func (d *DB) Projects() ([]sv.Project, error) { return decodeAll[sv.Project](d, portal.EntityProject) }

// Templates returns every stored version of every checklist.
func (d *DB) Templates() ([]sv.Template, error) {
	return decodeAll[sv.Template](d, portal.EntityTemplate)
}

// Findings returns every finding the portal holds.
func (d *DB) Findings() ([]sv.Finding, error) { return decodeAll[sv.Finding](d, portal.EntityFinding) }

// readXLSX reads a workbook sent as the request body, answering the
// refusal itself when it is too large.
func (s *Server) readXLSX(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, spreadsheet.MaxFileSize))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, translate.Errorf(sv.EInvalid, "portal.server.error.the_file_is_too_large_limit", spreadsheet.MaxFileSize>>20))
		return nil, false
	case err != nil:
		writeError(w, http.StatusBadRequest, translate.Errorf(sv.EInvalid, "portal.server.error.the_file_did_not_arrive_complete"))
		return nil, false
	}
	return data, true
}

// refuse answers an error from reading a workbook: the person's mistake
// as 400 with its message, anything else as an internal fault.
func (s *Server) refuse(w http.ResponseWriter, err error) {
	var e *sv.Error
	if errors.As(err, &e) && e.Code == sv.EInvalid {
		writeError(w, http.StatusBadRequest, e)
		return
	}
	s.internal(w, err)
}

func dryRun(r *http.Request) bool {
	v := r.URL.Query().Get("dry_run")
	return v == "1" || v == "true"
}

func (s *Server) handleRegisterImport(w http.ResponseWriter, r *http.Request) {
	data, ok := s.readXLSX(w, r)
	if !ok {
		return
	}
	rf, err := spreadsheet.ReadRegister(data)
	if err != nil {
		s.refuse(w, err)
		return
	}
	current, err := s.db.Projects()
	if err != nil {
		s.internal(w, err)
		return
	}
	now := s.opts.Now()
	plan, err := spreadsheet.PlanRegister(rf, current, func() string { return sv.NewID(now) })
	if err != nil {
		s.refuse(w, err)
		return
	}
	res := RegisterImportResult{RegisterPlan: plan}
	if !dryRun(r) && len(plan.Projects) > 0 {
		// One transaction: the register changes entirely or not at all.
		if err := s.db.PutRegister(plan.Projects, nil); err != nil {
			s.refuse(w, err)
			return
		}
		res.Applied = true
		s.audit(r, "register.import", "", map[string]int{"added": len(plan.Added), "changed": len(plan.Changed), "archived": len(plan.Archived)})
		s.log.Info("register imported", "added", len(plan.Added), "changed", len(plan.Changed), "archived", len(plan.Archived), "by", userFrom(r.Context()).Name)
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) handleRegisterExport(w http.ResponseWriter, r *http.Request) {
	projects, err := s.db.Projects()
	if err != nil {
		s.internal(w, err)
		return
	}
	slices.SortFunc(projects, func(a, b sv.Project) int {
		if a.ID < b.ID {
			return -1
		}
		if a.ID > b.ID {
			return 1
		}
		return 0
	})
	data, err := spreadsheet.WriteRegister(projects)
	if err != nil {
		s.internal(w, err)
		return
	}
	writeFile(w, "register.xlsx", data)
}

// latestTemplate returns the newest version of the checklist id.
func latestTemplate(all []sv.Template, id string) (sv.Template, bool) {
	var best sv.Template
	found := false
	for _, t := range all {
		if t.ID == id && (!found || t.Version > best.Version) {
			best, found = t, true
		}
	}
	return best, found
}

func (s *Server) handleTemplateImport(w http.ResponseWriter, r *http.Request) {
	data, ok := s.readXLSX(w, r)
	if !ok {
		return
	}
	all, err := s.db.Templates()
	if err != nil {
		s.internal(w, err)
		return
	}
	tf, err := spreadsheet.ReadTemplate(data, all)
	if err != nil {
		s.refuse(w, err)
		return
	}
	next := tf.Template
	res := TemplateImportResult{ID: next.ID, VersionNote: tf.VersionNote}
	cur, exists := latestTemplate(all, next.ID)
	switch {
	case !exists:
		next.Version = 1
		res.Created = true
	default:
		res.Differences = spreadsheet.DiffTemplates(cur, next)
		next.Version = cur.Version
		if len(res.Differences) > 0 {
			// Templates are never edited in place: visits keep the
			// version they were made with.
			next.Version = cur.Version + 1
			res.Created = true
		}
	}
	res.Version = next.Version
	if res.Created && !dryRun(r) {
		if err := s.db.PutRegister(nil, []sv.Template{next}); err != nil {
			s.refuse(w, err)
			return
		}
		res.Applied = true
		s.audit(r, "template.import", next.ID, map[string]any{"version": next.Version})
		s.log.Info("checklist imported", "id", next.ID, "version", next.Version, "by", userFrom(r.Context()).Name)
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) handleTemplateExport(w http.ResponseWriter, r *http.Request) {
	all, err := s.db.Templates()
	if err != nil {
		s.internal(w, err)
		return
	}
	id := r.URL.Query().Get("id")
	if id == "" {
		id = "monthly"
	}
	t, ok := latestTemplate(all, id)
	if v := r.URL.Query().Get("version"); v != "" && ok {
		n, err := strconv.Atoi(v)
		ok = false
		for _, x := range all {
			if err == nil && x.ID == id && x.Version == n {
				t, ok = x, true
			}
		}
	}
	if !ok {
		writeError(w, http.StatusNotFound, translate.Errorf(sv.ENotFound, "portal.server.error.the_portal_has_no_checklist_or", id))
		return
	}
	data, err := spreadsheet.WriteTemplate(t, "")
	if err != nil {
		s.refuse(w, err)
		return
	}
	writeFile(w, "checklist-"+t.ID+"-v"+strconv.Itoa(t.Version)+".xlsx", data)
}

func (s *Server) handleFindingsExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	filter := spreadsheet.LedgerFilter{Status: q.Get("status"), ProjectID: q.Get("project"), Unit: q.Get("unit")}
	if err := filter.Valid(); err != nil {
		s.refuse(w, err)
		return
	}
	findings, err := s.db.Findings()
	if err != nil {
		s.internal(w, err)
		return
	}
	projects, err := s.db.Projects()
	if err != nil {
		s.internal(w, err)
		return
	}
	byID := map[string]sv.Project{}
	for _, p := range projects {
		byID[p.ID] = p
	}
	now := s.opts.Now()
	data, err := spreadsheet.WriteLedger(filter.Select(findings, now), byID, now)
	if err != nil {
		s.internal(w, err)
		return
	}
	writeFile(w, "findings-"+now.Format("20060102")+".xlsx", data)
}

func writeFile(w http.ResponseWriter, name string, data []byte) {
	w.Header().Set("Content-Type", xlsxType)
	w.Header().Set("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(name))
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}
