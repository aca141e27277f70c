package dev.larder.materialize;

import dev.larder.tasks.ProgressReporter;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Registry;
import dev.larder.online.OnlineOptions;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryStore;
import dev.larder.time.Durations;
import dev.larder.time.Timestamps;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * {@code larder materialize} and {@code materialize-incremental}: loads the latest value per entity of each
 * online view into the online store, one view after another, and records each materialized interval in the
 * registry. Each view is published atomically on its own; a failure stops the command, leaving views done
 * so far published and recorded and the failed view's served data unchanged.
 */
public final class Materializer {
  private final ProjectConfig config;
  private final MaterializeSource history;
  private final OnlineOptions options;
  private final Clock clock;
  private final ProgressReporter progress;

  /**
   * @param startMicros empty for an incremental run: each view starts where its last recorded interval ended
   *                    (first run: end - TTL, or all history when the view has no TTL)
   * @param allowEmpty whether a view without rows in its interval is still published and its interval recorded;
   *                   when false (the default) such a view is left alone and its result is {@link ViewResult#empty}
   */
  public record Request(List<String> views, OptionalLong startMicros, long endMicros, boolean allowEmpty) {
    public Request(List<String> views, OptionalLong startMicros, long endMicros) {
      this(views, startMicros, endMicros, false);
    }
  }

  /**
   * One view's outcome; {@code summary} is null when there was nothing to do ({@code note} says why).
   * {@code empty} means the interval held no rows, so nothing was published or recorded: recording it would
   * make a later incremental run skip rows that arrive for that interval afterwards.
   */
  public record ViewResult(String view, long viewVersion, long startMicros, long endMicros,
                           OnlineWriter.Summary summary, boolean recorded, String note, boolean empty) {
    public ViewResult(String view, long viewVersion, long startMicros, long endMicros,
                      OnlineWriter.Summary summary, boolean recorded, String note) {
      this(view, viewVersion, startMicros, endMicros, summary, recorded, note, false);
    }
  }

  public Materializer(ProjectConfig config, MaterializeSource history, OnlineOptions options, Clock clock) {
    this(config, history, options, clock, ProgressReporter.SILENT);
  }

  public Materializer(ProjectConfig config, MaterializeSource history, OnlineOptions options, Clock clock,
                      ProgressReporter progress) {
    this.progress = progress;
    this.config = config;
    this.history = history;
    this.options = options;
    this.clock = clock;
  }

  /** A materializer over the project's offline store and sources, with options from larder.properties. */
  public static Materializer of(ProjectConfig config, ProgressReporter progress) {
    return new Materializer(config, MaterializeSource.offline(config), OnlineOptions.fromSettings(config.settings()),
        Clock.systemUTC(), progress);
  }

  /**
   * Materializes the requested views, reporting each outcome as soon as the view is done.
   *
   * @throws IllegalArgumentException for an interval with start after end or a view that is not online
   * @throws Catalog.UnknownReferenceException for an unknown view
   */
  public List<ViewResult> run(Request request, Consumer<ViewResult> onView) throws IOException {
    RegistryStore store = RegistryStore.of(config);
    Registry registry = store.read();
    if (registry.getVersion() == 0) {
      throw new IOException(config.registryPath() + ": no registry yet; run `larder apply` first");
    }
    if (request.startMicros().isPresent() && request.startMicros().getAsLong() > request.endMicros()) {
      throw new IllegalArgumentException("--start " + Timestamps.format(request.startMicros().getAsLong())
          + " is after --end " + Timestamps.format(request.endMicros()));
    }
    Catalog catalog = Catalog.of(registry);
    ViewMaterialization materialization = new ViewMaterialization(config.onlineDir(), options);
    List<ViewResult> results = new ArrayList<>();
    for (FeatureView view : select(catalog, request.views())) {
      ViewResult r = runView(store, catalog, registry, view, request, materialization);
      results.add(r);
      onView.accept(r);
    }
    return results;
  }

  private ViewResult runView(RegistryStore store, Catalog catalog, Registry registry, FeatureView view,
                             Request request, ViewMaterialization materialization) throws IOException {
    String name = view.getName();
    long version = catalog.viewVersion(name);
    long end = request.endMicros();
    long start;
    if (request.startMicros().isPresent()) {
      start = request.startMicros().getAsLong();
    } else {
      OptionalLong last = MaterializedIntervals.lastEnd(registry, name, version);
      if (last.isPresent() && last.getAsLong() >= end) {
        return new ViewResult(name, version, last.getAsLong(), end, null, false,
            "already materialized up to " + Timestamps.format(last.getAsLong()));
      }
      Duration ttl = Catalog.ttl(view);
      start = last.isPresent() ? last.getAsLong() : ttl == null ? Long.MIN_VALUE : end - Durations.toMicros(ttl);
    }
    ViewMaterialization.Outcome outcome;
    try (ProgressReporter.Step step = progress.start("materializing " + name, -1)) {
      outcome = materialization.run(catalog, view, start, end, history, step::advance, request.allowEmpty());
    }
    if (outcome.summary() == null) {
      String why = Catalog.isAggregation(view) ? "run `larder compute` for it first"
          : catalog.isPush(view) ? "run `larder push-log` to log its pushes first" : "its source has none yet";
      return new ViewResult(name, version, start, end, null, false, "no rows with event_timestamp in the interval; "
          + "nothing published or recorded (" + why + ", or pass --allow-empty)", true);
    }
    long recordedStart = start == Long.MIN_VALUE ? outcome.firstEventMicros() : start;
    boolean recorded = MaterializedIntervals.record(store, name, version, recordedStart, end,
        outcome.summary().runId(), clock.instant());
    return new ViewResult(name, version, recordedStart, end, outcome.summary(), recorded,
        recorded ? "" : "the registry changed view '" + name + "' during the run; interval not recorded");
  }

  private static List<FeatureView> select(Catalog catalog, List<String> names) {
    List<FeatureView> out = new ArrayList<>();
    if (names == null || names.isEmpty()) {
      for (FeatureView v : catalog.views()) {
        if (Catalog.isOnline(v)) {
          out.add(v);
        }
      }
      return out;
    }
    for (String n : new LinkedHashSet<>(names)) {
      FeatureView v = catalog.requireView(n);
      if (!Catalog.isOnline(v)) {
        throw new IllegalArgumentException("feature view '" + n + "' is not online (online: false); "
            + "it cannot be materialized");
      }
      out.add(v);
    }
    return out;
  }
}
