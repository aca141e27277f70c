package dev.larder.registry;

import dev.larder.core.v1.Entity;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Interval;
import dev.larder.core.v1.Registry;
import dev.larder.core.v1.RegistryVersion;
import dev.larder.core.v1.Source;
import dev.larder.core.v1.ViewState;
import dev.larder.core.v1.ViewVersionRecord;
import dev.larder.time.Timestamps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every version of one feature view the registry knows, oldest first, each with the definitions it was
 * computed from. Versions coexist: the data of an older version stays readable (and servable) with its own
 * definition until it is cleaned up, so readers pick a version here and read only that version's data.
 */
public final class ViewVersions {
  /**
   * One version of a view.
   *
   * @param untilRegistryVersion registry version that replaced it, 0 for the current version
   */
  public record Version(long number, String fingerprint, FeatureView view, List<Entity> entities,
                        List<Field> joinKeys, Source source, long sinceRegistryVersion, long untilRegistryVersion,
                        List<Interval> materialized) {
    public boolean isCurrent() {
      return untilRegistryVersion == 0;
    }
  }

  private final String view;
  private final List<Version> versions;

  private ViewVersions(String view, List<Version> versions) {
    this.view = view;
    this.versions = List.copyOf(versions);
  }

  /**
   * The versions of {@code view} in {@code catalog}'s registry; empty when the registry has no such view.
   * A registry written before fingerprints existed gets the fingerprint of the current definition.
   */
  public static ViewVersions of(Catalog catalog, String view) {
    List<Version> out = new ArrayList<>();
    Optional<FeatureView> current = catalog.view(view);
    if (current.isEmpty()) {
      return new ViewVersions(view, out);
    }
    ViewState state = catalog.viewState(view).orElse(ViewState.getDefaultInstance());
    for (ViewVersionRecord r : state.getPreviousVersionsList()) {
      List<Field> keys = new ArrayList<>();
      Map<String, Entity> byName = new TreeMap<>();
      r.getEntitiesList().forEach(e -> byName.put(e.getName(), e));
      for (String e : r.getView().getEntitiesList()) {
        Entity entity = byName.get(e);
        if (entity != null) {
          keys.addAll(entity.getJoinKeysList());
        }
      }
      out.add(new Version(r.getVersion(), r.getFingerprint(), r.getView(), r.getEntitiesList(), keys,
          r.hasSource() ? r.getSource() : null, r.getSinceRegistryVersion(), r.getUntilRegistryVersion(),
          r.getMaterializedList()));
    }
    FeatureView v = current.get();
    String fp = state.getFingerprint().isEmpty() ? ViewFingerprint.of(catalog, v) : state.getFingerprint();
    List<Entity> entities = v.getEntitiesList().stream().flatMap(e -> catalog.entity(e).stream()).toList();
    out.add(new Version(catalog.viewVersion(view), fp, v, entities, catalog.joinKeys(v),
        catalog.source(v.getSource()).orElse(null),
        state.getSinceRegistryVersion(), 0, state.getMaterializedList()));
    return new ViewVersions(view, out);
  }

  public String view() {
    return view;
  }

  /** Oldest first; the last is the current version. Empty for an unknown view. */
  public List<Version> all() {
    return versions;
  }

  public Version current() {
    if (versions.isEmpty()) {
      throw new Catalog.UnknownReferenceException("unknown feature view '" + view + "'");
    }
    return versions.get(versions.size() - 1);
  }

  public Optional<Version> get(long number) {
    return versions.stream().filter(v -> v.number() == number).findFirst();
  }

  /** The version numbers, ascending, as text for messages: {@code 1, 2, 3}. */
  public String numbers() {
    return String.join(", ", versions.stream().map(v -> Long.toString(v.number())).toList());
  }

  /**
   * The version that was current at {@code micros}, judged by when each version's registry version was
   * applied (the registry's log). This is the upgrade rule for data written before it recorded its version:
   * such data belongs to the version current when it was written. Times before every known version give the
   * oldest known version's predecessor, {@code oldest - 1} (0 when unknown), which no reader asks for.
   */
  public long versionAt(Registry registry, long micros) {
    Map<Long, Long> appliedAt = new TreeMap<>();
    for (RegistryVersion rv : registry.getVersionsList()) {
      appliedAt.put(rv.getVersion(), Timestamps.fromProto(rv.getAppliedAt()));
    }
    long found = versions.isEmpty() ? 0 : versions.get(0).number() - 1;
    for (Version v : versions) {
      Long since = appliedAt.get(v.sinceRegistryVersion());
      if (since == null || since <= micros) {
        found = v.number();
      }
    }
    return found;
  }
}
