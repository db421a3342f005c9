//go:build !race

package syncer

// raceEnabled loosens timing targets under the race detector.
const raceEnabled = false
