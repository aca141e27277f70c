package dev.larder.bench;

/**
 * Thrown when a part a scenario measures is not there (a command still unimplemented, a missing tool).
 * The scenario then reports "not available" with this reason instead of a figure: a figure is never faked.
 */
final class NotAvailable extends RuntimeException {
  NotAvailable(String reason) {
    super(reason);
  }
}
