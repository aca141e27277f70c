package dev.larder.offline;

import dev.larder.core.v1.ValueType;
import java.util.Optional;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * How one top-level field of a Parquet file maps to a Larder column: its value type and the single leaf
 * column that holds it. Exists so that the many ways writers spell the same thing (Spark's INT96 timestamps,
 * DuckDB's nanosecond timestamps, pyarrow's 3-level lists, legacy 2-level lists) are classified in one place.
 *
 * @param leaf the primitive leaf column holding the values
 * @param leafPath path of the leaf from the message root
 * @param list whether the field is a list of {@code leaf} values
 * @param listDefinedLevel for a list, the definition level at which the list exists but is empty
 */
record ParquetField(String name, ValueType type, PrimitiveType leaf, String[] leafPath, boolean list,
                    int listDefinedLevel) {

  /** The field's mapping, or empty with no value type when Larder cannot read it (maps, structs, ...). */
  static Optional<ParquetField> of(MessageType schema, String name) {
    Type field = schema.getType(name);
    if (field.isPrimitive()) {
      PrimitiveType p = field.asPrimitiveType();
      ValueType t = scalarType(p);
      if (t == null) {
        return Optional.empty();
      }
      if (field.isRepetition(Type.Repetition.REPEATED)) {
        return listOf(t).map(lt -> new ParquetField(name, lt, p, new String[] {name}, true, 0));
      }
      return Optional.of(new ParquetField(name, t, p, new String[] {name}, false, 0));
    }
    GroupType g = field.asGroupType();
    if (!(g.getLogicalTypeAnnotation() instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation)
        || g.getFieldCount() != 1 || !g.getType(0).isRepetition(Type.Repetition.REPEATED)) {
      return Optional.empty();
    }
    Type repeated = g.getType(0);
    String[] path;
    PrimitiveType leaf;
    if (repeated.isPrimitive()) {
      leaf = repeated.asPrimitiveType(); // legacy 2-level list
      path = new String[] {name, repeated.getName()};
    } else {
      GroupType r = repeated.asGroupType();
      if (r.getFieldCount() != 1 || !r.getType(0).isPrimitive() || r.getType(0).isRepetition(Type.Repetition.REPEATED)) {
        return Optional.empty();
      }
      leaf = r.getType(0).asPrimitiveType(); // standard 3-level list (or the legacy "array"/"_tuple" form)
      path = new String[] {name, r.getName(), leaf.getName()};
    }
    ValueType element = scalarType(leaf);
    int listDefined = g.isRepetition(Type.Repetition.OPTIONAL) ? 1 : 0;
    return element == null ? Optional.empty()
        : listOf(element).map(lt -> new ParquetField(name, lt, leaf, path, true, listDefined));
  }

  /** The Larder type of a primitive column, or null when unsupported. */
  static ValueType scalarType(PrimitiveType p) {
    LogicalTypeAnnotation a = p.getLogicalTypeAnnotation();
    if (a instanceof DecimalLogicalTypeAnnotation) {
      return ValueType.DOUBLE;
    }
    return switch (p.getPrimitiveTypeName()) {
      case BOOLEAN -> a == null ? ValueType.BOOL : null;
      case INT32 -> {
        if (a == null) yield ValueType.INT32;
        if (a instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) yield ValueType.TIMESTAMP;
        if (a instanceof IntLogicalTypeAnnotation i) {
          yield i.isSigned() || i.getBitWidth() < 32 ? ValueType.INT32 : ValueType.INT64;
        }
        yield null;
      }
      case INT64 -> {
        if (a == null || a instanceof IntLogicalTypeAnnotation) yield ValueType.INT64;
        if (a instanceof TimestampLogicalTypeAnnotation) yield ValueType.TIMESTAMP;
        yield null;
      }
      case INT96 -> ValueType.TIMESTAMP;
      case FLOAT -> ValueType.FLOAT;
      case DOUBLE -> ValueType.DOUBLE;
      case BINARY -> {
        if (a == null || a instanceof LogicalTypeAnnotation.BsonLogicalTypeAnnotation) yield ValueType.BYTES;
        if (a instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || a instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || a instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation) yield ValueType.STRING;
        yield null;
      }
      case FIXED_LEN_BYTE_ARRAY -> {
        if (a == null) yield ValueType.BYTES;
        if (a instanceof LogicalTypeAnnotation.UUIDLogicalTypeAnnotation) yield ValueType.STRING;
        yield null;
      }
    };
  }

  static Optional<ValueType> listOf(ValueType element) {
    return Optional.ofNullable(switch (element) {
      case INT32 -> ValueType.INT32_LIST;
      case INT64 -> ValueType.INT64_LIST;
      case FLOAT -> ValueType.FLOAT_LIST;
      case DOUBLE -> ValueType.DOUBLE_LIST;
      case BOOL -> ValueType.BOOL_LIST;
      case STRING -> ValueType.STRING_LIST;
      case BYTES -> ValueType.BYTES_LIST;
      case TIMESTAMP -> ValueType.TIMESTAMP_LIST;
      default -> null;
    });
  }

  /** Human description of a field Larder cannot read, for error messages. */
  static String describe(MessageType schema, String name) {
    return schema.getType(name).toString().replaceAll("\\s+", " ").trim();
  }
}
