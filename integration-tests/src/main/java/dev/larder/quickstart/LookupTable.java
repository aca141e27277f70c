package dev.larder.quickstart;

import dev.larder.core.v1.RepeatedValue;
import dev.larder.core.v1.Value;
import dev.larder.serving.v1.FeatureServingGrpc;
import dev.larder.serving.v1.FeatureVector;
import dev.larder.serving.v1.FieldStatus;
import dev.larder.serving.v1.GetOnlineFeaturesRequest;
import dev.larder.serving.v1.GetOnlineFeaturesResponse;
import dev.larder.value.Values;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Looks users up through the generated Java stubs, as an inference service would, and prints a table. */
final class LookupTable {
  private LookupTable() {}

  static String exampleJson() {
    return "{\"feature_service\":\"user_model\",\"entities\":{\"user_id\":{\"values\":[{\"int64_val\":\"42\"}]}}}";
  }

  static void print(int port, List<Long> userIds, PrintStream out) {
    print(port, userIds, GetOnlineFeaturesRequest.newBuilder().setFeatureService("user_model"), out);
  }

  /** The pushed features of the quickstart's push view. */
  static void printPushed(int port, List<Long> userIds, PrintStream out) {
    print(port, userIds, GetOnlineFeaturesRequest.newBuilder().setFeatures(
        dev.larder.serving.v1.FeatureList.newBuilder().addRefs("user_clicks")), out);
  }

  private static void print(int port, List<Long> userIds, GetOnlineFeaturesRequest.Builder request, PrintStream out) {
    ManagedChannel channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
    try {
      RepeatedValue.Builder ids = RepeatedValue.newBuilder();
      userIds.forEach(id -> ids.addValues(Value.newBuilder().setInt64Val(id)));
      GetOnlineFeaturesResponse response = FeatureServingGrpc.newBlockingStub(channel)
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .getOnlineFeatures(request
              .putEntities("user_id", ids.build())
              .build());
      List<String> header = new ArrayList<>();
      header.add("user_id");
      header.addAll(response.getFeatureNamesList());
      List<List<String>> rows = new ArrayList<>();
      for (int i = 0; i < userIds.size(); i++) {
        List<String> row = new ArrayList<>();
        row.add(Long.toString(userIds.get(i)));
        for (FeatureVector v : response.getResultsList()) {
          row.add(v.getStatuses(i) == FieldStatus.NOT_FOUND ? "(not found)" : render(v.getValues(i)));
        }
        rows.add(row);
      }
      printTable(out, header, rows);
    } finally {
      channel.shutdownNow();
    }
  }

  private static String render(Value v) {
    Object o = Values.fromProto(v);
    if (o == null) {
      return "null";
    }
    if (o instanceof Double d) {
      return String.format(java.util.Locale.ROOT, "%.2f", d);
    }
    return o.toString();
  }

  static void printTable(PrintStream out, List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    for (int c = 0; c < header.size(); c++) {
      width[c] = header.get(c).length();
      for (List<String> r : rows) {
        width[c] = Math.max(width[c], r.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    appendRow(sb, header, width);
    for (int c = 0; c < width.length; c++) {
      sb.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
    }
    sb.append('\n');
    rows.forEach(r -> appendRow(sb, r, width));
    out.print(sb);
  }

  private static void appendRow(StringBuilder sb, List<String> cells, int[] width) {
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      sb.append(c == 0 ? "" : "  ").append(cell).append(" ".repeat(width[c] - cell.length()));
    }
    sb.append('\n');
  }
}
