package dev.larder.pointintime;

import java.io.IOException;
import java.util.Arrays;

/**
 * A forward-only stream of sortable records, in (hash, key, time) order when it comes from a
 * {@link RecordSorter}. The accessors describe the current record, valid until the next call to {@link #next()};
 * the arrays they return are never reused, so callers may keep them.
 *
 * <p>A record is what the join needs of a row: the hash and bytes of its join key, a time (the row's timestamp,
 * or the time a history row becomes available), an extra long (the row number of an entity row, the sequence
 * number of a history row) and an opaque payload.
 */
interface RecordCursor extends AutoCloseable {
  byte[] EMPTY = new byte[0];

  /** Moves to the next record; false at the end. */
  boolean next() throws IOException;

  int hash();

  byte[] key();

  long time();

  long aux();

  byte[] payload();

  @Override
  void close() throws IOException;

  /** The order of sorted records: by key hash, then key bytes, then time. */
  static int compare(int hash1, byte[] key1, long time1, int hash2, byte[] key2, long time2) {
    int c = compareKeys(hash1, key1, hash2, key2);
    return c != 0 ? c : Long.compare(time1, time2);
  }

  static int compareKeys(int hash1, byte[] key1, int hash2, byte[] key2) {
    int c = Integer.compare(hash1, hash2);
    return c != 0 ? c : Arrays.compareUnsigned(key1, key2);
  }

  static int compare(RecordCursor a, RecordCursor b) {
    return compare(a.hash(), a.key(), a.time(), b.hash(), b.key(), b.time());
  }
}
