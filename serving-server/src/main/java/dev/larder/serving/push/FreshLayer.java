package dev.larder.serving.push;

import dev.larder.online.FreshLayout;
import dev.larder.online.OnlineLayout;
import dev.larder.online.OnlineStore;
import dev.larder.serving.lookup.FreshVersions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's fresh layers: one {@link FreshStore} per pushed view version, under the online store
 * ({@code <online>/<view>/v<version>/fresh/}). Layers found on disk are opened at start, so pushed rows
 * survive a restart; a layer is created by the first push to its view version. Lookups reach it through
 * {@link FreshVersions}; a view that was never pushed to costs a lookup one map probe.
 */
public final class FreshLayer implements FreshVersions, AutoCloseable {
  private final Path onlineDir;
  private final Map<String, Map<Long, FreshStore>> stores = new ConcurrentHashMap<>();
  private volatile boolean closed;
  /** Held by a sweep and by close, so that close never frees a store under a running sweep. */
  private final Object sweeping = new Object();

  private FreshLayer(Path onlineDir) {
    this.onlineDir = onlineDir;
  }

  /** Opens every fresh layer under the online store. */
  public static FreshLayer open(Path onlineDir) throws IOException {
    FreshLayer layer = new FreshLayer(onlineDir);
    try {
      for (String view : OnlineLayout.views(onlineDir)) {
        for (long version : OnlineLayout.versions(onlineDir, view)) {
          Path dir = FreshLayout.freshDir(OnlineLayout.versionDir(onlineDir, view, version));
          if (Files.isDirectory(dir)) {
            layer.stores.computeIfAbsent(view, v -> new ConcurrentHashMap<>()).put(version, FreshStore.open(dir));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      layer.close();
      throw e;
    }
    return layer;
  }

  @Override
  public Reader of(String view, long version) {
    Map<Long, FreshStore> versions = stores.get(view);
    if (versions == null) {
      return null;
    }
    FreshStore s = versions.get(version);
    return s == null ? null : s::newest;
  }

  /** The layer of a view version, created when it is the first push to it. */
  FreshStore forWrite(String view, long version) throws IOException {
    if (closed) {
      throw new IOException("the server is shutting down");
    }
    Map<Long, FreshStore> versions = stores.computeIfAbsent(view, v -> new ConcurrentHashMap<>());
    FreshStore s = versions.get(version);
    if (s == null) {
      synchronized (this) {
        s = versions.get(version);
        if (s == null) {
          s = FreshStore.open(FreshLayout.freshDir(OnlineLayout.versionDir(onlineDir, view, version)));
          versions.put(version, s);
        }
      }
    }
    return s;
  }

  @Override
  public Set<OnlineStore.ViewVersion> versions() {
    Set<OnlineStore.ViewVersion> out = new HashSet<>();
    stores.forEach((view, versions) -> versions.keySet().forEach(v -> out.add(new OnlineStore.ViewVersion(view, v))));
    return out;
  }

  /** Keeps only the newest version of every entity in every layer (see {@link FreshStore#sweep}). */
  public long sweep() throws IOException {
    long deleted = 0;
    synchronized (sweeping) {
      if (closed) {
        return 0;
      }
      for (Map<Long, FreshStore> versions : stores.values()) {
        for (FreshStore s : List.copyOf(versions.values())) {
          deleted += s.sweep();
        }
      }
    }
    return deleted;
  }

  /** The newest event time pushed to a view version since start (micros), Long.MIN_VALUE when none. */
  public long newestEvent(String view, long version) {
    FreshStore s = stores.getOrDefault(view, Map.of()).get(version);
    return s == null ? Long.MIN_VALUE : s.newestEvent();
  }

  /** Approximate number of stored versions of a view version's layer; 0 when it has none. */
  public long estimatedKeys(String view, long version) {
    FreshStore s = stores.getOrDefault(view, Map.of()).get(version);
    return s == null ? 0 : s.estimatedKeys();
  }

  /** Closes every layer; call only once no lookup or push can still use them (after the server stopped). */
  @Override
  public void close() {
    closed = true;
    synchronized (sweeping) {
      synchronized (this) {
        for (Map<Long, FreshStore> versions : stores.values()) {
          versions.values().forEach(FreshStore::close);
        }
        stores.clear();
      }
    }
  }
}
