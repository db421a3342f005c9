package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	bolt "go.etcd.io/bbolt"

	"fieldbrief/portal"
	sv "fieldbrief/supervision"
)

// Check examines the portal's data: the file's page structure, that every
// record decodes and is filed under its own entity and id, that the change
// log and its index agree with each other and with the records, that the
// applied changes and rejections are well formed and belong to known
// devices, that every photo file's SHA-256 is its name, and that every photo
// record said to be stored has its file. It reads in one transaction and
// changes nothing.
func (s *Server) Check() (portal.CheckReport, error) {
	rep := portal.CheckReport{Problems: []string{}}
	bad := func(format string, args ...any) { rep.Problems = append(rep.Problems, fmt.Sprintf(format, args...)) }
	stored := map[string]bool{} // photo records said to be stored
	err := s.db.bolt.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			bad("database structure: %v", err)
		}
		if len(rep.Problems) > 0 {
			return nil
		}
		for _, name := range [][]byte{bMeta, bUsers, bTokens, bDevices, bRejections, bRecords, bLog, bLogIndex, bApplied} {
			if tx.Bucket(name) == nil {
				bad("bucket %s is missing", name)
			}
		}
		if len(rep.Problems) > 0 {
			return nil
		}
		checkRecords(tx, &rep, stored, bad)
		checkLog(tx, bad)
		checkDeviceIndexes(tx, bad)
		return nil
	})
	if err != nil {
		return rep, err
	}
	rep.Photos = s.checkPhotoFiles(stored, bad)
	return rep, nil
}

func checkRecords(tx *bolt.Tx, rep *portal.CheckReport, stored map[string]bool, bad func(string, ...any)) {
	idx := tx.Bucket(bLogIndex)
	_ = tx.Bucket(bRecords).ForEach(func(k, v []byte) error {
		rep.Records++
		var r storedRecord
		if err := json.Unmarshal(v, &r); err != nil {
			bad("record %q does not decode: %v", k, err)
			return nil
		}
		if !bytes.Equal(k, recordKey(r.Entity, r.ID)) {
			bad("record %q is filed under another key than its own (%s %s)", k, r.Entity, r.ID)
		}
		if idx.Get(k) == nil {
			bad("record %s %s has no entry in the change log index", r.Entity, r.ID)
		}
		if r.Deleted {
			return nil
		}
		if err := checkData(r.Record); err != "" {
			bad("record %s %s: %s", r.Entity, r.ID, err)
		}
		if r.Entity == portal.EntityPhoto && r.Stored {
			stored[r.ID] = true
		}
		return nil
	})
}

// checkData decodes a record's data as its entity and checks it names
// itself.
func checkData(r portal.Record) string {
	var id struct {
		ID   string `json:"id"`
		Hash string `json:"hash"`
	}
	var self string
	switch r.Entity {
	case portal.EntityVisit, portal.EntityFinding, portal.EntityProject:
		if err := json.Unmarshal(r.Data, &id); err != nil {
			return "data does not decode: " + err.Error()
		}
		self = id.ID
	case portal.EntityPhoto:
		if err := json.Unmarshal(r.Data, &id); err != nil {
			return "data does not decode: " + err.Error()
		}
		self = id.Hash
		if !validHash(r.ID) {
			return "a photo's id is not a SHA-256"
		}
	case portal.EntityAnswer:
		var a portal.AnswerData
		if err := json.Unmarshal(r.Data, &a); err != nil {
			return "data does not decode: " + err.Error()
		}
		self = portal.AnswerID(a.VisitID, a.ItemKey)
	case portal.EntityTemplate:
		var t sv.Template
		if err := json.Unmarshal(r.Data, &t); err != nil {
			return "data does not decode: " + err.Error()
		}
		self = portal.TemplateID(t.ID, t.Version)
	default:
		return "unknown entity"
	}
	if self != r.ID {
		return fmt.Sprintf("its data names %q", self)
	}
	return ""
}

func checkLog(tx *bolt.Tx, bad func(string, ...any)) {
	recs, idx := tx.Bucket(bRecords), tx.Bucket(bLogIndex)
	top := readU64(tx.Bucket(bMeta).Get(kSeq))
	_ = tx.Bucket(bLog).ForEach(func(k, v []byte) error {
		seq := readU64(k)
		if len(k) != 8 || seq == 0 || seq > top {
			bad("change log entry %x is outside the log (last %d)", k, top)
		}
		if recs.Get(v) == nil {
			bad("change log entry %d names no record (%q)", seq, v)
		}
		if got := idx.Get(v); !bytes.Equal(got, k) {
			bad("change log entry %d for %q is not the one its index names (%d)", seq, v, readU64(got))
		}
		return nil
	})
	lg := tx.Bucket(bLog)
	_ = idx.ForEach(func(k, v []byte) error {
		if recs.Get(k) == nil {
			bad("change log index entry %q names no record", k)
		}
		if !bytes.Equal(lg.Get(v), k) {
			bad("change log index entry %q points at change %d, which is not its", k, readU64(v))
		}
		return nil
	})
}

// checkDeviceIndexes checks the applied changes and rejections: keyed by
// device and change number, and every rejection of a change taken in.
func checkDeviceIndexes(tx *bolt.Tx, bad func(string, ...any)) {
	reached := func(k []byte) (string, uint64, bool) {
		dev, seq, ok := bytes.Cut(k, []byte{0})
		if !ok || len(seq) != 8 {
			return "", 0, false
		}
		return string(dev), readU64(seq), true
	}
	_ = tx.Bucket(bApplied).ForEach(func(k, v []byte) error {
		dev, seq, ok := reached(k)
		switch {
		case !ok:
			bad("applied change %q is not keyed by device and number", k)
		case len(v) != sha256.Size:
			bad("applied change %s #%d has no proper hash", dev, seq)
		}
		return nil
	})
	_ = tx.Bucket(bRejections).ForEach(func(k, v []byte) error {
		dev, seq, ok := reached(k)
		if !ok {
			bad("rejection %q is not keyed by device and number", k)
			return nil
		}
		var rj portal.Rejection
		if err := json.Unmarshal(v, &rj); err != nil {
			bad("rejection %s #%d does not decode: %v", dev, seq, err)
		} else if rj.Device != dev || rj.Seq != seq {
			bad("rejection %s #%d names %s #%d", dev, seq, rj.Device, rj.Seq)
		}
		if tx.Bucket(bApplied).Get(k) == nil {
			bad("rejection %s #%d is of a change never taken in", dev, seq)
		}
		return nil
	})
}

// checkPhotoFiles hashes every photo file and checks the stored records'
// files are there; it returns how many photos it read.
func (s *Server) checkPhotoFiles(stored map[string]bool, bad func(string, ...any)) int {
	n := 0
	seen := map[string]bool{}
	err := filepath.WalkDir(s.photos, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			bad("photo folder: %v", err)
			return nil
		}
		if d.IsDir() {
			return nil
		}
		name := d.Name()
		if strings.HasSuffix(name, ".thumb.jpg") || strings.HasSuffix(name, ".thumb.none") || strings.Contains(name, ".tmp") {
			return nil
		}
		if !validHash(name) || filepath.Base(filepath.Dir(path)) != name[:2] {
			bad("photo folder holds a file that is not a photo: %s", name)
			return nil
		}
		n++
		seen[name] = true
		f, err := os.Open(path)
		if err != nil {
			bad("photo %s cannot be read: %v", name, err)
			return nil
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			bad("photo %s cannot be read: %v", name, err)
		} else if got := hex.EncodeToString(h.Sum(nil)); got != name {
			bad("photo %s is damaged: its bytes hash to %s", name, got)
		}
		return nil
	})
	if err != nil {
		bad("photo folder: %v", err)
	}
	for hash := range stored {
		if !seen[hash] {
			bad("photo %s is marked stored but its file is missing", hash)
		}
	}
	return n
}

func (s *Server) handleCheck(w http.ResponseWriter, r *http.Request) {
	rep, err := s.Check()
	if err != nil {
		s.internal(w, err)
		return
	}
	s.audit(r, "check", "", map[string]int{"problems": len(rep.Problems)})
	writeJSONTo(w, r, http.StatusOK, rep)
}
