package storage

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt's on-disk meta page, as laid out by bbolt 1.x on little-endian
// machines: a 16-byte page header, then magic, version, page size, flags,
// root bucket (pgid, sequence), freelist pgid, high-water pgid, txid and an
// FNV-64a checksum of the fields before it.
const (
	boltMagic   = 0xED0CDAED
	boltVersion = 2
	metaStart   = 16
	metaSumAt   = metaStart + 56
)

// precheck reads the two meta pages of an existing file and refuses a file
// that bbolt would crash on: bbolt validates the meta page but then trusts
// it, and a truncated file makes it read past the end (a panic, or a SIGBUS
// on the mapped memory). The file is only read.
func precheck(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return nil // bbolt reports a missing or unreadable file itself
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return nil // an empty file is initialised by bbolt like a new one
	}
	size := fi.Size()
	head := make([]byte, 4096)
	if _, err := io.ReadFull(f, head); err != nil {
		return fmt.Errorf("file is only %d bytes", size)
	}
	var best struct {
		txid, pgid uint64
		pageSize   uint32
		ok         bool
	}
	for i := 0; i < 2; i++ {
		page := head
		if i == 1 {
			ps := int64(binary.LittleEndian.Uint32(head[metaStart+8:]))
			if ps < 512 || ps > 1<<20 || size < 2*ps {
				continue
			}
			page = make([]byte, 128)
			if _, err := f.ReadAt(page, ps); err != nil {
				continue
			}
		}
		m := page[metaStart:]
		if binary.LittleEndian.Uint32(m[0:]) != boltMagic || binary.LittleEndian.Uint32(m[4:]) != boltVersion {
			continue
		}
		h := fnv.New64a()
		h.Write(page[metaStart:metaSumAt])
		if h.Sum64() != binary.LittleEndian.Uint64(page[metaSumAt:]) {
			continue
		}
		txid := binary.LittleEndian.Uint64(m[48:])
		if !best.ok || txid > best.txid {
			best.txid, best.pgid, best.pageSize, best.ok = txid, binary.LittleEndian.Uint64(m[40:]), binary.LittleEndian.Uint32(m[8:]), true
		}
	}
	if !best.ok {
		return fmt.Errorf("no valid meta page")
	}
	if need := int64(best.pgid) * int64(best.pageSize); need > size {
		return fmt.Errorf("file is %d bytes, its meta page needs %d", size, need)
	}
	return nil
}
