package dev.larder.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.tools.attach.VirtualMachine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.management.MBeanServerConnection;
import javax.management.Notification;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * What a server JVM allocates and how long it pauses for garbage collection while a load runs, read from the
 * outside through the JDK's attach API and JMX, so that larder-server and the zero-work server are measured the
 * same way and neither carries measuring code. Allocation is the JVM's exact per-thread counters
 * ({@code TotalThreadAllocatedBytes}); pauses come from the collector's own notifications, one per collection.
 * A JVM that cannot be attached to gives NaN figures, never a failed benchmark.
 */
final class JvmProbe implements AutoCloseable {
  private static final ObjectName THREADING = name("java.lang:type=Threading");
  private static final ObjectName RUNTIME = name("java.lang:type=Runtime");

  /** One collection: when it started (JVM uptime, ms), how long it took (ms), and which collector and cause. */
  record Gc(long startMs, long durationMs, String collector, String action, String cause) {}

  private final JMXConnector connector;
  private final MBeanServerConnection server;
  private final List<Gc> gcs = new ArrayList<>();
  private final String unavailable;

  private JvmProbe(JMXConnector connector, String unavailable) {
    this.connector = connector;
    this.unavailable = unavailable;
    MBeanServerConnection s = null;
    if (connector != null) {
      try {
        s = connector.getMBeanServerConnection();
        for (ObjectName gc : s.queryNames(name("java.lang:type=GarbageCollector,*"), null)) {
          s.addNotificationListener(gc, (n, h) -> record(n), null, null);
        }
      } catch (Exception e) {
        s = null;
      }
    }
    this.server = s;
  }

  /** Attaches to the JVM with process id {@code pid}; a probe that reads NaN if that fails. */
  static JvmProbe attach(long pid) {
    try {
      VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
      String address;
      try {
        address = vm.startLocalManagementAgent();
      } finally {
        vm.detach();
      }
      return new JvmProbe(JMXConnectorFactory.connect(new JMXServiceURL(address)), null);
    } catch (Exception | LinkageError e) {
      return new JvmProbe(null, e.toString());
    }
  }

  /** Why the probe reads nothing, or null when it works. */
  String unavailable() {
    return server == null ? (unavailable == null ? "JMX connection failed" : unavailable) : null;
  }

  /** Bytes allocated on the heap by all threads so far; -1 when unknown. */
  LongSupplier allocatedBytes() {
    return () -> longAttribute(THREADING, "TotalThreadAllocatedBytes");
  }

  /** Milliseconds since the JVM started, the clock of {@link Gc#startMs}; -1 when unknown. */
  LongSupplier uptimeMillis() {
    return () -> longAttribute(RUNTIME, "Uptime");
  }

  /** The collections that started in [{@code fromMs}, {@code toMs}) of JVM uptime. */
  synchronized List<Gc> collections(long fromMs, long toMs) {
    return gcs.stream().filter(g -> g.startMs() >= fromMs && g.startMs() < toMs).toList();
  }

  /** Count, total and longest pause of {@code gcs}, as figures for a report. */
  static Map<String, Object> summary(List<Gc> gcs, double seconds) {
    long total = gcs.stream().mapToLong(Gc::durationMs).sum();
    long max = gcs.stream().mapToLong(Gc::durationMs).max().orElse(0);
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("collections", gcs.size());
    m.put("pause_ms_total", total);
    m.put("pause_ms_max", max);
    m.put("pause_share", seconds > 0 ? total / 1000.0 / seconds : Double.NaN);
    m.put("kinds", gcs.stream().collect(java.util.stream.Collectors.groupingBy(
        g -> g.collector() + " / " + g.action() + " / " + g.cause(), java.util.TreeMap::new,
        java.util.stream.Collectors.counting())));
    return m;
  }

  private synchronized void record(Notification n) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    gcs.add(new Gc(info.getGcInfo().getStartTime(), info.getGcInfo().getDuration(), info.getGcName(),
        info.getGcAction(), info.getGcCause()));
  }

  private long longAttribute(ObjectName bean, String attribute) {
    if (server == null) {
      return -1;
    }
    try {
      return ((Number) server.getAttribute(bean, attribute)).longValue();
    } catch (Exception e) {
      return -1;
    }
  }

  private static ObjectName name(String s) {
    try {
      return new ObjectName(s);
    } catch (javax.management.MalformedObjectNameException e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  @Override
  public void close() {
    if (connector != null) {
      try {
        connector.close();
      } catch (IOException ignored) {
        // the server process may already be gone
      }
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "JvmProbe[%s]", unavailable() == null ? "attached" : unavailable());
  }
}
