package dev.larder.serving.lookup;

import dev.larder.core.v1.FeatureService;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Registry;
import dev.larder.registry.Catalog;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One validated registry version as the server uses it: the {@link Catalog}, a {@link ViewSpec} per online
 * view, a plan per feature service, and a bounded memo of plans for ad-hoc reference lists. It is immutable
 * apart from that memo and is swapped as a whole when the registry file changes, so a request sees one
 * consistent registry version.
 */
public final class ServedRegistry {
  /** Distinct ad-hoc reference lists remembered per registry version; more are planned on every request. */
  static final int MAX_MEMOIZED_PLANS = 1024;

  private final Catalog catalog;
  private final Map<String, ViewSpec> online;
  private final Map<String, Object> servicePlans;
  private final Map<List<String>, LookupPlan> refPlans = new ConcurrentHashMap<>();

  private ServedRegistry(Catalog catalog, Map<String, ViewSpec> online, Map<String, Object> servicePlans) {
    this.catalog = catalog;
    this.online = online;
    this.servicePlans = servicePlans;
  }

  /**
   * Validates a registry and precomputes what requests need.
   *
   * @throws IllegalArgumentException naming the first view or service that cannot be served
   */
  public static ServedRegistry of(Registry registry) {
    Catalog catalog = Catalog.of(registry);
    Map<String, ViewSpec> online = new LinkedHashMap<>();
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
        online.put(v.getName(), ViewSpec.of(catalog, v));
      }
    }
    Map<String, Object> services = new LinkedHashMap<>();
    for (FeatureService s : registry.getFeatureServicesList()) {
      List<Catalog.FeatureRef> refs;
      try {
        refs = catalog.resolveService(s.getName());
      } catch (Catalog.UnknownReferenceException e) {
        throw new IllegalArgumentException("feature service '" + s.getName() + "': " + e.getMessage(), e);
      }
      try {
        services.put(s.getName(), LookupPlan.of(refs, online));
      } catch (LookupException e) {
        // A service over an offline view is a valid definition; asking for it online is the error.
        services.put(s.getName(), new LookupException(e.kind(), "feature service '" + s.getName() + "': " + e.getMessage()));
      }
    }
    return new ServedRegistry(catalog, Collections.unmodifiableMap(online), Collections.unmodifiableMap(services));
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

  /** Specs of the online views, by name, in registry order. */
  public Map<String, ViewSpec> onlineViews() {
    return online;
  }

  /** The plan for {@code view:feature} / {@code view} references; NOT_FOUND names an unknown view or feature. */
  public LookupPlan plan(List<String> refs) {
    LookupPlan plan = refPlans.get(refs);
    if (plan != null) {
      return plan;
    }
    try {
      plan = LookupPlan.of(catalog.resolve(refs), online);
    } catch (Catalog.UnknownReferenceException e) {
      throw new LookupException(LookupException.Kind.NOT_FOUND, e.getMessage());
    }
    if (refPlans.size() < MAX_MEMOIZED_PLANS) {
      refPlans.put(List.copyOf(refs), plan);
    }
    return plan;
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
