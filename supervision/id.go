package supervision

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// NewID returns a UUIDv7 (RFC 9562) made from t and random bits. Records get
// their id on the laptop so they can be created offline; the time prefix keeps
// ids of one laptop in creation order, which makes bbolt keys sort by age.
func NewID(t time.Time) string {
	var random [10]byte
	// crypto/rand.Read never returns an error on supported platforms (Go ≥ 1.24).
	_, _ = rand.Read(random[:])
	return IDFrom(t, random)
}

// IDFrom returns the UUIDv7 for t with the given random bits. Generated
// data (the sample history) passes bits from a seeded source so that the
// same seed gives the same ids.
func IDFrom(t time.Time, random [10]byte) string {
	var u [16]byte
	var ts [8]byte
	binary.BigEndian.PutUint64(ts[:], uint64(t.UnixMilli()))
	copy(u[0:6], ts[2:8])
	copy(u[6:], random[:])
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
