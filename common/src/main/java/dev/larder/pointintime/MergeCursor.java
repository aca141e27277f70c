package dev.larder.pointintime;

import java.io.IOException;
import java.util.List;
import java.util.PriorityQueue;

/** A k-way merge of sorted cursors. */
final class MergeCursor implements RecordCursor {
  private final List<RecordCursor> inputs;
  private final PriorityQueue<RecordCursor> heap;
  private RecordCursor current;
  private boolean started;

  MergeCursor(List<RecordCursor> inputs) {
    this.inputs = inputs;
    this.heap = new PriorityQueue<>(Math.max(1, inputs.size()), RecordCursor::compare);
  }

  @Override
  public boolean next() throws IOException {
    if (!started) {
      started = true;
      for (RecordCursor c : inputs) {
        if (c.next()) {
          heap.add(c);
        }
      }
    } else if (current != null && current.next()) {
      heap.add(current);
    }
    current = heap.poll();
    return current != null;
  }

  @Override
  public int hash() {
    return current.hash();
  }

  @Override
  public byte[] key() {
    return current.key();
  }

  @Override
  public long time() {
    return current.time();
  }

  @Override
  public long aux() {
    return current.aux();
  }

  @Override
  public byte[] payload() {
    return current.payload();
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (RecordCursor c : inputs) {
      try {
        c.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
