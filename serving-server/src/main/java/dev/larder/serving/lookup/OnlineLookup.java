package dev.larder.serving.lookup;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.online.OnlineStore;
import dev.larder.online.ViewData;
import dev.larder.serving.lookup.LookupPlan.ViewRead;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.time.Timestamps;
import dev.larder.value.Values;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  private volatile OnlineStore store;

  public OnlineLookup(Supplier<ServedRegistry> registry, RowCache cache, Clock clock, int maxEntities) {
    this.registry = registry;
    this.cache = cache;
    this.clock = clock;
    this.maxEntities = maxEntities;
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

    long now = Timestamps.toMicros(clock.instant());
    ViewData[] data = new ViewData[reads.size()];
    CachedRow[][] found = new CachedRow[reads.size()][];
    try {
      for (int v = 0; v < reads.size(); v++) {
        ViewSpec spec = reads.get(v).spec();
        data[v] = s.acquire(spec.name(), spec.version());
      }
      for (int v = 0; v < reads.size(); v++) {
        if (cancelled.getAsBoolean()) {
          throw new LookupException(LookupException.Kind.CANCELLED, "the call was cancelled or its deadline passed");
        }
        found[v] = readView(reads.get(v).spec(), keyColumns.get(v), rows, data[v]);
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
            + first + "' has " + n + " values, '" + e.getKey() + "' has " + c);
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

  /** The row of every entity of one view: from the cache, else one multiGet of the distinct misses. */
  private CachedRow[] readView(ViewSpec spec, List<RepeatedValue> keyColumns, int rows, ViewData data) {
    CachedRow[] found = new CachedRow[rows];
    RowKey[] keys = new RowKey[rows];
    Value[] keyValues = new Value[keyColumns.size()];
    List<Value> keyList = Arrays.asList(keyValues);
    long runId = data == null ? -1 : data.runId();
    int misses = 0;
    for (int i = 0; i < rows; i++) {
      for (int k = 0; k < keyValues.length; k++) {
        keyValues[k] = keyColumns.get(k).getValues(i);
      }
      byte[] encoded;
      try {
        encoded = spec.keyCodec().encode(keyList);
      } catch (IllegalArgumentException e) {
        throw new LookupException(LookupException.Kind.INVALID_ARGUMENT, "entity row " + i + ": " + e.getMessage());
      }
      if (data == null) {
        found[i] = CachedRow.MISSING;
        continue;
      }
      keys[i] = new RowKey(spec.name(), spec.version(), runId, encoded);
      found[i] = cache.get(keys[i]);
      if (found[i] == null) {
        misses++;
      }
    }
    if (misses > 0) {
      readMisses(spec, data, keys, found, misses);
    }
    return found;
  }

  private void readMisses(ViewSpec spec, ViewData data, RowKey[] keys, CachedRow[] found, int misses) {
    // Distinct missing keys, each with the first row that asked for it; later duplicates copy that row.
    Map<RowKey, Integer> first = misses > 1 ? new HashMap<>(misses * 2) : null;
    int[] rowOf = new int[misses];
    List<byte[]> wanted = new ArrayList<>(misses);
    int[] duplicateOf = new int[found.length];
    Arrays.fill(duplicateOf, -1);
    for (int i = 0; i < found.length; i++) {
      if (found[i] != null) {
        continue;
      }
      Integer earlier = first == null ? null : first.putIfAbsent(keys[i], i);
      if (earlier != null) {
        duplicateOf[i] = earlier;
      } else {
        rowOf[wanted.size()] = i;
        wanted.add(keys[i].entityKey);
      }
    }
    byte[][] values;
    try {
      values = data.multiGet(wanted);
    } catch (IOException e) {
      throw new LookupException(LookupException.Kind.INTERNAL,
          "reading feature view '" + spec.name() + "' failed: " + e.getMessage());
    }
    for (int j = 0; j < values.length; j++) {
      CachedRow row = values[j] == null ? CachedRow.MISSING : CachedRow.of(spec.rowCodec().decode(values[j]));
      int i = rowOf[j];
      found[i] = row;
      cache.put(keys[i], row);
    }
    for (int i = 0; i < found.length; i++) {
      if (duplicateOf[i] >= 0) {
        found[i] = found[duplicateOf[i]];
      }
    }
  }
}
