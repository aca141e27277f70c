package dev.larder.serving.lookup;

/**
 * Text that came from a client (names, refs, whole messages that quote them), made safe to echo in a status
 * or a log line: control characters are escaped ({@code \n}, {@code \u0000}), so a name cannot forge a log
 * line (backslashes are left as they are, so that escaping twice changes nothing), and long text is cut with a marker, so a 10 MB name costs neither a 10 MB status trailer (which
 * broke HTTP/2 framing) nor a 10 MB log line.
 */
public final class ClientText {
  /** Longest client name echoed in full. */
  public static final int NAME_LIMIT = 256;
  /** Longest status description or logged message. */
  public static final int MESSAGE_LIMIT = 2048;

  private ClientText() {}

  /** A client-sent name for a message: escaped and cut to {@link #NAME_LIMIT} characters. */
  public static String name(String s) {
    return bounded(s, NAME_LIMIT);
  }

  /** A whole message that may quote client text: escaped and cut to {@link #MESSAGE_LIMIT} characters. */
  public static String message(String s) {
    return bounded(s, MESSAGE_LIMIT);
  }

  static String bounded(String s, int limit) {
    if (s == null) {
      return "";
    }
    int end = Math.min(s.length(), limit);
    StringBuilder b = new StringBuilder(end + 32);
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029') {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    if (s.length() > limit) {
      b.append("...(").append(s.length() - limit).append(" more characters)");
    }
    return b.toString();
  }
}
