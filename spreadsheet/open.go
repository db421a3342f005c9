package spreadsheet

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// MaxFileSize bounds the bytes of a workbook accepted for reading; the
// office's registers and checklists are tens of kilobytes.
const MaxFileSize = 32 << 20

// maxUnpacked bounds what a workbook may unpack to: a zip bomb is refused
// before anything is inflated.
const maxUnpacked = 256 << 20

// Problem is one thing in a workbook that cannot be read, with where it is.
// Row is 1-based as Excel shows it; 0 means the whole sheet. Column is the
// column's letter, or empty for the whole row.
type Problem struct {
	Sheet  string `json:"sheet,omitempty"`
	Row    int    `json:"row,omitempty"`
	Column string `json:"column,omitempty"`
	Zh     string `json:"zh"`
	En     string `json:"en"`
}

// Where says where the problem is, in the given language.
func (p Problem) Where(lang sv.Lang) string {
	var b strings.Builder
	if p.Sheet != "" {
		if lang == sv.English {
			fmt.Fprintf(&b, "sheet “%s”", p.Sheet)
		} else {
			fmt.Fprintf(&b, "工作表“%s”", p.Sheet)
		}
	}
	if p.Row > 0 || p.Column != "" {
		cell := p.Column
		if p.Row > 0 {
			cell += fmt.Sprint(p.Row)
		}
		if lang == sv.English {
			if p.Column == "" {
				cell = fmt.Sprintf("row %d", p.Row)
			} else {
				cell = "cell " + cell
			}
			b.WriteString(", " + cell)
		} else {
			if p.Column == "" {
				cell = fmt.Sprintf("第 %d 行", p.Row)
			} else {
				cell = "单元格 " + cell
			}
			b.WriteString("，" + cell)
		}
	}
	return b.String()
}

// Message is the problem with its place, in the given language.
func (p Problem) Message(lang sv.Lang) string {
	w := p.Where(lang)
	if lang == sv.English {
		if w == "" {
			return p.En
		}
		return w + ": " + p.En
	}
	if w == "" {
		return p.Zh
	}
	return w + "：" + p.Zh
}

// Problems is every problem found in a workbook. As an error it reads as
// one message listing them, so a person can fix the whole file at once.
type Problems []Problem

func (ps Problems) Error() string { return ps.err().Error() }

// As lets errors.As (and so sv.ErrorMessage and sv.ErrorCode) see the
// problems as one *sv.Error.
func (ps Problems) As(target any) bool {
	if t, ok := target.(**sv.Error); ok {
		*t = ps.err()
		return true
	}
	return false
}

// maxListed bounds the problems written into one message; the rest are
// counted.
const maxListed = 40

func (ps Problems) err() *sv.Error {
	var zh, en []string
	for i, p := range ps {
		if i == maxListed {
			zh = append(zh, fmt.Sprintf("……另有 %d 个问题", len(ps)-maxListed))
			en = append(en, fmt.Sprintf("… and %d more problems", len(ps)-maxListed))
			break
		}
		zh = append(zh, p.Message(sv.Chinese))
		en = append(en, p.Message(sv.English))
	}
	enHead := fmt.Sprintf("The workbook has %d problems; nothing was imported:", len(ps))
	if len(ps) == 1 {
		enHead = "The workbook has a problem; nothing was imported:"
	}
	return &sv.Error{Code: sv.EInvalid,
		Zh: fmt.Sprintf("表格有 %d 个问题，未导入任何内容：\n%s", len(ps), strings.Join(zh, "\n")),
		En: enHead + "\n" + strings.Join(en, "\n")}
}

// AsError returns nil without problems, else an *sv.Error listing them.
func (ps Problems) AsError() error {
	if len(ps) == 0 {
		return nil
	}
	return ps.err()
}

var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	zipMagic = []byte("PK\x03\x04")
	// An encrypted .xlsx is an OLE container holding an EncryptionInfo
	// stream; its name is stored in UTF-16.
	encryptionInfo = []byte("E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o\x00")
)

// open checks that data is a workbook fieldbrief can read and opens it.
// Each kind of file that is not one gets its own message saying what to do.
func open(data []byte) (*excelize.File, error) {
	switch {
	case len(data) == 0:
		return nil, translate.Errorf(sv.EInvalid, "spreadsheet.error.the_file_is_empty")
	case len(data) > MaxFileSize:
		return nil, translate.Errorf(sv.EInvalid, "spreadsheet.error.the_file_is_too_large_mb", len(data)>>20, MaxFileSize>>20)
	case bytes.HasPrefix(data, oleMagic) && bytes.Contains(data, encryptionInfo):
		return nil, translate.Errorf(sv.EInvalid,
			"spreadsheet.error.the_workbook_is_protected_by_a")
	case bytes.HasPrefix(data, oleMagic):
		return nil, translate.Errorf(sv.EInvalid,
			"spreadsheet.error.this_is_an_old_excel_97")
	case !bytes.HasPrefix(data, zipMagic):
		return nil, translate.Errorf(sv.EInvalid,
			"spreadsheet.error.the_file_is_not_an_excel")
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, damaged(err)
	}
	var unpacked uint64
	for _, f := range zr.File {
		unpacked += f.UncompressedSize64
		if unpacked > maxUnpacked {
			return nil, translate.Errorf(sv.EInvalid,
				"spreadsheet.error.the_file_would_unpack_to_more",
				maxUnpacked>>20, f.Name, f.UncompressedSize64>>20)
		}
	}
	// The limits apply again inside excelize: a part that claims a small
	// size and inflates beyond it fails as a damaged file in archive/zip.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnpacked, UnzipXMLSizeLimit: 16 << 20})
	if err != nil {
		return nil, damaged(err)
	}
	return f, nil
}

func damaged(err error) error {
	return translate.Wrap(err, sv.EInvalid,
		"spreadsheet.error.the_workbook_is_damaged_or_incomplete")
}
