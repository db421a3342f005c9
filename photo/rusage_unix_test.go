//go:build unix

package photo

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user + system) used so far by this process.
// On a shared machine it moves much less with other people's load than wall
// time does.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
