package dev.larder.cli;

/**
 * A failure the user can fix, reported as one clear message without a stack trace. Exit code 2 for usage
 * and validation problems, 1 for everything else (bad data, locks, I/O).
 */
final class UserError extends RuntimeException {
  private final int exitCode;

  public UserError(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public static UserError usage(String message) {
    return new UserError(Larder.USAGE, message);
  }

  public static UserError failure(String message) {
    return new UserError(Larder.FAILURE, message);
  }

  public int exitCode() {
    return exitCode;
  }
}
