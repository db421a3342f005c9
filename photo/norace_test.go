//go:build !race

package photo

// raceDetector says whether the tests run under the race detector.
const raceDetector = false
