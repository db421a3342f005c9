package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"

	"fieldbrief/portal"
	"fieldbrief/portal/server"
	"fieldbrief/spreadsheet"
	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// The committee office's workbooks (issue 16): register and checklist
// import/export and the findings ledger, each an admin API request, so
// they work on a running portal as on a stopped one's folder.

// parseOne parses flags around one plain argument (a file name), which may
// stand before, between or after the flags.
func parseOne(fs *flag.FlagSet, args []string, what string) (string, error) {
	var arg string
	for {
		if err := parse(fs, args); err != nil {
			return "", err
		}
		if fs.NArg() == 0 {
			break
		}
		if arg != "" {
			return "", usageError{"只能给出一个" + what + " / give one " + what}
		}
		arg, args = fs.Arg(0), fs.Args()[1:]
	}
	return arg, nil
}

func readWorkbook(name string) ([]byte, error) {
	if name == "" {
		return nil, usageError{"须给出 .xlsx 文件 / give the .xlsx file"}
	}
	st, err := os.Stat(name)
	if err != nil {
		return nil, translate.Wrap(err, sv.ENotFound, "portal_command.error.cannot_find_the_file", name)
	}
	if st.Size() > spreadsheet.MaxFileSize {
		return nil, translate.Errorf(sv.EInvalid, "portal_command.error.the_file_is_too_large_limit", name, spreadsheet.MaxFileSize>>20)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, translate.Wrap(err, sv.EUnavailable, "portal_command.error.cannot_read_the_file", name)
	}
	return data, nil
}

// download writes what the portal answers at path to out, through a
// temporary file, so a cut-off transfer leaves no half file behind.
func download(data, path, out string) (int64, error) {
	if out == "" {
		return 0, usageError{"须给出 --out / give --out"}
	}
	admin, err := openAdmin(data, false)
	if err != nil {
		return 0, err
	}
	defer admin.Close()
	resp, err := admin.stream(context.Background(), http.MethodGet, path, "", nil)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return 0, translate.Wrap(err, sv.EUnavailable, "portal_command.error.cannot_write", out)
	}
	n, err := io.Copy(tmp, resp.Body)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), out)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return 0, translate.Wrap(err, sv.EUnavailable, "portal_command.error.writing_failed_the_file_was_not_saved", out)
	}
	return n, nil
}

// upload sends a workbook to path and decodes the JSON answer into out.
func upload(data, path string, body []byte, out any) error {
	admin, err := openAdmin(data, false)
	if err != nil {
		return err
	}
	defer admin.Close()
	resp, err := admin.stream(context.Background(), http.MethodPost, path, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return decodeAnswer(resp.Body, out)
}

// importWorkbook runs an import command: `NAME --data DIR [--dry-run]
// FILE.xlsx`, the workbook sent to path and the portal's answer read into out.
func importWorkbook(name, path, dryHelp string, args []string, out any) error {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	data := fs.String("data", "", "data folder")
	dry := fs.Bool("dry-run", false, dryHelp)
	file, err := parseOne(fs, args, "文件 / file")
	if err != nil {
		return err
	}
	body, err := readWorkbook(file)
	if err != nil {
		return err
	}
	if *dry {
		path += "?dry_run=1"
	}
	return upload(*data, path, body, out)
}

func registerImport(args []string, stdout io.Writer) error {
	var res server.RegisterImportResult
	if err := importWorkbook("register import", portal.PathRegisterImport, "show what would change, change nothing", args, &res); err != nil {
		return err
	}
	printPlan(stdout, res)
	return nil
}

func printPlan(w io.Writer, res server.RegisterImportResult) {
	for _, c := range res.Added {
		fmt.Fprintf(w, "新增 / added: %s（%s，第 %d 行 / row %d）\n", c.Name, c.ID, c.Row, c.Row)
	}
	for _, c := range res.Changed {
		fmt.Fprintf(w, "修改 / changed: %s（%s）\n", c.Name, c.ID)
		for _, f := range c.Fields {
			fmt.Fprintf(w, "    %s / %s: %q → %q\n", f.FieldZh, f.FieldEn, f.Old, f.New)
		}
	}
	for _, c := range res.Archived {
		fmt.Fprintf(w, "文件中没有，将归档（不删除）/ missing from the file, archived (not deleted): %s（%s）\n", c.Name, c.ID)
	}
	if len(res.Ignored) > 0 {
		fmt.Fprintf(w, "未读取的列 / columns not read: %v\n", res.Ignored)
	}
	fmt.Fprintf(w, "新增 %d，修改 %d，归档 %d，未变 %d。/ %d added, %d changed, %d archived, %d unchanged.\n",
		len(res.Added), len(res.Changed), len(res.Archived), res.Unchanged, len(res.Added), len(res.Changed), len(res.Archived), res.Unchanged)
	switch {
	case res.Applied:
		fmt.Fprintln(w, "已导入；笔记本下次同步时收到。/ Imported; laptops receive it with their next sync.")
	case len(res.Projects) == 0 && len(res.Added)+len(res.Changed)+len(res.Archived) == 0:
		fmt.Fprintln(w, "没有变化。/ Nothing to change.")
	default:
		fmt.Fprintln(w, "试运行，未作任何修改。/ Dry run: nothing was changed.")
	}
}

func registerExport(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("register export", flag.ContinueOnError)
	data := fs.String("data", "", "data folder")
	out := fs.String("out", "", "the .xlsx file to write")
	if err := parse(fs, args); err != nil {
		return err
	}
	if _, err := download(*data, portal.PathRegisterExport, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "项目登记表已导出到 %s。/ Register exported to %s.\n", *out, *out)
	return nil
}

func templateImport(args []string, stdout io.Writer) error {
	var res server.TemplateImportResult
	if err := importWorkbook("template import", portal.PathTemplateImport, "show the differences, change nothing", args, &res); err != nil {
		return err
	}
	for _, d := range res.Differences {
		fmt.Fprintf(stdout, "  %s / %s\n", d.Zh, d.En)
	}
	switch {
	case !res.Created:
		fmt.Fprintf(stdout, "清单 %s 与当前第 %d 版相同，未建新版本。/ Checklist %s is the same as its current version %d; no new version.\n", res.ID, res.Version, res.ID, res.Version)
	case res.Applied:
		fmt.Fprintf(stdout, "已建清单 %s 第 %d 版；已开始的督查仍用原版本。/ Checklist %s version %d created; visits already made keep their version.\n", res.ID, res.Version, res.ID, res.Version)
	default:
		fmt.Fprintf(stdout, "试运行：将建清单 %s 第 %d 版，未作任何修改。/ Dry run: would create checklist %s version %d; nothing was changed.\n", res.ID, res.Version, res.ID, res.Version)
	}
	return nil
}

func templateExport(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("template export", flag.ContinueOnError)
	data := fs.String("data", "", "data folder")
	out := fs.String("out", "", "the .xlsx file to write")
	id := fs.String("id", "monthly", "checklist id")
	version := fs.Int("version", 0, "version (default: the current one)")
	if err := parse(fs, args); err != nil {
		return err
	}
	q := url.Values{"id": {*id}}
	if *version > 0 {
		q.Set("version", fmt.Sprint(*version))
	}
	if _, err := download(*data, portal.PathTemplateExport+"?"+q.Encode(), *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "清单已导出到 %s。/ Checklist exported to %s.\n", *out, *out)
	return nil
}

func findingsExport(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("findings export", flag.ContinueOnError)
	data := fs.String("data", "", "data folder")
	out := fs.String("out", "", "the .xlsx file to write")
	status := fs.String("status", "open", "open|overdue|all")
	project := fs.String("project", "", "project id")
	unit := fs.String("unit", "", "responsible unit")
	if err := parse(fs, args); err != nil {
		return err
	}
	filter := spreadsheet.LedgerFilter{Status: *status, ProjectID: *project, Unit: *unit}
	if err := filter.Valid(); err != nil {
		return usageError{sv.ErrorMessage(err, sv.Chinese) + " / " + sv.ErrorMessage(err, sv.English)}
	}
	q := url.Values{"status": {*status}, "project": {*project}, "unit": {*unit}}
	if _, err := download(*data, portal.PathFindingsExport+"?"+q.Encode(), *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "问题台账已导出到 %s。/ Findings ledger exported to %s.\n", *out, *out)
	return nil
}

func backup(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	data := fs.String("data", "", "data folder")
	out := fs.String("out", "", "the backup file to write (.tar)")
	if err := parse(fs, args); err != nil {
		return err
	}
	n, err := download(*data, portal.PathBackup, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "备份已写入 %s（%d 字节）。恢复：fieldbrief-portal restore --from %s --data 新文件夹\nBackup written to %s (%d bytes). Restore with: fieldbrief-portal restore --from %s --data NEWDIR\n",
		*out, n, *out, *out, n, *out)
	return nil
}

func restore(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	from := fs.String("from", "", "the backup file")
	data := fs.String("data", "", "the new, empty data folder")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *from == "" || *data == "" {
		return usageError{"须给出 --from 与 --data / give --from and --data"}
	}
	f, err := os.Open(*from)
	if err != nil {
		return translate.Wrap(err, sv.ENotFound, "portal_command.error.cannot_find_the_backup_file", *from)
	}
	defer f.Close()
	if err := server.Restore(f, *data); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已恢复到 %s。平台以新的纪元启动：笔记本下次同步时重新拉取全部记录，并补发平台缺少的记录。\nRestored into %s. The portal starts with a new epoch: laptops pull everything again at their next sync and send what the portal lacks.\n", *data, *data)
	return nil
}

func decodeAnswer(r io.Reader, out any) error {
	if err := json.NewDecoder(r).Decode(out); err != nil {
		return translate.Wrap(err, sv.EInternal, "portal_command.error.the_portals_answer_cannot_be_read")
	}
	return nil
}
