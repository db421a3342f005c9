package app

import (
	"os"
	"runtime"

	sv "fieldbrief/supervision"
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
	return sv.Errorf(sv.EUnavailable,
		"没有可用的图形界面（未设置 DISPLAY 或 WAYLAND_DISPLAY），无法打开窗口。请在桌面环境中启动，或使用命令行功能（fieldbrief --help）。",
		"There is no graphical display (DISPLAY and WAYLAND_DISPLAY are not set), so the window cannot open. Start it from a desktop session, or use the command line (fieldbrief --help).")
}
