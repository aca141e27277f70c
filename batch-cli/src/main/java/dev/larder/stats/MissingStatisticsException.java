package dev.larder.stats;

/** Statistics needed for a comparison are not stored (or older than the data); the message says what to run. */
public final class MissingStatisticsException extends RuntimeException {
  public MissingStatisticsException(String message) {
    super(message);
  }
}
