package dev.larder.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Push sources and push views are validated like other definitions, with exact locations. */
class PushViewValidationTest {
  static final String BASE = """
      entities {
        name: "user"
        join_keys { name: "user_id" type: INT64 }
      }
      """;

  @TempDir
  Path repo;

  @BeforeEach
  void base() throws IOException {
    Files.writeString(repo.resolve(ProjectConfig.FILE_NAME), ProjectConfig.defaultFileContent("t"));
    Files.writeString(repo.resolve("entities.textproto"), BASE);
  }

  private List<String> problems(String defs) throws IOException {
    Files.writeString(repo.resolve("push.textproto"), defs);
    DefinitionReader.Parsed parsed = DefinitionReader.read(ProjectConfig.load(repo));
    List<Problem> all = new ArrayList<>(parsed.problems());
    // A provider that fails: a push source must never be read from files.
    all.addAll(Validation.validate(parsed.definitions(), source -> {
      throw new IOException("read files of " + source.getName());
    }));
    return all.stream().sorted().map(Problem::toString).toList();
  }

  static String source(String extra) {
    return "sources {\n  name: \"clicks\"\n  push {}\n  timestamp_field: \"ts\"\n"
        + "  schema { name: \"user_id\" type: INT64 }\n  schema { name: \"ts\" type: TIMESTAMP }\n"
        + "  schema { name: \"clicks\" type: INT64 }\n" + extra + "}\n";
  }

  static String view(String features) {
    return "feature_views {\n  name: \"user_clicks\"\n  entities: \"user\"\n  source: \"clicks\"\n  ttl: \"1h\"\n"
        + features + "}\nfeature_services {\n  name: \"ranking\"\n  features: \"user_clicks\"\n}\n";
  }

  @Test
  void aPushViewWithDeclaredSchemaIsValidAndUsableInAService() throws IOException {
    assertThat(problems(source("") + view("  features { name: \"clicks\" type: INT64 }\n"))).isEmpty();
  }

  @Test
  void thePlanSaysAPushViewStartsEmptyInsteadOfNeedingACompute() throws Exception {
    Plan p = Plan.between(dev.larder.core.v1.Registry.getDefaultInstance(), PlanTest.defs(BASE + source("")
        + view("  features { name: \"clicks\" type: INT64 }\n")));
    assertThat(p.render()).contains("Push views start empty (push rows with PushFeatures or larder push; see"
        + " docs/push.md): user_clicks v1").noneMatch(l -> l.startsWith("Needs recomputing"));
  }

  @Test
  void aPushSourceNeedsASchemaAndNoPath() throws IOException {
    assertThat(problems("sources {\n  name: \"clicks\"\n  push {}\n  path: \"data/x\"\n  timestamp_field: \"ts\"\n}\n"))
        .containsExactly(
            "push.textproto:1:1: push source 'clicks' declares no schema; expected schema { name: ... type: ... }"
                + " for every join key, the timestamp_field and every feature",
            "push.textproto:4:3: push source 'clicks' has a path; a push source receives rows from clients and"
                + " reads no files: remove path, or remove push to read the files");
  }

  @Test
  void pushViewFeaturesAreDeclaredColumnsWithoutAggregation() throws IOException {
    assertThat(problems(source("") + view("  features { name: \"clicks\" type: INT64 aggregation { function: SUM"
        + " column: \"clicks\" window: \"1d\" } }\n  features { name: \"views\" type: INT64 }\n")))
        .anySatisfy(p -> assertThat(p).contains("feature 'clicks' of push view 'user_clicks' has an aggregation"))
        .anySatisfy(p -> assertThat(p).contains("feature 'views' of passthrough view 'user_clicks' is not a column"
            + " of source 'clicks'"));
  }

  @Test
  void theTimestampFieldMustBeADeclaredTimestamp() throws IOException {
    assertThat(problems(source("").replace("timestamp_field: \"ts\"", "timestamp_field: \"clicks\"")
        + view("  features { name: \"clicks\" type: INT64 }\n")))
        .anySatisfy(p -> assertThat(p).contains("timestamp_field 'clicks' of source 'clicks' is INT64; expected a"
            + " TIMESTAMP column"));
  }
}
