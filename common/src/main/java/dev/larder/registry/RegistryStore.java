package dev.larder.registry;

import dev.larder.core.v1.Definitions;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.FeatureView;
import dev.larder.lock.RepoLock;
import dev.larder.online.OnlineLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A project's registry file and the lock that serializes its writers. Every writer ({@code apply}, and the
 * materializer recording intervals) takes {@link #lockFile()} and re-reads the registry under it, so that
 * neither overwrites what the other just wrote.
 */
public final class RegistryStore {
  private final Path path;
  /** The online store, whose {@code <view>/v<N>} folders new view versions must stay above; null for none. */
  private final Path onlineDir;

  public RegistryStore(Path path) {
    this(path, null);
  }

  public RegistryStore(Path path, Path onlineDir) {
    this.path = path;
    this.onlineDir = onlineDir;
  }

  public static RegistryStore of(ProjectConfig config) {
    return new RegistryStore(config.registryPath(), config.onlineDir());
  }

  public Path path() {
    return path;
  }

  /** The lock every registry writer holds while it reads, changes and writes the registry. */
  public Path lockFile() {
    return Path.of(path + ".lock");
  }

  /** The current registry, or the empty one (version 0) when nothing was applied yet. */
  public Registry read() throws IOException {
    return RegistryFile.read(path).orElse(Registry.getDefaultInstance());
  }

  /** The plan from the current registry to {@code desired}, without writing anything. */
  public Plan plan(Definitions desired) throws IOException {
    return Plan.between(read(), desired, storedVersions(desired));
  }

  /**
   * View name -> the highest version with a folder in the online store, for the views in {@code desired}.
   * View versions are derived from this as well as from the registry, so that they are never reused.
   */
  Map<String, Long> storedVersions(Definitions desired) throws IOException {
    Map<String, Long> out = new HashMap<>();
    if (onlineDir == null) {
      return out;
    }
    for (FeatureView v : desired.getFeatureViewsList()) {
      List<Long> versions;
      try {
        versions = OnlineLayout.versions(onlineDir, v.getName());
      } catch (IllegalArgumentException e) {
        continue; // not a usable folder name; validation reports the name
      }
      if (!versions.isEmpty()) {
        out.put(v.getName(), versions.get(versions.size() - 1));
      }
    }
    return out;
  }

  /** The outcome of {@link #apply}: the plan that was applied and the registry now in the file. */
  public record Applied(Plan plan, Registry registry) {
    public boolean changed() {
      return !plan.isEmpty() && plan.problems().isEmpty();
    }
  }

  /**
   * Applies {@code desired}: under the registry lock, re-reads the registry, plans, and writes the new version
   * atomically unless nothing changed or the plan has {@link Plan#problems problems}.
   *
   * @throws RepoLock.LockedException when another process holds the registry lock
   */
  @SuppressWarnings("try") // the lock is held for the block's duration, not used in it
  public Applied apply(String project, Definitions desired, Clock clock) throws IOException {
    try (RepoLock lock = RepoLock.acquire(lockFile(), "the registry")) {
      Registry current = read();
      Plan plan = Plan.between(current, desired, storedVersions(desired));
      if (plan.isEmpty() || !plan.problems().isEmpty()) {
        return new Applied(plan, current);
      }
      Registry next = plan.apply(project, clock.instant());
      RegistryFile.write(path, next);
      return new Applied(plan, next);
    }
  }
}
