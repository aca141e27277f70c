package dev.larder.serving.lookup;

/**
 * A request the lookup layer refuses, with the category the transport maps to a status code. The domain
 * layer stays free of gRPC types; the message always names the offending view, feature, key or limit.
 * Stack traces are not captured: these are answers to bad input, not bugs.
 */
public final class LookupException extends RuntimeException {
  /** Why the request was refused. */
  public enum Kind {
    /** A view, feature or feature service the registry does not have. */
    NOT_FOUND,
    /** The request itself is malformed: a missing or mistyped join key, ragged columns, a limit exceeded. */
    INVALID_ARGUMENT,
    /** The request is well-formed but names something that is not served online. */
    FAILED_PRECONDITION,
    /** The caller's token does not allow a view or service the request reads. */
    PERMISSION_DENIED,
    /** The server cannot answer yet (the online store is not open). */
    UNAVAILABLE,
    /** The caller gave up (deadline or cancellation) before the work was done. */
    CANCELLED,
    /** The online store failed; the message says which view and why. */
    INTERNAL
  }

  private final Kind kind;

  public LookupException(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
