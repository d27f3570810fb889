package poslink

import (
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
)

// The ServiceID store's format, kept in bucket "meta" under "format"
// (decimal). Format 1 is the "services" bucket of JSON records (record);
// a store without the number was written before formats were numbered
// and is format 1. A newer format only adds record members and buckets,
// never changes the meaning of one, so firmware that rolled back reads a
// newer store as its own (members it does not know are ignored) and
// leaves the number as it found it.
const (
	storeFormat     = 1
	bucketMeta      = "meta"
	metaFormatField = "format"
)

// checkFormat reads the store's format, writing storeFormat into a store
// that has none (the migration from unnumbered), and returns what the
// file says now. It runs in OpenStore's write transaction.
func checkFormat(tx *bolt.Tx) (int, error) {
	meta, err := tx.CreateBucketIfNotExists([]byte(bucketMeta))
	if err != nil {
		return 0, err
	}
	if v := meta.Get([]byte(metaFormatField)); v != nil {
		n, err := strconv.Atoi(string(v))
		if err != nil || n < 1 {
			return 0, fmt.Errorf("store format %.20q: not a number ≥ 1", v)
		}
		return n, nil
	}
	return storeFormat, meta.Put([]byte(metaFormatField), []byte(strconv.Itoa(storeFormat)))
}
