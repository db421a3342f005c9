package storage

import (
	bolt "go.etcd.io/bbolt"
)

// Photo bytes live in a bucket of their own per photo (blobs → sha256 →
// kind → bytes). bbolt keeps at least two values in a leaf and rewrites the
// whole leaf when one of them changes; with megabytes per value in one flat
// bucket, every new photo rewrote its neighbours' bytes too (a store grew by
// 1.7× the photos' size). A sub-bucket per photo keeps each photo's pages to
// itself.

// blobGet returns one rendition of a photo, valid only inside tx; nil when absent.
func blobGet(tx *bolt.Tx, hash string, kind BlobKind) []byte {
	b := tx.Bucket(bBlobs).Bucket([]byte(hash))
	if b == nil {
		return nil
	}
	return b.Get([]byte{byte(kind)})
}

// blobPut stores one rendition of a photo.
func blobPut(tx *bolt.Tx, hash string, kind BlobKind, data []byte) error {
	b, err := tx.Bucket(bBlobs).CreateBucketIfNotExists([]byte(hash))
	if err != nil {
		return err
	}
	return b.Put([]byte{byte(kind)}, data)
}

// migrateV2toV3 moves photo bytes from flat keys (sha256, 0, kind) into a
// bucket per photo.
func migrateV2toV3(tx *bolt.Tx) error {
	old := tx.Bucket(bBlobs)
	type entry struct {
		hash string
		kind BlobKind
		data []byte
	}
	var moved []entry
	if err := old.ForEach(func(k, v []byte) error {
		if v == nil {
			return nil // already a sub-bucket
		}
		hash, kind, ok := cutZero(k)
		if !ok || len(kind) != 1 {
			return nil
		}
		moved = append(moved, entry{string(hash), BlobKind(kind[0]), append([]byte(nil), v...)})
		return nil
	}); err != nil {
		return err
	}
	for _, e := range moved {
		if err := old.Delete(append(append([]byte(e.hash), 0), byte(e.kind))); err != nil {
			return err
		}
		if err := blobPut(tx, e.hash, e.kind, e.data); err != nil {
			return err
		}
	}
	return nil
}

// blobDelete removes one rendition, and the photo's bucket when it is empty.
func blobDelete(tx *bolt.Tx, hash string, kind BlobKind) error {
	parent := tx.Bucket(bBlobs)
	b := parent.Bucket([]byte(hash))
	if b == nil {
		return nil
	}
	if err := b.Delete([]byte{byte(kind)}); err != nil {
		return err
	}
	if k, _ := b.Cursor().First(); k == nil {
		return parent.DeleteBucket([]byte(hash))
	}
	return nil
}
