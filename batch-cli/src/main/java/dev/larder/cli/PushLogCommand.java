package dev.larder.cli;

import dev.larder.ingest.PushLog;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.time.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "push-log", mixinStandardHelpOptions = true,
    description = {"Commit acknowledged pushes to the offline store.",
        "Reads the log of every push view's fresh layer (the server may keep running) and commits the rows",
        "pushed since the last run as Parquet files of the view's offline history, exactly once. Run it from",
        "cron, or with --every to keep rolling files by time; --max-file-rows rolls them by size."})
final class PushLogCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  @Option(names = "--max-file-rows", paramLabel = "N", defaultValue = "1000000",
      description = "Rows per Parquet file at most (default: ${DEFAULT-VALUE}).")
  long maxFileRows;

  @Option(names = "--every", paramLabel = "DURATION",
      description = "Keep running, logging every DURATION (e.g. 1m); default: log once and exit.")
  String every;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (maxFileRows < 1) {
      throw UserError.usage("--max-file-rows must be at least 1");
    }
    Duration period = null;
    if (every != null) {
      try {
        period = Durations.parse(every);
      } catch (IllegalArgumentException e) {
        throw UserError.usage("--every: " + e.getMessage());
      }
    }
    ProjectConfig config = repo.load();
    while (true) {
      Catalog catalog = Catalog.of(RegistryFile.read(config.registryPath()).orElseThrow(() -> UserError.usage(
          config.registryPath() + ": no registry yet; run `larder apply` first")));
      List<PushLog.Logged> logged = PushLog.logAll(config, catalog, maxFileRows);
      for (PushLog.Logged l : logged) {
        System.out.printf("%s v%d: %,d row(s) in %d file(s), through log sequence %d%n", l.view(), l.version(),
            l.rows(), l.files(), l.throughSequence());
      }
      if (logged.isEmpty()) {
        System.out.println("no push view has pushed rows");
      }
      System.out.flush();
      if (period == null) {
        return Larder.OK;
      }
      Thread.sleep(Math.max(1, period.toMillis()));
    }
  }
}
