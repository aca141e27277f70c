package dev.larder.stats;

import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.util.ArrayList;
import java.util.List;

/** Profiles chosen columns of a row stream: one {@link FeatureProfile} per column, fed row by row. */
final class RowProfiler {
  private final List<Column> columns;
  private final int[] indexes;
  private final FeatureProfile[] profiles;

  RowProfiler(RowSchema schema, List<String> names) {
    this.columns = new ArrayList<>();
    this.indexes = new int[names.size()];
    this.profiles = new FeatureProfile[names.size()];
    for (int i = 0; i < names.size(); i++) {
      indexes[i] = schema.indexOf(names.get(i));
      if (indexes[i] < 0) {
        throw new IllegalArgumentException("no column '" + names.get(i) + "' in " + schema);
      }
      Column c = schema.column(indexes[i]);
      columns.add(c);
      profiles[i] = new FeatureProfile(c.type());
    }
  }

  void add(Object[] row) {
    for (int i = 0; i < indexes.length; i++) {
      profiles[i].add(row[indexes[i]]);
    }
  }

  long rows() {
    return profiles.length == 0 ? 0 : profiles[0].rows();
  }

  PeriodStats toStats(String view, long start, long end) {
    List<FeatureStats> out = new ArrayList<>();
    for (int i = 0; i < profiles.length; i++) {
      out.add(new FeatureStats(columns.get(i).name(), columns.get(i).type(), profiles[i]));
    }
    return new PeriodStats(view, start, end, out);
  }
}
