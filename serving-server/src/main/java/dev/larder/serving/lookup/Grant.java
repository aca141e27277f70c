package dev.larder.serving.lookup;

import java.util.Set;

/**
 * What one caller may read: whole feature views and feature services, by name, with {@code *} for all; and
 * which push views it may write ({@code writes}). Reading never implies writing: a token may push only to
 * the views its {@code writes=} names.
 * It lives in the lookup layer because authorization is decided on the resolved request (the views a
 * plan reads), not on the text of the request; how a caller proved who it is is the transport's business.
 *
 * @param client the name shown in refusals (never a secret)
 */
public record Grant(String client, Set<String> views, Set<String> services, Set<String> writes) {
  /** Everything: used when authentication is off. */
  public static final Grant ALL = new Grant("anonymous", Set.of("*"), Set.of("*"), Set.of("*"));

  public Grant {
    views = Set.copyOf(views);
    services = Set.copyOf(services);
    writes = Set.copyOf(writes);
  }

  /** A read-only grant. */
  public Grant(String client, Set<String> views, Set<String> services) {
    this(client, views, services, Set.of());
  }

  public boolean mayWriteView(String view) {
    return writes.contains("*") || writes.contains(view);
  }

  public boolean mayReadView(String view) {
    return views.contains("*") || views.contains(view);
  }

  public boolean mayUseService(String service) {
    return services.contains("*") || services.contains(service);
  }

  /**
   * Refuses a plan this grant does not cover. A service call is allowed when the service is granted or
   * when every view it reads is; a reference list when every view it reads is.
   *
   * @param service the requested feature service, or null for a reference list
   * @throws LookupException PERMISSION_DENIED naming the client and the first view or service refused
   */
  void check(LookupPlan plan, String service) {
    if (this == ALL || service != null && mayUseService(service)) {
      return;
    }
    for (LookupPlan.ViewRead read : plan.reads()) {
      if (!mayReadView(read.spec().name())) {
        throw new LookupException(LookupException.Kind.PERMISSION_DENIED, service == null
            ? "token '" + client + "' may not read feature view '" + read.spec().name() + "'"
            : "token '" + client + "' may not use feature service '" + service + "' (nor read its feature view '"
                + read.spec().name() + "')");
      }
    }
  }
}
