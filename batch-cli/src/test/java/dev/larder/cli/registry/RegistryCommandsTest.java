package dev.larder.cli.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.cli.Larder;
import dev.larder.core.v1.Interval;
import dev.larder.core.v1.Registry;
import dev.larder.lock.RepoLock;
import dev.larder.registry.RegistryFile;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** init, apply, plan, list, describe and log on a real repository in a temp folder. */
class RegistryCommandsTest {
  @TempDir
  Path tmp;
  Path repo;
  Path registry;

  record Run(int code, String out, String err) {}

  static Run larder(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = Larder.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeEach
  void init() {
    repo = tmp.resolve("shop");
    registry = repo.resolve("data/registry.pb");
    Run r = larder("init", repo.toString());
    assertThat(r.code()).as(r.err()).isZero();
  }

  private Run apply() {
    return larder("apply", "--repo", repo.toString());
  }

  private void edit(String file, String from, String to) throws IOException {
    Path p = repo.resolve(file);
    String s = Files.readString(p);
    assertThat(s).contains(from);
    Files.writeString(p, s.replace(from, to));
  }

  @Test
  void initWritesTheRunningExampleAndNoData() {
    assertThat(repo.resolve("larder.properties")).content().contains("project=shop", "server.port=6566");
    assertThat(repo.resolve("user_activity.textproto")).content().contains("total_spend", "unique_products_viewed_1d");
    assertThat(repo.resolve("data")).doesNotExist();
  }

  @Test
  void initRefusesAnExistingRepository() {
    Run r = larder("init", repo.toString());
    assertThat(r.code()).isEqualTo(Larder.USAGE);
    assertThat(r.err()).contains("larder.properties already exists");
  }

  @Test
  void applyPrintsThePlanAndWritesTheRegistry() throws IOException {
    Run r = apply();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Plan: 6 to add, 0 to change, 0 to remove (registry version 0 -> 1)",
        "+ entity user", "+ source user_events", "+ feature_view user_activity: version 1",
        "+ feature_service user_model", "Applied: registry version 1");
    assertThat(r.err()).contains("note: sources.textproto:11:3: source 'user_events' has no data files at"
        + " 'data/events' yet; its views were checked against its declared schema only");
    Registry reg = RegistryFile.read(registry).orElseThrow();
    assertThat(reg.getVersion()).isEqualTo(1);
    assertThat(reg.getProject()).isEqualTo("shop");
    assertThat(reg.getFeatureViewsList()).extracting("name").containsExactly("user_activity", "user_profile");
    assertThat(reg.getViewStatesMap().get("user_activity").getVersion()).isEqualTo(1);
    assertThat(reg.getVersionsList()).singleElement().satisfies(h -> assertThat(h.getChangesCount()).isEqualTo(6));
  }

  @Test
  void secondApplySaysNothingChangedAndWritesNothing() throws IOException {
    apply();
    byte[] before = Files.readAllBytes(registry);
    var modified = Files.getLastModifiedTime(registry);
    Run r = apply();
    assertThat(r.code()).isZero();
    assertThat(r.out().strip()).isEqualTo("No changes; registry stays at version 1");
    assertThat(Files.readAllBytes(registry)).isEqualTo(before);
    assertThat(Files.getLastModifiedTime(registry)).isEqualTo(modified);
  }

  @Test
  void listViewsShowsBothViews() {
    apply();
    Run r = larder("list", "views", "--repo", repo.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out().lines()).hasSize(3);
    assertThat(r.out()).containsPattern("user_activity\\s+aggregation\\s+user\\s+user_events\\s+7\\s+2d\\s+yes\\s+1")
        .containsPattern("user_profile\\s+passthrough\\s+user\\s+user_profiles\\s+3\\s+365d\\s+yes\\s+1");
    Run json = larder("list", "features", "--output", "json", "--repo", repo.toString());
    assertThat(json.out()).contains("\"view\": \"user_activity\"", "\"name\": \"total_spend\"",
        "\"function\": \"SUM\"");
    assertThat(larder("list", "things", "--repo", repo.toString()).code()).isEqualTo(Larder.USAGE);
  }

  @Test
  void breakingChangeBumpsTheViewVersion() throws IOException {
    apply();
    edit("user_activity.textproto", """
          features {
            name: "purchase_count_1d"
            type: INT64
            aggregation { function: COUNT filter: "event_type = 'purchase'" window: "1d" }
          }
        """, "");
    edit("user_activity.textproto", "ttl: \"2d\"", "ttl: \"3d\"");
    Run r = apply();
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Plan: 0 to add, 1 to change, 0 to remove (registry version 1 -> 2)",
        "! BREAKING feature_view user_activity: version 1 -> 2: removed feature purchase_count_1d; ttl \"2d\" -> \"3d\"");
    Registry reg = RegistryFile.read(registry).orElseThrow();
    assertThat(reg.getViewStatesMap().get("user_activity").getVersion()).isEqualTo(2);
    assertThat(reg.getViewStatesMap().get("user_activity").getSinceRegistryVersion()).isEqualTo(2);
    assertThat(reg.getViewStatesMap().get("user_profile").getVersion()).isEqualTo(1);
    assertThat(larder("list", "views", "--repo", repo.toString()).out())
        .containsPattern("user_activity\\s+aggregation.*\\s2\\n");
    Run history = larder("log", "--repo", repo.toString());
    assertThat(history.out()).containsSubsequence("version 2", "! BREAKING feature_view user_activity",
        "version 1", "+ entity user");
    assertThat(larder("history", "--output", "json", "--repo", repo.toString()).out())
        .containsSubsequence("\"version\": \"2\"", "\"kind\": \"BREAKING\"", "\"version\": \"1\"", "\"kind\": \"ADDED\"");
  }

  @Test
  void validationFailureLeavesTheRegistryByteIdentical() throws IOException {
    apply();
    byte[] before = Files.readAllBytes(registry);
    edit("user_profile.textproto", "features { name: \"tier\" type: STRING }",
        "features { name: \"tier\" type: INT64 }\n  features { name: \"tier\" type: STRING }");
    edit("services.textproto", "features: \"user_profile\"", "features: \"user_profile:age\"");
    Run r = apply();
    assertThat(r.code()).isEqualTo(Larder.USAGE);
    assertThat(r.err()).contains("3 problems in the definitions:",
        "services.textproto:10:3: feature view 'user_profile' has no feature 'age'; expected one of:"
            + " account_age_days, country, tier",
        "user_profile.textproto:15:27: feature 'tier' is declared INT64 but column 'tier' of source 'user_profiles'"
            + " is STRING; expected type: STRING",
        "user_profile.textproto:16:14: duplicate feature 'tier' in feature view 'user_profile'; first defined at"
            + " user_profile.textproto:15:14");
    assertThat(r.out()).isEmpty();
    assertThat(Files.readAllBytes(registry)).isEqualTo(before);
  }

  @Test
  void planWritesNothing() throws IOException {
    Run r = larder("plan", "--repo", repo.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Plan: 6 to add");
    assertThat(registry).doesNotExist();
    apply();
    byte[] before = Files.readAllBytes(registry);
    edit("user_profile.textproto", "ttl: \"365d\"", "ttl: \"30d\"");
    Run changed = larder("plan", "--repo", repo.toString());
    assertThat(changed.out()).contains("~ feature_view user_profile: ttl \"365d\" -> \"30d\"");
    assertThat(Files.readAllBytes(registry)).isEqualTo(before);
  }

  @Test
  void planDetailedExitCodeSaysWhetherChangesAndNewVersionsArePending() throws IOException {
    // New views are changes, not breaking ones: no existing data changes meaning.
    assertThat(larder("plan", "--detailed-exitcode", "--repo", repo.toString()).code()).isEqualTo(4);
    apply();
    assertThat(larder("plan", "--detailed-exitcode", "--repo", repo.toString()).code()).isZero();
    assertThat(larder("plan", "--repo", repo.toString()).code()).isZero();
    edit("user_profile.textproto", "ttl: \"365d\"", "ttl: \"30d\"");
    assertThat(larder("plan", "--detailed-exitcode", "--repo", repo.toString()).code()).isEqualTo(4);
    // A changed window changes the values: a new version, which the plan lists for recomputing.
    edit("user_activity.textproto", "aggregation { function: COUNT window: \"30d\" }",
        "aggregation { function: COUNT window: \"7d\" }");
    Run breaking = larder("plan", "--detailed-exitcode", "--repo", repo.toString());
    assertThat(breaking.code()).as(breaking.err()).isEqualTo(5);
    assertThat(breaking.out()).contains(
        "! BREAKING feature_view user_activity: version 1 -> 2: feature total_activities: aggregation: window"
            + " \"30d\" -> \"7d\"",
        "Needs recomputing (larder compute for aggregation views, then larder materialize for online views):"
            + " user_activity v2");
    assertThat(larder("plan", "--repo", repo.toString()).code()).isZero();
    Run applied = apply();
    assertThat(applied.code()).isZero();
    assertThat(applied.out()).contains("Needs recomputing", "user_activity v2");
    assertThat(larder("describe", "user_activity", "--repo", repo.toString()).out())
        .containsPattern("previous versions: +v1 \\(registry versions 1\\.\\.2, fingerprint [0-9a-f]{12}\\)")
        .containsPattern("fingerprint: +[0-9a-f]{12}");
    assertThat(larder("plan", "--detailed-exitcode", "--repo", repo.toString()).code()).isZero();
  }

  @Test
  void aServicePinningAnUnrecordedVersionIsRefused() throws IOException {
    apply();
    byte[] before = Files.readAllBytes(registry);
    Files.writeString(repo.resolve("pinned.textproto"),
        "feature_services { name: \"old\" features: \"user_activity@4:total_activities\" }\n");
    Run r = apply();
    assertThat(r.code()).isEqualTo(Larder.USAGE);
    assertThat(r.err()).contains("nothing applied: feature service 'old' pins version 4 of feature view"
        + " 'user_activity', which the registry does not record (after this apply its version is 1)");
    assertThat(Files.readAllBytes(registry)).isEqualTo(before);
    Files.writeString(repo.resolve("pinned.textproto"),
        "feature_services { name: \"old\" features: \"user_activity@one\" }\n");
    assertThat(apply().err()).contains("pinned.textproto:1:", "'user_activity@one' in feature service 'old' pins no version");
    Files.writeString(repo.resolve("pinned.textproto"),
        "feature_services { name: \"old\" features: \"user_activity@1:total_activities\" }\n");
    assertThat(apply().code()).isZero();
  }

  @Test
  void describeShowsLineage() {
    apply();
    Run feature = larder("describe", "user_activity:total_spend", "--repo", repo.toString());
    assertThat(feature.code()).isZero();
    assertThat(feature.out()).contains("feature user_activity:total_spend", "sum(price) over 30d where"
        + " event_type = 'purchase'", "user_activity (aggregation, version 1)", "user_events", "user_id INT64",
        "feature services: user_model");
    Run view = larder("describe", "user_profile", "--output", "json", "--repo", repo.toString());
    assertThat(view.out()).contains("\"type\": \"feature_view\"", "\"source\": \"user_profiles\"",
        "\"feature_services\": [\"user_model\"]", "\"materialized\": []");
    Run unknown = larder("describe", "nope", "--repo", repo.toString());
    assertThat(unknown.code()).isEqualTo(Larder.USAGE);
    assertThat(unknown.err()).contains("nothing is called 'nope'");
  }

  @Test
  void materializedIntervalsSurviveNonBreakingChangesOnly() throws IOException {
    apply();
    Registry reg = RegistryFile.read(registry).orElseThrow();
    Interval day = Interval.newBuilder().setStart(Timestamps.toProto(Timestamps.toMicros(
            Instant.parse("2026-11-01T00:00:00Z"))))
        .setEnd(Timestamps.toProto(Timestamps.toMicros(Instant.parse("2026-11-02T00:00:00Z")))).build();
    Registry.Builder b = reg.toBuilder();
    reg.getViewStatesMap().forEach((v, s) -> b.putViewStates(v, s.toBuilder().addMaterialized(day).build()));
    RegistryFile.write(registry, b.build());
    edit("user_profile.textproto", "ttl: \"365d\"", "ttl: \"400d\"");
    assertThat(apply().code()).isZero();
    assertThat(larder("describe", "user_profile", "--repo", repo.toString()).out())
        .contains("materialized:           2026-11-01T00:00:00Z .. 2026-11-02T00:00:00Z");
    edit("user_profile.textproto", "features { name: \"tier\" type: STRING }", "");
    Run breaking = apply();
    assertThat(breaking.out()).contains("! BREAKING feature_view user_profile: version 1 -> 2: removed feature tier");
    Registry after = RegistryFile.read(registry).orElseThrow();
    assertThat(after.getViewStatesMap().get("user_profile").getMaterializedList()).isEmpty();
    assertThat(after.getViewStatesMap().get("user_activity").getMaterializedList()).containsExactly(day);
    assertThat(larder("describe", "user_profile", "--repo", repo.toString()).out())
        .contains("version:                2", "materialized:           none");
  }

  @Test
  void applyFailsWhileAnotherRunHoldsTheRegistryLock() throws IOException {
    try (RepoLock held = RepoLock.acquire(Path.of(registry + ".lock"), "the registry")) {
      Run r = apply();
      assertThat(r.code()).isEqualTo(Larder.FAILURE);
      assertThat(r.err()).contains("another run holds the lock for the registry");
    }
    assertThat(registry).doesNotExist();
  }

  @Test
  void definitionsAreCheckedAgainstTheSourceFiles() throws IOException {
    Files.createDirectories(repo.resolve("data/raw"));
    Files.writeString(repo.resolve("data/raw/part-0.csv"), "user_id,score,ts\n1,0.5,2026-11-01T00:00:00Z\n");
    Files.writeString(repo.resolve("raw.textproto"), """
        sources { name: "raw" path: "data/raw" format: CSV timestamp_field: "ts" }
        feature_views {
          name: "raw_scores"
          entities: "user"
          source: "raw"
          features { name: "scor" type: DOUBLE }
        }
        """);
    Run r = apply();
    assertThat(r.code()).isEqualTo(Larder.USAGE);
    assertThat(r.err()).contains("raw.textproto:6:14: feature 'scor' of passthrough view 'raw_scores' is not a"
        + " column of source 'raw'; expected one of: user_id, score, ts");
  }

  @Test
  void aCsvFileUnderAParquetSourceGetsOneMessageThatNamesTheFileAndSaysCsv() throws IOException {
    Path events = repo.resolve("data/events");
    Files.createDirectories(events);
    Files.writeString(events.resolve("part-0.parquet"), "user_id,product_id,event_type,price,event_timestamp\n"
        + "1,p1,view,9.5,2026-11-01T00:00:00Z\n");
    Run r = apply();
    assertThat(r.code()).as(r.err()).isEqualTo(Larder.USAGE);
    assertThat(r.err()).contains("part-0.parquet: not a Parquet file: it looks like CSV (first line: "
        + "'user_id,product_id,event_type,price,event_timestamp'); declare the source with format: CSV");
    assertThat(r.err()).as("no contradicting note").doesNotContain("source 'user_events' has no data files");
    assertThat(r.err()).as("no internal object names").doesNotContain("LocalInputFile@");
  }

  @Test
  void applyRefusesARepositoryWithoutDefinitions() throws IOException {
    Path empty = tmp.resolve("empty");
    Files.createDirectories(empty);
    Files.writeString(empty.resolve("larder.properties"), "project=empty\n");
    Run r = larder("apply", "--repo", empty.toString());
    assertThat(r.code()).isEqualTo(Larder.USAGE);
    assertThat(r.err()).contains("no definitions files (*.textproto) under");
    assertThat(larder("plan", "--repo", tmp.resolve("nowhere").toString()).err())
        .contains("no project file; run `larder init");
  }

  @Test
  void everyCommandHasHelp() {
    for (String c : new String[] {"init", "apply", "plan", "list", "describe", "log"}) {
      Run r = larder(c, "--help");
      assertThat(r.code()).as(c).isZero();
      assertThat(r.out()).as(c).contains("Usage: larder " + c);
    }
  }
}
