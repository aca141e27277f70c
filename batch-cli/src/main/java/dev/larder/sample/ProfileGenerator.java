package dev.larder.sample;

import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates one profile row per user, valid from some time in the 90 days before {@code end}; about one user
 * in twenty gets a second version later (an upgraded tier), so that point-in-time lookups have something to
 * choose between. {@code created_timestamp} is when the row was written, shortly after it became valid.
 *
 * <p>Columns: user_id int64, account_age_days int32, country string, tier string (free, plus, pro),
 * event_timestamp timestamp, created_timestamp timestamp.
 */
public final class ProfileGenerator implements RowReader {
  public static final RowSchema SCHEMA = new RowSchema(List.of(
      new Column("user_id", ValueType.INT64), new Column("account_age_days", ValueType.INT32),
      new Column("country", ValueType.STRING), new Column("tier", ValueType.STRING),
      new Column("event_timestamp", ValueType.TIMESTAMP), new Column("created_timestamp", ValueType.TIMESTAMP)));

  private static final String[] COUNTRIES = {"US", "US", "US", "DE", "DE", "GB", "GB", "FR", "IN", "IN", "BR", "JP", "CA", "NL", "ES"};
  private static final long DAY = 86_400_000_000L;

  private final int users;
  private final SplittableRandom rnd;
  private final long end;
  private final ArrayDeque<Object[]> pending = new ArrayDeque<>();
  private long user;

  public ProfileGenerator(int users, long seed, long end) {
    this.users = users;
    this.rnd = new SplittableRandom(seed);
    this.end = end;
  }

  @Override
  public RowSchema schema() {
    return SCHEMA;
  }

  @Override
  public Object[] next() {
    if (pending.isEmpty()) {
      if (user >= users) {
        return null;
      }
      user++;
      int age = 1 + (int) (-Math.log(1 - rnd.nextDouble()) * 400) % 3000;
      String country = COUNTRIES[rnd.nextInt(COUNTRIES.length)];
      double u = rnd.nextDouble();
      String tier = u < 0.7 ? "free" : u < 0.9 ? "plus" : "pro";
      long valid = end - 90 * DAY + rnd.nextLong(30 * DAY);
      pending.add(new Object[] {user, age, country, tier, valid, valid + rnd.nextLong(3_600_000_000L)});
      if (rnd.nextDouble() < 0.05) {
        long later = end - 60 * DAY + rnd.nextLong(59 * DAY);
        String upgraded = tier.equals("free") ? "plus" : "pro";
        int laterAge = age + (int) ((later - valid) / DAY);
        pending.add(new Object[] {user, laterAge, country, upgraded, later, later + rnd.nextLong(3_600_000_000L)});
      }
    }
    return pending.poll();
  }

  @Override
  public String position() {
    return "generated profile of user " + user;
  }

  @Override
  public void close() {}
}
