package dev.larder.registry;

import com.google.protobuf.Message;
import dev.larder.core.v1.Entity;
import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.JoinKeyTypes;
import dev.larder.value.RowSchema;
import dev.larder.value.Values;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a repository's definitions before anything is applied and reports every problem at once, each at the
 * field to fix and saying what was expected. Names, duplicates, entities, sources and services are checked
 * here; feature views in {@link ViewValidation}, with the aggregation type rules and the filter language of
 * {@code dev.larder.aggregate}.
 */
public final class Validation {
  /**
   * Longest name of an entity, source, view, feature or service. Names become folder names and key prefixes,
   * and clients send them in every request: a bound keeps both sane, and the server refuses longer ones.
   */
  public static final int MAX_NAME_LENGTH = 128;
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]*");
  private static final int MAX_LISTED = 12;

  final List<Problem> problems = new ArrayList<>();
  final List<Problem> notes = new ArrayList<>();
  final Map<String, Located<Entity>> entities = new LinkedHashMap<>();
  final Map<String, Located<Source>> sources = new LinkedHashMap<>();
  final Map<String, Located<FeatureView>> views = new LinkedHashMap<>();
  final Map<String, Located<FeatureService>> services = new LinkedHashMap<>();
  /** The columns of each source as far as they are known: declared, else read from its files. */
  final Map<String, RowSchema> sourceSchemas = new HashMap<>();
  private final SchemaProvider schemas;

  private Validation(SchemaProvider schemas) {
    this.schemas = schemas;
  }

  /** Every problem of {@code set}, sorted by location; empty when it can be applied. */
  public static List<Problem> validate(DefinitionSet set, SchemaProvider schemas) {
    return check(set, schemas).problems();
  }

  /**
   * The problems (which block applying) and notes (which do not: e.g. a source without files yet, whose
   * columns could only be checked against its declared schema, if any), each sorted by location.
   */
  public record Result(List<Problem> problems, List<Problem> notes) {}

  public static Result check(DefinitionSet set, SchemaProvider schemas) {
    Validation v = new Validation(schemas);
    v.index("entity", set.entities(), Entity::getName, v.entities);
    v.index("source", set.sources(), Source::getName, v.sources);
    v.index("feature view", set.views(), FeatureView::getName, v.views);
    v.index("feature service", set.services(), FeatureService::getName, v.services);
    set.entities().forEach(v::checkEntity);
    set.sources().forEach(v::checkSource);
    ViewValidation views = new ViewValidation(v);
    set.views().forEach(views::check);
    set.services().forEach(v::checkService);
    return new Result(v.problems.stream().sorted().toList(), v.notes.stream().sorted().toList());
  }

  void problem(Location at, String message) {
    problems.add(new Problem(at, message));
  }

  /** Reports a missing or malformed name; true when the name is a valid identifier. */
  boolean checkName(String kind, String name, Locator where) {
    if (name.isEmpty()) {
      problem(where.at(), kind + " has no name; expected name: \"...\" matching [a-z][a-z0-9_]*");
      return false;
    }
    if (name.length() > MAX_NAME_LENGTH) {
      problem(where.field("name"), "invalid " + kind + " name '" + name.substring(0, 40) + "...': it is "
          + name.length() + " characters long; names are at most " + MAX_NAME_LENGTH);
      return false;
    }
    if (!IDENTIFIER.matcher(name).matches()) {
      problem(where.field("name"), "invalid " + kind + " name '" + name + "': names must match [a-z][a-z0-9_]*"
          + " (lower-case letters, digits and underscores, starting with a letter: names starting with '_' are"
          + " reserved for Larder's own folders such as _tmp and _stats)");
      return false;
    }
    return true;
  }

  private <T extends Message> void index(String kind, List<Located<T>> objects, Function<T, String> name,
                                         Map<String, Located<T>> into) {
    for (Located<T> o : objects) {
      String n = name.apply(o.value());
      checkName(kind, n, o.where());
      if (n.isEmpty()) {
        continue;
      }
      Located<T> first = into.putIfAbsent(n, o);
      if (first != null) {
        problem(o.where().field("name"), "duplicate " + kind + " '" + n + "'; first defined at "
            + first.where().field("name") + "; expected each " + kind + " name once");
      }
    }
  }

  private void checkEntity(Located<Entity> located) {
    Entity e = located.value();
    Locator where = located.where();
    if (e.getJoinKeysCount() == 0) {
      problem(where.at(), "entity '" + e.getName() + "' has no join keys; expected at least one"
          + " join_keys { name: \"..._id\" type: INT64 }");
    }
    Map<String, Location> seen = new HashMap<>();
    for (int i = 0; i < e.getJoinKeysCount(); i++) {
      Field k = e.getJoinKeys(i);
      Locator kw = where.child("join_keys", i);
      if (checkName("join key", k.getName(), kw)) {
        Location first = seen.putIfAbsent(k.getName(), kw.field("name"));
        if (first != null) {
          problem(kw.field("name"), "duplicate join key '" + k.getName() + "' in entity '" + e.getName()
              + "'; first defined at " + first);
        }
      }
      if (k.getType() == ValueType.VALUE_TYPE_UNSPECIFIED) {
        problem(kw.at(), "join key '" + k.getName() + "' has no type; expected type: " + JoinKeyTypes.EXPECTED);
      } else if (!JoinKeyTypes.isSupported(k.getType())) {
        problem(kw.field("type"), "join key '" + k.getName() + "' has type " + k.getType()
            + "; expected " + JoinKeyTypes.EXPECTED + (Values.isList(k.getType()) ? " (a list is not a key)"
            : " (floating-point keys do not compare reliably for equality)"));
      }
    }
  }

  private void checkSource(Located<Source> located) {
    Source s = located.value();
    Locator where = located.where();
    if (s.hasPush()) {
      checkPushSource(s, where);
    } else if (s.getPath().isBlank()) {
      problem(where.at(), "source '" + s.getName() + "' has no path; expected path: \"data/events\""
          + " (a file, a directory or a glob, relative to the repository)");
    }
    RowSchema declared = declaredSchema(s, where);
    Optional<RowSchema> real = Optional.empty();
    boolean unreadable = false;
    try {
      real = s.getPath().isBlank() || s.hasPush() ? Optional.empty() : schemas.schemaOf(s);
    } catch (IOException | RuntimeException e) {
      unreadable = true; // the files exist: the "no data files yet" note below would contradict this problem
      problem(where.field("path"), "cannot read the schema of source '" + s.getName() + "' from its files: "
          + e.getMessage());
    }
    if (real.isPresent() && declared.size() > 0) {
      checkDeclaredAgainstFiles(s, where, real.get());
    }
    if (real.isEmpty() && !unreadable && !s.getPath().isBlank() && !s.hasPush()) {
      notes.add(new Problem(where.field("path"), "source '" + s.getName() + "' has no data files at '" + s.getPath()
          + "' yet; " + (declared.size() > 0 ? "its views were checked against its declared schema only"
          : "the columns its views use could not be checked (declare a schema to check them)")));
    }
    RowSchema effective = declared.size() > 0 ? declared : real.orElse(null);
    if (effective != null && isFirst(sources, s.getName(), located)) {
      sourceSchemas.put(s.getName(), effective);
    }
    if (s.getTimestampField().isEmpty()) {
      problem(where.at(), "source '" + s.getName() + "' has no timestamp_field; expected the column holding"
          + " event times, e.g. timestamp_field: \"event_timestamp\"");
    } else if (effective != null) {
      checkTimeColumn(s, where, "timestamp_field", s.getTimestampField(), effective, declared.size() > 0);
    }
    if (!s.getCreatedTimestampField().isEmpty() && effective != null) {
      checkTimeColumn(s, where, "created_timestamp_field", s.getCreatedTimestampField(), effective,
          declared.size() > 0);
    }
  }

  /**
   * A push source has no files: its rows come from clients, so the declared schema is the only contract they
   * are checked against, and a path would suggest files that are never read.
   */
  private void checkPushSource(Source s, Locator where) {
    if (!s.getPath().isBlank()) {
      problem(where.field("path"), "push source '" + s.getName() + "' has a path; a push source receives rows"
          + " from clients and reads no files: remove path, or remove push to read the files");
    }
    if (s.getSchemaCount() == 0) {
      problem(where.at(), "push source '" + s.getName() + "' declares no schema; expected schema { name: ..."
          + " type: ... } for every join key, the timestamp_field and every feature");
    }
    if (!s.getFieldMappingMap().isEmpty()) {
      problem(where.field("field_mapping"), "push source '" + s.getName() + "' has a field_mapping; pushed"
          + " columns are named as in the schema, expected no field_mapping");
    }
  }

  private RowSchema declaredSchema(Source s, Locator where) {
    List<Column> cols = new ArrayList<>();
    Map<String, Location> seen = new HashMap<>();
    for (int i = 0; i < s.getSchemaCount(); i++) {
      Field f = s.getSchema(i);
      Locator fw = where.child("schema", i);
      if (f.getName().isEmpty()) {
        problem(fw.at(), "schema column of source '" + s.getName() + "' has no name; expected name: \"...\"");
        continue;
      }
      Location first = seen.putIfAbsent(f.getName(), fw.field("name"));
      if (first != null) {
        problem(fw.field("name"), "duplicate column '" + f.getName() + "' in the schema of source '"
            + s.getName() + "'; first defined at " + first);
        continue;
      }
      if (f.getType() == ValueType.VALUE_TYPE_UNSPECIFIED) {
        problem(fw.at(), "column '" + f.getName() + "' of source '" + s.getName() + "' has no type;"
            + " expected type: INT64, DOUBLE, STRING, TIMESTAMP, ...");
      }
      cols.add(new Column(f.getName(), f.getType()));
    }
    return new RowSchema(cols);
  }

  /**
   * Declared columns must exist in the files. Their types are checked by the source readers as each file is
   * opened, which also know the lossless widenings they allow (an INT32 file column read as INT64).
   */
  private void checkDeclaredAgainstFiles(Source s, Locator where, RowSchema real) {
    for (int i = 0; i < s.getSchemaCount(); i++) {
      Field f = s.getSchema(i);
      if (!f.getName().isEmpty() && !real.has(f.getName())) {
        problem(where.child("schema", i).field("name"), "source '" + s.getName() + "' declares column '"
            + f.getName() + "' but its files have no such column; expected one of: " + names(real));
      }
    }
  }

  private void checkTimeColumn(Source s, Locator where, String field, String column, RowSchema schema,
                               boolean declared) {
    int idx = schema.indexOf(column);
    if (idx < 0) {
      problem(where.field(field), "source '" + s.getName() + "' has no column '" + column + "' for its "
          + field + "; expected one of: " + names(schema));
    } else if (declared && schema.column(idx).type() != ValueType.TIMESTAMP) {
      problem(where.field(field), field + " '" + column + "' of source '" + s.getName() + "' is "
          + schema.column(idx).type() + "; expected a TIMESTAMP column");
    }
  }

  private void checkService(Located<FeatureService> located) {
    FeatureService s = located.value();
    Locator where = located.where();
    if (s.getFeaturesCount() == 0) {
      problem(where.at(), "feature service '" + s.getName() + "' has no features; expected features: \"view\""
          + " or features: \"view:feature\"");
    }
    for (int i = 0; i < s.getFeaturesCount(); i++) {
      String ref = s.getFeatures(i).trim();
      Location at = where.field("features", i);
      int colon = ref.indexOf(':');
      String viewPart = colon < 0 ? ref : ref.substring(0, colon);
      int pin = viewPart.indexOf('@');
      String viewName = pin < 0 ? viewPart : viewPart.substring(0, pin);
      if (pin >= 0 && !viewPart.substring(pin + 1).matches("[1-9][0-9]{0,17}")) {
        problem(at, "'" + viewPart + "' in feature service '" + s.getName() + "' pins no version; expected"
            + " \"view@N\" or \"view@N:feature\" with N a view version such as 1");
        continue;
      }
      Located<FeatureView> view = views.get(viewName);
      if (view == null) {
        problem(at, "unknown feature view '" + viewName + "' in feature service '" + s.getName()
            + "'; expected \"view\" or \"view:feature\" with view one of: " + list(views.keySet()));
        continue;
      }
      // A pinned version's features are those of that version, which `apply` checks against the registry.
      if (colon >= 0 && pin < 0) {
        String feature = ref.substring(colon + 1);
        List<String> featureNames = view.value().getFeaturesList().stream()
            .map(dev.larder.core.v1.Feature::getName).distinct().toList();
        if (!featureNames.contains(feature)) {
          problem(at, "feature view '" + viewName + "' has no feature '" + feature + "'; expected one of: "
              + list(featureNames));
        }
      }
    }
  }

  private static <T extends Message> boolean isFirst(Map<String, Located<T>> index, String name, Located<T> o) {
    return index.get(name) == o;
  }

  static String names(RowSchema schema) {
    return list(schema.columns().stream().map(Column::name).toList());
  }

  static String list(Collection<String> names) {
    if (names.isEmpty()) {
      return "(none defined)";
    }
    String shown = names.stream().limit(MAX_LISTED).collect(Collectors.joining(", "));
    return names.size() > MAX_LISTED ? shown + ", ... (" + names.size() + " in all)" : shown;
  }
}
