package dev.larder.serving.lookup;

import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Registry;
import dev.larder.online.OnlineStore.ViewVersion;
import dev.larder.registry.Catalog;
import dev.larder.registry.ViewVersions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One validated registry version, together with which view versions have online data, as the server uses
 * them: the {@link Catalog}, a {@link ViewSpec} per version of every online view, the version each view is
 * served from, a plan per feature service, and a bounded memo of plans for ad-hoc reference lists.
 *
 * <p>Versions coexist: a view is served from its newest version that has data, so a breaking {@code apply}
 * keeps answering from the previous version until the new one is materialized. That choice is made here,
 * once per registry or data change, and baked into the plans, never per request. The object is immutable
 * apart from the memo and is swapped as a whole, so a request sees one registry version and one choice of
 * served versions.
 */
public final class ServedRegistry {
  private static final Logger LOG = LoggerFactory.getLogger("larder.server");
  /** Distinct ad-hoc reference lists remembered per registry version; more are planned on every request. */
  static final int MAX_MEMOIZED_PLANS = 1024;

  private final Registry registry;
  private final Catalog catalog;
  private final Set<ViewVersion> withData;
  /** Per online view, the spec it is served from (newest version with data, else the registry's version). */
  private final Map<String, ViewSpec> online;
  /** Per online view, the specs of every version the registry records, by version. */
  private final Map<String, Map<Long, ViewSpec>> versions;
  private final Map<String, Object> servicePlans;
  private final Map<List<String>, Object> refPlans = new ConcurrentHashMap<>();

  private ServedRegistry(Registry registry, Catalog catalog, Set<ViewVersion> withData, Map<String, ViewSpec> online,
                         Map<String, Map<Long, ViewSpec>> versions) {
    this.registry = registry;
    this.catalog = catalog;
    this.withData = withData;
    this.online = online;
    this.versions = versions;
    Map<String, Object> services = new LinkedHashMap<>();
    for (FeatureService s : registry.getFeatureServicesList()) {
      List<Catalog.FeatureRef> refs;
      try {
        refs = catalog.resolveService(s.getName());
      } catch (Catalog.UnknownReferenceException e) {
        throw new IllegalArgumentException("feature service '" + s.getName() + "': " + e.getMessage(), e);
      }
      try {
        services.put(s.getName(), LookupPlan.of(refs, this));
      } catch (LookupException e) {
        // A service over an offline view is a valid definition; asking for it online is the error.
        services.put(s.getName(), new LookupException(e.kind(), "feature service '" + s.getName() + "': " + e.getMessage()));
      }
    }
    this.servicePlans = Collections.unmodifiableMap(services);
  }

  /**
   * Validates a registry and precomputes what requests need, as if no view version had data yet (each view
   * is then served from its registry version); {@link #withData} tells it what the store has.
   *
   * @throws IllegalArgumentException naming the first view or service that cannot be served
   */
  public static ServedRegistry of(Registry registry) {
    return of(registry, Set.of());
  }

  /** As {@link #of(Registry)}, knowing which view versions have online data. */
  public static ServedRegistry of(Registry registry, Set<ViewVersion> withData) {
    Catalog catalog = Catalog.of(registry);
    Map<String, Map<Long, ViewSpec>> versions = new LinkedHashMap<>();
    for (FeatureView v : catalog.views()) {
      try {
        catalog.joinKeys(v);
        Catalog.ttl(v);
      } catch (Catalog.UnknownReferenceException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("feature view '" + v.getName() + "': ttl " + e.getMessage(), e);
      }
      if (Catalog.isOnline(v)) {
        Map<Long, ViewSpec> specs = new TreeMap<>();
        for (ViewVersions.Version old : catalog.versions(v.getName()).all()) {
          if (!old.isCurrent()) {
            try {
              specs.put(old.number(), ViewSpec.of(catalog.pinned(v.getName(), old.number()), old.view()));
            } catch (RuntimeException e) {
              LOG.warn("event=version_not_servable view={} version={} reason=\"{}\"", v.getName(), old.number(),
                  String.valueOf(e.getMessage()).replace('"', '\''));
            }
          }
        }
        specs.put(catalog.viewVersion(v.getName()), ViewSpec.of(catalog, v));
        versions.put(v.getName(), Collections.unmodifiableMap(specs));
      }
    }
    return resolve(registry, catalog, versions, withData);
  }

  private static ServedRegistry resolve(Registry registry, Catalog catalog, Map<String, Map<Long, ViewSpec>> versions,
                                        Set<ViewVersion> withData) {
    Map<String, ViewSpec> online = new LinkedHashMap<>();
    versions.forEach((view, specs) -> {
      ViewSpec served = specs.get(catalog.viewVersion(view));
      for (ViewSpec s : specs.values()) { // ascending: the last with data wins
        if (withData.contains(new ViewVersion(view, s.version()))) {
          served = s;
        }
      }
      online.put(view, served);
    });
    return new ServedRegistry(registry, catalog, Set.copyOf(withData), Collections.unmodifiableMap(online),
        Collections.unmodifiableMap(versions));
  }

  /**
   * This registry with a new set of view versions that have data: served versions and plans are chosen
   * again. Returns this object when nothing that decides them changed.
   */
  public ServedRegistry withData(Set<ViewVersion> data) {
    if (data.equals(withData)) {
      return this;
    }
    return resolve(registry, catalog, versions, data);
  }

  /** The registry before anything was applied: serves nothing. */
  public static ServedRegistry empty() {
    return of(Registry.getDefaultInstance());
  }

  public Catalog catalog() {
    return catalog;
  }

  public long version() {
    return catalog.version();
  }

  /** The view versions with online data this object was resolved for. */
  public Set<ViewVersion> withData() {
    return withData;
  }

  /** Specs of the online views as they are served (newest version with data), by name, in registry order. */
  public Map<String, ViewSpec> onlineViews() {
    return online;
  }

  /** Every version of an online view the registry records, ascending; empty for an unknown or offline view. */
  public Map<Long, ViewSpec> versions(String view) {
    return versions.getOrDefault(view, Map.of());
  }

  /** Versions of an online view that have online data, ascending. */
  public List<Long> versionsWithData(String view) {
    List<Long> out = new ArrayList<>();
    for (long v : versions(view).keySet()) {
      if (withData.contains(new ViewVersion(view, v))) {
        out.add(v);
      }
    }
    return out;
  }

  boolean hasData(String view, long version) {
    return withData.contains(new ViewVersion(view, version));
  }

  /** The plan for {@code view:feature} / {@code view} references; NOT_FOUND names an unknown view or feature. */
  public LookupPlan plan(List<String> refs) {
    Object memo = refPlans.get(refs);
    if (memo == null) {
      try {
        memo = LookupPlan.of(catalog.resolve(refs), this);
      } catch (Catalog.UnknownReferenceException e) {
        memo = new LookupException(LookupException.Kind.NOT_FOUND, e.getMessage());
      } catch (LookupException e) {
        memo = e;
      }
      if (refPlans.size() < MAX_MEMOIZED_PLANS) {
        refPlans.put(List.copyOf(refs), memo);
      }
    }
    if (memo instanceof LookupException e) {
      throw new LookupException(e.kind(), e.getMessage());
    }
    return (LookupPlan) memo;
  }

  /** The plan of a feature service; NOT_FOUND names an unknown service. */
  public LookupPlan servicePlan(String name) {
    Object p = servicePlans.get(name);
    if (p == null) {
      throw new LookupException(LookupException.Kind.NOT_FOUND, "unknown feature service '" + ClientText.name(name) + "'");
    }
    if (p instanceof LookupException e) {
      throw new LookupException(e.kind(), e.getMessage());
    }
    return (LookupPlan) p;
  }
}
