// Package spreadsheet reads and writes the committee office's Excel
// workbooks (.xlsx) over the domain's plain types: the project register
// with its milestones, checklist templates written as a spreadsheet after
// ODK's XLSForm, and the findings ledger (问题台账).
//
// It is the one package that depends on excelize. Reading is tolerant of
// how people keep spreadsheets — merged title and header rows, section and
// total rows, numbers typed as text with separators, dates as Excel dates
// or as text, full-width characters — and strict about everything else:
// a file is read completely or not at all, and every problem is reported
// with its sheet, row, column and reason (see decision 0028).
package spreadsheet
