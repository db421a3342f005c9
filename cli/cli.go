// Package cli is fieldbrief's command line: one binary opens the GUI when
// given no subcommand, and runs maintenance and reporting commands
// (demo, projects, visits, check, backup, compact …) otherwise.
//
// The GUI is passed in as a function so this package, and its tests, do not
// depend on Fyne.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

// Version is the release, stamped from git by the build (-ldflags -X).
var Version = "dev"

// GUI opens the window on the data folder dir and returns when the window
// closes. lang is empty unless the user asked for a language.
type GUI func(dir string, lang sv.Lang) error

// Env is what a command may touch: its streams, the clock and the GUI.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Now            func() time.Time
	GUI            GUI
}

// command is one subcommand.
type command struct {
	name    string
	summary [2]string // zh, en
	run     func(c *ctx, args []string) error
}

// ctx carries a command's environment and the global options.
type ctx struct {
	Env
	lang sv.Lang
}

func (c *ctx) say(zh, en string, args ...any) {
	msg := zh
	if c.lang == sv.English {
		msg = en
	}
	fmt.Fprintf(c.Stdout, msg+"\n", args...)
}

func commands() []command {
	return []command{
		{"demo", [2]string{"把示例数据载入空的数据文件夹", "load the sample data into an empty data folder"}, runDemo},
		{"projects", [2]string{"列出重点项目及督查状态", "list the key projects and their supervision status"}, runProjects},
		{"visits", [2]string{"列出督查记录", "list visits"}, runVisits},
		{"check", [2]string{"检查数据完整性", "check the data's integrity"}, runCheck},
		{"backup", [2]string{"把数据备份到一个文件", "back the data up to a file"}, runBackup},
		{"compact", [2]string{"压缩数据文件（需先关闭程序）", "compact the data file (close the app first)"}, runCompact},
		{"report", [2]string{"生成 PDF 简报（report visit / brief / tour）", "make PDF briefs (report visit / brief / tour)"}, runReport},
		{"login", [2]string{"登录平台（密码从标准输入读取）", "sign in to the portal (password on stdin)"}, runLogin},
		{"sync", [2]string{"与平台同步", "sync with the portal"}, runSync},
		{"status", [2]string{"显示同步状态", "show the sync status"}, runStatus},
		{"photos", [2]string{"导入或导出照片（photos import / photos export）", "import or export photos (photos import / photos export)"}, runPhotos},
		{"findings", [2]string{"导出问题台账 Excel（findings export）", "export the findings ledger to Excel (findings export)"}, runFindings},
	}
}

// Run runs fieldbrief with the given arguments (without the program name)
// and returns the process exit code: 0 success, 1 failure, 2 bad usage.
func Run(args []string, env Env) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	c := &ctx{Env: env, lang: langFromEnv()}
	// Global options may come before the subcommand: fieldbrief --data D.
	global := flag.NewFlagSet("fieldbrief", flag.ContinueOnError)
	global.SetOutput(io.Discard)
	data := global.String("data", "", "")
	lang := global.String("lang", "", "")
	help := global.Bool("help", false, "")
	version := global.Bool("version", false, "")
	global.BoolVar(help, "h", false, "")
	if err := global.Parse(args); err != nil {
		c.usage()
		fmt.Fprintln(c.Stderr, err)
		return 2
	}
	if *lang != "" {
		c.lang = parseLang(*lang)
	}
	rest := global.Args()
	if *help {
		c.usage()
		return 0
	}
	if *version {
		fmt.Fprintln(c.Stdout, "fieldbrief", Version)
		return 0
	}
	if len(rest) == 0 {
		dir, err := dataDir(*data)
		if err == nil {
			// The window follows its saved setting unless a language was asked for.
			var l sv.Lang
			if *lang != "" || os.Getenv("FIELDBRIEF_LANG") != "" {
				l = c.lang
			}
			err = env.GUI(dir, l)
		}
		return c.fail(err)
	}
	for _, cmd := range commands() {
		if cmd.name != rest[0] {
			continue
		}
		sub := rest[1:]
		if *data != "" {
			sub = append([]string{"--data", *data}, sub...)
		}
		if *lang != "" {
			sub = append([]string{"--lang", *lang}, sub...)
		}
		err := cmd.run(c, sub)
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintln(c.Stderr, ue.msg)
			return 2
		}
		return c.fail(err)
	}
	c.usage()
	fmt.Fprintf(c.Stderr, "\n%s: %s\n", c.pick("未知命令", "unknown command"), rest[0])
	return 2
}

func (c *ctx) pick(zh, en string) string {
	if c.lang == sv.English {
		return en
	}
	return zh
}

// fail prints err for a person and returns the exit code.
func (c *ctx) fail(err error) int {
	if err == nil {
		return 0
	}
	var silent exitCode
	if errors.As(err, &silent) {
		return int(silent)
	}
	fmt.Fprintln(c.Stderr, sv.ErrorMessage(err, c.lang))
	return 1
}

// exitCode ends a command with a code after it has printed its own report.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func (c *ctx) usage() {
	w := c.Stdout
	fmt.Fprintln(w, c.pick("用法：fieldbrief [--data 文件夹] [--lang zh|en] [命令] [选项]", "Usage: fieldbrief [--data FOLDER] [--lang zh|en] [COMMAND] [OPTIONS]"))
	fmt.Fprintln(w, c.pick("不带命令时打开图形界面。命令：", "Without a command, opens the window. Commands:"))
	for _, cmd := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", cmd.name, c.pick(cmd.summary[0], cmd.summary[1]))
	}
	fmt.Fprintln(w, c.pick("每个命令都支持 --help。", "Every command takes --help."))
	def, _ := dataDir("")
	fmt.Fprintf(w, "%s %s\n", c.pick("默认数据文件夹：", "Default data folder:"), def)
}

// flags returns a flag set for a subcommand with the common options.
func (c *ctx) flags(name, argsZh, argsEn string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.Stdout)
	data := fs.String("data", "", c.pick("数据文件夹（默认：系统的用户数据文件夹）", "data folder (default: the OS's per-user data folder)"))
	fs.String("lang", "", c.pick("界面语言：zh 或 en", "language: zh or en"))
	fs.Usage = func() {
		fmt.Fprintf(c.Stdout, "%s fieldbrief %s %s\n", c.pick("用法：", "Usage:"), name, c.pick(argsZh, argsEn))
		fs.PrintDefaults()
	}
	return fs, data
}

// parse parses a subcommand's flags and applies --lang.
func (c *ctx) parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{msg: err.Error()}
	}
	if l := fs.Lookup("lang"); l != nil && l.Value.String() != "" {
		c.lang = parseLang(l.Value.String())
	}
	if fs.NArg() > 0 {
		return usageError{msg: c.pick("多余的参数：", "unexpected arguments: ") + strings.Join(fs.Args(), " ")}
	}
	return nil
}

func parseLang(s string) sv.Lang {
	if strings.HasPrefix(strings.ToLower(s), "en") {
		return sv.English
	}
	return sv.Chinese
}

// langFromEnv follows FIELDBRIEF_LANG when set; Chinese otherwise, as the
// users read Chinese first whatever their laptop's locale.
func langFromEnv() sv.Lang {
	if l := os.Getenv("FIELDBRIEF_LANG"); l != "" {
		return parseLang(l)
	}
	return sv.Chinese
}

// dataDir returns the chosen data folder, or the OS's per-user data folder:
// %LOCALAPPDATA%\fieldbrief on Windows, ~/Library/Application Support/fieldbrief
// on macOS, $XDG_DATA_HOME/fieldbrief (~/.local/share/fieldbrief) elsewhere.
func dataDir(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if d := os.Getenv("FIELDBRIEF_DATA"); d != "" {
		return d, nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "fieldbrief"), nil
		}
	case "darwin":
		if d, err := os.UserConfigDir(); err == nil {
			return filepath.Join(d, "fieldbrief"), nil
		}
	default:
		if d := os.Getenv("XDG_DATA_HOME"); d != "" {
			return filepath.Join(d, "fieldbrief"), nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", sv.Errorf(sv.EInvalid, "找不到用户主目录，请用 --data 指定数据文件夹。", "Cannot find your home folder; choose a data folder with --data.")
	}
	if runtime.GOOS == "windows" {
		return filepath.Join(home, "AppData", "Local", "fieldbrief"), nil
	}
	return filepath.Join(home, ".local", "share", "fieldbrief"), nil
}

func (c *ctx) open(data string, readOnly bool) (*storage.Store, error) {
	dir, err := dataDir(data)
	if err != nil {
		return nil, err
	}
	return storage.Open(dir, storage.Options{ReadOnly: readOnly, Now: c.Now})
}

func sortedProjects(rows []sv.ProjectStatus) {
	sort.Slice(rows, func(i, j int) bool { return rows[i].Project.ID < rows[j].Project.ID })
}
