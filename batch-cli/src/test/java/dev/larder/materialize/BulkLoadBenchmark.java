package dev.larder.materialize;

import dev.larder.online.EntityKeyCodec;
import dev.larder.online.OnlineLayout;
import dev.larder.online.OnlineOptions;
import dev.larder.online.OnlineStore;
import dev.larder.online.ViewData;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.ValueType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Bulk-load benchmark, run by hand (not a unit test): N entities x 10 features into a fresh online store,
 * keys in random order, then a sample of point lookups. Usage: BulkLoadBenchmark DIR [ENTITIES]
 * e.g. java -Xmx2g -cp ... dev.larder.materialize.BulkLoadBenchmark /tmp/bench 10000000
 */
public final class BulkLoadBenchmark {
  private BulkLoadBenchmark() {}

  private static double cpu() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  private static double mainCpu() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e9;
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000_000;
    if (args.length > 2 && args[2].equals("lookups-only")) {
      lookups(dir, n, OnlineOptions.defaults(), new SplittableRandom(7));
      return;
    }
    OnlineLayout.deleteTree(dir);
    Files.createDirectories(dir);
    List<Field> keys = List.of(Field.newBuilder().setName("user_id").setType(ValueType.INT64).build());
    List<ValueType> types = List.of(ValueType.INT64, ValueType.INT64, ValueType.INT64, ValueType.INT64,
        ValueType.DOUBLE, ValueType.DOUBLE, ValueType.DOUBLE, ValueType.DOUBLE, ValueType.STRING, ValueType.BOOL);
    OnlineOptions options = OnlineOptions.defaults();
    // A random permutation of 0..n-1 without holding it: multiply by an odd constant modulo 2^k, skip >= n.
    int bits = 64 - Long.numberOfLeadingZeros(Math.max(1, n - 1));
    long mask = bits == 64 ? -1 : (1L << bits) - 1;
    SplittableRandom rnd = new SplittableRandom(42);
    String[] segments = {"new", "active", "dormant", "churned"};
    long t0 = System.nanoTime();
    OnlineWriter.Summary s;
    try (OnlineWriter w = OnlineWriter.begin(dir, "bench", 1, keys, types, null, 0, options)) {
      w.onPhase(p -> System.out.printf(Locale.ROOT, "%6.1fs wall %6.1fs cpu %6.1fs main-thread cpu: %s%n",
          (System.nanoTime() - t0) / 1e9, cpu(), mainCpu(), p));
      Object[] key = new Object[1];
      Object[] values = new Object[10];
      long emitted = 0;
      for (long i = 0; emitted < n; i++) {
        long id = (i * 0x9E3779B97F4A7C15L) & mask;
        if (id >= n) {
          continue;
        }
        emitted++;
        key[0] = id;
        values[0] = rnd.nextLong(1000);
        values[1] = rnd.nextLong(100_000);
        values[2] = id;
        values[3] = rnd.nextLong();
        values[4] = rnd.nextDouble();
        values[5] = rnd.nextDouble() * 100;
        values[6] = (double) rnd.nextInt(50);
        values[7] = rnd.nextDouble() * 1e6;
        values[8] = segments[rnd.nextInt(segments.length)];
        values[9] = rnd.nextBoolean();
        w.put(key, 1_700_000_000_000_000L + rnd.nextLong(1_000_000_000L), 1_700_000_000_000_000L, values);
      }
      s = w.commit();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    double cpuSecs = cpu();
    System.out.printf(Locale.ROOT, "main thread cpu %.1fs (the critical path on an idle machine)%n", mainCpu());
    System.out.printf(Locale.ROOT, "loaded %,d entities in %.1fs wall (%,.0f rows/s), %.1fs process cpu (%,.0f rows/cpu-s); "
        + "run size %,d bytes; max heap %,d MB%n",
        s.entitiesTotal(), secs, n / secs, cpuSecs, n / cpuSecs, OnlineLayout.sizeOnDisk(OnlineLayout.versionDir(dir, "bench", 1)),
        Runtime.getRuntime().maxMemory() >> 20);

    lookups(dir, n, options, rnd);
  }

  private static void lookups(Path dir, int n, OnlineOptions options, SplittableRandom rnd) throws Exception {
    List<Field> keys = List.of(Field.newBuilder().setName("user_id").setType(ValueType.INT64).build());
    EntityKeyCodec codec = new EntityKeyCodec(keys);
    try (OnlineStore store = OnlineStore.openForReading(dir, options)) {
     for (int round = 1; round <= 2; round++) {
      int lookups = 200_000;
      long t1 = System.nanoTime();
      double c1 = cpu();
      long found = 0;
      for (int b = 0; b < lookups / 100; b++) {
        List<byte[]> batch = new ArrayList<>(100);
        for (int i = 0; i < 100; i++) {
          batch.add(codec.encode(new Object[] {rnd.nextLong(n + n / 10)}));
        }
        try (ViewData d = store.acquire("bench", 1)) {
          for (byte[] row : d.multiGet(batch)) {
            if (row != null) {
              found++;
            }
          }
        }
      }
      double ls = (System.nanoTime() - t1) / 1e9;
      double lc = cpu() - c1;
      System.out.printf(Locale.ROOT, "round %d: %,d lookups (batches of 100, ~9%% missing) in %.2fs wall, %.2fs cpu: "
          + "%,.0f keys/cpu-s, %d found%n", round, lookups, ls, lc, lookups / lc, found);
     }
    }
  }
}
