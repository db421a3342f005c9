package app

import (
	"os"
	"runtime"

	sv "fieldbrief/supervision"
	"fieldbrief/translate"
)

// CheckDisplay reports, before any window is created, whether there is a
// screen to draw on. On Linux and the BSDs a missing X11 or Wayland display
// would otherwise end in a panic inside GLFW; this says what to do instead.
func CheckDisplay() error {
	switch runtime.GOOS {
	case "windows", "darwin", "android", "ios", "js":
		return nil
	}
	if os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != "" {
		return nil
	}
	return translate.Errorf(sv.EUnavailable,
		"error.there_is_no_graphical_display_display")
}
