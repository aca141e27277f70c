package dev.larder.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.cli.Larder;
import dev.larder.offline.OfflineStore;
import dev.larder.offline.TableFiles;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.value.RowReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Test fixture: the running example ({@code larder init}, sample events, profiles and labels) once on the local
 * disk, and copies of it whose data lives on another storage, so that a test can run the same commands on
 * both and compare the results row for row.
 */
final class RemoteExample {
  static final String END = "2026-03-02";
  static final String[] COMPUTE = {"--start", "2026-02-20", "--end", "2026-03-01"};

  private RemoteExample() {}

  /** A repository with sample data under {@code dir/data} and its registry applied. */
  static Path local(Path dir) throws IOException {
    run("init", dir.toString());
    run("sample", "events", "--out", dir.resolve("data/events").toString(), "--users", "300",
        "--events", "30000", "--days", "40", "--end", END, "--seed", "7", "--files", "3");
    run("sample", "profiles", "--out", dir.resolve("data/profiles").toString(), "--users", "300",
        "--end", END, "--seed", "7");
    run("sample", "labels", "--out", dir.resolve("data/labels.parquet").toString(), "--users", "300",
        "--rows", "2000", "--days", "8", "--end", END, "--seed", "7");
    run("apply", "--repo", dir.toString());
    return dir;
  }

  /**
   * A copy of a {@link #local} repository whose sources are read from {@code remoteBase} (the data folder is
   * uploaded there and deleted locally) with the given project-file settings, applied.
   */
  static Path remote(Path local, Path dir, String remoteBase, Map<String, String> settings) throws IOException {
    run("init", dir.toString());
    StringBuilder props = new StringBuilder(Files.readString(dir.resolve(ProjectConfig.FILE_NAME)));
    settings.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
    Files.writeString(dir.resolve(ProjectConfig.FILE_NAME), props);
    Path sources = dir.resolve("sources.textproto");
    Files.writeString(sources, Files.readString(sources)
        .replace("path: \"data/events\"", "path: \"" + remoteBase + "/data/events\"")
        .replace("path: \"data/profiles\"", "path: \"" + remoteBase + "/data/profiles\""));
    try (Storage storage = new Storage(StorageSettings.of(null, settings))) {
      DataLocation target = DataLocation.parse(remoteBase + "/data", dir);
      storage.fileSystem(target).copyFromLocalFile(false, true,
          new org.apache.hadoop.fs.Path(local.resolve("data").toUri()), Storage.path(target));
    }
    run("apply", "--repo", dir.toString());
    return dir;
  }

  /**
   * Runs training-set, materialize and stats on a repository, reading entity rows from {@code entities} and
   * writing the training set to {@code out} (paths or URIs); returns the training set's rows, read from
   * {@code localOut} (the caller fetches a remote one there), and materialize's row counts.
   */
  static List<String> downstream(Path repo, String entities, String out) {
    run("training-set", "--repo", repo.toString(), "--entities", entities, "--service", "user_model", "--out", out,
        "--stats");
    Result m = capture("materialize", "--repo", repo.toString(), "--start", "2026-01-01", "--end", END);
    assertThat(m.code()).as(m.output()).isZero();
    run("stats", "--repo", repo.toString(), "--start", "2026-02-20", "--end", "2026-03-01");
    List<String> counts = new ArrayList<>();
    for (String line : m.output().split("\n")) {
      java.util.regex.Matcher x = java.util.regex.Pattern.compile("([0-9,]+ rows?)").matcher(line);
      if (line.startsWith("user_") && x.find()) {
        counts.add(line.substring(0, line.indexOf(':') + 1) + " " + x.group(1));
      }
    }
    return counts;
  }

  static void run(String... args) {
    assertThat(Larder.run(args)).as(String.join(" ", args)).isZero();
  }

  /** Runs a command and returns its exit code, standard output and error as one text. */
  static Result capture(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream both = new PrintStream(buf, true, StandardCharsets.UTF_8);
    System.setOut(both);
    System.setErr(both);
    try {
      int code = Larder.run(args);
      return new Result(code, buf.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  record Result(int code, String output) {}

  /**
   * Every committed snapshot row of every view, as text, with created_timestamp left out, sorted (compute writes
   * a snapshot's rows in the order its aggregation threads finish).
   */
  static List<String> offlineRows(Path repo) throws IOException {
    ProjectConfig config = ProjectConfig.load(repo);
    Catalog catalog = Catalog.of(RegistryFile.read(config.registryPath()).orElseThrow());
    OfflineStore store = OfflineStore.of(config);
    List<String> out = new ArrayList<>();
    for (var v : catalog.views()) {
      if (v.getFeaturesList().stream().noneMatch(f -> f.hasAggregation())) {
        continue;
      }
      String view = v.getName();
      for (OfflineStore.Snapshot s : store.snapshots(catalog, view)) {
        out.addAll(rows(s.file(), view + "@" + s.asOf()));
      }
    }
    out.sort(null);
    return out;
  }

  /** The rows of a Parquet or CSV file (or folder) as text lines prefixed by {@code tag}, without created_timestamp. */
  static List<String> rows(Path file, String tag) throws IOException {
    List<String> out = new ArrayList<>();
    try (RowReader r = TableFiles.open(file, null)) {
      int created = r.schema().indexOf(OfflineStore.CREATED_TIMESTAMP);
      for (Object[] row; (row = r.next()) != null; ) {
        if (created >= 0) {
          row[created] = null;
        }
        out.add(tag + " " + Arrays.deepToString(row));
      }
    }
    return out;
  }

  static long filesUnder(Path dir, String suffix) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(suffix)).count();
    }
  }
}
