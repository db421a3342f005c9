//go:build !windows

package main

// attachConsole is needed only on Windows, where the app is built as a GUI program.
func attachConsole() {}
