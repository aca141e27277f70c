package dev.larder.serving.lookup;

import dev.larder.online.OnlineStore;
import dev.larder.online.ViewData;
import dev.larder.serving.v1.GetServingInfoResponse;
import dev.larder.serving.v1.ListEntitiesResponse;
import dev.larder.serving.v1.ListFeatureServicesResponse;
import dev.larder.serving.v1.ListFeatureViewsResponse;
import dev.larder.serving.v1.ViewServingInfo;
import dev.larder.time.Timestamps;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The answers that describe what the server serves: the registry's entities, views and services, and per
 * online view the registry version, the version it is served from (the newest with data), that version's
 * materialization run and intervals, and every version with data.
 */
public final class Discovery {
  private final Supplier<ServedRegistry> registry;
  private final OnlineLookup lookup;
  private final String serverVersion;
  private final String project;

  public Discovery(Supplier<ServedRegistry> registry, OnlineLookup lookup, String serverVersion, String project) {
    this.registry = registry;
    this.lookup = lookup;
    this.serverVersion = serverVersion;
    this.project = project;
  }

  public ListEntitiesResponse entities() {
    return ListEntitiesResponse.newBuilder().addAllEntities(registry.get().catalog().registry().getEntitiesList()).build();
  }

  public ListFeatureViewsResponse featureViews() {
    return ListFeatureViewsResponse.newBuilder()
        .addAllFeatureViews(registry.get().catalog().registry().getFeatureViewsList()).build();
  }

  public ListFeatureServicesResponse featureServices() {
    return ListFeatureServicesResponse.newBuilder()
        .addAllFeatureServices(registry.get().catalog().registry().getFeatureServicesList()).build();
  }

  public GetServingInfoResponse servingInfo() {
    ServedRegistry reg = registry.get();
    String servedProject = reg.catalog().registry().getProject().isEmpty() ? project : reg.catalog().registry().getProject();
    GetServingInfoResponse.Builder b = GetServingInfoResponse.newBuilder()
        .setServerVersion(serverVersion).setProject(servedProject).setRegistryVersion(reg.version());
    for (ViewStatus s : viewStatuses(reg)) {
      ViewServingInfo.Builder v = ViewServingInfo.newBuilder().setName(s.view()).setViewVersion(s.viewVersion())
          .setServedVersion(s.servedVersion()).addAllVersionsWithData(s.versionsWithData())
          .setDataVersion(s.runId() < 0 ? "" : Long.toString(s.runId()));
      reg.catalog().versions(s.view()).get(s.servedVersion())
          .ifPresent(version -> v.addAllMaterialized(version.materialized()));
      b.addViews(v);
    }
    return b.build();
  }

  /**
   * Per online view: registry version, the version it is served from, the served version's run (-1 when
   * none) and the end of its newest materialized interval, and every version with data.
   */
  public record ViewStatus(String view, long viewVersion, long servedVersion, long runId, Long materializedUntilMicros,
                           List<Long> versionsWithData) {
    /** Seconds between the newest materialized interval's end and {@code clock}; NaN when unknown. */
    public double dataAgeSeconds(Clock clock) {
      return materializedUntilMicros == null ? Double.NaN
          : (Timestamps.toMicros(clock.instant()) - materializedUntilMicros) / 1e6;
    }
  }

  public List<ViewStatus> viewStatuses() {
    return viewStatuses(registry.get());
  }

  private List<ViewStatus> viewStatuses(ServedRegistry reg) {
    OnlineStore store = lookup.store();
    List<ViewStatus> out = new ArrayList<>();
    for (ViewSpec spec : reg.onlineViews().values()) {
      long runId = -1;
      if (store != null) {
        try (ViewData d = store.acquire(spec.name(), spec.version())) {
          runId = d == null ? -1 : d.runId();
        }
      }
      Long until = null;
      var served = reg.catalog().versions(spec.name()).get(spec.version());
      if (served.isPresent()) {
        for (var interval : served.get().materialized()) {
          long end = Timestamps.fromProto(interval.getEnd());
          until = until == null ? end : Math.max(until, end);
        }
      }
      out.add(new ViewStatus(spec.name(), reg.catalog().viewVersion(spec.name()), spec.version(), runId, until,
          reg.versionsWithData(spec.name())));
    }
    return out;
  }
}
