// Package app is fieldbrief's window: the dashboard of the key projects and
// the screens an inspector works in. Each screen is a small struct that owns
// its widgets. Reading and writing data goes through the Data interface,
// never bbolt or HTTP directly; long work runs in goroutines and touches
// widgets only inside fyne.Do.
package app
