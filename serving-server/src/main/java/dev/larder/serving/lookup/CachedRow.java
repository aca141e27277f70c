package dev.larder.serving.lookup;

import com.google.protobuf.CodedOutputStream;
import dev.larder.core.v1.Value;
import dev.larder.online.OnlineRow;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A decoded online row in the form responses are made of: every feature's {@code Value} message and the
 * row's event {@code Timestamp} already serialized (protobuf wire format, without tag or length), back to back
 * in one array. Rows are encoded once when read from RocksDB and then shared by every request that hits them,
 * so a lookup copies bytes instead of building and serializing thousands of small messages, and the cache
 * holds one compact array per row instead of a graph of objects. {@link #MISSING} stands for "no row for this
 * entity" so that misses are cached too.
 */
final class CachedRow {
  static final CachedRow MISSING = new CachedRow(new byte[0], new int[] {0}, new boolean[0], Long.MIN_VALUE);

  private static final int NULL_FLAG = 1 << 31;

  /** Serialized values of features 0..n-1, then the serialized event timestamp. */
  final byte[] bytes;
  /**
   * {@code ends[i] & ~NULL_FLAG} is where feature i's value ends ({@code ends[n]} where the timestamp ends);
   * values start at 0. {@link #NULL_FLAG} marks a null feature (its status is NULL_VALUE when fresh). One array
   * rather than two: a lookup of 100 entities reads 500 rows, and every array is one more cache miss.
   */
  private final int[] ends;
  final long eventMicros;

  private CachedRow(byte[] bytes, int[] ends, boolean[] nulls, long eventMicros) {
    this.bytes = bytes;
    this.ends = ends;
    for (int i = 0; i < nulls.length; i++) {
      if (nulls[i]) {
        ends[i] |= NULL_FLAG;
      }
    }
    this.eventMicros = eventMicros;
  }

  /** The row {@code codec} encoded as {@code encoded} (a RocksDB value). */
  static CachedRow decode(dev.larder.online.FeatureRowCodec codec, byte[] encoded) {
    return codec.scalarsOnly() ? RowBytes.of(codec, encoded) : of(codec.decode(encoded));
  }

  /** A row whose parts {@link RowBytes} wrote, in the layout of the fields below. */
  static CachedRow of(byte[] bytes, int[] ends, boolean[] nulls, long eventMicros) {
    return new CachedRow(bytes, ends, nulls, eventMicros);
  }

  static CachedRow of(OnlineRow row) {
    Value[] values = row.values();
    int n = values.length;
    byte[] timestamp = Timestamps.toProto(row.eventTimestampMicros()).toByteArray();
    int[] ends = new int[n + 1];
    boolean[] nulls = new boolean[n];
    int size = 0;
    for (int i = 0; i < n; i++) {
      size += values[i].getSerializedSize();
      ends[i] = size;
      Value.ValCase c = values[i].getValCase();
      nulls[i] = c == Value.ValCase.NULL_VAL || c == Value.ValCase.VAL_NOT_SET;
    }
    ends[n] = size + timestamp.length;
    byte[] bytes = new byte[ends[n]];
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    try {
      for (Value v : values) {
        v.writeTo(out);
      }
      out.writeRawBytes(timestamp);
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen: the array has exactly the computed size
    }
    return new CachedRow(bytes, ends, nulls, row.eventTimestampMicros());
  }

  /** Features the row has; a feature appended to the view after the row was written is beyond it (null). */
  int featureCount() {
    return ends.length - 1;
  }

  int valueStart(int feature) {
    return feature == 0 ? 0 : ends[feature - 1] & ~NULL_FLAG;
  }

  int valueLength(int feature) {
    return (ends[feature] & ~NULL_FLAG) - valueStart(feature);
  }

  boolean isNull(int feature) {
    return ends[feature] < 0;
  }

  int timestampStart() {
    return valueStart(ends.length - 1);
  }

  int timestampLength() {
    return ends[ends.length - 1] - timestampStart();
  }
}
