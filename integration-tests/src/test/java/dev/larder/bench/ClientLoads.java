package dev.larder.bench;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.SettableFuture;
import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.serving.v1.FeatureList;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The serve scenario's other clients. {@link #http} is the HTTP/JSON route under the same {@link Load} as the
 * gRPC lookups (JDK HttpClient, HTTP/1.1 keep-alive, one client per load client, the same keys and features).
 * {@link #javaSingle} and {@link #pythonSingle} time single lookups one after another (one call outstanding)
 * from the Java stub and from the Python package, whose latencies the report puts side by side.
 */
final class ClientLoads {
  private ClientLoads() {}

  /** The HTTP route as a {@link Load.Rpc}; a non-200 answer is an error (counted under UNKNOWN with its status). */
  static final class Http implements Load.Rpc {
    private final List<HttpClient> clients = new ArrayList<>();
    private final List<SplittableRandom> randoms = new ArrayList<>();
    private final URI uri;
    private final String prefix;
    private final long entities;
    private final int rows;

    Http(int port, List<String> refs, long entities, int rows, int clients, long seed) {
      this.uri = URI.create("http://127.0.0.1:" + port + "/v1/features:get");
      StringBuilder json = new StringBuilder("{\"full_feature_names\":true,\"features\":{\"refs\":[");
      for (int i = 0; i < refs.size(); i++) {
        json.append(i == 0 ? "" : ",").append('"').append(refs.get(i)).append('"');
      }
      this.prefix = json.append("]},\"entities\":{\"").append(WideSource.JOIN_KEY).append("\":{\"values\":[").toString();
      this.entities = entities;
      this.rows = rows;
      for (int i = 0; i < clients; i++) {
        this.clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build());
        this.randoms.add(new SplittableRandom(seed * 31 + i));
      }
    }

    /** The body of one request: {@code rows} uniform random keys, as the gRPC requests have. */
    String body(SplittableRandom random) {
      StringBuilder b = new StringBuilder(prefix.length() + rows * 24).append(prefix);
      for (int i = 0; i < rows; i++) {
        b.append(i == 0 ? "" : ",").append("{\"int64_val\":\"").append(random.nextLong(entities)).append("\"}");
      }
      return b.append("]}}}").toString();
    }

    @Override
    public ListenableFuture<?> call(int client) {
      SettableFuture<Object> done = SettableFuture.create();
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body(randoms.get(client)))).build();
      clients.get(client).sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, e) -> {
        if (e != null) {
          done.setException(e);
        } else if (r.statusCode() != 200) {
          done.setException(Status.UNKNOWN.withDescription("HTTP " + r.statusCode()).asRuntimeException());
        } else {
          done.set(r);
        }
      });
      return done;
    }

    /** Checks one answer before measuring: status 200 and every feature PRESENT. */
    void verify(int features) throws Exception {
      HttpResponse<String> r = clients.get(0).send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString(body(new SplittableRandom(1)))).build(),
          HttpResponse.BodyHandlers.ofString());
      int present = r.body().split("\"PRESENT\"", -1).length - 1;
      if (r.statusCode() != 200 || present != features * rows) {
        throw new IllegalStateException("HTTP lookup answered " + r.statusCode() + " with " + present + " of "
            + features * rows + " values PRESENT: " + r.body().substring(0, Math.min(300, r.body().length())));
      }
    }
  }

  /** Single lookups from the Java blocking stub, one at a time: latencies in microseconds. */
  static Histogram javaSingle(int port, FeatureList features, long entities, long seed, double warmupSeconds,
                              double seconds) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    try {
      FeatureServingGrpc.FeatureServingBlockingStub stub = FeatureServingGrpc.newBlockingStub(channel);
      SplittableRandom random = new SplittableRandom(seed);
      Histogram h = new Histogram(3_600_000_000L, 3);
      long start = System.nanoTime();
      long measureFrom = start + (long) (warmupSeconds * 1e9);
      long end = measureFrom + (long) (seconds * 1e9);
      long now;
      while ((now = System.nanoTime()) < end) {
        stub.withDeadlineAfter(10, TimeUnit.SECONDS).getOnlineFeatures(GetOnlineFeaturesRequest.newBuilder()
            .setFeatures(features).setFullFeatureNames(true)
            .putEntities(WideSource.JOIN_KEY, RepeatedValue.newBuilder()
                .addValues(Value.newBuilder().setInt64Val(random.nextLong(entities))).build())
            .build());
        long after = System.nanoTime();
        if (now >= measureFrom) {
          h.recordValue(Math.max(1, (after - now) / 1000));
        }
      }
      return h;
    } finally {
      channel.shutdownNow();
    }
  }

  /** What the Python side measured, or why it could not. */
  record PythonResult(double p50Ms, double p99Ms, long calls, String unavailable) {}

  /**
   * Single lookups from the Python package ({@code clients/python}), installed into a virtual environment over
   * Debian's python3-grpcio / python3-protobuf, running {@code python_lookups.py} from the test resources.
   */
  static PythonResult pythonSingle(Path root, Path work, int port, List<String> refs, long entities, long seed,
                                   double warmupSeconds, double seconds) throws IOException, InterruptedException {
    String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    Path logs = work.resolve("python");
    Child.Result check = Child.process("python-check", logs, List.of(python, "-c", "import grpc, google.protobuf, venv"), null);
    if (check.exitCode() != 0) {
      return new PythonResult(Double.NaN, Double.NaN, 0, python + " lacks python3-grpcio / python3-protobuf / "
          + "python3-venv (apt-get install -y python3-grpcio python3-protobuf python3-venv protobuf-compiler-grpc)");
    }
    Path venv = work.resolve("python-venv");
    for (List<String> step : List.of(
        List.of(python, "-m", "venv", "--clear", "--system-site-packages", venv.toString()),
        List.of(venv.resolve("bin/python").toString(), "-m", "pip", "install", "--no-index",
            "--disable-pip-version-check", root.resolve("clients/python").toString()))) {
      Child.Result r = Child.process("python-setup", logs, step, null);
      if (r.exitCode() != 0) {
        return new PythonResult(Double.NaN, Double.NaN, 0, String.join(" ", step) + " failed; see " + r.log());
      }
    }
    Path script = work.resolve("python_lookups.py");
    try (var in = ClientLoads.class.getResourceAsStream("python_lookups.py")) {
      Files.write(script, in.readAllBytes());
    }
    Path out = work.resolve("python-lookups.json");
    Child.Result run = Child.process("python-lookups", logs, List.of(venv.resolve("bin/python").toString(),
        script.toString(), "--target", "127.0.0.1:" + port, "--features", String.join(",", refs),
        "--join-key", WideSource.JOIN_KEY, "--entities", Long.toString(entities), "--seed", Long.toString(seed),
        "--warmup", Double.toString(warmupSeconds), "--seconds", Double.toString(seconds), "--out", out.toString()),
        null);
    if (run.exitCode() != 0) {
      return new PythonResult(Double.NaN, Double.NaN, 0, "python_lookups.py failed; see " + run.log());
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> m = new com.google.gson.Gson().fromJson(Files.readString(out), Map.class);
    return new PythonResult(((Number) m.get("p50_ms")).doubleValue(), ((Number) m.get("p99_ms")).doubleValue(),
        ((Number) m.get("calls")).longValue(), null);
  }
}
