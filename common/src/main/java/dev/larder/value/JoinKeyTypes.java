package dev.larder.value;

import dev.larder.core.v1.ValueType;
import java.util.EnumSet;
import java.util.Set;

/**
 * The one policy for join key types, used by validation at {@code apply}, by the online key encoding and by the
 * training-set join, so that a key type {@code apply} accepts works end to end. Floating-point keys are refused:
 * equality on doubles is not a join a user can rely on (0.1 + 0.2 != 0.3, -0.0 vs 0.0, NaN), and lists are not
 * keys at all.
 */
public final class JoinKeyTypes {
  private static final Set<ValueType> SUPPORTED = EnumSet.of(ValueType.INT32, ValueType.INT64, ValueType.STRING,
      ValueType.BYTES, ValueType.BOOL, ValueType.TIMESTAMP);

  /** The supported types as a user reads them in an error message. */
  public static final String EXPECTED = "INT64, INT32, STRING, BYTES, BOOL or TIMESTAMP";

  private JoinKeyTypes() {}

  public static boolean isSupported(ValueType type) {
    return SUPPORTED.contains(type);
  }

  /** @throws IllegalArgumentException naming the key when its type is not supported */
  public static void require(String keyName, ValueType type) {
    if (!isSupported(type)) {
      throw new IllegalArgumentException("join key '" + keyName + "' has type " + type + "; join keys must be "
          + EXPECTED);
    }
  }
}
