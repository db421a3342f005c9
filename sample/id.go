package sample

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"time"
)

// newID returns a UUIDv7 like supervision.NewID, but draws its random bits
// from rng: generated data must be identical for a given seed, and NewID
// reads crypto/rand.
func newID(rng *rand.Rand, t time.Time) string {
	var u [16]byte
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(t.UnixMilli()))
	copy(u[0:6], ts[2:8])
	binary.BigEndian.PutUint16(u[6:8], uint16(rng.Uint32()))
	binary.BigEndian.PutUint64(u[8:16], rng.Uint64())
	u[6] = 0x70 | (u[6] & 0x0f) // version 7
	u[8] = 0x80 | (u[8] & 0x3f) // RFC 9562 variant
	var s [36]byte
	hex.Encode(s[0:8], u[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], u[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], u[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], u[8:10])
	s[23] = '-'
	hex.Encode(s[24:36], u[10:16])
	return string(s[:])
}
