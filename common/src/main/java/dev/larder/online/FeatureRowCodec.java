package dev.larder.online;

import com.google.protobuf.ByteString;
import dev.larder.core.v1.BoolList;
import dev.larder.core.v1.BytesList;
import dev.larder.core.v1.DoubleList;
import dev.larder.core.v1.FloatList;
import dev.larder.core.v1.Int32List;
import dev.larder.core.v1.Int64List;
import dev.larder.core.v1.StringList;
import dev.larder.core.v1.TimestampList;
import dev.larder.core.v1.Value;
import dev.larder.core.v1.ValueType;
import dev.larder.time.Timestamps;
import dev.larder.value.Values;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one encoding of an online row (the RocksDB value of an entity): written by materialization, decoded
 * by the server straight into protobuf values. Layout:
 *
 * <pre>
 *   byte    format (1)
 *   int64   event_timestamp micros, big-endian
 *   int64   created_timestamp micros, big-endian ({@link #NO_CREATED_TIMESTAMP} when absent)
 *   varint  number of features n
 *   bytes   null bitmap, ceil(n/8) bytes, bit (i % 8) of byte (i / 8) set = feature i is null
 *   ...     each non-null feature in view order:
 *           INT32, INT64   zigzag varint          FLOAT, DOUBLE  4 / 8 bytes IEEE big-endian
 *           BOOL           1 byte                 TIMESTAMP      int64 micros, 8 bytes
 *           STRING, BYTES  varint length + bytes (UTF-8 for strings)
 *           lists          varint count + elements in the forms above
 * </pre>
 *
 * The timestamps sit at fixed offsets so that materialization compares rows without decoding them. The
 * feature count is stored so that a row written before a feature was appended to the view still decodes
 * (the new feature reads as null) and so that a row with extra trailing features decodes its first ones.
 */
public final class FeatureRowCodec {
  public static final int FORMAT = 1;
  /** Stored when a row has no created timestamp; sorts before every real one. */
  public static final long NO_CREATED_TIMESTAMP = Long.MIN_VALUE;
  public static final int EVENT_OFFSET = 1;
  public static final int CREATED_OFFSET = 9;
  private static final int HEADER = 17;

  private final ValueType[] types;
  /** The first list feature, -1 if none. */
  private final int firstList;

  public FeatureRowCodec(List<ValueType> featureTypes) {
    this.types = featureTypes.toArray(new ValueType[0]);
    for (ValueType t : types) {
      if (t == ValueType.VALUE_TYPE_UNSPECIFIED || t == ValueType.UNRECOGNIZED) {
        throw new IllegalArgumentException("feature type " + t + " cannot be stored online");
      }
    }
    int list = -1;
    for (int i = types.length - 1; i >= 0; i--) {
      list = Values.isList(types[i]) ? i : list;
    }
    this.firstList = list;
  }

  public List<ValueType> types() {
    return List.of(types);
  }

  /** The number of features. */
  public int size() {
    return types.length;
  }

  /** The type of feature {@code i}. */
  public ValueType type(int i) {
    return types[i];
  }

  /** Whether every feature is a scalar (no lists), so that {@link #readScalars} applies. */
  public boolean scalarsOnly() {
    return firstList < 0;
  }

  /** Encodes a row; {@code createdTimestampMicros} may be {@link #NO_CREATED_TIMESTAMP}. */
  public byte[] encode(long eventTimestampMicros, long createdTimestampMicros, Object[] featureValues) {
    ByteWriter w = new ByteWriter(HEADER + 8 * types.length);
    encodeTo(eventTimestampMicros, createdTimestampMicros, featureValues, w);
    return w.toByteArray();
  }

  public void encodeTo(long event, long created, Object[] values, ByteWriter w) {
    if (values.length != types.length) {
      throw new IllegalArgumentException("expected " + types.length + " feature values, got " + values.length);
    }
    writeHeader(event, created, w);
    for (int base = 0; base < types.length; base += 8) {
      int bits = 0;
      for (int j = 0; j < 8 && base + j < types.length; j++) {
        bits |= values[base + j] == null ? 1 << j : 0;
      }
      w.write(bits);
    }
    for (int i = 0; i < types.length; i++) {
      if (values[i] != null) {
        writeFeature(i, values[i], w);
      }
    }
  }

  /** Writes feature {@code i}'s Java value, naming the feature when the value has the wrong type. */
  private void writeFeature(int i, Object v, ByteWriter w) {
    try {
      writeValue(types[i], v, w);
    } catch (ClassCastException e) {
      throw new IllegalArgumentException("feature at position " + i + " expects " + Values.typeName(types[i])
          + ", got " + v.getClass().getSimpleName() + " " + v);
    }
  }

  /** Whether a type has a raw form: one {@code long} per value (see {@link #encodeRawTo}). */
  public static boolean isFixedWidth(ValueType t) {
    return switch (t) {
      case INT32, INT64, FLOAT, DOUBLE, BOOL, TIMESTAMP -> true;
      default -> false;
    };
  }

  /** Whether every feature type is fixed-width, so {@link #encodeRawTo} applies. */
  public boolean fixedWidth() {
    for (ValueType t : types) {
      if (!isFixedWidth(t)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Encodes a row of fixed-width features given in raw form, one {@code long} each: INT32, INT64 and
   * TIMESTAMP their value, FLOAT {@link Float#floatToRawIntBits}, DOUBLE {@link Double#doubleToRawLongBits},
   * BOOL 0 or 1. The bytes equal {@link #encode} of the boxed values; bulk loads use it to skip boxing.
   *
   * @param nulls {@code nulls[i]} means feature i is null ({@code raw[i]} is then ignored)
   */
  public void encodeRawTo(long event, long created, long[] raw, boolean[] nulls, ByteWriter w) {
    if (raw.length != types.length || nulls.length != types.length) {
      throw new IllegalArgumentException("expected " + types.length + " feature values, got " + raw.length);
    }
    writeHeader(event, created, w);
    writeNullBits(nulls, w);
    for (int i = 0; i < types.length; i++) {
      if (!nulls[i]) {
        writeRaw(types[i], raw[i], w);
      }
    }
  }

  /** The null bitmap of a row whose feature i is null when {@code nulls[i]}. */
  private void writeNullBits(boolean[] nulls, ByteWriter w) {
    for (int base = 0; base < types.length; base += 8) {
      int bits = 0;
      for (int j = 0; j < 8 && base + j < types.length; j++) {
        bits |= nulls[base + j] ? 1 << j : 0;
      }
      w.write(bits);
    }
  }

  private static void writeRaw(ValueType t, long v, ByteWriter w) {
    switch (t) {
      case INT32 -> w.writeVarint(ByteWriter.zigzag32((int) v) & 0xFFFFFFFFL);
      case INT64 -> w.writeVarint(ByteWriter.zigzag64(v));
      case FLOAT -> w.writeInt((int) v);
      case DOUBLE, TIMESTAMP -> w.writeLong(v);
      case BOOL -> w.write(v != 0 ? 1 : 0);
      default -> throw new IllegalStateException("feature type " + t + " has no raw form");
    }
  }

  /** A writer of records value by value; one per thread. */
  public RecordWriter recordWriter() {
    return new RecordWriter();
  }

  /**
   * Builds a record value by value, for rows whose values are partly boxed and partly raw (a join's winners kept
   * as raw longs), so that the raw ones need no boxing. The bytes equal {@link #encode} of the boxed values.
   * After {@link #start}, give each non-null feature's value, in feature order, then {@link #finish}.
   */
  public final class RecordWriter {
    private final ByteWriter w = new ByteWriter(HEADER + 8 * types.length);

    private RecordWriter() {
    }

    /** Starts a record: {@code nulls[i]} says whether feature i is null (entries past the features are ignored). */
    public void start(long eventTimestampMicros, long createdTimestampMicros, boolean[] nulls) {
      w.reset();
      writeHeader(eventTimestampMicros, createdTimestampMicros, w);
      writeNullBits(nulls, w);
    }

    /** The value of feature {@code i}, in its Java form (see {@link Values}). */
    public void value(int i, Object v) {
      writeFeature(i, v, w);
    }

    /** The value of fixed-width feature {@code i}, in raw form (see {@link #encodeRawTo}). */
    public void raw(int i, long v) {
      writeRaw(types[i], v, w);
    }

    /**
     * The values of the first features, already encoded: {@code buf[from, to)} holds the values of a row of a
     * codec whose types are this codec's first types, from its {@link #valuesOffset} to its end. Call it right
     * after {@link #start}, whose nulls must agree with that row's.
     */
    public void encodedValues(byte[] buf, int from, int to) {
      w.write(buf, from, to - from);
    }

    /** The record. */
    public byte[] finish() {
      return w.toByteArray();
    }
  }

  /** Format byte, the two timestamps at their fixed offsets, and the feature count. */
  private void writeHeader(long event, long created, ByteWriter w) {
    w.write(FORMAT);
    w.writeLong(event);
    w.writeLong(created);
    w.writeVarint(types.length);
  }

  @SuppressWarnings("unchecked")
  private static void writeValue(ValueType t, Object v, ByteWriter w) {
    switch (t) {
      case INT32 -> w.writeVarint(ByteWriter.zigzag32((Integer) v) & 0xFFFFFFFFL);
      case INT64 -> w.writeVarint(ByteWriter.zigzag64(asLong(v)));
      case FLOAT -> w.writeInt(Float.floatToRawIntBits((Float) v));
      case DOUBLE -> w.writeLong(Double.doubleToRawLongBits(v instanceof Float f ? f.doubleValue() : (Double) v));
      case BOOL -> w.write((Boolean) v ? 1 : 0);
      case TIMESTAMP -> w.writeLong((Long) v);
      case STRING -> w.writeString((String) v);
      case BYTES -> w.writeBytes((byte[]) v);
      default -> {
        List<Object> list = (List<Object>) v;
        ValueType element = ValueType.forNumber(t.getNumber() - 10);
        w.writeVarint(list.size());
        for (Object e : list) {
          if (e == null) {
            throw new IllegalArgumentException("a " + Values.typeName(t) + " value holds a null element");
          }
          writeValue(element, e, w);
        }
      }
    }
  }

  private static long asLong(Object v) {
    return v instanceof Integer n ? n : (Long) v;
  }

  /** The event timestamp of an encoded row, without decoding it. */
  public static long eventTimestamp(byte[] row) {
    return readLong(row, EVENT_OFFSET);
  }

  /** The created timestamp of an encoded row, without decoding it. */
  public static long createdTimestamp(byte[] row) {
    return readLong(row, CREATED_OFFSET);
  }

  public static long readLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xFF);
    }
    return v;
  }

  /** Decodes a row into protobuf values for a response; nulls become the shared {@code Values.NULL}. */
  public OnlineRow decode(byte[] row) {
    ByteReader r = header(row);
    long event = readLong(row, EVENT_OFFSET);
    long created = readLong(row, CREATED_OFFSET);
    int stored = (int) r.readVarint();
    int bitmapAt = r.position();
    r.skip((stored + 7) / 8);
    Value[] out = new Value[types.length];
    for (int i = 0; i < types.length; i++) {
      if (i >= stored || isNull(row, bitmapAt, i)) {
        out[i] = Values.NULL;
      } else {
        out[i] = readProto(types[i], r);
      }
    }
    return new OnlineRow(event, created, out);
  }

  /** Decodes a row's features to their Java form (see {@link Values}); for merging, tools and tests. */
  public Object[] decodeJava(byte[] row) {
    return decodeJava(row, 0, row.length);
  }

  /** {@link #decodeJava(byte[])} of the row in {@code buf[off, off + len)}. */
  public Object[] decodeJava(byte[] buf, int off, int len) {
    ByteReader r = header(buf, off, len);
    int stored = (int) r.readVarint();
    int bitmapAt = r.position();
    r.skip((stored + 7) / 8);
    Object[] out = new Object[types.length];
    for (int i = 0; i < types.length && i < stored; i++) {
      if (!isNull(buf, bitmapAt, i)) {
        out[i] = readJava(types[i], r);
      }
    }
    return out;
  }

  /*
   * Reading one feature, or copying all of them, from a row that sits inside a larger array (a page of rows
   * kept in memory) without decoding the rest: for rows that are stored this way only to be passed on.
   */

  /** Sets {@code nulls[i]} for each feature i of the row in {@code buf[off, off + len)}: whether it is null. */
  public void nulls(byte[] buf, int off, int len, boolean[] nulls) {
    ByteReader r = header(buf, off, len);
    int stored = (int) r.readVarint();
    int bitmapAt = r.position();
    for (int i = 0; i < types.length; i++) {
      nulls[i] = i >= stored || isNull(buf, bitmapAt, i);
    }
  }

  /** Whether feature {@code i} of the row in {@code buf[off, off + len)} is null. */
  public boolean isNullAt(byte[] buf, int off, int len, int i) {
    ByteReader r = header(buf, off, len);
    int stored = (int) r.readVarint();
    return i >= stored || isNull(buf, r.position(), i);
  }

  /**
   * Feature {@code i} of the row in {@code buf[off, off + len)} in raw form (see {@link #encodeRawTo}), for a
   * fixed-width feature that is not null.
   *
   * @throws IllegalArgumentException when the feature is null or not fixed-width
   */
  public long raw(byte[] buf, int off, int len, int i) {
    if (!isFixedWidth(types[i])) {
      throw new IllegalArgumentException("feature " + i + " is a " + types[i] + ", which has no raw form");
    }
    ByteReader r = header(buf, off, len);
    int stored = (int) r.readVarint();
    int bitmapAt = r.position();
    if (i >= stored || isNull(buf, bitmapAt, i)) {
      throw new IllegalArgumentException("feature " + i + " is null");
    }
    r.skip((stored + 7) / 8);
    for (int f = 0; f < i; f++) {
      if (!isNull(buf, bitmapAt, f)) {
        skipValue(types[f], r);
      }
    }
    return readRaw(types[i], r);
  }

  /** Reads a fixed-width value in raw form: the inverse of {@link #writeRaw}. */
  private static long readRaw(ValueType t, ByteReader r) {
    return switch (t) {
      case INT32 -> ByteReader.unzigzag32((int) r.readVarint());
      case INT64 -> ByteReader.unzigzag64(r.readVarint());
      case FLOAT -> r.readInt();
      case DOUBLE, TIMESTAMP -> r.readLong();
      case BOOL -> r.readByte() != 0 ? 1 : 0;
      default -> throw new IllegalStateException("feature type " + t + " has no raw form");
    };
  }

  /** Where the first feature value of the row at {@code buf[off...]} starts: the row's values run from there to its end. */
  public static int valuesOffset(byte[] buf, int off) {
    ByteReader r = new ByteReader(buf, off + HEADER, buf.length);
    int stored = (int) r.readVarint();
    return r.position() + (stored + 7) / 8;
  }

  private static void skipValue(ValueType t, ByteReader r) {
    switch (t) {
      case INT32, INT64 -> r.readVarint();
      case FLOAT -> r.skip(4);
      case DOUBLE, TIMESTAMP -> r.skip(8);
      case BOOL -> r.skip(1);
      case STRING, BYTES -> r.skip(r.readLength());
      default -> {
        ValueType element = ValueType.forNumber(t.getNumber() - 10);
        for (int n = r.readLength(); n > 0; n--) {
          skipValue(element, r);
        }
      }
    }
  }

  /**
   * Receives the values of an encoded row of scalar features in order, without boxing: fixed-width values in
   * their raw form (see {@link #encodeRawTo}), strings (UTF-8) and bytes as a range of the row's array.
   */
  public interface ScalarSink {
    void nullValue(int feature);

    void raw(int feature, long raw);

    void bytes(int feature, byte[] array, int offset, int length);
  }

  /**
   * Hands each feature of a row to {@code sink}, in order: what {@link #decodeJava} gives, without making objects.
   *
   * @throws IllegalArgumentException when a feature is a list
   */
  public void readScalars(byte[] row, ScalarSink sink) {
    if (firstList >= 0) {
      throw new IllegalArgumentException("feature " + firstList + " is a " + types[firstList] + ", not a scalar");
    }
    ByteReader r = header(row);
    int stored = (int) r.readVarint();
    int bitmapAt = r.position();
    r.skip((stored + 7) / 8);
    for (int i = 0; i < types.length; i++) {
      if (i >= stored || isNull(row, bitmapAt, i)) {
        sink.nullValue(i);
        continue;
      }
      if (types[i] == ValueType.STRING || types[i] == ValueType.BYTES) {
        int n = r.readLength();
        sink.bytes(i, row, r.position(), n);
        r.skip(n);
      } else {
        sink.raw(i, readRaw(types[i], r));
      }
    }
  }

  private static ByteReader header(byte[] row) {
    return header(row, 0, row.length);
  }

  private static ByteReader header(byte[] buf, int off, int len) {
    if (len < HEADER + 1) {
      throw new IllegalArgumentException("online row of " + len + " bytes is too short");
    }
    if (buf[off] != FORMAT) {
      throw new IllegalArgumentException("online row has format " + buf[off] + "; this version reads format " + FORMAT);
    }
    return new ByteReader(buf, off + HEADER, off + len);
  }

  private static boolean isNull(byte[] row, int bitmapAt, int i) {
    return (row[bitmapAt + (i >>> 3)] & (1 << (i & 7))) != 0;
  }

  private static Value readProto(ValueType t, ByteReader r) {
    Value.Builder b = Value.newBuilder();
    switch (t) {
      case INT32 -> b.setInt32Val(ByteReader.unzigzag32((int) r.readVarint()));
      case INT64 -> b.setInt64Val(ByteReader.unzigzag64(r.readVarint()));
      case FLOAT -> b.setFloatVal(Float.intBitsToFloat(r.readInt()));
      case DOUBLE -> b.setDoubleVal(Double.longBitsToDouble(r.readLong()));
      case BOOL -> b.setBoolVal(r.readByte() != 0);
      case TIMESTAMP -> b.setTimestampVal(Timestamps.toProto(r.readLong()));
      case STRING -> b.setStringValBytes(readByteString(r));
      case BYTES -> b.setBytesVal(readByteString(r));
      case INT32_LIST -> {
        Int32List.Builder l = Int32List.newBuilder();
        for (int n = r.readLength(); n > 0; n--) l.addVal(ByteReader.unzigzag32((int) r.readVarint()));
        b.setInt32ListVal(l);
      }
      case INT64_LIST -> {
        Int64List.Builder l = Int64List.newBuilder();
        for (int n = r.readLength(); n > 0; n--) l.addVal(ByteReader.unzigzag64(r.readVarint()));
        b.setInt64ListVal(l);
      }
      case FLOAT_LIST -> {
        FloatList.Builder l = FloatList.newBuilder();
        for (int n = r.readLength(); n > 0; n--) l.addVal(Float.intBitsToFloat(r.readInt()));
        b.setFloatListVal(l);
      }
      case DOUBLE_LIST -> {
        DoubleList.Builder l = DoubleList.newBuilder();
        for (int n = r.readLength(); n > 0; n--) l.addVal(Double.longBitsToDouble(r.readLong()));
        b.setDoubleListVal(l);
      }
      case BOOL_LIST -> {
        BoolList.Builder l = BoolList.newBuilder();
        for (int n = r.readLength(); n > 0; n--) l.addVal(r.readByte() != 0);
        b.setBoolListVal(l);
      }
      case STRING_LIST -> {
        StringList.Builder l = StringList.newBuilder();
        for (int n = r.readLength(); n > 0; n--) l.addValBytes(readByteString(r));
        b.setStringListVal(l);
      }
      case BYTES_LIST -> {
        BytesList.Builder l = BytesList.newBuilder();
        for (int n = r.readLength(); n > 0; n--) l.addVal(readByteString(r));
        b.setBytesListVal(l);
      }
      case TIMESTAMP_LIST -> {
        TimestampList.Builder l = TimestampList.newBuilder();
        for (int n = r.readLength(); n > 0; n--) l.addVal(Timestamps.toProto(r.readLong()));
        b.setTimestampListVal(l);
      }
      default -> throw new IllegalStateException(t.name());
    }
    return b.build();
  }

  private static ByteString readByteString(ByteReader r) {
    int n = r.readLength();
    ByteString s = ByteString.copyFrom(r.array(), r.position(), n);
    r.skip(n);
    return s;
  }

  private static Object readJava(ValueType t, ByteReader r) {
    switch (t) {
      case INT32:
        return ByteReader.unzigzag32((int) r.readVarint());
      case INT64:
        return ByteReader.unzigzag64(r.readVarint());
      case FLOAT:
        return Float.intBitsToFloat(r.readInt());
      case DOUBLE:
        return Double.longBitsToDouble(r.readLong());
      case BOOL:
        return r.readByte() != 0;
      case TIMESTAMP:
        return r.readLong();
      case STRING: {
        int n = r.readLength();
        String s = new String(r.array(), r.position(), n, StandardCharsets.UTF_8);
        r.skip(n);
        return s;
      }
      case BYTES: {
        int n = r.readLength();
        byte[] b = java.util.Arrays.copyOfRange(r.array(), r.position(), r.position() + n);
        r.skip(n);
        return b;
      }
      default: {
        ValueType element = ValueType.forNumber(t.getNumber() - 10);
        int n = r.readLength();
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(readJava(element, r));
        }
        return list;
      }
    }
  }
}
