package dev.larder.aggregate;

import static dev.larder.core.v1.Aggregation.Function.AVG;
import static dev.larder.core.v1.Aggregation.Function.COUNT;
import static dev.larder.core.v1.Aggregation.Function.COUNT_DISTINCT;
import static dev.larder.core.v1.Aggregation.Function.LAST;
import static dev.larder.core.v1.Aggregation.Function.MAX;
import static dev.larder.core.v1.Aggregation.Function.MIN;
import static dev.larder.core.v1.Aggregation.Function.SUM;
import static dev.larder.core.v1.ValueType.BOOL;
import static dev.larder.core.v1.ValueType.BYTES;
import static dev.larder.core.v1.ValueType.DOUBLE;
import static dev.larder.core.v1.ValueType.FLOAT;
import static dev.larder.core.v1.ValueType.INT32;
import static dev.larder.core.v1.ValueType.INT64;
import static dev.larder.core.v1.ValueType.STRING;
import static dev.larder.core.v1.ValueType.STRING_LIST;
import static dev.larder.core.v1.ValueType.TIMESTAMP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.Feature;
import dev.larder.value.Column;
import dev.larder.value.RowSchema;
import java.util.List;
import org.junit.jupiter.api.Test;

class AggregationsTest {
  @Test
  void outputTypes() {
    assertThat(Aggregations.outputType(COUNT, null)).isEqualTo(INT64);
    assertThat(Aggregations.outputType(COUNT, BYTES)).isEqualTo(INT64);
    assertThat(Aggregations.outputType(COUNT_DISTINCT, STRING)).isEqualTo(INT64);
    assertThat(Aggregations.outputType(SUM, INT32)).isEqualTo(INT64);
    assertThat(Aggregations.outputType(SUM, INT64)).isEqualTo(INT64);
    assertThat(Aggregations.outputType(SUM, FLOAT)).isEqualTo(DOUBLE);
    assertThat(Aggregations.outputType(SUM, DOUBLE)).isEqualTo(DOUBLE);
    assertThat(Aggregations.outputType(AVG, INT32)).isEqualTo(DOUBLE);
    assertThat(Aggregations.outputType(MIN, TIMESTAMP)).isEqualTo(TIMESTAMP);
    assertThat(Aggregations.outputType(MAX, STRING)).isEqualTo(STRING);
    assertThat(Aggregations.outputType(MAX, FLOAT)).isEqualTo(FLOAT);
    assertThat(Aggregations.outputType(LAST, BOOL)).isEqualTo(BOOL);
    assertThat(Aggregations.outputType(LAST, STRING_LIST)).isEqualTo(STRING_LIST);
  }

  @Test
  void rejectedInputsSayWhatFits() {
    assertThatThrownBy(() -> Aggregations.outputType(SUM, STRING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sum does not apply to string; it takes int32, int64, float or double");
    assertThatThrownBy(() -> Aggregations.outputType(MIN, BOOL))
        .hasMessageContaining("int32, int64, float, double, timestamp or string");
    assertThatThrownBy(() -> Aggregations.outputType(AVG, null)).hasMessage(
        "avg does not apply to no column; it takes int32, int64, float or double");
    assertThatThrownBy(() -> Aggregations.outputType(COUNT_DISTINCT, STRING_LIST))
        .hasMessageContaining("any non-list column");
    assertThatThrownBy(() -> Aggregations.outputType(Aggregation.Function.FUNCTION_UNSPECIFIED, INT32))
        .hasMessageContaining("function is missing");
  }

  @Test
  void windows() {
    assertThat(Aggregations.windowMicros("15m")).isEqualTo(15 * 60_000_000L);
    assertThat(Aggregations.windowMicros("7d")).isEqualTo(7 * 86_400_000_000L);
    assertThat(Aggregations.windowMicros("lifetime")).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> Aggregations.windowMicros("soon")).hasMessageContaining("expected e.g. 15m");
  }

  @Test
  void specResolvesAgainstTheSourceAndChecksTheDeclaredType() {
    RowSchema schema = new RowSchema(List.of(new Column("amount", DOUBLE), new Column("kind", STRING)));
    Feature ok = Feature.newBuilder().setName("spend").setType(DOUBLE).setAggregation(Aggregation.newBuilder()
        .setFunction(SUM).setColumn("amount").setFilter("kind = 'buy'").setWindow("30d")).build();
    AggregateSpec spec = AggregateSpec.of(ok, schema);
    assertThat(spec.column()).isZero();
    assertThat(spec.outputType()).isEqualTo(DOUBLE);
    assertThat(spec.windowMicros()).isEqualTo(30 * 86_400_000_000L);
    assertThat(spec.filter().columns()).containsExactly("kind");

    assertThatThrownBy(() -> AggregateSpec.of(ok.toBuilder().setType(INT64).build(), schema))
        .hasMessage("feature 'spend': declared int64 but sum of double produces double");
    assertThatThrownBy(() -> AggregateSpec.of(ok.toBuilder()
        .setAggregation(ok.getAggregation().toBuilder().setColumn("amt")).build(), schema))
        .hasMessageContaining("feature 'spend': unknown column 'amt'");
    assertThatThrownBy(() -> AggregateSpec.of(ok.toBuilder()
        .setAggregation(ok.getAggregation().toBuilder().clearColumn()).build(), schema))
        .hasMessage("feature 'spend': sum needs a column");
    assertThatThrownBy(() -> AggregateSpec.of(ok.toBuilder()
        .setAggregation(ok.getAggregation().toBuilder().setFilter("kind = 1")).build(), schema))
        .isInstanceOf(FilterSyntaxException.class);
  }
}
