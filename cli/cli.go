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
	"fieldbrief/translate"
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
	summary string // catalogue key
	run     func(c *ctx, args []string) error
}

// ctx carries a command's environment and the global options.
type ctx struct {
	Env
	lang sv.Lang
}

// say prints the text of a catalogue key, formatted with args, as a line.
func (c *ctx) say(key string, args ...any) {
	fmt.Fprintln(c.Stdout, c.t(key, args...))
}

func commands() []command {
	return []command{
		{"demo", "cli.cmd.demo", runDemo},
		{"projects", "cli.cmd.projects", runProjects},
		{"visits", "cli.cmd.visits", runVisits},
		{"check", "cli.cmd.check", runCheck},
		{"backup", "cli.cmd.backup", runBackup},
		{"compact", "cli.cmd.compact", runCompact},
		{"report", "cli.cmd.report", runReport},
		{"login", "cli.cmd.login", runLogin},
		{"sync", "cli.cmd.sync", runSync},
		{"status", "cli.cmd.status", runStatus},
		{"photos", "cli.cmd.photos", runPhotos},
		{"findings", "cli.cmd.findings", runFindings},
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
	fmt.Fprintf(c.Stderr, "\n%s: %s\n", c.t("cli.unknown_command"), rest[0])
	return 2
}

// t returns the text of a catalogue key in the command's language,
// formatted with args (see translate.Catalogue.T).
func (c *ctx) t(key string, args ...any) string {
	return translate.For(c.lang).T(key, args...)
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
	fmt.Fprintln(c.Stderr, translate.Message(err, c.lang))
	return 1
}

// exitCode ends a command with a code after it has printed its own report.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func (c *ctx) usage() {
	w := c.Stdout
	fmt.Fprintln(w, c.t("cli.usage_fieldbrief_data_folder_lang"))
	fmt.Fprintln(w, c.t("cli.without_a_command_opens_the"))
	for _, cmd := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", cmd.name, c.t(cmd.summary))
	}
	fmt.Fprintln(w, c.t("cli.every_command_takes_help"))
	def, _ := dataDir("")
	fmt.Fprintf(w, "%s %s\n", c.t("cli.default_data_folder"), def)
}

// flags returns a flag set for a subcommand with the common options.
func (c *ctx) flags(name, argsKey string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.Stdout)
	data := fs.String("data", "", c.t("cli.data_folder_default_the_oss"))
	fs.String("lang", "", c.t("cli.language_zh_or_en"))
	fs.Usage = func() {
		fmt.Fprintf(c.Stdout, "%s fieldbrief %s %s\n", c.t("cli.usage"), name, c.t(argsKey))
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
		return usageError{msg: c.t("cli.unexpected_arguments") + strings.Join(fs.Args(), " ")}
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
		return "", translate.Errorf(sv.EInvalid, "cli.error.cannot_find_your_home_folder_choose")
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
