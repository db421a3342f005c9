//go:build unix

package server

import "syscall"

// fdLimit is how many files the process may open, or 0 when unknown.
func fdLimit() uint64 {
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) != nil {
		return 0
	}
	return uint64(rl.Cur)
}
