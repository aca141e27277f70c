package dev.larder.sample;

import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates entity rows for training sets: a user, a time in {@code [end - days, end)} and the label
 * {@code purchased_next_day}. Users are drawn with the same skew as the sample events, and busier users get the
 * label more often, so that features computed from the events carry real signal for a model.
 *
 * <p>Columns: user_id int64, event_timestamp timestamp, purchased_next_day bool.
 */
public final class LabelGenerator implements RowReader {
  public static final RowSchema SCHEMA = new RowSchema(List.of(
      new Column("user_id", ValueType.INT64), new Column("event_timestamp", ValueType.TIMESTAMP),
      new Column("purchased_next_day", ValueType.BOOL)));

  private final Population population;
  private final SplittableRandom rnd;
  private final long rows;
  private final long start;
  private final long end;
  private long emitted;

  public LabelGenerator(int users, long rows, int days, long seed, long end) {
    this.population = new Population(users);
    this.rnd = new SplittableRandom(seed);
    this.rows = rows;
    this.end = end;
    this.start = end - days * 86_400_000_000L;
  }

  @Override
  public RowSchema schema() {
    return SCHEMA;
  }

  @Override
  public Object[] next() {
    if (emitted >= rows) {
      return null;
    }
    emitted++;
    long user = rnd.nextDouble() < 0.8 ? population.activeUser(rnd) : 1 + rnd.nextInt(population.users());
    double p = 0.03 + 0.4 / Math.sqrt(population.rankOfUser(user));
    long t = start + rnd.nextLong(end - start);
    return new Object[] {user, t, rnd.nextDouble() < p};
  }

  @Override
  public String position() {
    return "generated label row " + emitted;
  }

  @Override
  public void close() {}
}
