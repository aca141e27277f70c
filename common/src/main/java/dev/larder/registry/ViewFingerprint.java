package dev.larder.registry;

import dev.larder.core.v1.Aggregation;
import dev.larder.core.v1.Entity;
import dev.larder.core.v1.Feature;
import dev.larder.core.v1.FeatureView;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.Source;
import dev.larder.time.Durations;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The definition fingerprint of a feature view: a hash of everything that changes a value the view stores,
 * offline or online. Two definitions with the same fingerprint compute the same rows from the same events;
 * a changed fingerprint is a new view version (see {@link Plan}), so stored values are never read under a
 * definition they were not computed for.
 *
 * <p>Covered: the view's features in order (name, type, and the aggregation's function, column, filter and
 * window, the window normalized so that {@code 1d} and {@code 24h} agree); the source's location (path),
 * format, timestamp and created-timestamp fields, field mapping and declared schema; the view's entities in
 * order with their join keys' names and types.
 *
 * <p>Excluded, because they change no stored value: the TTL (applied when values are read, by the
 * point-in-time rule and the server's max age), the {@code online} flag, names of the view and of its
 * source, and every description, owner and tag. The filter is hashed as written: reformatting it makes a new
 * version.
 */
public final class ViewFingerprint {
  /** Prefix naming the canonical form, so that a future change of the form is visible in stored values. */
  static final String SCHEME = "fp1:";

  private ViewFingerprint() {}

  /**
   * The fingerprint of {@code view} with the given entities and source (null when the registry lacks it).
   *
   * @param entities entity name -> definition; entities the view names but the map lacks hash as unknown
   */
  public static String of(FeatureView view, Map<String, Entity> entities, Source source) {
    return SCHEME + sha256(canonical(view, entities, source));
  }

  /** The fingerprint of a view as a catalog defines it. */
  public static String of(Catalog catalog, FeatureView view) {
    Map<String, Entity> entities = new TreeMap<>();
    for (String e : view.getEntitiesList()) {
      catalog.entity(e).ifPresent(x -> entities.put(e, x));
    }
    return of(view, entities, catalog.source(view.getSource()).orElse(null));
  }

  /** The text that is hashed: one line per covered fact, in a fixed order. */
  static String canonical(FeatureView view, Map<String, Entity> entities, Source source) {
    StringBuilder b = new StringBuilder();
    for (String name : view.getEntitiesList()) {
      Entity e = entities.get(name);
      b.append("entity ").append(quote(name));
      if (e == null) {
        b.append(" unknown");
      } else {
        for (Field k : e.getJoinKeysList()) {
          b.append(" key ").append(quote(k.getName())).append(' ').append(k.getType().name());
        }
      }
      b.append('\n');
    }
    if (source == null) {
      b.append("source unknown\n");
    } else {
      b.append("source path ").append(quote(source.getPath()))
          .append(" format ").append(source.getFormat().name())
          .append(" timestamp ").append(quote(source.getTimestampField()))
          .append(" created ").append(quote(source.getCreatedTimestampField())).append('\n');
      new TreeMap<>(source.getFieldMappingMap()).forEach((from, to) ->
          b.append("source mapping ").append(quote(from)).append(' ').append(quote(to)).append('\n'));
      for (Field f : source.getSchemaList()) {
        b.append("source column ").append(quote(f.getName())).append(' ').append(f.getType().name()).append('\n');
      }
    }
    for (Feature f : view.getFeaturesList()) {
      b.append("feature ").append(quote(f.getName())).append(' ').append(f.getType().name());
      if (f.hasAggregation()) {
        Aggregation a = f.getAggregation();
        b.append(" aggregation ").append(a.getFunction().name())
            .append(" column ").append(quote(a.getColumn()))
            .append(" filter ").append(quote(a.getFilter()))
            .append(" window ").append(window(a.getWindow()));
      }
      b.append('\n');
    }
    return b.toString();
  }

  /** The window in milliseconds ("lifetime" when unbounded), or the text as written when it does not parse. */
  private static String window(String text) {
    try {
      Duration d = Durations.parse(text);
      return d == null ? "lifetime" : d.toMillis() + "ms";
    } catch (IllegalArgumentException e) {
      return quote(text);
    }
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java platform", e);
    }
  }

  /** Short form for messages: the first 12 hex digits. */
  public static String shortForm(String fingerprint) {
    return fingerprint.startsWith(SCHEME) && fingerprint.length() > SCHEME.length() + 12
        ? fingerprint.substring(SCHEME.length(), SCHEME.length() + 12) : fingerprint;
  }
}
