package spreadsheet

import (
	"time"

	"github.com/xuri/excelize/v2"

	sv "fieldbrief/supervision"
)

// styles are the cell formats every exported workbook uses.
type styles struct {
	header, date, number, text int
	// late* mark a row that is overdue.
	lateText, lateDate, lateNumber int
}

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	border := []excelize.Border{{Type: "left", Color: "BFBFBF", Style: 1}, {Type: "right", Color: "BFBFBF", Style: 1},
		{Type: "top", Color: "BFBFBF", Style: 1}, {Type: "bottom", Color: "BFBFBF", Style: 1}}
	late := excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FDE2E1"}}
	dateFmt := "yyyy-mm-dd"
	defs := []struct {
		dst *int
		s   excelize.Style
	}{
		{&st.header, excelize.Style{Font: &excelize.Font{Bold: true}, Border: border,
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}}},
		{&st.text, excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.date, excelize.Style{Border: border, CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&st.number, excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&st.lateText, excelize.Style{Border: border, Fill: late, Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}}},
		{&st.lateDate, excelize.Style{Border: border, Fill: late, CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Vertical: "top"}}},
		{&st.lateNumber, excelize.Style{Border: border, Fill: late, Alignment: &excelize.Alignment{Vertical: "top"}}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(&d.s)
		if err != nil {
			return st, internal(err)
		}
		*d.dst = id
	}
	return st, nil
}

// table writes one sheet as a list: a frozen, filterable header row, one
// row per record, columns as wide as their contents. Rows are kept until
// finish, which streams them out: excelize's stream writer needs the
// widths first, and is what keeps a ledger of thousands of rows fast.
type table struct {
	f      *excelize.File
	sheet  string
	st     styles
	rows   [][]any
	cols   int
	widths []int
}

func newTable(f *excelize.File, sheet string, st styles) *table {
	return &table{f: f, sheet: sheet, st: st}
}

func (t *table) header(names []string) {
	t.cols = len(names)
	t.widths = make([]int, len(names))
	vals := make([]any, len(names))
	for i, n := range names {
		vals[i] = n
	}
	t.put(vals, func(any) int { return t.st.header })
}

// row writes values: strings as text, numbers as numbers, dates (sv.Date)
// as Excel dates, empty values as empty cells.
func (t *table) row(late bool, values ...any) {
	t.put(values, func(v any) int {
		switch v.(type) {
		case sv.Date, time.Time:
			if late {
				return t.st.lateDate
			}
			return t.st.date
		case float64, int:
			if late {
				return t.st.lateNumber
			}
			return t.st.number
		}
		if late {
			return t.st.lateText
		}
		return t.st.text
	})
}

func (t *table) put(values []any, style func(any) int) {
	cells := make([]any, len(values))
	for i, v := range values {
		var width int
		c := excelize.Cell{StyleID: style(v)}
		switch x := v.(type) {
		case sv.Date:
			if d, ok := excelDay(x); ok {
				c.Value, width = d, 10
			}
		case time.Time:
			if !x.IsZero() {
				c.Value, width = time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC), 10
			}
		case string:
			if x != "" {
				c.Value, width = x, displayWidth(x)
			}
		default:
			c.Value, width = v, displayWidth(toText(v))
		}
		cells[i] = c
		if i < len(t.widths) && width > t.widths[i] {
			t.widths[i] = width
		}
	}
	t.rows = append(t.rows, cells)
}

func toText(v any) string {
	switch x := v.(type) {
	case float64:
		return trimFloat(x)
	case int:
		return trimFloat(float64(x))
	}
	return ""
}

// finish writes the rows with the header frozen, the widths set and the
// filter over the whole list.
func (t *table) finish() error {
	// The filter is set on the empty sheet: the stream writer writes it
	// out after the rows, and setting it later would read the sheet back.
	last, _ := excelize.CoordinatesToCellName(max(t.cols, 1), max(len(t.rows), 1))
	if err := t.f.AutoFilter(t.sheet, "A1:"+last, nil); err != nil {
		return internal(err)
	}
	sw, err := t.f.NewStreamWriter(t.sheet)
	if err != nil {
		return internal(err)
	}
	for i, w := range t.widths {
		if err := sw.SetColWidth(i+1, i+1, float64(min(max(w, 6), 60))+2); err != nil {
			return internal(err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return internal(err)
	}
	for r, cells := range t.rows {
		cell, _ := excelize.CoordinatesToCellName(1, r+1)
		if err := sw.SetRow(cell, cells); err != nil {
			return internal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		return internal(err)
	}
	return nil
}
