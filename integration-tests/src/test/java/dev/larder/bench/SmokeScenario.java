package dev.larder.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;

/**
 * Every scenario at a tiny scale (seconds in total): proves the harness still runs end to end, not that
 * anything is fast. The CI smoke test runs these same arguments.
 */
@Command(name = "all-smoke", mixinStandardHelpOptions = true,
    description = "Runs every scenario at a tiny scale (a few seconds) to check the harness works.")
final class SmokeScenario extends Scenario {
  /** Tiny arguments per scenario. */
  static final Map<String, List<String>> TINY = tiny();

  private static Map<String, List<String>> tiny() {
    Map<String, List<String>> m = new LinkedHashMap<>();
    List<String> small = List.of("--child-jvm-opts", "-Xmx256m");
    List<String> events = List.of("--events", "2000", "--users", "200", "--days", "10", "--snapshots", "3");
    m.put("compute", join(events, small));
    m.put("training-set", join(events, List.of("--rows", "500"), small));
    m.put("materialize", join(List.of("--entities", "2000"), small));
    m.put("serve", join(List.of("--entities", "2000", "--duration", "1", "--warmup", "0.5", "--burst", "0.5",
        "--clients", "2", "--server-jvm-opts", "-Xmx256m", "--http"), small));
    m.put("push", List.of("--rows", "4000", "--batch", "100", "--clients", "2", "--lookups", "200", "--push-rate", "2000",
        "--server-jvm-opts", "-Xmx256m", "--kafka-samples", "0"));
    return m;
  }

  @SafeVarargs
  private static List<String> join(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> p : parts) {
      all.addAll(p);
    }
    return List.copyOf(all);
  }

  @Override
  List<Report> measure() {
    throw new UnsupportedOperationException("all-smoke runs the other scenarios");
  }

  @Override
  public Integer call() {
    int worst = 0;
    for (Map.Entry<String, List<String>> e : TINY.entrySet()) {
      worst = Math.max(worst, Bench.run(out, args(e.getKey())));
    }
    return worst;
  }

  /** The full argument list of one tiny scenario, with this run's common options. */
  String[] args(String scenario) {
    List<String> a = new ArrayList<>();
    a.add(scenario);
    a.addAll(TINY.get(scenario));
    a.addAll(List.of("--seed", Long.toString(seed), "--end", end.toString()));
    if (work != null) {
      a.addAll(List.of("--work", work.toString()));
    }
    return a.toArray(String[]::new);
  }
}
