package dev.larder.pointintime;

import dev.larder.value.RowReader;
import dev.larder.value.RowSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The output of a {@link PointInTimeJoin}: each entity row, in input order, followed by the features of each view
 * as of the row's time (nulls where nothing matched). The join runs block by block as rows are asked for, so
 * only one block of entity rows and its winners is in memory at a time.
 */
public final class JoinedRows implements RowReader {
  private final RowReader entities;
  private final List<ViewRequest> views;
  private final RowSchema schema;
  private final PointInTimeJoin.Blocks blocks;
  private final int entityWidth;
  private final long[] matched;
  private PointInTimeJoin.Block block;
  private int pos;
  private long rows;
  private boolean done;

  JoinedRows(RowReader entities, List<ViewRequest> views, PointInTimeJoin.Blocks blocks) {
    this.entities = entities;
    this.views = views;
    this.schema = PointInTimeJoin.outputSchema(entities.schema(), views);
    this.blocks = blocks;
    this.entityWidth = entities.schema().size();
    this.matched = new long[views.size()];
  }

  /** Rows and matches per view, so far; complete once {@link #next()} has returned null. */
  public JoinSummary summary() {
    List<JoinSummary.ViewCount> counts = new ArrayList<>();
    for (int v = 0; v < views.size(); v++) {
      counts.add(new JoinSummary.ViewCount(views.get(v).name(), matched[v], rows - matched[v]));
    }
    return new JoinSummary(rows, counts);
  }

  @Override
  public RowSchema schema() {
    return schema;
  }

  @Override
  public Object[] next() throws IOException {
    if (block == null || pos == block.rows().size()) {
      if (done || !nextBlock()) {
        return null;
      }
    }
    Object[] in = block.rows().rows[pos];
    block.rows().rows[pos] = null; // the writer has it now; let it go with the row
    Object[] out = new Object[schema.size()];
    System.arraycopy(in, 0, out, 0, entityWidth);
    int col = entityWidth;
    for (ViewMatches m : block.views()) {
      col = m.copyValues(pos, out, col);
    }
    pos++;
    rows++;
    if ((pos & 0xFFF) == 0) {
      blocks.listener().advance(0x1000);
    }
    return out;
  }

  private boolean nextBlock() throws IOException {
    block = null; // free the previous block before reading the next
    PointInTimeJoin.Block b = blocks.next(entities);
    if (b.rows().size() == 0) {
      done = true;
      return false;
    }
    for (int v = 0; v < matched.length; v++) {
      matched[v] += b.views()[v].matchedRows();
    }
    blocks.listener().step("writing joined rows " + String.format("%,d", rows + 1) + " to "
        + String.format("%,d", rows + b.rows().size()), b.rows().size());
    block = b;
    pos = 0;
    return true;
  }

  @Override
  public String position() {
    return entities.position();
  }

  @Override
  public void close() throws IOException {
    try {
      blocks.close();
    } finally {
      entities.close();
    }
  }
}
