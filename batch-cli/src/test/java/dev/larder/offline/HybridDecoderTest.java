package dev.larder.offline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.junit.jupiter.api.Test;

/** {@link HybridDecoder} against parquet-java's encoder, for every bit width, runs and bit-packed groups mixed. */
class HybridDecoderTest {
  @Test
  void decodesWhatParquetEncodes() throws Exception {
    Random r = new Random(9);
    for (int width = 0; width <= 32; width++) {
      int[] values = new int[5000];
      long bound = 1L << width;
      for (int i = 0; i < values.length; ) {
        int v = (int) (r.nextLong() & (bound - 1));
        int run = r.nextInt(4) == 0 ? 1 + r.nextInt(40) : 1; // repeats become RLE runs
        for (int k = 0; k < run && i < values.length; k++) {
          values[i++] = v;
        }
      }
      RunLengthBitPackingHybridEncoder encoder =
          new RunLengthBitPackingHybridEncoder(width, 64, 1 << 20, new HeapByteBufferAllocator());
      for (int v : values) {
        encoder.writeInt(v);
      }
      byte[] bytes = encoder.toBytes().toByteArray();
      for (int slack : new int[] {0, 16}) { // the data ending at the array's end, and followed by other bytes
        byte[] page = java.util.Arrays.copyOf(bytes, bytes.length + slack);
        HybridDecoder d = new HybridDecoder();
        d.init(page, 0, bytes.length, width);
        int[] got = new int[values.length];
        for (int off = 0; off < got.length; ) {
          int n = Math.min(got.length - off, 1 + r.nextInt(300));
          d.next(got, off, n);
          off += n;
        }
        assertThat(got).as("width %d, slack %d", width, slack).isEqualTo(values);
      }
    }
  }
}
