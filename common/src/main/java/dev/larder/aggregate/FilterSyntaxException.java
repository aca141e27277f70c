package dev.larder.aggregate;

/**
 * A filter predicate that does not parse or does not type-check. Carries the character offset (0-based) into
 * the filter text so that callers holding the definitions file can point at {@code file:line:column}.
 */
public final class FilterSyntaxException extends IllegalArgumentException {
  private final int offset;
  private final String reason;

  public FilterSyntaxException(String reason, int offset) {
    super(reason + " (at character " + (offset + 1) + " of the filter)");
    this.reason = reason;
    this.offset = offset;
  }

  /** 0-based offset of the offending character in the filter text. */
  public int offset() {
    return offset;
  }

  /** The message without the position, e.g. {@code expected ')' but found end of filter}. */
  public String reason() {
    return reason;
  }
}
