package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"

	"fieldbrief/supervision"
)

// Stamp is what a document says about itself in its PDF metadata, so that
// report verify can recompute it from the store: which record, the digest
// of the record as printed, and how it was printed (decision 0034).
type Stamp struct {
	Kind string // "visit", "brief" or "tour"
	// ID names what was printed: the visit's id, a brief's last month
	// (2026-11), a tour pack's quarter (2026Q4).
	ID string
	// Record is supervision.RecordDigest of the visit printed, or the
	// Snapshot digest of a brief's or tour pack's inputs.
	Record string
	Time   time.Time
	Size   PageSize
	Lang   supervision.Lang
	// AsOf is the moment a brief's or tour pack's records are as of.
	AsOf time.Time
	// Projects are the digests of each project's part of a brief's or tour
	// pack's snapshot, in the order printed.
	Projects []ProjectDigest
	// Store tells which data folder a brief or tour pack was made from
	// (StoreTag), so that verify can tell one printed elsewhere.
	Store string
}

const stampPrefix = "fieldbrief-record"

// Version is the snapshot or record serialisation a stamp's digest was
// computed in (s1, s2, v1), which verify rebuilds it in.
func (s Stamp) Version() string {
	v, _, _ := strings.Cut(s.Record, ":")
	return v
}

// VisitStamp is the stamp of a visit report printed with opt.
func VisitStamp(in supervision.Visit, opt Options) Stamp {
	return Stamp{Kind: "visit", ID: in.ID, Record: supervision.RecordDigest(in), Time: opt.Time, Size: opt.Size, Lang: opt.Lang}
}

// BriefStamp is the stamp of a brief whose AsOf is set, printed with opt.
func BriefStamp(in BriefInput, opt Options) Stamp {
	snap := BriefSnapshot(in)
	return Stamp{Kind: "brief", ID: in.PeriodEnd.Format("2006-01"), Record: snap.Digest, Time: opt.Time, Size: opt.Size,
		Lang: opt.Lang, AsOf: in.AsOf, Projects: snap.Projects, Store: opt.Store}
}

// TourStamp is the stamp of a tour pack printed with opt, as of its time.
func TourStamp(in TourInput, opt Options) Stamp {
	snap := TourSnapshot(in, opt.Time)
	return Stamp{Kind: "tour", ID: TourID(in.Year, in.Quarter), Record: snap.Digest, Time: opt.Time, Size: opt.Size,
		Lang: opt.Lang, AsOf: opt.Time, Projects: snap.Projects, Store: opt.Store}
}

// StoreTag is what a document's stamp says about the data folder it was
// made from: a hash of the folder's device id, not the id itself.
func StoreTag(deviceID string) string {
	if deviceID == "" {
		return ""
	}
	sum := sha256.Sum256([]byte("fieldbrief-store:" + deviceID))
	return hex.EncodeToString(sum[:6])
}

// String writes the stamp as the PDF keywords: plain ASCII words. Project
// ids are query-escaped, so no id can break a word or the PDF string.
func (s Stamp) String() string {
	words := []string{stampPrefix, "kind=" + s.Kind, "id=" + url.QueryEscape(s.ID), "record=" + s.Record,
		"time=" + s.Time.Format(time.RFC3339Nano), "size=" + s.Size.String(), "lang=" + string(s.Lang)}
	if !s.AsOf.IsZero() {
		words = append(words, "asof="+s.AsOf.Format(time.RFC3339Nano))
	}
	if s.Store != "" {
		words = append(words, "store="+s.Store)
	}
	if s.Kind != "visit" {
		parts := make([]string, len(s.Projects))
		for i, p := range s.Projects {
			parts[i] = url.QueryEscape(p.ID) + ":" + p.Digest
		}
		words = append(words, "projects="+strings.Join(parts, ","))
	}
	return strings.Join(words, " ") + sealField + sealZero
}

var keywordsRE = regexp.MustCompile(`/Keywords \((` + stampPrefix + ` [ -~]*?)\)`)

// ReadStamp finds the stamp in a PDF's metadata; ok is false when the file
// carries none (not a fieldbrief document, or one printed before stamps).
func ReadStamp(pdf []byte) (s Stamp, ok bool) {
	m := keywordsRE.FindSubmatch(pdf)
	if m == nil {
		return Stamp{}, false
	}
	fields := map[string]string{}
	for _, w := range strings.Fields(string(bytes.TrimPrefix(m[1], []byte(stampPrefix)))) {
		if k, v, found := strings.Cut(w, "="); found {
			fields[k] = v
		}
	}
	t, err := time.Parse(time.RFC3339Nano, fields["time"])
	size, serr := ParsePageSize(fields["size"])
	id, ierr := url.QueryUnescape(fields["id"])
	version, _, hasVersion := strings.Cut(fields["record"], ":")
	known := version == supervision.RecordVersion
	if fields["kind"] != "visit" {
		known = knownSnapshotVersion(version)
	}
	if err != nil || serr != nil || ierr != nil || fields["kind"] == "" || id == "" || !hasVersion || !known {
		return Stamp{}, false
	}
	s = Stamp{Kind: fields["kind"], ID: id, Record: fields["record"], Time: t, Size: size, Lang: supervision.Chinese, Store: fields["store"]}
	if fields["lang"] == string(supervision.English) {
		s.Lang = supervision.English
	}
	if a, ok := fields["asof"]; ok {
		if s.AsOf, err = time.Parse(time.RFC3339Nano, a); err != nil {
			return Stamp{}, false
		}
	}
	if list := fields["projects"]; list != "" {
		for _, part := range strings.Split(list, ",") {
			pid, digest, found := strings.Cut(part, ":")
			pid, perr := url.QueryUnescape(pid)
			if !found || perr != nil {
				return Stamp{}, false
			}
			s.Projects = append(s.Projects, ProjectDigest{ID: pid, Digest: digest})
		}
	}
	if s.Kind != "visit" && s.AsOf.IsZero() {
		return Stamp{}, false
	}
	return s, true
}

// The seal is a SHA-256 of the whole file, written into the stamp in the
// metadata. It is computed with its own place filled with zeros and then
// written there; the place has a fixed length, so no offset in the file
// moves. Any change to the file afterwards — a number edited by hand in a
// PDF editor, a page replaced — breaks it (decision 0034).
const sealField = " seal="

var sealZero = strings.Repeat("0", 64)

// sealWriter holds a document until it is complete, then seals it.
type sealWriter struct{ buf bytes.Buffer }

func (s *sealWriter) Write(p []byte) (int, error) { return s.buf.Write(p) }

func (s *sealWriter) writeTo(w io.Writer) error {
	_, err := w.Write(Seal(s.buf.Bytes()))
	return err
}

// sealPlace finds where the seal's digits are, or -1.
func sealPlace(pdf []byte) int {
	m := keywordsRE.FindSubmatchIndex(pdf)
	if m == nil {
		return -1
	}
	i := bytes.Index(pdf[m[2]:m[3]], []byte(sealField))
	if i < 0 || m[2]+i+len(sealField)+64 > m[3] {
		return -1
	}
	return m[2] + i + len(sealField)
}

// Seal fills in the seal of a stamped document; a document without a
// stamp is returned as it is.
func Seal(pdf []byte) []byte {
	at := sealPlace(pdf)
	if at < 0 {
		return pdf
	}
	out := bytes.Clone(pdf)
	copy(out[at:], sealZero)
	sum := sha256.Sum256(out)
	copy(out[at:], hex.EncodeToString(sum[:]))
	return out
}

// CheckSeal reports whether the document carries a seal and whether the
// file is byte for byte what was sealed.
func CheckSeal(pdf []byte) (sealed, intact bool) {
	at := sealPlace(pdf)
	if at < 0 {
		return false, false
	}
	got := string(pdf[at : at+64])
	work := bytes.Clone(pdf)
	copy(work[at:], sealZero)
	sum := sha256.Sum256(work)
	return true, got == hex.EncodeToString(sum[:])
}
