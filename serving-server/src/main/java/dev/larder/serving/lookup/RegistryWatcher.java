package dev.larder.serving.lookup;

import dev.larder.core.v1.Registry;
import dev.larder.online.OnlineStore;
import dev.larder.registry.RegistryFile;
import dev.larder.serving.FileSignature;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the served registry in step with the registry file without a restart. {@link #poll} compares the
 * file's modification time, size and identity (an atomic rename makes a new file) with the last one seen;
 * on a change it parses and validates the new registry and swaps it in whole. A file that does not parse or
 * validate is refused with one log line and the last good registry stays in service.
 */
public final class RegistryWatcher {
  private static final Logger LOG = LoggerFactory.getLogger("larder.server");

  /** What a poll did. */
  public enum Outcome { UNCHANGED, LOADED, REFUSED }


  private final Path path;
  private final AtomicReference<ServedRegistry> current;
  private final RowCache cache;
  private FileSignature lastSeen;

  private RegistryWatcher(Path path, ServedRegistry initial, FileSignature seen, RowCache cache) {
    this.path = path;
    this.current = new AtomicReference<>(initial);
    this.lastSeen = seen;
    this.cache = cache;
  }

  /**
   * Loads the registry at start. A missing file serves an empty registry until one is applied.
   *
   * @throws IOException naming the file when it exists but cannot be read, parsed or validated
   */
  public static RegistryWatcher start(Path path, RowCache cache) throws IOException {
    FileSignature seen = FileSignature.of(path);
    Optional<Registry> registry = RegistryFile.read(path);
    try {
      ServedRegistry initial = registry.map(ServedRegistry::of).orElseGet(ServedRegistry::empty);
      return new RegistryWatcher(path, initial, seen, cache);
    } catch (IllegalArgumentException e) {
      throw new IOException(path + ": invalid registry: " + e.getMessage(), e);
    }
  }

  public ServedRegistry current() {
    return current.get();
  }

  public Path path() {
    return path;
  }

  /**
   * Tells the served registry which view versions now have online data, after the store opened or swapped
   * runs; each view is then served from its newest version with data. Called from the timer thread that
   * also polls, after the store has opened the new runs, so a request never meets a version without data.
   *
   * @return the views whose served version changed
   */
  public synchronized Set<String> dataChanged(Set<OnlineStore.ViewVersion> withData) {
    ServedRegistry previous = current.get();
    ServedRegistry next = previous.withData(withData);
    if (next == previous) {
      return Set.of();
    }
    current.set(next);
    Set<String> switched = new java.util.TreeSet<>();
    next.onlineViews().forEach((name, spec) -> {
      ViewSpec before = previous.onlineViews().get(name);
      if (before == null || before.version() != spec.version()) {
        switched.add(name);
        LOG.info("event=served_version view={} version={} registry_version={}", name, spec.version(),
            next.catalog().viewVersion(name));
      }
    });
    return switched;
  }

  /** Checks the file once; called from a single timer thread. */
  public synchronized Outcome poll() {
    FileSignature sig = FileSignature.probe(path);
    if (Objects.equals(sig, lastSeen)) {
      return Outcome.UNCHANGED;
    }
    lastSeen = sig;
    ServedRegistry previous = current.get();
    if (sig == null) {
      LOG.warn("event=registry_refused path={} reason=\"file is missing\" kept_version={}", path, previous.version());
      return Outcome.REFUSED;
    }
    ServedRegistry next;
    try {
      Registry registry = RegistryFile.read(path).orElseThrow(() -> new NoSuchFileException(path.toString()));
      next = ServedRegistry.of(registry, previous.withData());
    } catch (IOException | RuntimeException e) {
      LOG.warn("event=registry_refused path={} reason=\"{}\" kept_version={}", path,
          String.valueOf(e.getMessage()).replace('"', '\''), previous.version());
      return Outcome.REFUSED;
    }
    current.set(next);
    cache.invalidateViews(changedViews(previous, next));
    LOG.info("event=registry_loaded path={} version={} online_views={}", path, next.version(),
        String.join(",", next.onlineViews().keySet()));
    return Outcome.LOADED;
  }

  /** Views whose definition or version changed or that are gone: their cached rows must not be used. */
  static Set<String> changedViews(ServedRegistry before, ServedRegistry after) {
    Set<String> changed = new HashSet<>();
    before.onlineViews().forEach((name, spec) -> {
      ViewSpec now = after.onlineViews().get(name);
      if (now == null || now.version() != spec.version() || !now.view().equals(spec.view())) {
        changed.add(name);
      }
    });
    return changed;
  }

}
