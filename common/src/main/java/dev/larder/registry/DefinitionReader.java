package dev.larder.registry;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.TextFormat;
import com.google.protobuf.TextFormatParseInfoTree;
import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.Definitions;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a feature repository's definitions: every {@code *.textproto} file (one {@code Definitions} message
 * each) anywhere under the repository, except in hidden folders and the store folders named in
 * {@code larder.properties}. Syntax errors become problems instead of exceptions so that one run reports the
 * syntax errors of every file together with the semantic ones of the others.
 */
public final class DefinitionReader {
  public static final String EXTENSION = ".textproto";
  private static final String UNKNOWN_FIELDS = "Input contains unknown fields and/or extensions:";
  private static final List<EnumDescriptor> ENUMS = List.of(ValueType.getDescriptor(),
      Source.Format.getDescriptor(), Aggregation.Function.getDescriptor());
  private static final Pattern UNKNOWN_ENUM_VALUE = Pattern.compile("Enum type \"([\\w.]+)\" has no value named");

  private DefinitionReader() {}

  /** The parsed objects, the syntax problems and the files (relative paths) of one repository. */
  public record Parsed(DefinitionSet definitions, List<Problem> problems, List<String> files) {}

  /**
   * Reads, parses and validates the repository's definitions.
   *
   * @return the definitions to apply
   * @throws InvalidDefinitionsException with every problem found when anything is wrong
   */
  public static Definitions load(ProjectConfig config, SchemaProvider schemas)
      throws IOException, InvalidDefinitionsException {
    return validate(read(config), schemas, note -> { });
  }

  /**
   * The definitions to apply from parsed files; {@code notes} receives what validation could not check.
   *
   * @throws InvalidDefinitionsException with the syntax problems and every validation problem
   */
  public static Definitions validate(Parsed parsed, SchemaProvider schemas, Consumer<Problem> notes)
      throws InvalidDefinitionsException {
    Validation.Result result = Validation.check(parsed.definitions(), schemas);
    result.notes().forEach(notes);
    List<Problem> problems = new ArrayList<>(parsed.problems());
    problems.addAll(result.problems());
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionsException(problems);
    }
    return parsed.definitions().toDefinitions();
  }

  /** Parses every definitions file of the repository, in path order. */
  public static Parsed read(ProjectConfig config) throws IOException {
    DefinitionSet set = DefinitionSet.empty();
    List<Problem> problems = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (Path file : files(config)) {
      String label = config.repoDir().relativize(file).toString().replace('\\', '/');
      labels.add(label);
      parse(label, Files.readString(file, StandardCharsets.UTF_8), set, problems);
    }
    return new Parsed(set, problems, labels);
  }

  /** Parses one file's text into {@code into}; a syntax error becomes a problem at its line and column. */
  public static void parse(String label, String text, DefinitionSet into, List<Problem> problems) {
    TextFormatParseInfoTree.Builder info = TextFormatParseInfoTree.builder();
    Definitions.Builder b = Definitions.newBuilder();
    try {
      TextFormat.Parser.newBuilder().setParseInfoTreeBuilder(info).build().merge(text, b);
    } catch (TextFormat.ParseException e) {
      problems.addAll(syntaxProblems(label, e));
      return;
    }
    into.add(b.build(), new Locator(label, Definitions.getDescriptor(), info.build(), new Location(label, 1, 1),
        text.lines().toList()));
  }

  /** The definitions files of a repository, sorted by path; skipped folders are not even entered. */
  public static List<Path> files(ProjectConfig config) throws IOException {
    Path root = config.repoDir();
    Set<Path> skipped = skippedFolders(config);
    List<Path> out = new ArrayList<>();
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        boolean skip = !dir.equals(root) && (dir.getFileName().toString().startsWith(".") || skipped.contains(dir));
        return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile() && file.getFileName().toString().endsWith(EXTENSION)) {
          out.add(file);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    out.sort(null);
    return out;
  }

  /** The store folders; the registry's folder only when it is not the repository itself. */
  private static Set<Path> skippedFolders(ProjectConfig config) {
    Set<Path> s = new java.util.HashSet<>(List.of(config.offlineDir(), config.onlineDir()));
    Path registryDir = config.registryPath().getParent();
    if (registryDir != null && !registryDir.equals(config.repoDir())) {
      s.add(registryDir);
    }
    return s;
  }

  /**
   * The parser reports all unknown fields of a file in one exception, one {@code line:column:\tfull.name} line
   * each; they become one problem each, listing the fields the message does have.
   */
  private static List<Problem> syntaxProblems(String label, TextFormat.ParseException e) {
    String message = withoutPosition(e);
    List<Problem> out = new ArrayList<>();
    if (message.startsWith(UNKNOWN_FIELDS)) {
      for (String line : message.substring(UNKNOWN_FIELDS.length()).strip().split("\n")) {
        String[] parts = line.split(":", 3);
        if (parts.length == 3 && parts[0].matches("\\d+") && parts[1].matches("\\d+")) {
          out.add(new Problem(new Location(label, Integer.parseInt(parts[0]), Integer.parseInt(parts[1])),
              unknownField(parts[2].strip())));
        }
      }
    }
    if (out.isEmpty()) {
      out.add(new Problem(new Location(label, Math.max(e.getLine(), 1), Math.max(e.getColumn(), 1)),
          "syntax error: " + message + enumValues(message)));
    }
    return out;
  }

  /** For {@code Enum type "larder.core.v1.ValueType" has no value named "INT".}, the values it does have. */
  private static String enumValues(String message) {
    Matcher m = UNKNOWN_ENUM_VALUE.matcher(message);
    if (!m.find()) {
      return "";
    }
    EnumDescriptor d = ENUMS.stream().filter(e -> e.getFullName().equals(m.group(1))).findFirst().orElse(null);
    return d == null ? "" : " Expected one of: " + String.join(", ", d.getValues().stream()
        .map(v -> v.getName()).filter(n -> !n.endsWith("_UNSPECIFIED")).toList());
  }

  private static String unknownField(String fullName) {
    int dot = fullName.lastIndexOf('.');
    String type = dot < 0 ? "" : fullName.substring(0, dot);
    String field = fullName.substring(dot + 1);
    Descriptor d = Definitions.getDescriptor().getFile().findMessageTypeByName(type.substring(type.lastIndexOf('.') + 1));
    String expected = d == null ? "" : "; expected one of: "
        + String.join(", ", d.getFields().stream().map(f -> f.getName()).toList());
    return "unknown field '" + field + "' in " + (d == null ? type : d.getName()) + expected;
  }

  /** ParseException messages start with "line:column: ", which the problem's location already says. */
  private static String withoutPosition(TextFormat.ParseException e) {
    String m = e.getMessage();
    String prefix = e.getLine() + ":" + e.getColumn() + ": ";
    return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : String.valueOf(m);
  }
}
