package dev.larder.online;

import dev.larder.core.v1.ValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The features of a run, by name and type, in the order its rows hold them. Stored in the run folder
 * ({@value #FILE}) because rows are positional while the registry lets features be reordered or inserted
 * without a new view version: the next run re-maps served rows by name, and a reader can compare a run's
 * layout with the registry's before decoding. {@code names} is null for a run written without names, whose
 * rows are then taken positionally.
 */
public record FeatureLayout(List<String> names, List<ValueType> types) {
  static final String FILE = "LARDER-FEATURES";

  public FeatureLayout {
    types = List.copyOf(types);
    if (names != null) {
      names = List.copyOf(names);
      if (names.size() != types.size()) {
        throw new IllegalArgumentException(names.size() + " feature names for " + types.size() + " types");
      }
    }
  }

  /** A layout without names (positional). */
  public static FeatureLayout positional(List<ValueType> types) {
    return new FeatureLayout(null, types);
  }

  public void write(Path runDir) throws IOException {
    if (names == null) {
      return;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      b.append(names.get(i)).append('\t').append(types.get(i).name()).append('\n');
    }
    Files.writeString(runDir.resolve(FILE), b.toString(), StandardCharsets.UTF_8);
  }

  /** The layout stored in a run folder, or empty for a run written without names. */
  public static Optional<FeatureLayout> read(Path runDir) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(runDir.resolve(FILE), StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    List<String> names = new ArrayList<>();
    List<ValueType> types = new ArrayList<>();
    for (String line : lines) {
      int tab = line.indexOf('\t');
      if (tab < 0) {
        throw new IOException(runDir.resolve(FILE) + ": malformed line '" + line + "'");
      }
      names.add(line.substring(0, tab));
      types.add(ValueType.valueOf(line.substring(tab + 1).trim()));
    }
    return Optional.of(new FeatureLayout(names, types));
  }

  /**
   * For each feature of this layout, its position in {@code older} (same name and type), or -1 when
   * {@code older} lacks it; null when rows of {@code older} can be used as they are.
   */
  public int[] positionsIn(FeatureLayout older) {
    if (names == null || older.names == null || equals(older)) {
      return null;
    }
    int[] out = new int[names.size()];
    for (int i = 0; i < out.length; i++) {
      int j = older.names.indexOf(names.get(i));
      out[i] = j >= 0 && older.types.get(j) == types.get(i) ? j : -1;
    }
    return out;
  }
}
