//go:build !unix

package server

// fdLimit is how many files the process may open, or 0 when unknown.
func fdLimit() uint64 { return 0 }
