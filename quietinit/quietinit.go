// Package quietinit silences the standard logger while packages initialise.
//
// Fyne's lang package looks up the OS locale when it is initialised and
// logs an error for locales such as C.UTF-8 (common on servers and in CI),
// so every command-line run would start with three lines of noise. Go
// initialises packages in import-path order once their imports are ready,
// so this package, imported by main and depending only on io and log, runs
// before any fyne.io package. main restores the logger first thing.
package quietinit

import (
	"io"
	"log"
)

func init() { log.SetOutput(io.Discard) }
