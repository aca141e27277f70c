package dev.larder.offline;

import dev.larder.disk.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How a compute run becomes visible all at once: the offline store's commit protocol.
 *
 * <ol>
 *   <li>The run writes every snapshot under a name no other run uses ({@code asof=<T>.c<sequence>.parquet});
 *       nothing names these files yet, so no reader sees them.</li>
 *   <li>For each view it writes the next manifest of the view's version
 *       ({@code <view>/version=N/_manifests/m-<sequence>.txt}): that version's complete snapshot list after the
 *       run.</li>
 *   <li>Last, it writes one run commit marker ({@code <offline>/_commits/<run>.commit}) naming each view and
 *       manifest sequence of the run. Writing this small file is the run's single commit point.</li>
 * </ol>
 *
 * A reader takes a view's newest manifest whose run has a marker naming it, and ignores everything else:
 * files and manifests of a run that is still publishing or was killed. Every step only creates new files
 * (write-once objects) and the commit is one small file, so the protocol needs no atomic rename of data
 * and no directory listing consistency beyond one prefix; that is what lets the same code path later commit
 * to object stores. On a local disk the small files are written with temp file, fsync and rename.
 *
 * <p>A view without any committed manifest was written by a Larder version before this protocol; its
 * snapshots are listed from the folders as before (see {@link OfflineStore#snapshots}), and its next compute
 * run writes the first manifest, which names the old files it keeps.
 */
public final class CommitLog {
  public static final String MANIFESTS = "_manifests";
  public static final String COMMITS = "_commits";
  private static final Pattern MANIFEST = Pattern.compile("m-(\\d{20})\\.txt");
  private static final String MARKER_HEADER = "larder-run-commit 1";

  private final Path root;

  public CommitLog(Path offlineRoot) {
    this.root = offlineRoot;
  }

  /**
   * The view's newest committed manifest, or empty when it has none.
   *
   * @throws IOException naming the file when a manifest or marker is unreadable or corrupt
   */
  public Optional<Manifest> committed(Path viewDir) throws IOException {
    for (long seq : sequences(viewDir)) {
      Path file = manifestPath(viewDir, seq);
      Manifest m;
      try {
        m = Manifest.decode(file, Files.readString(file, StandardCharsets.UTF_8));
      } catch (NoSuchFileException e) {
        continue; // removed by a newer run's clean-up since we listed
      }
      if (m.sequence() != seq) {
        throw Manifest.bad(file, "its sequence line says " + m.sequence());
      }
      if (isCommitted(m.run(), m.view(), seq)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }

  /** The highest manifest sequence of the view, committed or not; 0 when there is none. */
  public long lastSequence(Path viewDir) throws IOException {
    List<Long> s = sequences(viewDir);
    return s.isEmpty() ? 0 : s.get(0);
  }

  /** Writes a manifest; it stays invisible until {@link #commit} names it. */
  public void writeManifest(Path viewDir, Manifest m) throws IOException {
    AtomicFile.write(manifestPath(viewDir, m.sequence()), m.encode().getBytes(StandardCharsets.UTF_8));
  }

  /** Commits a run: writes its marker naming each view's manifest sequence. */
  public void commit(String run, Map<String, Long> viewSequences) throws IOException {
    StringBuilder b = new StringBuilder(MARKER_HEADER).append('\n').append("run ").append(run).append('\n');
    viewSequences.forEach((v, s) -> b.append("view ").append(v).append(' ').append(s).append('\n'));
    String crc = Manifest.crc(b.toString());
    b.append("end ").append(viewSequences.size()).append(' ').append(crc).append('\n');
    AtomicFile.write(markerPath(run), b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Whether the marker of {@code run} exists and names {@code view}'s manifest {@code seq}. */
  boolean isCommitted(String run, String view, long seq) throws IOException {
    Path file = markerPath(run);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return false;
    }
    return marker(file, text).getOrDefault(view, -1L) == seq;
  }

  /** The views and sequences a marker names. */
  static Map<String, Long> marker(Path file, String text) throws IOException {
    int end = text.lastIndexOf("\nend ");
    String[] lines = text.split("\n", -1);
    if (!text.startsWith(MARKER_HEADER + "\n") || end < 0 || !text.endsWith("\n")
        || !lines[lines.length - 2].endsWith(" " + Manifest.crc(text.substring(0, end + 1)))) {
      throw new IOException(file + ": not a valid run commit marker (truncated or corrupt)");
    }
    Map<String, Long> out = new LinkedHashMap<>();
    for (int i = 2; i < lines.length - 2; i++) {
      String[] p = lines[i].split(" ");
      if (p.length != 3 || !p[0].equals("view")) {
        throw new IOException(file + ": line " + (i + 1) + ": expected 'view <name> <sequence>'");
      }
      out.put(p[1], Long.parseLong(p[2]));
    }
    return out;
  }

  /**
   * Removes what no reader can see any more, once a run of the view committed: manifests other than the
   * newest committed one, and snapshot files it does not name (superseded snapshots, and the files of runs
   * that were killed before committing). The caller holds the view's compute lock.
   */
  public int collectGarbage(Path viewDir, Manifest current) throws IOException {
    int removed = 0;
    for (long seq : sequences(viewDir)) {
      if (seq != current.sequence() && Files.deleteIfExists(manifestPath(viewDir, seq))) {
        removed++;
      }
    }
    java.util.Set<Path> live = new java.util.HashSet<>();
    current.snapshots().forEach(e -> live.add(viewDir.resolve(e.file()).normalize()));
    try (Stream<Path> dates = Files.list(viewDir)) {
      for (Path date : dates.filter(p -> p.getFileName().toString().startsWith("date=")).toList()) {
        try (Stream<Path> files = Files.list(date)) {
          for (Path f : files.toList()) {
            String n = f.getFileName().toString();
            if (n.startsWith("asof=") && n.endsWith(".parquet") && !live.contains(f.normalize())
                && Files.deleteIfExists(f)) {
              removed++;
            }
          }
        }
        try (Stream<Path> rest = Files.list(date)) {
          if (rest.findAny().isEmpty()) {
            Files.deleteIfExists(date);
          }
        } catch (java.nio.file.DirectoryNotEmptyException ignored) {
          // a file appeared; keep the folder
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return removed;
  }

  /**
   * Removes commit markers that no manifest names any more and that are older than {@code minAge}. A marker
   * is needed while a manifest of its run exists; the age guard covers a concurrent run of other views,
   * whose manifests may appear after this listing but whose marker is then newer than {@code minAge}.
   */
  public int collectMarkers(java.time.Duration minAge) throws IOException {
    java.util.Set<String> named = new java.util.HashSet<>();
    try (Stream<Path> views = Files.list(root)) {
      for (Path v : views.filter(Files::isDirectory).toList()) {
        String n = v.getFileName().toString();
        if (n.startsWith("_") || n.startsWith(".")) {
          continue;
        }
        List<Path> units = new ArrayList<>(List.of(v));
        try (Stream<Path> versions = Files.list(v)) {
          versions.filter(p -> p.getFileName().toString().startsWith(OfflineStore.VERSION_PREFIX)).forEach(units::add);
        }
        for (Path unit : units) {
          for (long seq : sequences(unit)) {
            try (Stream<String> lines = Files.lines(manifestPath(unit, seq), StandardCharsets.UTF_8)) {
              lines.limit(4).filter(l -> l.startsWith("run ")).forEach(l -> named.add(l.substring(4)));
            } catch (NoSuchFileException e) {
              // removed by its view's run meanwhile
            }
          }
        }
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    java.time.Instant before = java.time.Instant.now().minus(minAge);
    int removed = 0;
    try (Stream<Path> markers = Files.list(root.resolve(COMMITS))) {
      for (Path m : markers.toList()) {
        String f = m.getFileName().toString();
        if (f.endsWith(".commit") && !named.contains(f.substring(0, f.length() - ".commit".length()))
            && Files.getLastModifiedTime(m).toInstant().isBefore(before) && Files.deleteIfExists(m)) {
          removed++;
        }
      }
    } catch (NoSuchFileException e) {
      return 0;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return removed;
  }

  /** Manifest sequences of the view, newest first. */
  private static List<Long> sequences(Path viewDir) throws IOException {
    List<Long> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(viewDir.resolve(MANIFESTS))) {
      for (Path f : files.toList()) {
        Matcher m = MANIFEST.matcher(f.getFileName().toString());
        if (m.matches()) {
          out.add(Long.parseLong(m.group(1)));
        }
      }
    } catch (NoSuchFileException e) {
      return out;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    out.sort(Comparator.reverseOrder());
    return out;
  }

  static Path manifestPath(Path viewDir, long seq) {
    return viewDir.resolve(MANIFESTS).resolve(String.format("m-%020d.txt", seq));
  }

  Path markerPath(String run) {
    if (!run.matches("[A-Za-z0-9_.:-]+")) {
      throw new IllegalArgumentException("'" + run + "' cannot be a run id");
    }
    return root.resolve(COMMITS).resolve(run + ".commit");
  }
}
