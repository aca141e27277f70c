package dev.larder.registry;

import dev.larder.core.v1.Source;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.util.Optional;

/**
 * The schema of a source's real files, so that validation can check definitions against the data and not
 * only against the declared schema. Implemented by the batch CLI with its Parquet and CSV readers; common
 * code cannot read files itself.
 */
public interface SchemaProvider {
  /** A provider that knows no files: validation then checks the declared schemas only. */
  SchemaProvider NONE = source -> Optional.empty();

  /**
   * The columns of the source's files (not its declared schema) after its {@code field_mapping} renames, or
   * empty when the files do not exist (yet). Called only for sources with a path.
   *
   * @throws IOException when the files exist but cannot be read
   */
  Optional<RowSchema> schemaOf(Source source) throws IOException;
}
