// Command fieldbrief is the inspectors' app for the key projects of the
// Western (Chongqing) Science City: with no subcommand it opens the window,
// otherwise it runs a command-line task (see fieldbrief --help).
//
// main only wires the packages together.
package main

import (
	"os"
	"time"

	"fieldbrief/app"
	"fieldbrief/cli"
	"fieldbrief/sample"
	"fieldbrief/storage"
	sv "fieldbrief/supervision"
)

func main() {
	if len(os.Args) > 1 {
		attachConsole()
	}
	os.Exit(cli.Run(os.Args[1:], cli.Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Now: time.Now,
		GUI: openWindow,
	}))
}

func openWindow(dir string, lang sv.Lang) error {
	if err := app.CheckDisplay(); err != nil {
		return err
	}
	s, err := storage.Open(dir, storage.Options{})
	if err != nil {
		return app.ShowError(err, lang)
	}
	defer s.Close()
	return app.Run(app.Config{
		Data: s,
		Lang: lang,
		Sync: &app.SyncConfig{Store: s, Dir: dir},
		LoadSample: func() error {
			_, err := sample.Install(s, time.Now())
			return err
		},
	})
}
