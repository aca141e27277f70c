package dev.larder.training;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code larder training-set} was asked for.
 *
 * @param entities the entity rows file or folder (Parquet or CSV)
 * @param features {@code view:feature} or {@code view} references; empty when a service is named
 * @param service a feature service name, or null
 * @param out the output file; CSV when it ends in {@code .csv}, otherwise Parquet
 * @param fullFeatureNames name output columns {@code view__feature} instead of {@code feature}
 * @param timestampColumn the entity rows' time column
 * @param createdBeforeRow also require {@code created_timestamp <= row time}
 * @param requireCoverage fail, writing nothing, when a view matches none of the entity rows
 */
public record TrainingSetRequest(Path entities, List<String> features, String service, Path out,
                                 boolean fullFeatureNames, String timestampColumn, boolean createdBeforeRow,
                                 boolean requireCoverage) {
  public static final String DEFAULT_TIMESTAMP_COLUMN = "event_timestamp";

  public TrainingSetRequest(Path entities, List<String> features, String service, Path out,
                            boolean fullFeatureNames, String timestampColumn, boolean createdBeforeRow) {
    this(entities, features, service, out, fullFeatureNames, timestampColumn, createdBeforeRow, false);
  }

  public TrainingSetRequest {
    features = features == null ? List.of() : List.copyOf(features);
    if (features.isEmpty() == (service == null)) {
      throw new IllegalArgumentException("name either features (--features) or a feature service (--service)");
    }
    timestampColumn = timestampColumn == null ? DEFAULT_TIMESTAMP_COLUMN : timestampColumn;
  }
}
