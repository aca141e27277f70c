package dev.larder.join;

import dev.larder.value.RowReader;
import java.io.IOException;

/**
 * Rows that can be read more than once, each time in the same order. The join reads the entity rows twice (keys
 * first, then the pass-through columns for the output) instead of copying them to disk.
 */
@FunctionalInterface
public interface RowSource {
  RowReader open() throws IOException;
}
