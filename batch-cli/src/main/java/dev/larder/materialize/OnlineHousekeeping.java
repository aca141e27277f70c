package dev.larder.materialize;

import dev.larder.online.OnlineLayout;
import dev.larder.time.Durations;
import dev.larder.lock.RepoLock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Explicit maintenance of the online store ({@code larder online cleanup} and {@code rollback}). Runs already
 * remove what they replace; this removes what no run will touch again: folders of views the registry
 * dropped or took offline, older view versions when asked to (see {@link OldVersions}), and leftovers of
 * killed runs. Every change to a view happens under that view's materialization lock, so it never races a run. View folders that are
 * symbolic links are reported and left alone.
 */
public final class OnlineHousekeeping {
  private OnlineHousekeeping() {}

  /** One folder that was (or, in a dry run, would be) removed, and why; or one that was skipped, and why. */
  public record Removal(Path path, long bytes, String reason, boolean skipped) {
    public Removal(Path path, long bytes, String reason) {
      this(path, bytes, reason, false);
    }
  }

  /**
   * What cleanup may do with the older versions of a view that is online in the registry.
   *
   * @param current the view's registry version
   * @param replacedAt when each older version the registry records was replaced by a newer one; versions it
   *     does not record (replaced before versions were recorded) count as replaced at {@code oldestReplacement}
   */
  public record ViewVersionsKept(long current, Map<Long, Instant> replacedAt, Instant oldestReplacement) {}

  /**
   * When older view versions go. Versions coexist: a deployed model may still read an older version, so by
   * default they stay. {@code removeOld} removes them all now; {@code retention} removes those replaced longer
   * ago than that. Neither ever removes the newest version with data while the current version has none,
   * because servers serve it until the current version is materialized.
   */
  public record OldVersions(boolean removeOld, Duration retention, Instant now) {
    public static final OldVersions KEEP = new OldVersions(false, null, Instant.EPOCH);

    boolean remove(Instant replacedAt) {
      return removeOld || retention != null && replacedAt != null && replacedAt.plus(retention).isBefore(now);
    }
  }

  /**
   * @param views    for each online view in the registry, its versions; folders of other views go
   * @param old      what to do with versions older than the registry's
   * @param dryRun   only report
   * @throws RepoLock.LockedException when a materialization of one of the views is running
   */
  @SuppressWarnings("try") // the lock is held for the block's duration, not used in it
  public static List<Removal> clean(Path onlineDir, Map<String, ViewVersionsKept> views, OldVersions old,
                                    boolean dryRun) throws IOException {
    List<Removal> out = new ArrayList<>();
    for (String view : OnlineLayout.views(onlineDir)) {
      if (Files.isSymbolicLink(OnlineLayout.viewDir(onlineDir, view))) {
        // Not ours to clean: following it would write a lock file and delete folders outside the store.
        out.add(new Removal(OnlineLayout.viewDir(onlineDir, view), 0,
            "a symbolic link, which cleanup never follows", true));
        continue;
      }
      try (RepoLock lock = RepoLock.acquire(OnlineLayout.lockFile(onlineDir, view),
          "online materialization of view '" + view + "'")) {
        ViewVersionsKept keep = views.get(view);
        long servedOld = keep == null ? -1 : servedOlderVersion(onlineDir, view, keep.current());
        for (long version : OnlineLayout.versions(onlineDir, view)) {
          Path dir = OnlineLayout.versionDir(onlineDir, view, version);
          if (keep == null) {
            remove(out, dir, "view '" + view + "' is not an online view in the registry", dryRun);
          } else if (version > keep.current()) {
            remove(out, dir, "view '" + view + "' is at version " + keep.current() + " in the registry", dryRun);
          } else if (version < keep.current() && version != servedOld
              && old.remove(keep.replacedAt().getOrDefault(version, keep.oldestReplacement()))) {
            remove(out, dir, "older version of view '" + view + "' (the registry's is " + keep.current() + ")"
                + (old.removeOld() ? "" : ", replaced more than " + Durations.format(old.retention()) + " ago"), dryRun);
          } else {
            cleanVersion(out, dir, dryRun);
          }
        }
      }
    }
    return out;
  }

  /**
   * The version servers answer from while the current version has no data (the newest older version with a
   * published run), or -1 when the current version has data or no older version does.
   */
  private static long servedOlderVersion(Path onlineDir, String view, long current) throws IOException {
    if (OnlineLayout.readCurrent(OnlineLayout.versionDir(onlineDir, view, current)).isPresent()) {
      return -1;
    }
    long served = -1;
    for (long version : OnlineLayout.versions(onlineDir, view)) {
      if (version < current && OnlineLayout.readCurrent(OnlineLayout.versionDir(onlineDir, view, version)).isPresent()) {
        served = version;
      }
    }
    return served;
  }

  /** Keeps CURRENT's run and the newest run before it; removes other runs and temp folders. */
  private static void cleanVersion(List<Removal> out, Path dir, boolean dryRun) throws IOException {
    OptionalLong current = OnlineLayout.readCurrent(dir);
    long previous = current.isPresent() ? previousRun(dir, current.getAsLong()) : -1;
    for (long id : OnlineLayout.runIds(dir)) {
      if (current.isEmpty() || id > current.getAsLong()) {
        remove(out, OnlineLayout.runDir(dir, id), "left by an interrupted run", dryRun);
      } else if (id != current.getAsLong() && id != previous) {
        remove(out, OnlineLayout.runDir(dir, id), "older than the retained previous run", dryRun);
      }
    }
    for (long id : OnlineLayout.tmpIds(dir)) {
      remove(out, OnlineLayout.tmpDir(dir, id), "temporary files of an interrupted run", dryRun);
    }
  }

  private static long previousRun(Path versionDir, long current) throws IOException {
    long previous = -1;
    for (long id : OnlineLayout.runIds(versionDir)) {
      if (id < current) {
        previous = Math.max(previous, id);
      }
    }
    return previous;
  }

  private static void remove(List<Removal> out, Path dir, String reason, boolean dryRun) throws IOException {
    out.add(new Removal(dir, OnlineLayout.sizeOnDisk(dir), reason));
    if (!dryRun) {
      OnlineLayout.deleteTree(dir);
    }
  }

  /**
   * Serves the retained previous run of a view version again, e.g. after publishing bad data. The next
   * materialization merges with it and removes the newer run.
   *
   * @return the run id now served
   * @throws IOException when nothing is published or no previous run is retained
   */
  @SuppressWarnings("try") // the lock is held for the block's duration, not used in it
  public static long rollback(Path onlineDir, String view, long viewVersion) throws IOException {
    try (RepoLock lock = RepoLock.acquire(OnlineLayout.lockFile(onlineDir, view),
        "online materialization of view '" + view + "'")) {
      Path dir = OnlineLayout.versionDir(onlineDir, view, viewVersion);
      OptionalLong current = OnlineLayout.readCurrent(dir);
      if (current.isEmpty()) {
        throw new IOException("view '" + view + "' v" + viewVersion + " has no published run (" + dir + ")");
      }
      long previous = previousRun(dir, current.getAsLong());
      if (previous < 0 || !Files.isDirectory(OnlineLayout.runDir(dir, previous))) {
        throw new IOException("view '" + view + "' v" + viewVersion + " keeps no run older than run "
            + current.getAsLong() + "; nothing to roll back to");
      }
      OnlineLayout.writeCurrent(dir, previous);
      return previous;
    }
  }
}
