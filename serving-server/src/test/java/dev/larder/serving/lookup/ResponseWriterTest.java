package dev.larder.serving.lookup;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import dev.larder.core.v1.Entity;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.core.v1.ValueType;
import dev.larder.online.OnlineRow;
import dev.larder.serving.v1.FeatureVector;
import dev.larder.serving.v1.FieldStatus;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.time.Timestamps;
import dev.larder.value.Values;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The hand-written serializer must produce exactly the bytes of the message the generated builders would
 * build from the same rows: compared against a straightforward reference on random plans and rows (missing
 * entities, nulls, stale rows, rows older than an appended feature, strings, lists, empty requests).
 */
class ResponseWriterTest {
  private static final long NOW = Timestamps.toMicros(java.time.Instant.parse("2026-11-20T12:00:00Z"));
  private static final long HOUR = 3_600_000_000L;
  private static final List<String> VIEWS = List.of("activity", "profile", "no_ttl");
  private static final ServedRegistry REGISTRY = ServedRegistry.of(Registry.newBuilder()
      .addEntities(Entity.newBuilder().setName("user")
          .addJoinKeys(Field.newBuilder().setName("user_id").setType(ValueType.INT64)))
      .addFeatureViews(view("activity", "1h", ValueType.INT64, ValueType.DOUBLE, ValueType.STRING))
      .addFeatureViews(view("profile", "2h", ValueType.STRING, ValueType.BOOL, ValueType.INT64_LIST, ValueType.BYTES))
      .addFeatureViews(view("no_ttl", "", ValueType.DOUBLE, ValueType.FLOAT))
      // served_versions varints of one and two bytes
      .putViewStates("profile", dev.larder.core.v1.ViewState.newBuilder().setVersion(300).build())
      .build());

  private static FeatureView.Builder view(String name, String ttl, ValueType... types) {
    FeatureView.Builder v = FeatureView.newBuilder().setName(name).addEntities("user").setTtl(ttl);
    for (int i = 0; i < types.length; i++) {
      v.addFeatures(Feature.newBuilder().setName("f" + i).setType(types[i]));
    }
    return v;
  }

  @RepeatedTest(300)
  void matchesTheGeneratedMessage(org.junit.jupiter.api.RepetitionInfo info) throws Exception {
    SplittableRandom random = new SplittableRandom(info.getCurrentRepetition());
    List<String> refs = randomRefs(random);
    LookupPlan plan = REGISTRY.plan(refs);
    int entities = random.nextInt(4) == 0 ? random.nextInt(2) : random.nextInt(1, 40);
    CachedRow[][] rows = new CachedRow[plan.reads().size()][];
    List<List<OnlineRow>> sources = new ArrayList<>();
    for (int r = 0; r < rows.length; r++) {
      ViewSpec spec = plan.reads().get(r).spec();
      rows[r] = new CachedRow[entities];
      List<OnlineRow> source = new ArrayList<>();
      for (int i = 0; i < entities; i++) {
        OnlineRow row = random.nextInt(5) == 0 ? null : randomRow(spec.view(), random);
        source.add(row);
        rows[r][i] = row == null ? CachedRow.MISSING : CachedRow.of(row);
      }
      sources.add(source);
    }
    boolean fullNames = random.nextBoolean();

    byte[] written = ResponseWriter.write(plan, fullNames, rows, NOW);

    GetOnlineFeaturesResponse expected = reference(plan, fullNames, sources);
    assertThat(written).isEqualTo(expected.toByteArray());
    assertThat(GetOnlineFeaturesResponse.parseFrom(written)).isEqualTo(expected);
  }

  @Test
  void statusesFollowTheRowAndTheViewTtl() throws Exception {
    LookupPlan plan = REGISTRY.plan(List.of("activity:f1", "activity:f2"));
    OnlineRow fresh = new OnlineRow(NOW - HOUR + 1, 0, new Value[] {Values.NULL, Value.newBuilder().setDoubleVal(2).build()});
    OnlineRow expired = new OnlineRow(NOW - HOUR, 0, new Value[] {Values.NULL, Value.newBuilder().setDoubleVal(3).build(),
        Value.newBuilder().setStringVal("x").build()});
    CachedRow[][] rows = {{CachedRow.of(fresh), CachedRow.of(expired), CachedRow.MISSING}};

    GetOnlineFeaturesResponse r = GetOnlineFeaturesResponse.parseFrom(ResponseWriter.write(plan, false, rows, NOW));

    assertThat(r.getFeatureNamesList()).containsExactly("f1", "f2");
    assertThat(r.getResults(0).getStatusesList())
        .containsExactly(FieldStatus.PRESENT, FieldStatus.OUTSIDE_MAX_AGE, FieldStatus.NOT_FOUND);
    // The fresh row was written before f2 was appended to the view: its f2 is null.
    assertThat(r.getResults(1).getStatusesList())
        .containsExactly(FieldStatus.NULL_VALUE, FieldStatus.OUTSIDE_MAX_AGE, FieldStatus.NOT_FOUND);
    assertThat(r.getResults(1).getValues(1).getStringVal()).isEqualTo("x");
    assertThat(r.getResults(0).getEventTimestamps(0)).isEqualTo(Timestamps.toProto(NOW - HOUR + 1));
    assertThat(r.getResults(0).getEventTimestamps(2)).isEqualTo(Timestamp.getDefaultInstance());
  }

  private static List<String> randomRefs(SplittableRandom random) {
    List<String> all = new ArrayList<>();
    for (String v : VIEWS) {
      int n = REGISTRY.onlineViews().get(v).view().getFeaturesCount();
      for (int f = 0; f < n; f++) {
        all.add(v + ":f" + f);
      }
    }
    Collections.shuffle(all, new java.util.Random(random.nextLong()));
    return List.copyOf(all.subList(0, random.nextInt(1, all.size() + 1)));
  }

  /** A row with random values; sometimes shorter than the view (written before features were appended). */
  private static OnlineRow randomRow(FeatureView view, SplittableRandom random) {
    int n = random.nextInt(6) == 0 ? random.nextInt(view.getFeaturesCount() + 1) : view.getFeaturesCount();
    Value[] values = new Value[n];
    for (int i = 0; i < n; i++) {
      values[i] = random.nextInt(5) == 0 ? Values.NULL : randomValue(view.getFeatures(i).getType(), random);
    }
    long event = NOW - random.nextLong(3 * HOUR) + (random.nextInt(8) == 0 ? HOUR : 0);
    return new OnlineRow(event, 0, values);
  }

  private static Value randomValue(ValueType type, SplittableRandom random) {
    Value.Builder b = Value.newBuilder();
    return switch (type) {
      case INT64 -> b.setInt64Val(random.nextLong()).build();
      case DOUBLE -> b.setDoubleVal(random.nextDouble() * 1e6 - 5e5).build();
      case FLOAT -> b.setFloatVal((float) random.nextDouble()).build();
      case BOOL -> b.setBoolVal(random.nextBoolean()).build();
      case STRING -> b.setStringVal("é".repeat(random.nextInt(0, 80))).build();
      case BYTES -> b.setBytesVal(ByteString.copyFrom(new byte[random.nextInt(0, 200)])).build();
      case INT64_LIST -> b.setInt64ListVal(dev.larder.core.v1.Int64List.newBuilder().addVal(random.nextLong()).addVal(7)).build();
      default -> throw new IllegalArgumentException(type.toString());
    };
  }

  /** The response built the obvious way, with the generated builders. */
  private static GetOnlineFeaturesResponse reference(LookupPlan plan, boolean fullNames, List<List<OnlineRow>> sources) {
    FeatureVector.Builder[] out = new FeatureVector.Builder[plan.featureCount()];
    for (int r = 0; r < plan.reads().size(); r++) {
      LookupPlan.ViewRead read = plan.reads().get(r);
      for (int f = 0; f < read.featureIndexes().length; f++) {
        FeatureVector.Builder b = FeatureVector.newBuilder();
        out[read.outputSlots()[f]] = b;
        int index = read.featureIndexes()[f];
        for (OnlineRow row : sources.get(r)) {
          if (row == null) {
            b.addValues(Value.getDefaultInstance()).addStatuses(FieldStatus.NOT_FOUND)
                .addEventTimestamps(Timestamp.getDefaultInstance());
            continue;
          }
          Value v = index < row.values().length ? row.values()[index] : Values.NULL;
          boolean fresh = row.eventTimestampMicros() > NOW - read.spec().freshness().ttlMicros()
              || !read.spec().freshness().hasTtl();
          FieldStatus status = !fresh ? FieldStatus.OUTSIDE_MAX_AGE
              : v.getValCase() == Value.ValCase.NULL_VAL || v.getValCase() == Value.ValCase.VAL_NOT_SET
                  ? FieldStatus.NULL_VALUE : FieldStatus.PRESENT;
          b.addValues(v).addStatuses(status).addEventTimestamps(Timestamps.toProto(row.eventTimestampMicros()));
        }
      }
    }
    GetOnlineFeaturesResponse.Builder response = GetOnlineFeaturesResponse.newBuilder()
        .addAllFeatureNames(fullNames ? plan.fullNames() : plan.names());
    for (FeatureVector.Builder b : out) {
      response.addResults(b);
    }
    long[] served = new long[plan.featureCount()];
    for (LookupPlan.ViewRead read : plan.reads()) {
      for (int slot : read.outputSlots()) {
        served[slot] = read.spec().version();
      }
    }
    for (long v : served) {
      response.addServedVersions(v);
    }
    return response.build();
  }
}
