package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"regexp"
	"strings"
	"time"

	"fieldbrief/supervision"
)

// Stamp is what a document says about itself in its PDF metadata, so that
// report verify can recompute it from the store: which record, the digest
// of the record as printed, and how it was printed (decision 0034).
type Stamp struct {
	Kind   string // "visit"
	ID     string // the visit's id
	Record string // supervision.RecordDigest of the record printed
	Time   time.Time
	Size   PageSize
	Lang   supervision.Lang
}

const stampPrefix = "fieldbrief-record"

// VisitStamp is the stamp of a visit report printed with opt.
func VisitStamp(in supervision.Inspection, opt Options) Stamp {
	return Stamp{Kind: "visit", ID: in.ID, Record: supervision.RecordDigest(in), Time: opt.Time, Size: opt.Size, Lang: opt.Lang}
}

// String writes the stamp as the PDF keywords: plain ASCII words.
func (s Stamp) String() string {
	return strings.Join([]string{stampPrefix, "kind=" + s.Kind, "id=" + s.ID, "record=" + s.Record,
		"time=" + s.Time.Format(time.RFC3339Nano), "size=" + s.Size.String(), "lang=" + string(s.Lang)}, " ") + sealField + sealZero
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
	if err != nil || serr != nil || fields["kind"] == "" || fields["id"] == "" || !strings.HasPrefix(fields["record"], supervision.RecordVersion+":") {
		return Stamp{}, false
	}
	s = Stamp{Kind: fields["kind"], ID: fields["id"], Record: fields["record"], Time: t, Size: size, Lang: supervision.Chinese}
	if fields["lang"] == string(supervision.English) {
		s.Lang = supervision.English
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
