package dev.larder.serving.lookup;

import dev.larder.online.OnlineStore;
import java.util.Set;

/**
 * A {@link FreshRows} that can tell which view versions hold pushed rows: such a version has data to serve
 * even when nothing was ever materialized for it, so a push view is served from the version it is pushed to.
 */
public interface FreshVersions extends FreshRows {
  Set<OnlineStore.ViewVersion> versions();
}
