package dev.larder.spark;

import dev.larder.compute.DistributedView;
import java.io.IOException;

/** Turns a failed Spark job back into the error the embedded engine would have given. */
final class SparkFailures {
  private SparkFailures() {}

  /**
   * The first of our I/O errors inside a Spark failure (a bad row, a missing file: its message names the file,
   * row and column), with the Spark failure as its cause; otherwise the failure itself, as an I/O error.
   */
  static IOException unwrap(Exception e) {
    IOException ours = DistributedView.cause(e);
    return ours != null ? new IOException(ours.getMessage(), e) : new IOException("Spark job failed: " + e.getMessage(), e);
  }
}
