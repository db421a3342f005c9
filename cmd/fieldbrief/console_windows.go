package main

import (
	"os"
	"syscall"
)

// attachConsole connects a command-line run to the console it was started
// from. The Windows build is a GUI program (no console window flashes when
// the app is opened from the Start menu), so without this a command typed in
// cmd.exe or PowerShell would print nothing.
func attachConsole() {
	const attachParentProcess = ^uintptr(0) // (DWORD)-1
	attach := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole")
	if r, _, _ := attach.Call(attachParentProcess); r == 0 {
		return // started without a console (e.g. from Explorer): nothing to attach to
	}
	if out, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		os.Stdout, os.Stderr = out, out
	}
	if in, err := os.OpenFile("CONIN$", os.O_RDONLY, 0); err == nil {
		os.Stdin = in
	}
}
