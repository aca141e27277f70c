package dev.larder.describe;

import java.util.ArrayList;
import java.util.List;

/** Rows of text printed in aligned columns under an upper-case header, for {@code larder list}. */
final class AlignedTable {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  AlignedTable(String... header) {
    this.header = List.of(header);
  }

  AlignedTable row(String... cells) {
    rows.add(List.of(cells));
    return this;
  }

  String render() {
    int[] width = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> r : all) {
      for (int i = 0; i < r.size(); i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (List<String> r : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        line.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + width[i] + "s  ", r.get(i)));
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    return sb.toString();
  }
}
