package dev.larder.offline;

import dev.larder.core.v1.ValueType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.UUID;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;

/**
 * Receives one Parquet value at a time and keeps it in {@link #value}, already converted to Larder's Java
 * form (timestamps to micros, decimals to double, strings decoded once per dictionary entry) and widened to
 * the type the caller asked for. Converting here, inside parquet-java's own decoding callbacks, avoids
 * building any intermediate record object.
 */
abstract class ParquetSlot extends PrimitiveConverter {
  Object value;

  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final long JULIAN_EPOCH_DAY = 2_440_588L;

  /** A slot for a leaf column whose Larder element type is {@code natural}, delivering {@code target}. */
  static ParquetSlot of(PrimitiveType p, ValueType natural, ValueType target) {
    LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
    boolean widen = natural != target;
    if (a instanceof DecimalLogicalTypeAnnotation d) {
      return new DecimalSlot(d.getScale());
    }
    return switch (p.getPrimitiveTypeName()) {
      case BOOLEAN -> new BoolSlot();
      case INT32 -> {
        if (a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) yield new DateSlot();
        boolean unsigned32 = a instanceof IntLogicalTypeAnnotation i && !i.isSigned() && i.getBitWidth() == 32;
        yield new IntSlot(widen || unsigned32, unsigned32);
      }
      case INT64 -> {
        if (a instanceof TimestampLogicalTypeAnnotation t) {
          yield switch (t.getUnit()) {
            case MILLIS -> new LongSlot(1000, 1);
            case MICROS -> new LongSlot(1, 1);
            case NANOS -> new LongSlot(1, 1000);
          };
        }
        yield new LongSlot(1, 1);
      }
      case INT96 -> new Int96Slot();
      case FLOAT -> new FloatSlot(widen);
      case DOUBLE -> new DoubleSlot();
      case BINARY -> natural == ValueType.STRING ? new StringSlot() : new BytesSlot();
      case FIXED_LEN_BYTE_ARRAY -> natural == ValueType.STRING ? new UuidSlot() : new BytesSlot();
    };
  }

  /**
   * How a fixed-width leaf reads in raw form (one {@code long} per value, as {@code FeatureRowCodec.encodeRawTo}
   * takes it), with the same conversions as the slots; null for leaves that have no raw form (strings, bytes,
   * decimals, INT96).
   */
  static RawRead raw(PrimitiveType p, ValueType natural, ValueType target) {
    LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
    if (a instanceof DecimalLogicalTypeAnnotation) {
      return null;
    }
    return switch (p.getPrimitiveTypeName()) {
      case BOOLEAN -> new RawRead(RawRead.BOOL, 1, 1);
      case INT32 -> {
        if (a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) yield new RawRead(RawRead.DATE, 1, 1);
        boolean unsigned32 = a instanceof IntLogicalTypeAnnotation i && !i.isSigned() && i.getBitWidth() == 32;
        yield new RawRead(unsigned32 ? RawRead.UINT32 : RawRead.INT32, 1, 1);
      }
      case INT64 -> {
        if (a instanceof TimestampLogicalTypeAnnotation t) {
          yield switch (t.getUnit()) {
            case MILLIS -> new RawRead(RawRead.INT64, 1000, 1);
            case MICROS -> new RawRead(RawRead.INT64, 1, 1);
            case NANOS -> new RawRead(RawRead.INT64, 1, 1000);
          };
        }
        yield new RawRead(RawRead.INT64, 1, 1);
      }
      case FLOAT -> new RawRead(natural != target ? RawRead.FLOAT_AS_DOUBLE : RawRead.FLOAT, 1, 1);
      case DOUBLE -> new RawRead(RawRead.DOUBLE, 1, 1);
      case INT96, BINARY, FIXED_LEN_BYTE_ARRAY -> null;
    };
  }

  /** A raw read: {@code kind} picks the column reader getter and conversion; timestamps scale by multiply/divide. */
  record RawRead(int kind, long multiply, long divide) {
    static final int BOOL = 0;
    static final int INT32 = 1;
    static final int UINT32 = 2;
    static final int DATE = 3;
    static final int INT64 = 4;
    static final int FLOAT = 5;
    static final int FLOAT_AS_DOUBLE = 6;
    static final int DOUBLE = 7;

    /** The current value of {@code r} in raw form. */
    long read(org.apache.parquet.column.ColumnReader r) {
      return switch (kind) {
        case BOOL -> fromBoolean(r.getBoolean());
        case INT32, UINT32, DATE -> fromInt(r.getInteger());
        case INT64 -> fromLong(r.getLong());
        case FLOAT, FLOAT_AS_DOUBLE -> fromFloat(r.getFloat());
        default -> fromDouble(r.getDouble());
      };
    }

    /** A BOOLEAN leaf's value in raw form. */
    static long fromBoolean(boolean v) {
      return v ? 1 : 0;
    }

    /** An INT32 leaf's value in raw form. */
    long fromInt(int v) {
      return switch (kind) {
        case UINT32 -> Integer.toUnsignedLong(v);
        case DATE -> v * MICROS_PER_DAY;
        default -> v;
      };
    }

    /** An INT64 leaf's value in raw form. */
    long fromLong(long v) {
      return divide != 1 ? Math.floorDiv(v, divide) : v * multiply;
    }

    /** A FLOAT leaf's value in raw form. */
    long fromFloat(float v) {
      return kind == FLOAT_AS_DOUBLE ? Double.doubleToRawLongBits(v) : Float.floatToRawIntBits(v);
    }

    /** A DOUBLE leaf's value in raw form. */
    static long fromDouble(double v) {
      return Double.doubleToRawLongBits(v);
    }
  }

  static final class BoolSlot extends ParquetSlot {
    @Override
    public void addBoolean(boolean v) {
      value = v;
    }
  }

  static final class IntSlot extends ParquetSlot {
    private final boolean toLong;
    private final boolean unsigned;

    IntSlot(boolean toLong, boolean unsigned) {
      this.toLong = toLong;
      this.unsigned = unsigned;
    }

    @Override
    public void addInt(int v) {
      value = toLong ? (Object) (unsigned ? Integer.toUnsignedLong(v) : (long) v) : (Object) v;
    }
  }

  /** INT64, optionally a timestamp scaled to micros (floor division keeps pre-1970 times correct). */
  static final class LongSlot extends ParquetSlot {
    private final long multiply;
    private final long divide;

    LongSlot(long multiply, long divide) {
      this.multiply = multiply;
      this.divide = divide;
    }

    @Override
    public void addLong(long v) {
      value = divide != 1 ? Math.floorDiv(v, divide) : multiply != 1 ? v * multiply : v;
    }
  }

  static final class DateSlot extends ParquetSlot {
    @Override
    public void addInt(int days) {
      value = days * MICROS_PER_DAY;
    }
  }

  /** Legacy INT96 timestamps (Impala, old Spark): nanos of day then Julian day, little-endian. */
  static final class Int96Slot extends ParquetSlot {
    @Override
    public void addBinary(Binary b) {
      ByteBuffer buf = b.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      long nanosOfDay = buf.getLong(buf.position());
      long julianDay = Integer.toUnsignedLong(buf.getInt(buf.position() + 8));
      value = (julianDay - JULIAN_EPOCH_DAY) * MICROS_PER_DAY + Math.floorDiv(nanosOfDay, 1000);
    }
  }

  static final class FloatSlot extends ParquetSlot {
    private final boolean toDouble;

    FloatSlot(boolean toDouble) {
      this.toDouble = toDouble;
    }

    @Override
    public void addFloat(float v) {
      value = toDouble ? (Object) (double) v : (Object) v;
    }
  }

  static final class DoubleSlot extends ParquetSlot {
    @Override
    public void addDouble(double v) {
      value = v;
    }
  }

  /** UTF-8 strings; dictionary-encoded pages decode each distinct string once. */
  static final class StringSlot extends ParquetSlot {
    private Dictionary dictionary;
    private String[] decoded;

    @Override
    public boolean hasDictionarySupport() {
      return true;
    }

    @Override
    public void setDictionary(Dictionary dictionary) {
      this.dictionary = dictionary;
      this.decoded = new String[dictionary.getMaxId() + 1];
    }

    @Override
    public void addValueFromDictionary(int id) {
      String s = decoded[id];
      if (s == null) {
        s = dictionary.decodeToBinary(id).toStringUsingUTF8();
        decoded[id] = s;
      }
      value = s;
    }

    @Override
    public void addBinary(Binary b) {
      value = b.toStringUsingUTF8();
    }
  }

  static final class BytesSlot extends ParquetSlot {
    @Override
    public void addBinary(Binary b) {
      value = b.copy().getBytes();
    }
  }

  static final class UuidSlot extends ParquetSlot {
    @Override
    public void addBinary(Binary b) {
      ByteBuffer buf = b.toByteBuffer();
      value = new UUID(buf.getLong(buf.position()), buf.getLong(buf.position() + 8)).toString();
    }
  }

  static final class DecimalSlot extends ParquetSlot {
    private final int scale;
    private final double divisor;

    DecimalSlot(int scale) {
      this.scale = scale;
      this.divisor = Math.pow(10, scale);
    }

    @Override
    public void addInt(int v) {
      value = v / divisor;
    }

    @Override
    public void addLong(long v) {
      value = Math.abs(v) < (1L << 53) ? v / divisor : BigDecimal.valueOf(v, scale).doubleValue();
    }

    @Override
    public void addBinary(Binary b) {
      value = new BigDecimal(new BigInteger(b.getBytes()), scale).doubleValue();
    }
  }
}
