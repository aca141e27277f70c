package dev.larder.registry;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.TextFormatParseInfoTree;
import com.google.protobuf.TextFormatParseLocation;
import java.util.List;

/**
 * Where the fields of one parsed object were written. Validation asks it for the location of a field (or of
 * the n-th value of a repeated field) so that a problem points at the exact token; a field that was not
 * written at all is reported at the object itself.
 */
final class Locator {
  private final String file;
  private final Descriptor type;
  private final TextFormatParseInfoTree tree;
  private final Location self;
  /** The file's lines, to find positions inside string values. */
  private final List<String> lines;

  Locator(String file, Descriptor type, TextFormatParseInfoTree tree, Location self, List<String> lines) {
    this.file = file;
    this.type = type;
    this.tree = tree;
    this.self = self;
    this.lines = lines;
  }

  /** Where the object starts (its field name in the enclosing message). */
  public Location at() {
    return self;
  }

  public String file() {
    return file;
  }

  /** Where {@code field} was written, or the object's own location when it was not. */
  public Location field(String field) {
    return field(field, 0);
  }

  /** Where the {@code index}-th value of a repeated {@code field} was written. */
  public Location field(String field, int index) {
    FieldDescriptor fd = descriptor(field);
    List<TextFormatParseLocation> locations = tree.getLocations(fd);
    if (index < 0 || index >= locations.size()) {
      return self;
    }
    return location(file, locations.get(index));
  }

  /** The locator of the {@code index}-th nested message in {@code field}. */
  public Locator child(String field, int index) {
    FieldDescriptor fd = descriptor(field);
    List<TextFormatParseInfoTree> trees = tree.getNestedTrees(fd);
    if (index < 0 || index >= trees.size()) {
      return new Locator(file, fd.getMessageType(), TextFormatParseInfoTree.builder().build(), self, lines);
    }
    return new Locator(file, fd.getMessageType(), trees.get(index), field(field, index), lines);
  }

  /**
   * Where the {@code offset}-th character of the string value of {@code field} was written, e.g. the token of
   * a filter that does not parse. Falls back to the field itself when the value is not a one-line literal.
   */
  public Location insideString(String field, int offset) {
    Location f = field(field);
    if (f == self || f.line() > lines.size()) {
      return f;
    }
    String line = lines.get(f.line() - 1);
    int i = f.column() - 1;
    while (i < line.length() && line.charAt(i) != '"' && line.charAt(i) != '\'') {
      i++;
    }
    if (i >= line.length()) {
      return f;
    }
    char quote = line.charAt(i++);
    for (int decoded = 0; decoded < offset && i < line.length() && line.charAt(i) != quote; decoded++) {
      i += line.charAt(i) == '\\' ? 2 : 1;
    }
    return new Location(file, f.line(), Math.min(i, line.length()) + 1);
  }

  private FieldDescriptor descriptor(String field) {
    FieldDescriptor fd = type.findFieldByName(field);
    if (fd == null) {
      throw new IllegalArgumentException(type.getFullName() + " has no field " + field);
    }
    return fd;
  }

  /** Parse-info locations are 0-based; users count from 1. */
  static Location location(String file, TextFormatParseLocation l) {
    return new Location(file, l.getLine() + 1, l.getColumn() + 1);
  }
}
