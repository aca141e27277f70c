package dev.larder.serving.lookup;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.larder.core.v1.RepeatedValue;
import dev.larder.online.OnlineStore;
import dev.larder.online.ViewData;
import dev.larder.registry.Validation;
import dev.larder.serving.lookup.LookupPlan.ViewRead;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.time.Timestamps;
import dev.larder.value.Values;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Answers GetOnlineFeatures: the latest row of every requested entity in every requested view, through the
 * row cache, with per-value status. Each view's data is acquired once at the start of a request and used
 * for the whole request, so a response never mixes two materialization runs of one view. Per view, all
 * cache misses of the request are read with one RocksDB multiGet (duplicates removed).
 */
public final class OnlineLookup {
  private final Supplier<ServedRegistry> registry;
  private final RowCache cache;
  private final Clock clock;
  private final int maxEntities;
  private final Executor readers;
  private final int parallelMinMisses;
  private volatile OnlineStore store;
  private volatile FreshRows fresh;

  public OnlineLookup(Supplier<ServedRegistry> registry, RowCache cache, Clock clock, int maxEntities) {
    this(registry, cache, clock, maxEntities, null, Integer.MAX_VALUE);
  }

  /**
   * @param readers where the misses of a second, third... view are read while this thread reads the first;
   *     null reads every view on the calling thread
   * @param parallelMinMisses the misses a view needs to be read on {@code readers}
   */
  public OnlineLookup(Supplier<ServedRegistry> registry, RowCache cache, Clock clock, int maxEntities,
                      Executor readers, int parallelMinMisses) {
    this.registry = registry;
    this.cache = cache;
    this.clock = clock;
    this.maxEntities = maxEntities;
    this.readers = readers;
    this.parallelMinMisses = parallelMinMisses;
  }

  /** Makes pushed rows visible to lookups (merged by event timestamp, see {@link FreshMerge}). */
  public void freshRows(FreshRows rows) {
    this.fresh = rows;
  }

  /** Makes the store available to requests; until then they fail as UNAVAILABLE. */
  public void storeOpened(OnlineStore store) {
    this.store = store;
  }

  /**
   * Swaps in newly materialized runs and drops the cached rows of the views that changed. Cached rows of an
   * old run are unreachable anyway (the run id is part of the key); removing them just frees the memory.
   *
   * @return the views whose served run changed
   */
  public Set<String> refreshStore() throws IOException {
    OnlineStore s = store;
    if (s == null) {
      return Set.of();
    }
    Set<String> changed = s.refresh();
    cache.invalidateViews(changed);
    return changed;
  }

  /** The view versions the open store serves a run of; empty before the store is open. */
  public Set<OnlineStore.ViewVersion> dataVersions() {
    OnlineStore s = store;
    if (s == null) {
      return Set.of();
    }
    Set<OnlineStore.ViewVersion> out = new java.util.HashSet<>();
    for (OnlineStore.ServedInfo info : s.served()) {
      out.add(new OnlineStore.ViewVersion(info.view(), info.viewVersion()));
    }
    if (fresh instanceof FreshVersions f) {
      out.addAll(f.versions()); // a version that was pushed to has data even before any materialization
    }
    return out;
  }

  public RowCache cache() {
    return cache;
  }

  /** The open store, or null before {@link #storeOpened}. */
  public OnlineStore store() {
    return store;
  }

  /**
   * Looks up a request.
   *
   * @param cancelled polled before each view's read; when true the request stops as CANCELLED
   * @throws LookupException for unknown names, bad entities, exceeded limits, or an unopened store
   */
  public GetOnlineFeaturesResponse lookup(GetOnlineFeaturesRequest request, BooleanSupplier cancelled) {
    return lookup(request, Grant.ALL, cancelled);
  }

  /**
   * Looks up a request on behalf of a caller that may read only what {@code grant} allows.
   *
   * @throws LookupException PERMISSION_DENIED naming the view or service the grant does not cover, and as
   *     {@link #lookup(GetOnlineFeaturesRequest, BooleanSupplier)}
   */
  public GetOnlineFeaturesResponse lookup(GetOnlineFeaturesRequest request, Grant grant, BooleanSupplier cancelled) {
    try {
      return GetOnlineFeaturesResponse.parseFrom(lookupEncoded(request, grant, cancelled).bytes());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("ResponseWriter wrote an unparsable response", e);
    }
  }

  /**
   * What {@link #lookup(GetOnlineFeaturesRequest, Grant, BooleanSupplier)} answers, already serialized: the
   * server sends these bytes as they are.
   */
  public EncodedResponse lookupEncoded(GetOnlineFeaturesRequest request, Grant grant, BooleanSupplier cancelled) {
    checkNames(request);
    ServedRegistry reg = registry.get();
    LookupPlan plan = switch (request.getKindCase()) {
      case FEATURES -> reg.plan(request.getFeatures().getRefsList());
      case FEATURE_SERVICE -> reg.servicePlan(request.getFeatureService());
      case KIND_NOT_SET -> throw new LookupException(LookupException.Kind.INVALID_ARGUMENT,
          "request names no features: set features.refs or feature_service");
    };
    grant.check(plan, request.hasFeatureService() ? request.getFeatureService() : null);
    Map<String, RepeatedValue> entities = request.getEntitiesMap();
    int rows = rowCount(entities);
    if (rows > maxEntities) {
      throw new LookupException(LookupException.Kind.INVALID_ARGUMENT, "request has " + rows
          + " entity rows; the limit server.max_entities_per_request is " + maxEntities);
    }
    OnlineStore s = store;
    if (s == null) {
      throw new LookupException(LookupException.Kind.UNAVAILABLE, "the online store is not open yet");
    }
    List<ViewRead> reads = plan.reads();
    List<List<RepeatedValue>> keyColumns = new ArrayList<>(reads.size());
    for (ViewRead read : reads) {
      keyColumns.add(keyColumns(read.spec(), entities));
    }

    // The clock is read only when a view has a TTL to check against it.
    long now = plan.anyTtl() ? Timestamps.toMicros(clock.instant()) : Long.MIN_VALUE;
    ViewData[] data = new ViewData[reads.size()];
    CachedRow[][] found = new CachedRow[reads.size()][];
    try {
      ViewLookup[] views = new ViewLookup[reads.size()];
      for (int v = 0; v < reads.size(); v++) {
        ViewSpec spec = reads.get(v).spec();
        data[v] = s.acquire(spec.name(), spec.version());
        views[v] = new ViewLookup(spec, data[v], rows);
      }
      for (int v = 0; v < views.length; v++) {
        checkCancelled(cancelled);
        int from = reads.get(v).keysFrom();
        views[v].probeCache(keyColumns.get(v), cache, from == v ? null : views[from]);
      }
      readMisses(views, cancelled);
      FreshRows pushed = fresh;
      for (int v = 0; v < views.length; v++) {
        found[v] = FreshMerge.merge(pushed, reads.get(v).spec(), views[v].keys(), views[v].rows());
      }
    } finally {
      for (ViewData d : data) {
        if (d != null) {
          d.close();
        }
      }
    }
    return new EncodedResponse(ResponseWriter.write(plan, request.getFullFeatureNames(), found, now), rows);
  }

  /**
   * INVALID_ARGUMENT for a name longer than any definition can have ({@link Validation#MAX_NAME_LENGTH}; a
   * ref is {@code view:feature}): such a request cannot match anything, and its name is not echoed in full.
   */
  static void checkNames(GetOnlineFeaturesRequest request) {
    if (request.hasFeatureService()) {
      tooLong("feature_service", request.getFeatureService(), Validation.MAX_NAME_LENGTH);
    }
    for (String ref : request.getFeatures().getRefsList()) {
      tooLong("feature ref", ref, 2 * Validation.MAX_NAME_LENGTH + 1);
    }
    for (String key : request.getEntitiesMap().keySet()) {
      tooLong("entities key", key, Validation.MAX_NAME_LENGTH);
    }
  }

  private static void tooLong(String what, String name, int limit) {
    if (name.length() > limit) {
      throw new LookupException(LookupException.Kind.INVALID_ARGUMENT, what + " '" + ClientText.name(name)
          + "' is " + name.length() + " characters long; names are at most " + Validation.MAX_NAME_LENGTH
          + " characters");
    }
  }

  /** The common length of the entity columns; INVALID_ARGUMENT when they differ. */
  static int rowCount(Map<String, RepeatedValue> entities) {
    int n = -1;
    String first = null;
    for (Map.Entry<String, RepeatedValue> e : entities.entrySet()) {
      int c = e.getValue().getValuesCount();
      if (n < 0) {
        n = c;
        first = e.getKey();
      } else if (c != n) {
        throw new LookupException(LookupException.Kind.INVALID_ARGUMENT, "entity columns have different lengths: '"
            + ClientText.name(first) + "' has " + n + " values, '" + ClientText.name(e.getKey()) + "' has " + c);
      }
    }
    return Math.max(n, 0);
  }

  private static List<RepeatedValue> keyColumns(ViewSpec spec, Map<String, RepeatedValue> entities) {
    List<RepeatedValue> cols = new ArrayList<>(spec.joinKeys().size());
    for (var key : spec.joinKeys()) {
      RepeatedValue col = entities.get(key.getName());
      if (col == null) {
        throw new LookupException(LookupException.Kind.INVALID_ARGUMENT, "entities has no column for join key '"
            + key.getName() + "' (" + Values.typeName(key.getType()) + "), needed by feature view '" + spec.name() + "'");
      }
      cols.add(col);
    }
    return cols;
  }

  /**
   * Reads the cache misses of every view. Views with many misses are read at the same time, one on this
   * thread and the others on the reader pool (each view is its own RocksDB instance, so their multiGets are
   * independent); a few misses are read here, one view after another, where a hand-off would cost more than
   * the read.
   */
  private void readMisses(ViewLookup[] views, BooleanSupplier cancelled) {
    boolean[] elsewhere = null;
    List<CompletableFuture<Void>> others = List.of();
    if (readers != null && countLarge(views) >= 2) {
      elsewhere = new boolean[views.length];
      others = new ArrayList<>();
      boolean keptOne = false;
      for (int i = 0; i < views.length; i++) {
        ViewLookup v = views[i];
        if (v.misses() < parallelMinMisses) {
          continue;
        }
        if (!keptOne) {
          keptOne = true; // this thread reads the first large view itself
          continue;
        }
        elsewhere[i] = true;
        others.add(CompletableFuture.runAsync(() -> v.readMisses(cache), readers));
      }
    }
    try {
      for (int i = 0; i < views.length; i++) {
        if ((elsewhere == null || !elsewhere[i]) && views[i].misses() > 0) {
          checkCancelled(cancelled);
          views[i].readMisses(cache);
        }
      }
    } finally {
      awaitAll(others);
    }
  }

  private int countLarge(ViewLookup[] views) {
    int large = 0;
    for (ViewLookup v : views) {
      if (v.misses() >= parallelMinMisses) {
        large++;
      }
    }
    return large;
  }

  /** Waits for every read, so that none outlives the runs it uses, then rethrows the first failure. */
  private static void awaitAll(List<CompletableFuture<Void>> reads) {
    RuntimeException failure = null;
    for (CompletableFuture<Void> f : reads) {
      try {
        f.join();
      } catch (CompletionException | CancellationException e) {
        if (failure == null) {
          failure = e.getCause() instanceof LookupException le ? le : e;
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static void checkCancelled(BooleanSupplier cancelled) {
    if (cancelled.getAsBoolean()) {
      throw new LookupException(LookupException.Kind.CANCELLED, "the call was cancelled or its deadline passed");
    }
  }
}
