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
// row per record, columns as wide as their contents.
type table struct {
	f      *excelize.File
	sheet  string
	st     styles
	rows   int
	cols   int
	widths []int
	err    error
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
	if t.err != nil {
		return
	}
	t.rows++
	cells := make([]any, len(values))
	for i, v := range values {
		var width int
		switch x := v.(type) {
		case sv.Date:
			if d, ok := excelDay(x); ok {
				cells[i] = excelize.Cell{StyleID: style(v), Value: d}
				width = 10
			} else {
				cells[i] = excelize.Cell{StyleID: style(v)}
			}
		case time.Time:
			if x.IsZero() {
				cells[i] = excelize.Cell{StyleID: style(v)}
			} else {
				cells[i] = excelize.Cell{StyleID: style(v), Value: time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC)}
				width = 10
			}
		case string:
			cells[i] = excelize.Cell{StyleID: style(v)}
			if x != "" {
				cells[i] = excelize.Cell{StyleID: style(v), Value: x}
			}
			width = displayWidth(x)
		default:
			cells[i] = excelize.Cell{StyleID: style(v), Value: v}
			width = displayWidth(toText(v))
		}
		if i < len(t.widths) && width > t.widths[i] {
			t.widths[i] = width
		}
	}
	for i, c := range cells {
		cc := c.(excelize.Cell)
		name, _ := excelize.CoordinatesToCellName(i+1, t.rows)
		if cc.Value != nil {
			if err := t.f.SetCellValue(t.sheet, name, cc.Value); err != nil {
				t.err = err
				return
			}
		}
		if err := t.f.SetCellStyle(t.sheet, name, name, cc.StyleID); err != nil {
			t.err = err
			return
		}
	}
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

// finish freezes the header, adds the filter and sets the widths.
func (t *table) finish() error {
	if t.err != nil {
		return internal(t.err)
	}
	if err := t.f.SetPanes(t.sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return internal(err)
	}
	last, _ := excelize.CoordinatesToCellName(max(t.cols, 1), max(t.rows, 1))
	if err := t.f.AutoFilter(t.sheet, "A1:"+last, nil); err != nil {
		return internal(err)
	}
	for i, w := range t.widths {
		col := colName(i)
		width := float64(min(max(w, 6), 60)) + 2
		if err := t.f.SetColWidth(t.sheet, col, col, width); err != nil {
			return internal(err)
		}
	}
	return nil
}
