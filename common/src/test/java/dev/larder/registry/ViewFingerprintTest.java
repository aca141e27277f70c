package dev.larder.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.TextFormat;
import dev.larder.core.v1.Definitions;
import dev.larder.core.v1.Registry;
import org.junit.jupiter.api.Test;

/** The fingerprint's canonical form is part of every stored registry: it must not drift by accident. */
class ViewFingerprintTest {
  static final String DEFS = """
      entities { name: "user" join_keys { name: "user_id" type: INT64 } description: "a user" }
      sources { name: "events" path: "data/events" timestamp_field: "ts" created_timestamp_field: "created"
                field_mapping { key: "uid" value: "user_id" } field_mapping { key: "amt" value: "amount" } }
      feature_views { name: "activity" entities: "user" source: "events" ttl: "2d"
        features { name: "clicks" type: INT64 aggregation { function: COUNT filter: "kind = 'click'" window: "1d" } }
        features { name: "spend" type: DOUBLE aggregation { function: SUM column: "amount" window: "lifetime" } } }
      """;

  static String fingerprint(String defs) throws TextFormat.ParseException {
    Registry r = Plan.between(Registry.getDefaultInstance(), TextFormat.parse(defs, Definitions.class))
        .apply("p", java.time.Instant.EPOCH);
    Catalog c = Catalog.of(r);
    return ViewFingerprint.of(c, c.requireView("activity"));
  }

  @Test
  void theCanonicalFormIsStable() throws TextFormat.ParseException {
    Registry r = Plan.between(Registry.getDefaultInstance(), TextFormat.parse(DEFS, Definitions.class))
        .apply("p", java.time.Instant.EPOCH);
    Catalog c = Catalog.of(r);
    assertThat(ViewFingerprint.canonical(c.requireView("activity"), java.util.Map.of("user", c.entity("user").orElseThrow()),
        c.source("events").orElseThrow())).isEqualTo("""
        entity "user" key "user_id" INT64
        source path "data/events" format FORMAT_UNSPECIFIED timestamp "ts" created "created"
        source mapping "amt" "amount"
        source mapping "uid" "user_id"
        feature "clicks" INT64 aggregation COUNT column "" filter "kind = 'click'" window 86400000ms
        feature "spend" DOUBLE aggregation SUM column "amount" filter "" window lifetime
        """);
    // A change of this value means every applied view gets a new version on the next apply.
    assertThat(fingerprint(DEFS)).isEqualTo(r.getViewStatesMap().get("activity").getFingerprint())
        .isEqualTo("fp1:182ff254fe2420f9aabf33c4ae5a1f06dfc0e9bcb6a89c5d1b737c8160fb0ed7");
  }

  @Test
  void descriptiveFieldsAndMapOrderDoNotCount() throws TextFormat.ParseException {
    String base = fingerprint(DEFS);
    assertThat(fingerprint(DEFS.replace("ttl: \"2d\"", "ttl: \"9d\" online: false description: \"x\" owner: \"me\""))).isEqualTo(base);
    assertThat(fingerprint(DEFS.replace("field_mapping { key: \"uid\" value: \"user_id\" } field_mapping { key: \"amt\" value: \"amount\" }",
        "field_mapping { key: \"amt\" value: \"amount\" } field_mapping { key: \"uid\" value: \"user_id\" }"))).isEqualTo(base);
    assertThat(fingerprint(DEFS.replace("window: \"1d\"", "window: \"24h\""))).isEqualTo(base);
    assertThat(fingerprint(DEFS.replace("name: \"events\" path", "description: \"raw\" name: \"events\" path"))).isEqualTo(base);
    assertThat(fingerprint(DEFS.replace("window: \"1d\"", "window: \"2d\""))).isNotEqualTo(base);
    assertThat(fingerprint(DEFS.replace("kind = 'click'", "kind = 'view'"))).isNotEqualTo(base);
    assertThat(fingerprint(DEFS.replace("path: \"data/events\"", "path: \"data/events2\""))).isNotEqualTo(base);
    assertThat(fingerprint(DEFS.replace("created_timestamp_field: \"created\"", ""))).isNotEqualTo(base);
    assertThat(fingerprint(DEFS.replace("type: INT64 }", "type: STRING }"))).isNotEqualTo(base);
  }
}
