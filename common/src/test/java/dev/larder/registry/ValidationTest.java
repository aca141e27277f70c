package dev.larder.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad definitions, each reported with its file:line:column and what was expected. Every case writes one file
 * {@code bad.textproto} next to a valid base (an entity, two sources) and asserts the exact location.
 */
class ValidationTest {
  static final String ENTITIES = """
      entities {
        name: "user"
        join_keys { name: "user_id" type: INT64 }
      }
      """;
  static final String SOURCES = """
      sources {
        name: "events"
        path: "data/events"
        timestamp_field: "ts"
        schema { name: "user_id" type: INT64 }
        schema { name: "event_type" type: STRING }
        schema { name: "price" type: DOUBLE }
        schema { name: "ts" type: TIMESTAMP }
      }
      sources {
        name: "profiles"
        path: "data/profiles"
        timestamp_field: "ts"
        schema { name: "user_id" type: INT64 }
        schema { name: "country" type: STRING }
        schema { name: "ts" type: TIMESTAMP }
      }
      """;

  @TempDir
  Path repo;

  @BeforeEach
  void base() throws IOException {
    Files.writeString(repo.resolve(ProjectConfig.FILE_NAME), ProjectConfig.defaultFileContent("t"));
    Files.writeString(repo.resolve("entities.textproto"), ENTITIES);
    Files.writeString(repo.resolve("sources.textproto"), SOURCES);
  }

  private List<String> problems(String bad) throws IOException {
    Files.writeString(repo.resolve("bad.textproto"), bad);
    DefinitionReader.Parsed parsed = DefinitionReader.read(ProjectConfig.load(repo));
    List<Problem> all = new java.util.ArrayList<>(parsed.problems());
    all.addAll(Validation.validate(parsed.definitions(), SchemaProvider.NONE));
    return all.stream().sorted().map(Problem::toString).toList();
  }

  private static String view(String body) {
    return "feature_views {\n  name: \"v\"\n  entities: \"user\"\n  source: \"events\"\n" + body + "}\n";
  }

  @Test
  void validBaseHasNoProblems() throws IOException {
    assertThat(problems(view("  features { name: \"n\" type: INT64 aggregation { function: COUNT window: \"1d\" } }\n")))
        .isEmpty();
  }

  @Test
  void syntaxErrorCarriesLineAndColumn() throws IOException {
    assertThat(problems("entities {\n  name: \"a\"\n  join_keys { name: \"id\" type: INT64 \n}\n"))
        .singleElement().asString().startsWith("bad.textproto:5:1: syntax error: ");
  }

  @Test
  void unknownFieldIsASyntaxError() throws IOException {
    assertThat(problems("entities {\n  nmae: \"a\"\n  join_keys { name: \"id\" tipe: INT64 }\n}\n"))
        .containsExactly(
            "bad.textproto:2:3: unknown field 'nmae' in Entity; expected one of: name, join_keys, description,"
                + " owner, tags",
            "bad.textproto:3:26: unknown field 'tipe' in Field; expected one of: name, type, description, tags");
  }

  @Test
  void unknownEnumValueListsTheValues() throws IOException {
    assertThat(problems("entities {\n  name: \"a\"\n  join_keys { name: \"id\" type: INT }\n}\n"))
        .containsExactly("bad.textproto:3:32: syntax error: Enum type \"larder.core.v1.ValueType\" has no value named"
            + " \"INT\". Expected one of: INT32, INT64, FLOAT, DOUBLE, BOOL, STRING, BYTES, TIMESTAMP, INT32_LIST,"
            + " INT64_LIST, FLOAT_LIST, DOUBLE_LIST, BOOL_LIST, STRING_LIST, BYTES_LIST, TIMESTAMP_LIST");
  }

  @Test
  void unknownEntity() throws IOException {
    assertThat(problems("feature_views {\n  name: \"v\"\n  entities: \"usr\"\n  source: \"events\"\n"
        + "  features { name: \"n\" type: INT64 aggregation { function: COUNT window: \"1d\" } }\n}\n"))
        .containsExactly("bad.textproto:3:3: unknown entity 'usr' in feature view 'v'; expected one of: user");
  }

  @Test
  void unknownSource() throws IOException {
    assertThat(problems("feature_views {\n  name: \"v\"\n  entities: \"user\"\n  source: \"evts\"\n"
        + "  features { name: \"n\" type: INT64 aggregation { function: COUNT window: \"1d\" } }\n}\n"))
        .containsExactly("bad.textproto:4:3: unknown source 'evts' in feature view 'v'; expected one of: events,"
            + " profiles");
  }

  @Test
  void unknownViewInService() throws IOException {
    assertThat(problems("feature_services {\n  name: \"s\"\n  features: \"nope:x\"\n}\n"))
        .containsExactly("bad.textproto:3:3: unknown feature view 'nope' in feature service 's'; expected \"view\""
            + " or \"view:feature\" with view one of: (none defined)");
  }

  @Test
  void unknownFeatureInService() throws IOException {
    assertThat(problems(view("  features { name: \"n\" type: INT64 aggregation { function: COUNT window: \"1d\" } }\n")
        + "feature_services {\n  name: \"s\"\n  features: \"v\"\n  features: \"v:m\"\n}\n"))
        .containsExactly("bad.textproto:10:3: feature view 'v' has no feature 'm'; expected one of: n");
  }

  /** Files are read in path order, so the base file's entity comes after bad.textproto's. */
  @Test
  void duplicateNameAcrossFiles() throws IOException {
    assertThat(problems("entities {\n  name: \"user\"\n  join_keys { name: \"user_id\" type: INT64 }\n}\n"))
        .containsExactly("entities.textproto:2:3: duplicate entity 'user'; first defined at bad.textproto:2:3;"
            + " expected each entity name once");
  }

  @Test
  void reservedAndOverlongNamesAreRejectedAtApply() throws IOException {
    String longName = "v".repeat(300);
    assertThat(problems("feature_views {\n  name: \"_stats\"\n  entities: \"user\"\n  source: \"events\"\n"
        + "  features { name: \"" + longName + "\" type: INT64 aggregation { function: COUNT window: \"1d\" } }\n}\n"))
        .anyMatch(p -> p.startsWith("bad.textproto:2:3: invalid feature view name '_stats'")
            && p.contains("reserved"))
        .anyMatch(p -> p.startsWith("bad.textproto:5:14: invalid feature name 'vvvv")
            && p.contains("300 characters long; names are at most 128"));
  }

  @Test
  void zeroOverflowingAndMalformedWindowsAndTtlsAreRejectedAtApply() throws IOException {
    for (String w : new String[] {"0d", "PT0S", "0s", "99999999999d", "999999999999999999999999d", "-1d"}) {
      assertThat(problems(view("  features { name: \"n\" type: INT64 aggregation { function: COUNT window: \""
          + w + "\" } }\n"))).as(w).singleElement().asString().startsWith("bad.textproto:5:")
          .contains("'" + w + "'");
    }
  }

  @Test
  void invalidIdentifierSaysWhatNamesMustMatch() throws IOException {
    assertThat(problems("feature_views {\n  name: \"UserActivity\"\n  entities: \"user\"\n  source: \"events\"\n"
        + "  features { name: \"7days\" type: INT64 aggregation { function: COUNT window: \"1d\" } }\n}\n"))
        .containsExactly(
            "bad.textproto:2:3: invalid feature view name 'UserActivity': names must match [a-z][a-z0-9_]*"
                + " (lower-case letters, digits and underscores, starting with a letter: names starting with '_' are"
                + " reserved for Larder's own folders such as _tmp and _stats)",
            "bad.textproto:5:14: invalid feature name '7days': names must match [a-z][a-z0-9_]*"
                + " (lower-case letters, digits and underscores, starting with a letter: names starting with '_' are"
                + " reserved for Larder's own folders such as _tmp and _stats)");
  }

  @Test
  void negativeTtl() throws IOException {
    assertThat(problems(view("  ttl: \"-1d\"\n"
        + "  features { name: \"n\" type: INT64 aggregation { function: COUNT window: \"1d\" } }\n")))
        .containsExactly("bad.textproto:5:3: invalid ttl of feature view 'v': '-1d' is not a duration; expected e.g."
            + " 15m, 1h, 7d, 30d or lifetime");
  }

  @Test
  void unparsableAndMissingWindow() throws IOException {
    assertThat(problems(view("  features { name: \"n\" type: INT64 aggregation { function: COUNT window: \"30 days\" } }\n"
        + "  features { name: \"m\" type: INT64 aggregation { function: COUNT } }\n")))
        .containsExactly(
            "bad.textproto:5:66: invalid window of aggregation of feature 'n': '30 days' is not a duration;"
                + " expected e.g. 15m, 1h, 7d, 30d or lifetime",
            "bad.textproto:6:36: aggregation of feature 'm' has no window; expected window: \"30d\" (or 15m, 1h, 7d,"
                + " lifetime, ...)");
  }

  @Test
  void sumOfStringColumn() throws IOException {
    assertThat(problems(view("  features {\n    name: \"s\"\n    type: INT64\n"
        + "    aggregation { function: SUM column: \"event_type\" window: \"1d\" }\n  }\n")))
        .containsExactly("bad.textproto:8:33: aggregation of feature 's' over column 'event_type' (STRING): sum does"
            + " not apply to string; it takes int32, int64, float or double");
  }

  @Test
  void declaredTypeDiffersFromAggregationOutput() throws IOException {
    assertThat(problems(view("  features {\n    name: \"c\"\n    type: DOUBLE\n"
        + "    aggregation { function: COUNT window: \"1d\" }\n  }\n"
        + "  features {\n    name: \"a\"\n    type: INT64\n"
        + "    aggregation { function: AVG column: \"price\" window: \"1d\" }\n  }\n")))
        .containsExactly(
            "bad.textproto:7:5: feature 'c' is declared DOUBLE but COUNT produces INT64; expected type: INT64",
            "bad.textproto:12:5: feature 'a' is declared INT64 but AVG of DOUBLE produces DOUBLE; expected type:"
                + " DOUBLE");
  }

  @Test
  void unknownAggregationColumnAndMissingColumn() throws IOException {
    assertThat(problems(view("  features { name: \"a\" type: DOUBLE aggregation { function: MAX column: \"prise\" window: \"1d\" } }\n"
        + "  features { name: \"b\" type: DOUBLE aggregation { function: SUM window: \"1d\" } }\n")))
        .containsExactly(
            "bad.textproto:5:65: unknown column 'prise' in aggregation of feature 'a'; source 'events' has:"
                + " user_id, event_type, price, ts",
            "bad.textproto:6:37: aggregation of feature 'b': SUM needs an input column; expected column: \"...\""
                + " naming a column of source 'events'");
  }

  @Test
  void mixingAggregationAndPassthrough() throws IOException {
    assertThat(problems(view("  features { name: \"n\" type: INT64 aggregation { function: COUNT window: \"1d\" } }\n"
        + "  features { name: \"price\" type: DOUBLE }\n")))
        .containsExactly("bad.textproto:6:3: feature view 'v' mixes 1 aggregation feature(s) with 1 passthrough"
            + " feature(s) (first: 'price'); expected all features with an aggregation or none: split it into two"
            + " views");
  }

  @Test
  void filterSyntaxErrorPointsInsideTheFilter() throws IOException {
    List<String> p = problems(view("  features {\n    name: \"n\"\n    type: INT64\n"
        + "    aggregation { function: COUNT filter: \"event_type = 'view' AND\" window: \"1d\" }\n  }\n"));
    assertThat(p).singleElement().asString()
        .startsWith("bad.textproto:8:67: invalid filter \"event_type = 'view' AND\": ");
  }

  @Test
  void filterWithUnknownColumn() throws IOException {
    List<String> p = problems(view("  features {\n    name: \"n\"\n    type: INT64\n"
        + "    aggregation { function: COUNT filter: \"evnt_type = 'view'\" window: \"1d\" }\n  }\n"));
    assertThat(p).singleElement().asString()
        .startsWith("bad.textproto:8:44: invalid filter \"evnt_type = 'view'\": ")
        .contains("evnt_type");
  }

  @Test
  void sourceWithoutTimestampField() throws IOException {
    assertThat(problems("sources {\n  name: \"clicks\"\n  path: \"data/clicks\"\n}\n"))
        .containsExactly("bad.textproto:1:1: source 'clicks' has no timestamp_field; expected the column holding"
            + " event times, e.g. timestamp_field: \"event_timestamp\"");
  }

  @Test
  void timestampFieldNotInSchema() throws IOException {
    assertThat(problems("sources {\n  name: \"clicks\"\n  path: \"data/clicks\"\n  timestamp_field: \"time\"\n"
        + "  schema { name: \"user_id\" type: INT64 }\n}\n"))
        .containsExactly("bad.textproto:4:3: source 'clicks' has no column 'time' for its timestamp_field;"
            + " expected one of: user_id");
  }

  @Test
  void joinKeyColumnMissingFromSource() throws IOException {
    assertThat(problems("sources {\n  name: \"clicks\"\n  path: \"data/clicks\"\n  timestamp_field: \"ts\"\n"
        + "  schema { name: \"uid\" type: INT64 }\n  schema { name: \"ts\" type: TIMESTAMP }\n}\n"
        + "feature_views {\n  name: \"v\"\n  entities: \"user\"\n  source: \"clicks\"\n"
        + "  features { name: \"n\" type: INT64 aggregation { function: COUNT window: \"1d\" } }\n}\n"))
        .containsExactly("bad.textproto:10:3: source 'clicks' of feature view 'v' has no column 'user_id' for the"
            + " join key of entity 'user'; expected a column user_id INT64 (rename one with field_mapping if it is"
            + " called otherwise)");
  }

  @Test
  void passthroughFeatureNotInSchemaOrOfAnotherType() throws IOException {
    assertThat(problems("feature_views {\n  name: \"p\"\n  entities: \"user\"\n  source: \"profiles\"\n"
        + "  features { name: \"tier\" type: STRING }\n  features { name: \"country\" type: INT64 }\n}\n"))
        .containsExactly(
            "bad.textproto:5:14: feature 'tier' of passthrough view 'p' is not a column of source 'profiles';"
                + " expected one of: user_id, country, ts",
            "bad.textproto:6:30: feature 'country' is declared INT64 but column 'country' of source 'profiles' is"
                + " STRING; expected type: STRING");
  }

  @Test
  void joinKeyWithoutTypeAndEntityWithoutKeys() throws IOException {
    assertThat(problems("entities {\n  name: \"shop\"\n  join_keys { name: \"shop_id\" }\n}\n"
        + "entities {\n  name: \"empty\"\n}\n"))
        .containsExactly(
            "bad.textproto:3:3: join key 'shop_id' has no type; expected type: INT64, INT32, STRING, BYTES, BOOL or TIMESTAMP",
            "bad.textproto:5:1: entity 'empty' has no join keys; expected at least one join_keys { name: \"..._id\""
                + " type: INT64 }");
  }

  @Test
  void schemaProviderFilesAreChecked() throws IOException {
    Files.writeString(repo.resolve("bad.textproto"), "sources {\n  name: \"raw\"\n  path: \"data/raw\"\n"
        + "  timestamp_field: \"ts\"\n}\nfeature_views {\n  name: \"p\"\n  entities: \"user\"\n  source: \"raw\"\n"
        + "  features { name: \"score\" type: DOUBLE }\n}\n");
    SchemaProvider files = s -> s.getName().equals("raw")
        ? java.util.Optional.of(new dev.larder.value.RowSchema(List.of(
            new dev.larder.value.Column("user_id", dev.larder.core.v1.ValueType.INT64),
            new dev.larder.value.Column("score", dev.larder.core.v1.ValueType.FLOAT),
            new dev.larder.value.Column("ts", dev.larder.core.v1.ValueType.TIMESTAMP))))
        : java.util.Optional.empty();
    DefinitionReader.Parsed parsed = DefinitionReader.read(ProjectConfig.load(repo));
    assertThat(Validation.validate(parsed.definitions(), files)).map(Problem::toString)
        .containsExactly("bad.textproto:10:28: feature 'score' is declared DOUBLE but column 'score' of source"
            + " 'raw' is FLOAT; expected type: FLOAT");
  }

  @Test
  void allProblemsOfOneFileComeOutTogether() throws IOException {
    assertThat(problems("feature_views {\n  name: \"v\"\n  entities: \"usr\"\n  source: \"evts\"\n  ttl: \"soon\"\n"
        + "  features { name: \"n\" type: INT64 aggregation { function: COUNT window: \"1d\" } }\n}\n"
        + "feature_services {\n  name: \"Bad Name\"\n  features: \"w\"\n}\n"))
        .hasSize(5)
        .anyMatch(p -> p.startsWith("bad.textproto:3:3: unknown entity 'usr'"))
        .anyMatch(p -> p.startsWith("bad.textproto:4:3: unknown source 'evts'"))
        .anyMatch(p -> p.startsWith("bad.textproto:5:3: invalid ttl"))
        .anyMatch(p -> p.startsWith("bad.textproto:9:3: invalid feature service name 'Bad Name'"))
        .anyMatch(p -> p.startsWith("bad.textproto:10:3: unknown feature view 'w'"));
  }

  @Test
  void loadThrowsWithEveryProblemAndHiddenAndStoreFoldersAreSkipped() throws IOException {
    Files.createDirectories(repo.resolve(".git"));
    Files.writeString(repo.resolve(".git/x.textproto"), "garbage {");
    Files.createDirectories(repo.resolve("data/offline"));
    Files.writeString(repo.resolve("data/offline/y.textproto"), "garbage {");
    Files.createDirectories(repo.resolve("defs/more"));
    Files.writeString(repo.resolve("defs/more/z.textproto"), "entities { name: \"Z\" join_keys { name: \"z\" type: INT64 } }");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> DefinitionReader.load(ProjectConfig.load(repo),
            SchemaProvider.NONE))
        .isInstanceOfSatisfying(InvalidDefinitionsException.class, e -> assertThat(e.problems())
            .map(Problem::toString).containsExactly("defs/more/z.textproto:1:12: invalid entity name 'Z': "
                + "names must match [a-z][a-z0-9_]* (lower-case letters, digits and underscores, starting with a letter: names starting with '_' are reserved for Larder's own folders such as _tmp and _stats)"));
  }
}
