package dev.larder.cli;

import dev.larder.offline.OutputFormat;
import dev.larder.offline.ParquetRowWriter;
import dev.larder.offline.RowWriter;
import dev.larder.offline.RowWriters;
import dev.larder.sample.EventGenerator;
import dev.larder.sample.LabelGenerator;
import dev.larder.sample.ProfileGenerator;
import dev.larder.time.Timestamps;
import dev.larder.value.RowReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code larder sample events|profiles|labels}: deterministic, realistic demo data for the quickstart and benchmarks. */
@Command(name = "sample", mixinStandardHelpOptions = true,
    header = "Generate deterministic sample data.",
    description = "Generate sample data (deterministic for a seed) to try Larder and to benchmark it.",
    subcommands = {SampleCommand.Events.class, SampleCommand.Profiles.class, SampleCommand.Labels.class})
final class SampleCommand implements Runnable {
  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "choose what to generate: events, profiles or labels");
  }

  /** Options every sample command shares. */
  static final class Common {
    @Option(names = "--users", paramLabel = "N", defaultValue = "1000", description = "Number of users (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Random seed; same seed and options give the same files (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--end", paramLabel = "DATE", description = "End of the generated time range (exclusive), a date or ISO instant (default: today 00:00 UTC).")
    String end;

    long endMicros() {
      if (users < 1) {
        throw UserError.usage("--users must be at least 1");
      }
      if (end == null) {
        return Timestamps.toMicros(LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant());
      }
      try {
        return Timestamps.toMicros(Timestamps.parseInstant(end));
      } catch (IllegalArgumentException e) {
        throw UserError.usage("--end: " + e.getMessage());
      }
    }
  }

  @Command(name = "events", mixinStandardHelpOptions = true,
      header = "Write sample user activity events.",
      description = {"Write user activity events (views, clicks, purchases) as Parquet files part-NNNNN.parquet in DIR.",
          "Columns: user_id int64, session_id string, product_id string, event_type string (view/click/purchase), "
              + "price double (the product's list price, on every event), event_timestamp timestamp (UTC)."})
  static final class Events implements Callable<Integer> {
    @picocli.CommandLine.Mixin Common common;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder (created if missing).")
    Path out;

    @Option(names = "--events", paramLabel = "M", defaultValue = "100000", description = "Number of events (default: ${DEFAULT-VALUE}).")
    long events;

    /**
     * 60 days: the running example's windows are 30 days, so 30 daily snapshots up to --end need 60 days of
     * events for every snapshot's window to be full (partly filled windows look like drift in `report`).
     */
    @Option(names = "--days", paramLabel = "D", defaultValue = "60", description = "Days of history ending at --end; "
        + "the running example's 30-day windows are full for snapshots in the last D - 30 days (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--files", paramLabel = "K", defaultValue = "1", description = "Number of files, each a consecutive time slice (default: ${DEFAULT-VALUE}).")
    int files;

    @Override
    public Integer call() throws IOException {
      long end = common.endMicros();
      if (events < 0 || days < 1 || files < 1) {
        throw UserError.usage("--events must be >= 0, --days and --files >= 1");
      }
      Files.createDirectories(out);
      deleteStaleParts(out, files);
      long written = 0;
      try (EventGenerator gen = new EventGenerator(common.users, events, days, common.seed, end);
           Progress progress = new Progress("sample events", events)) {
        for (int k = 0; k < files; k++) {
          long upTo = events * (k + 1) / files;
          try (RowWriter w = new ParquetRowWriter(out.resolve(String.format(Locale.ROOT, "part-%05d.parquet", k)),
              gen.schema())) {
            for (; written < upTo; written++) {
              w.write(gen.next());
              if ((written & 0xFFFF) == 0xFFFF) {
                progress.advance(0x10000); // rows 0..written are written: exactly 0x10000 since the last report
              }
            }
          }
        }
        progress.advance(written & 0xFFFF);
      }
      System.out.printf(Locale.ROOT, "wrote %,d events of %,d users over %d days to %s (%d file%s)%n",
          written, common.users, days, out, files, files == 1 ? "" : "s");
      return Larder.OK;
    }

    /** Removes part files beyond the new count, left by an earlier run with more files. */
    private static void deleteStaleParts(Path dir, int keep) throws IOException {
      Pattern part = Pattern.compile("part-(\\d{5})\\.parquet");
      try (Stream<Path> s = Files.list(dir)) {
        for (Path p : s.toList()) {
          var m = part.matcher(p.getFileName().toString());
          if (m.matches() && Integer.parseInt(m.group(1)) >= keep) {
            Files.delete(p);
          }
        }
      }
    }
  }

  @Command(name = "profiles", mixinStandardHelpOptions = true,
      header = "Write sample user profiles.",
      description = {"Write user profiles as DIR/profiles.parquet: one row per user, about 5%% with a second, later version.",
          "Columns: user_id int64, account_age_days int32, country string, tier string (free/plus/pro), "
              + "event_timestamp timestamp, created_timestamp timestamp."})
  static final class Profiles implements Callable<Integer> {
    @picocli.CommandLine.Mixin Common common;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Output folder (created if missing).")
    Path out;

    @Override
    public Integer call() throws IOException {
      long end = common.endMicros();
      Files.createDirectories(out);
      Path file = out.resolve("profiles.parquet");
      long n = copy(new ProfileGenerator(common.users, common.seed, end), new ParquetRowWriter(file, ProfileGenerator.SCHEMA), "sample profiles", -1);
      System.out.printf(Locale.ROOT, "wrote %,d profile rows of %,d users to %s%n", n, common.users, file);
      return Larder.OK;
    }
  }

  @Command(name = "labels", mixinStandardHelpOptions = true,
      header = "Write sample label rows for training sets.",
      description = {"Write entity rows with a label for training sets, as Parquet or CSV (by the extension of FILE).",
          "Columns: user_id int64, event_timestamp timestamp, purchased_next_day bool."})
  static final class Labels implements Callable<Integer> {
    @picocli.CommandLine.Mixin Common common;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Output file, *.parquet or *.csv.")
    Path out;

    @Option(names = "--rows", paramLabel = "R", defaultValue = "10000", description = "Number of rows (default: ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--days", paramLabel = "D", defaultValue = "30", description = "Rows' times fall in the D days before --end (default: ${DEFAULT-VALUE}).")
    int days;

    @Override
    public Integer call() throws IOException {
      long end = common.endMicros();
      if (rows < 0 || days < 1) {
        throw UserError.usage("--rows must be >= 0 and --days >= 1");
      }
      try {
        OutputFormat.of(out);
      } catch (IllegalArgumentException e) {
        throw UserError.usage("--out " + e.getMessage());
      }
      if (out.getParent() != null) {
        Files.createDirectories(out.getParent());
      }
      long n = copy(new LabelGenerator(common.users, rows, days, common.seed, end),
          RowWriters.create(out, LabelGenerator.SCHEMA), "sample labels", rows);
      System.out.printf(Locale.ROOT, "wrote %,d label rows to %s%n", n, out);
      return Larder.OK;
    }
  }

  private static long copy(RowReader in, RowWriter out, String label, long total) throws IOException {
    try (in; out; Progress progress = new Progress(label, total)) {
      for (Object[] row; (row = in.next()) != null; ) {
        out.write(row);
        progress.advance(1);
      }
      return out.rows();
    }
  }
}
