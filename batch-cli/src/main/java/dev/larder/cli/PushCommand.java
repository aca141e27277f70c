package dev.larder.cli;

import dev.larder.ingest.FilePush;
import dev.larder.registry.Catalog;
import dev.larder.registry.ProjectConfig;
import dev.larder.registry.RegistryFile;
import dev.larder.serving.v1.FeatureServingGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "push", mixinStandardHelpOptions = true,
    description = {"Push rows from a file to a push view.",
        "Columns: every join key, the source's timestamp_field, and any of the view's features. Each batch",
        "(PushFeatures call) is written whole or refused whole; rows are served once reported written."})
final class PushCommand implements Callable<Integer> {
  @Mixin
  RepoOption repo;

  @Option(names = "--view", paramLabel = "VIEW", required = true, description = "The push view.")
  String view;

  @Option(names = "--rows", paramLabel = "FILE", required = true, description = "Rows to push: a .parquet or .csv file.")
  Path rows;

  @Option(names = "--server", paramLabel = "HOST:PORT",
      description = "The server (default: server.host and server.port of larder.properties; 0.0.0.0 means 127.0.0.1).")
  String server;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding the bearer token (a token with writes= for the view); default: $LARDER_TOKEN.")
  Path tokenFile;

  @Option(names = "--ca-cert", paramLabel = "FILE", description = "Use TLS, trusting this CA certificate (PEM).")
  Path caCert;

  @Option(names = "--batch-rows", paramLabel = "N", defaultValue = "1000", description = "Rows per PushFeatures call (default: ${DEFAULT-VALUE}).")
  int batchRows;

  @Override
  public Integer call() throws IOException {
    if (batchRows < 1) {
      throw UserError.usage("--batch-rows must be at least 1");
    }
    ProjectConfig config = repo.load();
    Catalog catalog = Catalog.of(RegistryFile.read(config.registryPath()).orElseThrow(() -> UserError.usage(
        config.registryPath() + ": no registry yet; run `larder apply` first")));
    catalog.requireView(view);
    ManagedChannel channel = channel(config);
    try {
      FeatureServingGrpc.FeatureServingBlockingStub stub = FeatureServingGrpc.newBlockingStub(channel);
      String token = token();
      if (token != null) {
        Metadata h = new Metadata();
        h.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h));
      }
      FilePush.Result r;
      try {
        r = FilePush.push(catalog, view, rows, batchRows, stub);
      } catch (FilePush.Refused e) {
        Status.Code code = e.status.getStatus().getCode();
        throw code == Status.Code.INVALID_ARGUMENT || code == Status.Code.PERMISSION_DENIED
            || code == Status.Code.NOT_FOUND || code == Status.Code.FAILED_PRECONDITION
            || code == Status.Code.UNAUTHENTICATED ? UserError.usage(e.getMessage()) : UserError.failure(e.getMessage());
      }
      System.out.printf("pushed %,d rows to %s (version %d) in %d batch(es)%n", r.rows(), view, r.viewVersion(),
          r.batches());
      return Larder.OK;
    } finally {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private ManagedChannel channel(ProjectConfig config) throws IOException {
    String target = server;
    if (target == null) {
      String host = config.setting("server.host", "127.0.0.1");
      if (host.equals("0.0.0.0") || host.equals("::")) {
        host = "127.0.0.1";
      }
      target = host + ":" + config.setting("server.port", "6566");
    }
    int colon = target.lastIndexOf(':');
    if (colon <= 0) {
      throw UserError.usage("--server expects HOST:PORT, got '" + target + "'");
    }
    int port;
    try {
      port = Integer.parseInt(target.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw UserError.usage("--server expects HOST:PORT, got '" + target + "'");
    }
    ChannelCredentials credentials = caCert == null ? InsecureChannelCredentials.create()
        : TlsChannelCredentials.newBuilder().trustManager(caCert.toFile()).build();
    return NettyChannelBuilder.forAddress(target.substring(0, colon), port, credentials)
        .maxInboundMessageSize(64 << 20).build();
  }

  private String token() throws IOException {
    if (tokenFile != null) {
      return Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
    }
    String env = System.getenv("LARDER_TOKEN");
    return env == null || env.isBlank() ? null : env.strip();
  }
}
