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

/** What a plan calls breaking, and what applying it keeps of the view states. */
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
    assertThat(r.getViewStatesMap().get("activity")).isEqualTo(ViewState.newBuilder().setVersion(1)
        .setSinceRegistryVersion(1).build());
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
    assertThat(after.getViewStatesMap().get("profile")).isEqualTo(ViewState.newBuilder().setVersion(2)
        .setSinceRegistryVersion(2).build());
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
  void nonBreakingChangesKeepVersionAndIntervals() throws TextFormat.ParseException {
    Registry before = applied();
    Plan p = plan(before, "window: \"1d\" } }\n  features { name: \"spend\"",
        "window: \"7d\" } }\n  features { name: \"spend\"");
    assertThat(p.changes()).extracting(Plan::describe).containsExactly(
        "~ feature_view activity: feature clicks: aggregation: window \"1d\" -> \"7d\"");
    Registry after = p.apply("p", NOW);
    assertThat(after.getViewStatesMap()).isEqualTo(before.getViewStatesMap());
    assertThat(plan(before, "ttl: \"2d\"", "ttl: \"3d\" online: false").changes()).extracting(Plan::describe)
        .containsExactly("~ feature_view activity: ttl \"2d\" -> \"3d\"; online unset -> false");
  }

  @Test
  void appendingAFeatureKeepsTheVersionButReorderingOrInsertingBreaks() throws TextFormat.ParseException {
    Registry before = applied();
    String clicks = "features { name: \"clicks\" type: INT64 aggregation { function: COUNT window: \"1d\" } }";
    String spend = "features { name: \"spend\" type: DOUBLE aggregation { function: SUM column: \"price\" window: \"1d\" } }";
    String views = "features { name: \"views\" type: INT64 aggregation { function: COUNT window: \"7d\" } }";
    assertThat(plan(before, spend, spend + "\n" + views).changes()).singleElement()
        .satisfies(c -> assertThat(c.getKind()).isEqualTo(RegistryChange.Kind.CHANGED));
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
