package sample

import (
	"encoding/binary"
	"math/rand/v2"
	"time"

	"fieldbrief/supervision"
)

// newID returns a UUIDv7 like supervision.NewID, but draws its random bits
// from rng: generated data must be identical for a given seed, and NewID
// reads crypto/rand.
func newID(rng *rand.Rand, t time.Time) string {
	var random [10]byte
	binary.BigEndian.PutUint16(random[0:2], uint16(rng.Uint32()))
	binary.BigEndian.PutUint64(random[2:10], rng.Uint64())
	return supervision.IDFrom(t, random)
}
