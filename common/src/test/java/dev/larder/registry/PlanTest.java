package dev.larder.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.TextFormat;
import dev.larder.core.v1.Definitions;
import dev.larder.core.v1.Interval;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.RegistryChange;
import dev.larder.core.v1.ViewState;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a plan calls a new view version (breaking), and what applying it keeps of the view states. */
class PlanTest {
  static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
  static final String BASE = """
      entities { name: "user" join_keys { name: "user_id" type: INT64 } }
      entities { name: "shop" join_keys { name: "shop_id" type: STRING } }
      sources { name: "events" path: "e" timestamp_field: "ts" }
      feature_views {
        name: "activity" entities: "user" source: "events" ttl: "2d"
        features { name: "clicks" type: INT64 aggregation { function: COUNT window: "1d" } }
        features { name: "spend" type: DOUBLE aggregation { function: SUM column: "price" window: "1d" } }
      }
      feature_views {
        name: "profile" entities: "user" source: "events"
        features { name: "country" type: STRING }
      }
      feature_services { name: "model" features: "activity" }
      """;

  static Definitions defs(String text) throws TextFormat.ParseException {
    return TextFormat.parse(text, Definitions.class);
  }

  /** Version 1 of BASE, with an interval materialized for each view. */
  static Registry applied() throws TextFormat.ParseException {
    Registry r = Plan.between(Registry.getDefaultInstance(), defs(BASE)).apply("p", NOW);
    Interval day = Interval.newBuilder().setStart(Timestamps.toProto(0)).setEnd(Timestamps.toProto(86_400_000_000L))
        .build();
    Registry.Builder b = r.toBuilder();
    for (String v : new String[] {"activity", "profile"}) {
      b.putViewStates(v, r.getViewStatesMap().get(v).toBuilder().addMaterialized(day).build());
    }
    return b.build();
  }

  private static Plan plan(Registry from, String from0, String to) throws TextFormat.ParseException {
    return Plan.between(from, defs(BASE.replace(from0, to)));
  }

  @Test
  void firstApplyAddsEverythingAtVersionOne() throws TextFormat.ParseException {
    Registry r = Plan.between(Registry.getDefaultInstance(), defs(BASE)).apply("p", NOW);
    assertThat(r.getVersion()).isEqualTo(1);
    assertThat(r.getUpdatedAt()).isEqualTo(Timestamps.toProto(Timestamps.toMicros(NOW)));
    assertThat(r.getViewStatesMap()).containsOnlyKeys("activity", "profile");
    ViewState activity = r.getViewStatesMap().get("activity");
    assertThat(activity.getVersion()).isEqualTo(1);
    assertThat(activity.getSinceRegistryVersion()).isEqualTo(1);
    assertThat(activity.getFingerprint()).startsWith("fp1:").hasSize(4 + 64)
        .isEqualTo(ViewFingerprint.of(Catalog.of(r), Catalog.of(r).requireView("activity")));
    assertThat(activity.getPreviousVersionsList()).isEmpty();
    assertThat(r.getVersions(0).getChangesList()).extracting(RegistryChange::getKind)
        .containsOnly(RegistryChange.Kind.ADDED).hasSize(6);
  }

  @Test
  void sameDefinitionsPlanNothing() throws TextFormat.ParseException {
    Plan p = Plan.between(applied(), defs(BASE));
    assertThat(p.isEmpty()).isTrue();
    assertThat(p.render()).containsExactly("No changes; registry stays at version 1");
  }

  @Test
  void featureTypeChangeIsBreakingAndStartsWithoutIntervals() throws TextFormat.ParseException {
    Registry before = applied();
    Plan p = plan(before, "name: \"country\" type: STRING", "name: \"country\" type: BYTES");
    assertThat(p.changes()).singleElement().satisfies(c -> {
      assertThat(c.getKind()).isEqualTo(RegistryChange.Kind.BREAKING);
      assertThat(c.getDetail()).isEqualTo("version 1 -> 2: feature country type STRING -> BYTES");
    });
    Registry after = p.apply("p", NOW);
    assertThat(after.getVersion()).isEqualTo(2);
    ViewState profile = after.getViewStatesMap().get("profile");
    assertThat(profile.getVersion()).isEqualTo(2);
    assertThat(profile.getSinceRegistryVersion()).isEqualTo(2);
    assertThat(profile.getMaterializedList()).isEmpty();
    assertThat(profile.getFingerprint()).isNotEqualTo(before.getViewStatesMap().get("profile").getFingerprint());
    // The replaced version is kept with the definition it was computed from and its intervals.
    assertThat(profile.getPreviousVersionsList()).singleElement().satisfies(old -> {
      assertThat(old.getVersion()).isEqualTo(1);
      assertThat(old.getSinceRegistryVersion()).isEqualTo(1);
      assertThat(old.getUntilRegistryVersion()).isEqualTo(2);
      assertThat(old.getFingerprint()).isEqualTo(before.getViewStatesMap().get("profile").getFingerprint());
      assertThat(old.getView().getFeatures(0).getType()).isEqualTo(dev.larder.core.v1.ValueType.STRING);
      assertThat(old.getEntitiesList()).extracting(dev.larder.core.v1.Entity::getName).containsExactly("user");
      assertThat(old.getSource().getName()).isEqualTo("events");
      assertThat(old.getMaterializedList()).hasSize(1);
    });
    assertThat(p.viewsToRecompute()).containsExactly(java.util.Map.entry("profile", 2L));
    assertThat(p.hasNewVersions()).isTrue();
    assertThat(after.getViewStatesMap().get("activity")).isEqualTo(before.getViewStatesMap().get("activity"));
    assertThat(after.getVersionsList()).hasSize(2);
  }

  @Test
  void removedFeatureEntityListAndJoinKeyChangesAreBreaking() throws TextFormat.ParseException {
    Registry before = applied();
    assertThat(plan(before, "features { name: \"country\" type: STRING }",
        "features { name: \"city\" type: STRING }").changes()).singleElement()
        .satisfies(c -> assertThat(c.getDetail()).isEqualTo("version 1 -> 2: removed feature country; added feature"
            + " city"));
    assertThat(plan(before, "name: \"profile\" entities: \"user\"", "name: \"profile\" entities: \"shop\"")
        .changes()).singleElement()
        .satisfies(c -> assertThat(c.getDetail()).isEqualTo("version 1 -> 2: entities [user] -> [shop]"));
    Plan keys = plan(before, "name: \"user_id\" type: INT64", "name: \"user_id\" type: STRING");
    assertThat(keys.changes()).extracting(Plan::describe).containsExactly(
        "~ entity user: join_keys [user_id INT64] -> [user_id STRING]",
        "! BREAKING feature_view activity: version 1 -> 2: join keys of entity 'user' changed: join_keys"
            + " [user_id INT64] -> [user_id STRING]",
        "! BREAKING feature_view profile: version 1 -> 2: join keys of entity 'user' changed: join_keys"
            + " [user_id INT64] -> [user_id STRING]");
    assertThat(keys.apply("p", NOW).getViewStatesMap().get("activity").getMaterializedList()).isEmpty();
  }

  @Test
  void aChangedMeaningIsANewVersion() throws TextFormat.ParseException {
    Registry before = applied();
    Plan p = plan(before, "window: \"1d\" } }\n  features { name: \"spend\"",
        "window: \"7d\" } }\n  features { name: \"spend\"");
    assertThat(p.changes()).extracting(Plan::describe).containsExactly(
        "! BREAKING feature_view activity: version 1 -> 2: feature clicks: aggregation: window \"1d\" -> \"7d\"");
    assertThat(p.render()).contains("Needs recomputing (larder compute for aggregation views, then larder materialize"
        + " for online views): activity v2");
    Registry after = p.apply("p", NOW);
    assertThat(after.getViewStatesMap().get("activity").getVersion()).isEqualTo(2);
    assertThat(after.getViewStatesMap().get("profile")).isEqualTo(before.getViewStatesMap().get("profile"));
    // filter, function, column: each a new version
    assertThat(plan(before, "function: COUNT window", "function: COUNT filter: \"x > 1\" window").hasNewVersions())
        .isTrue();
    assertThat(plan(before, "function: SUM column: \"price\"", "function: MAX column: \"price\"").hasNewVersions())
        .isTrue();
    assertThat(plan(before, "column: \"price\"", "column: \"amount\"").hasNewVersions()).isTrue();
    // The same window written differently is the same meaning.
    assertThat(plan(before, "window: \"1d\" } }\n  features { name: \"spend\"",
        "window: \"24h\" } }\n  features { name: \"spend\"").changes()).singleElement()
        .satisfies(c -> assertThat(c.getKind()).isEqualTo(RegistryChange.Kind.CHANGED));
  }

  @Test
  void aSourceChangeIsANewVersionOfEveryViewReadingIt() throws TextFormat.ParseException {
    Registry before = applied();
    Plan moved = plan(before, "path: \"e\"", "path: \"e2\"");
    assertThat(moved.changes()).extracting(Plan::describe).containsExactly(
        "~ source events: path \"e\" -> \"e2\"",
        "! BREAKING feature_view activity: version 1 -> 2: source 'events': path \"e\" -> \"e2\"",
        "! BREAKING feature_view profile: version 1 -> 2: source 'events': path \"e\" -> \"e2\"");
    assertThat(plan(before, "timestamp_field: \"ts\"", "timestamp_field: \"ts\" field_mapping { key: \"a\" value: \"b\" }")
        .viewsToRecompute()).containsOnlyKeys("activity", "profile");
    assertThat(plan(before, "timestamp_field: \"ts\"", "timestamp_field: \"ts\" created_timestamp_field: \"c\"")
        .hasNewVersions()).isTrue();
    // Descriptions of the source change no stored value.
    assertThat(plan(before, "timestamp_field: \"ts\"", "timestamp_field: \"ts\" description: \"clicks\"")
        .hasNewVersions()).isFalse();
  }

  @Test
  void descriptiveChangesKeepVersionAndIntervals() throws TextFormat.ParseException {
    Registry before = applied();
    Plan p = plan(before, "ttl: \"2d\"", "ttl: \"3d\" online: false description: \"d\" tags { key: \"k\" value: \"v\" }");
    assertThat(p.changes()).extracting(Plan::describe)
        .containsExactly("~ feature_view activity: ttl \"2d\" -> \"3d\"; online unset -> false; description \"\" -> \"d\";"
            + " tags changed");
    assertThat(p.hasNewVersions()).isFalse();
    assertThat(p.viewsToRecompute()).isEmpty();
    assertThat(p.apply("p", NOW).getViewStatesMap()).isEqualTo(before.getViewStatesMap());
    assertThat(plan(before, "name: \"country\" type: STRING", "name: \"country\" type: STRING description: \"c\"")
        .hasNewVersions()).isFalse();
    assertThat(plan(before, "join_keys { name: \"user_id\" type: INT64 }",
        "join_keys { name: \"user_id\" type: INT64 } description: \"a user\"").hasNewVersions()).isFalse();
  }

  @Test
  void versionsCoexistInTheRegistry() throws TextFormat.ParseException {
    Registry v1 = applied();
    Registry v2 = plan(v1, "window: \"1d\" } }\n  features { name: \"spend\"",
        "window: \"7d\" } }\n  features { name: \"spend\"").apply("p", NOW);
    Registry v3 = Plan.between(v2, defs(BASE.replace("window: \"1d\" } }\n  features { name: \"spend\"",
        "window: \"30d\" } }\n  features { name: \"spend\""))).apply("p", NOW);
    Catalog catalog = Catalog.of(v3);
    assertThat(catalog.versions("activity").all()).extracting(ViewVersions.Version::number).containsExactly(1L, 2L, 3L);
    assertThat(catalog.versions("activity").get(1).orElseThrow().view().getFeatures(0).getAggregation().getWindow())
        .isEqualTo("1d");
    Catalog pinned = catalog.pinned("activity", 2);
    assertThat(pinned.viewVersion("activity")).isEqualTo(2);
    assertThat(pinned.requireView("activity").getFeatures(0).getAggregation().getWindow()).isEqualTo("7d");
    assertThat(catalog.resolve(java.util.List.of("activity@1:clicks", "activity:spend")))
        .extracting(Catalog.FeatureRef::version, Catalog.FeatureRef::pinned)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, true), org.assertj.core.groups.Tuple.tuple(3L, false));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> catalog.resolve(java.util.List.of("activity@9:clicks")))
        .hasMessage("feature view 'activity' has no version 9 in the registry (versions: 1, 2, 3)");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> catalog.resolve(java.util.List.of("activity@x")))
        .hasMessageContaining("'@x' is not a version");
  }

  @Test
  void aDefinitionChangedBehindTheFingerprintsBackIsANewVersion() throws TextFormat.ParseException {
    // As an older release would have written it: window changed, version and stored fingerprint kept.
    Registry v1 = applied();
    Registry stale = v1.toBuilder().clearFeatureViews()
        .addAllFeatureViews(defs(BASE.replace("window: \"1d\" } }\n  features { name: \"spend\"",
            "window: \"7d\" } }\n  features { name: \"spend\"")).getFeatureViewsList())
        .build();
    Plan p = Plan.between(stale, Definitions.newBuilder().addAllEntities(stale.getEntitiesList())
        .addAllSources(stale.getSourcesList()).addAllFeatureViews(stale.getFeatureViewsList())
        .addAllFeatureServices(stale.getFeatureServicesList()).build());
    assertThat(p.changes()).extracting(Plan::describe).containsExactly("! BREAKING feature_view activity: version 1"
        + " -> 2: the applied definition no longer matches the fingerprint of version 1 (changed by an older Larder"
        + " release)");
  }

  @Test
  void aServiceMayPinARecordedVersion() throws TextFormat.ParseException {
    Registry v1 = applied();
    String changed = BASE.replace("window: \"1d\" } }\n  features { name: \"spend\"",
        "window: \"7d\" } }\n  features { name: \"spend\"");
    Plan pinned = Plan.between(v1, defs(changed + "feature_services { name: \"old\" features: \"activity@1:clicks\" }"));
    assertThat(pinned.problems()).isEmpty();
    Registry v2 = pinned.apply("p", NOW);
    assertThat(Catalog.of(v2).resolveService("old")).singleElement()
        .satisfies(r -> assertThat(r.version()).isEqualTo(1));
    Plan unknown = Plan.between(v1, defs(BASE + "feature_services { name: \"old\" features: \"activity@5\" }"));
    assertThat(unknown.problems()).containsExactly("feature service 'old' pins version 5 of feature view 'activity',"
        + " which the registry does not record (after this apply its version is 1)");
  }

  @Test
  void addingRemovingOrReorderingFeaturesIsANewVersion() throws TextFormat.ParseException {
    Registry before = applied();
    String clicks = "features { name: \"clicks\" type: INT64 aggregation { function: COUNT window: \"1d\" } }";
    String spend = "features { name: \"spend\" type: DOUBLE aggregation { function: SUM column: \"price\" window: \"1d\" } }";
    String views = "features { name: \"views\" type: INT64 aggregation { function: COUNT window: \"7d\" } }";
    // Appending adds values that older snapshots lack: a new meaning, as Chronon's _v2 convention treats it.
    assertThat(plan(before, spend, spend + "\n" + views).changes()).singleElement()
        .satisfies(c -> assertThat(c.getDetail()).isEqualTo("version 1 -> 2: added feature views"));
    assertThat(plan(before, clicks, views + "\n" + clicks).changes()).singleElement()
        .satisfies(c -> assertThat(c.getKind()).isEqualTo(RegistryChange.Kind.BREAKING));
    Plan swapped = Plan.between(before, defs(BASE.replace(clicks, "@@").replace(spend, clicks).replace("@@", spend)));
    assertThat(swapped.changes()).singleElement().satisfies(c -> {
      assertThat(c.getKind()).isEqualTo(RegistryChange.Kind.BREAKING);
      assertThat(c.getDetail()).contains("features reordered");
    });
  }

  @Test
  void removedViewAndServiceAreReportedAndAReAddedViewGetsAFreshVersion() throws TextFormat.ParseException {
    Registry before = applied();
    String withoutProfile = BASE.substring(0, BASE.indexOf("feature_views {\n  name: \"profile\""))
        + "feature_services { name: \"other\" features: \"activity:clicks\" }\n";
    Plan removal = Plan.between(before, defs(withoutProfile));
    assertThat(removal.render()).containsExactly(
        "Plan: 1 to add, 0 to change, 2 to remove (registry version 1 -> 2)",
        "  - feature_view profile",
        "  + feature_service other",
        "  - feature_service model");
    Registry removed = removal.apply("p", NOW);
    assertThat(removed.getViewStatesMap()).containsOnlyKeys("activity");
    Registry readded = Plan.between(removed, defs(BASE)).apply("p", NOW);
    assertThat(readded.getViewStatesMap().get("profile").getVersion()).isEqualTo(3);
    assertThat(readded.getViewStatesMap().get("profile").getMaterializedList()).isEmpty();
  }

  @Test
  void applyReReadsTheRegistryUnderTheLock(@TempDir Path dir) throws IOException {
    RegistryStore store = new RegistryStore(dir.resolve("registry.pb"));
    Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    assertThat(store.apply("p", defs(BASE), clock).changed()).isTrue();
    // A materializer records an interval after the plan was printed but before apply writes.
    Registry withInterval = applied();
    RegistryFile.write(store.path(), withInterval);
    Definitions changed = defs(BASE.replace("ttl: \"2d\"", "ttl: \"3d\""));
    RegistryStore.Applied a = store.apply("p", changed, clock);
    assertThat(a.registry().getVersion()).isEqualTo(2);
    assertThat(store.read().getViewStatesMap()).isEqualTo(withInterval.getViewStatesMap());
    assertThat(store.lockFile()).exists();
    assertThat(Files.exists(dir.resolve("registry.pb"))).isTrue();
  }
}
