package dev.larder.sample;

import dev.larder.core.v1.ValueType;
import dev.larder.value.Column;
import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.util.ArrayDeque;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Generates user activity events as a stream, so that any number of events needs only constant memory.
 * Users and products follow Zipf-like popularity; each session is a funnel of product views, some followed by
 * a click, some clicks by a purchase (busier users buy more often). Sessions start at evenly advancing times
 * over {@code [end - days, end)}, so events come out nearly in time order. The same arguments always give the
 * same events.
 *
 * <p>Columns: user_id int64, session_id string, product_id string ({@code p000123}), event_type string
 * (view, click, purchase), price double (the product's list price, on every event), event_timestamp timestamp.
 */
public final class EventGenerator implements RowReader {
  public static final RowSchema SCHEMA = new RowSchema(List.of(
      new Column("user_id", ValueType.INT64), new Column("session_id", ValueType.STRING),
      new Column("product_id", ValueType.STRING), new Column("event_type", ValueType.STRING),
      new Column("price", ValueType.DOUBLE), new Column("event_timestamp", ValueType.TIMESTAMP)));

  private static final double NEXT_VIEW = 0.72;
  private static final double CLICK = 0.3;

  private final Population population;
  private final SplittableRandom rnd;
  private final long total;
  private final long start;
  private final long end;
  private final ArrayDeque<Object[]> session = new ArrayDeque<>();
  private long emitted;

  /**
   * @param end exclusive end of the time range, micros UTC
   */
  public EventGenerator(int users, long events, int days, long seed, long end) {
    this.population = new Population(users);
    this.rnd = new SplittableRandom(seed);
    this.total = events;
    this.end = end;
    this.start = end - days * 86_400_000_000L;
  }

  @Override
  public RowSchema schema() {
    return SCHEMA;
  }

  @Override
  public Object[] next() {
    if (emitted >= total) {
      return null;
    }
    if (session.isEmpty()) {
      newSession();
    }
    emitted++;
    return session.poll();
  }

  private void newSession() {
    long user = population.activeUser(rnd);
    int rank = population.rankOfUser(user);
    double buy = 0.08 + 0.3 / Math.sqrt(rank);
    String sessionId = hex16(rnd.nextLong());
    double progress = (emitted + rnd.nextDouble()) / total;
    long t = start + (long) (progress * (end - start));
    do {
      String product = population.product(rnd);
      double price = Population.price(product);
      t = add(session, user, sessionId, product, "view", price, t);
      if (rnd.nextDouble() < CLICK) {
        t = add(session, user, sessionId, product, "click", price, t);
        if (rnd.nextDouble() < buy) {
          t = add(session, user, sessionId, product, "purchase", price, t);
        }
      }
    } while (rnd.nextDouble() < NEXT_VIEW);
  }

  private long add(ArrayDeque<Object[]> out, long user, String sessionId, String product, String type,
                   double price, long t) {
    out.add(new Object[] {user, sessionId, product, type, price, Math.min(t, end - 1)});
    return t + 2_000_000L + rnd.nextLong(90_000_000L);
  }

  private static String hex16(long v) {
    String h = Long.toHexString(v);
    return "0000000000000000".substring(h.length()) + h;
  }

  @Override
  public String position() {
    return "generated event " + emitted;
  }

  @Override
  public void close() {}
}
