package dev.larder.cli;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Registry;
import dev.larder.lock.RepoLock;
import dev.larder.materialize.OnlineStats;
import dev.larder.materialize.OnlineHousekeeping;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import dev.larder.registry.ViewVersions;
import dev.larder.time.Durations;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code larder online}: inspect and maintain the online store. */
@Command(name = "online", mixinStandardHelpOptions = true,
    header = "Inspect and maintain the online store.",
    description = "Inspects and maintains the online store (see docs/online-store.md).",
    subcommands = {OnlineCommand.Stats.class, OnlineCommand.Cleanup.class, OnlineCommand.Rollback.class})
final class OnlineCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: stats, cleanup or rollback");
  }

  /** {@code larder online stats}. */
  @Command(name = "stats", mixinStandardHelpOptions = true,
      header = "Show served versions, runs, entities and sizes.",
      description = "Per view: served version and run, entities, size on disk, last materialized interval.")
  static final class Stats implements Callable<Integer> {
    @Mixin
    RepoOption repo;

    @Spec
    CommandSpec spec;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "table",
        description = "table (default) or json.")
    String output;

    @Override
    public Integer call() {
      boolean json = ListCommand.isJson(output, "table");
      List<OnlineStats.ViewStats> stats;
      try {
        stats = OnlineStats.collect(repo.load());
      } catch (IOException e) {
        throw UserError.failure(e.getMessage());
      }
      PrintWriter out = spec.commandLine().getOut();
      out.print(json ? json(stats) : table(stats));
      out.flush();
      return Larder.OK;
    }

    private static String table(List<OnlineStats.ViewStats> stats) {
      StringBuilder b = new StringBuilder();
      String format = "%-28s %7s %15s %12s %12s  %s%n";
      b.append(String.format(Locale.ROOT, format, "VIEW", "VERSION", "RUN", "ENTITIES", "SIZE", "LAST MATERIALIZED"));
      for (OnlineStats.ViewStats s : stats) {
        b.append(String.format(Locale.ROOT, format, s.view() + (s.stale() ? " (stale)" : ""), "v" + s.viewVersion(),
            s.servedRunId() < 0 ? "-" : Long.toString(s.servedRunId()),
            s.entities() < 0 ? "-" : String.format(Locale.ROOT, "%,d", s.entities()),
            human(s.bytesOnDisk()), s.lastInterval()));
      }
      if (stats.stream().anyMatch(OnlineStats.ViewStats::stale)) {
        b.append("(stale) folders are no longer served; `larder online cleanup` removes them\n");
      }
      return b.toString();
    }

    private static String human(long bytes) {
      if (bytes < 1024) {
        return bytes + " B";
      }
      int unit = (63 - Long.numberOfLeadingZeros(bytes)) / 10;
      return String.format(Locale.ROOT, "%.1f %sB", bytes / (double) (1L << (10 * unit)), " KMGTPE".charAt(unit));
    }

    private static String json(List<OnlineStats.ViewStats> stats) {
      ListValue.Builder list = ListValue.newBuilder();
      for (OnlineStats.ViewStats s : stats) {
        Struct.Builder o = Struct.newBuilder()
            .putFields("view", str(s.view()))
            .putFields("version", num(s.viewVersion()))
            .putFields("served_run", s.servedRunId() < 0 ? nul() : num(s.servedRunId()))
            .putFields("entities", s.entities() < 0 ? nul() : num(s.entities()))
            .putFields("bytes_on_disk", num(s.bytesOnDisk()))
            .putFields("stale", Value.newBuilder().setBoolValue(s.stale()).build());
        if (s.lastStart() != null) {
          o.putFields("last_materialized", Value.newBuilder().setStructValue(Struct.newBuilder()
              .putFields("start", str(dev.larder.time.Timestamps.format(s.lastStart())))
              .putFields("end", str(dev.larder.time.Timestamps.format(s.lastEnd())))).build());
        } else {
          o.putFields("last_materialized", nul());
        }
        list.addValues(Value.newBuilder().setStructValue(o));
      }
      try {
        return JsonFormat.printer().print(Value.newBuilder().setListValue(list).build()) + "\n";
      } catch (com.google.protobuf.InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    }

    private static Value str(String s) {
      return Value.newBuilder().setStringValue(s).build();
    }

    private static Value num(long n) {
      return Value.newBuilder().setNumberValue(n).build();
    }

    private static Value nul() {
      return Value.newBuilder().setNullValue(com.google.protobuf.NullValue.NULL_VALUE).build();
    }
  }

  /** {@code larder online cleanup}. */
  @Command(name = "cleanup", mixinStandardHelpOptions = true,
      header = "Remove online data no server will read.",
      description = {
          "Removes online data no server will read: folders of views removed from the registry or taken",
          "offline, runs older than the retained previous run, and leftovers of killed runs. Older view",
          "versions stay (servers serve them to pinned clients) unless --old-versions or",
          "--keep-old-versions-for says otherwise. Takes each view's materialization lock."})
  static final class Cleanup implements Callable<Integer> {
    @Mixin
    RepoOption repo;

    @Spec
    CommandSpec spec;

    @Option(names = "--dry-run", description = "Only list what would be removed.")
    boolean dryRun;

    @Option(names = "--old-versions", description = {"Also remove every view version older than the registry's,",
        "except the one servers answer from while the registry's version has no data yet."})
    boolean oldVersions;

    @Option(names = "--keep-old-versions-for", paramLabel = "DURATION", description = {"Remove older view versions",
        "replaced longer ago than DURATION (e.g. 30d); same exception. Without this or --old-versions they stay."})
    String keepOldVersionsFor;

    @Override
    public Integer call() {
      ProjectConfig config = repo.load();
      PrintWriter out = spec.commandLine().getOut();
      try {
        Registry registry = RegistryStore.of(config).read();
        Catalog catalog = Catalog.of(registry);
        Map<String, OnlineHousekeeping.ViewVersionsKept> served = new LinkedHashMap<>();
        Map<Long, Instant> appliedAt = new HashMap<>();
        registry.getVersionsList().forEach(rv -> appliedAt.put(rv.getVersion(),
            Timestamps.fromMicros(Timestamps.fromProto(rv.getAppliedAt()))));
        for (FeatureView v : catalog.views()) {
          if (Catalog.isOnline(v)) {
            Map<Long, Instant> replaced = new HashMap<>();
            Instant oldest = null;
            for (ViewVersions.Version old : catalog.versions(v.getName()).all()) {
              Instant since = appliedAt.get(old.sinceRegistryVersion());
              oldest = oldest == null ? since : oldest;
              if (!old.isCurrent()) {
                replaced.put(old.number(), appliedAt.get(old.untilRegistryVersion()));
              }
            }
            served.put(v.getName(), new OnlineHousekeeping.ViewVersionsKept(catalog.viewVersion(v.getName()),
                replaced, oldest));
          }
        }
        Duration retention = keepOldVersionsFor == null ? null : Durations.parse(keepOldVersionsFor);
        OnlineHousekeeping.OldVersions old = new OnlineHousekeeping.OldVersions(oldVersions, retention, Instant.now());
        List<OnlineHousekeeping.Removal> removed = OnlineHousekeeping.clean(config.onlineDir(), served, old, dryRun);
        long bytes = 0;
        for (OnlineHousekeeping.Removal r : removed) {
          if (r.skipped()) {
            out.println("skipped " + r.path() + " (" + r.reason() + ")");
            continue;
          }
          out.println((dryRun ? "would remove " : "removed ") + r.path() + " (" + r.reason() + ")");
          bytes += r.bytes();
        }
        out.println(String.format(Locale.ROOT, "%s %d folder(s), %,d bytes", dryRun ? "would remove" : "removed",
            removed.stream().filter(r -> !r.skipped()).count(), bytes));
      } catch (RepoLock.LockedException e) {
        throw UserError.failure(e.getMessage());
      } catch (IOException e) {
        throw UserError.failure(e.getMessage());
      }
      out.flush();
      return Larder.OK;
    }
  }

  /** {@code larder online rollback}. */
  @Command(name = "rollback", mixinStandardHelpOptions = true,
      header = "Serve a view's retained previous run again.",
      description = {
          "Serves a view's retained previous run again (e.g. after materializing bad data). Servers pick it",
          "up on their next refresh. The registry's materialized intervals are not changed: re-run",
          "`larder materialize` with an explicit --start to cover the rolled-back interval again."})
  static final class Rollback implements Callable<Integer> {
    @Mixin
    RepoOption repo;

    @Spec
    CommandSpec spec;

    @Option(names = "--view", paramLabel = "VIEW", required = true, description = "The view to roll back.")
    String view;

    @Override
    public Integer call() {
      ProjectConfig config = repo.load();
      try {
        Catalog catalog = Catalog.of(RegistryStore.of(config).read());
        catalog.requireView(view);
        long version = catalog.viewVersion(view);
        long run = OnlineHousekeeping.rollback(config.onlineDir(), view, version);
        spec.commandLine().getOut().println("view '" + view + "' v" + version + " now serves run " + run);
      } catch (Catalog.UnknownReferenceException e) {
        throw UserError.usage(e.getMessage());
      } catch (IOException e) {
        throw UserError.failure(e.getMessage());
      }
      spec.commandLine().getOut().flush();
      return Larder.OK;
    }
  }
}
