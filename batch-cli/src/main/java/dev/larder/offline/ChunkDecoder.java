package dev.larder.offline;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * Decodes one column chunk of a top-level, non-repeated column page by page into primitive arrays.
 * parquet-java's {@code ColumnReader} spends several virtual calls and state checks per value, which was most
 * of the CPU of scanning events; here definition levels and the common value encodings (PLAIN, and dictionary
 * ids for any type) are decoded in plain loops over the page bytes. Other value encodings (delta, byte
 * stream split) go through parquet-java's own {@link ValuesReader} for that page, so every file still reads.
 *
 * <p>Fixed-width values come out in raw form (see {@link ParquetSlot.RawRead}, the same conversions as the
 * row path); strings as {@link StringCodes} codes (the decoded value only for values without a code).
 */
final class ChunkDecoder {
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int PLAIN = 0;
  private static final int DICTIONARY = 1;
  private static final int OTHER = 2;

  private final ColumnDescriptor descriptor;
  private final PageReader pages;
  private final PrimitiveTypeName type;
  private final ParquetSlot.RawRead raw;
  private final StringCodes codes;
  private final int maxDef;
  private final Dictionary dictionary;
  /** Fixed width: the raw form of each dictionary entry. */
  private long[] dictionaryRaw;
  /** Strings: code + 1 per dictionary entry, 0 when not mapped yet, -1 when it got no code. */
  private int[] dictionaryCodes;
  private String[] uncoded;

  private final HybridDecoder levels = new HybridDecoder();
  private final HybridDecoder ids = new HybridDecoder();
  private int left;
  private int mode;
  private byte[] data;
  private int pos;
  private int boolBit;
  private ValuesReader other;
  /** Scratch: dictionary ids, and present values before they are spread over non-null positions. */
  private int[] idBuffer = new int[0];
  private long[] denseRaw;
  private String[] denseStrings;
  private boolean[] denseSkip;

  /**
   * @param raw how fixed-width values convert, null for a string column
   * @param codes the codes of a string column, null for a fixed-width one
   */
  ChunkDecoder(ColumnDescriptor descriptor, PageReader pages, ParquetSlot.RawRead raw, StringCodes codes)
      throws IOException {
    this.descriptor = descriptor;
    this.pages = pages;
    this.type = descriptor.getPrimitiveType().getPrimitiveTypeName();
    this.raw = raw;
    this.codes = codes;
    this.maxDef = descriptor.getMaxDefinitionLevel();
    DictionaryPage page = pages.readDictionaryPage();
    this.dictionary = page == null ? null : page.getEncoding().initDictionary(descriptor, page);
    if (dictionary != null && raw != null) {
      dictionaryRaw = new long[dictionary.getMaxId() + 1];
      for (int id = 0; id < dictionaryRaw.length; id++) {
        dictionaryRaw[id] = switch (type) {
          case BOOLEAN -> ParquetSlot.RawRead.fromBoolean(dictionary.decodeToBoolean(id));
          case INT32 -> raw.fromInt(dictionary.decodeToInt(id));
          case INT64 -> raw.fromLong(dictionary.decodeToLong(id));
          case FLOAT -> raw.fromFloat(dictionary.decodeToFloat(id));
          case DOUBLE -> ParquetSlot.RawRead.fromDouble(dictionary.decodeToDouble(id));
          default -> throw new IllegalStateException("no raw form for " + type);
        };
      }
    } else if (dictionary != null) {
      dictionaryCodes = new int[dictionary.getMaxId() + 1];
    }
  }

  /**
   * Decodes the next {@code n} values: {@code nulls[k]} for a null, else {@code out[k]} holds the raw value
   * (strings: the code, or -1 when the value has none and is then in {@code strings[k]}). Rows with
   * {@code skip[k]} (when {@code skip} is not null) get their null flag but no value: the value is passed
   * over, which for strings saves the dictionary lookup. Levels and values are decoded a run at a time:
   * present values first into a dense buffer, then spread over the non-null positions.
   */
  void read(long[] out, boolean[] nulls, String[] strings, boolean[] skip, int n) throws IOException {
    if (idBuffer.length < n) {
      idBuffer = new int[n];
      denseRaw = new long[n];
      denseStrings = new String[n];
      denseSkip = new boolean[n];
    }
    int i = 0;
    while (i < n) {
      if (left == 0) {
        nextPage();
      }
      int m = Math.min(n - i, left);
      int present;
      if (maxDef > 0) {
        present = levels.nulls(nulls, i, m, maxDef);
      } else {
        java.util.Arrays.fill(nulls, i, i + m, false);
        present = m;
      }
      if (present == m) {
        decode(out, strings, skip, i, m);
      } else {
        boolean[] dense = null;
        if (skip != null) {
          dense = denseSkip;
          for (int k = i, d = 0; k < i + m; k++) {
            if (!nulls[k]) {
              dense[d++] = skip[k];
            }
          }
        }
        decode(denseRaw, denseStrings, dense, 0, present);
        for (int k = i, d = 0; k < i + m; k++) {
          if (!nulls[k]) {
            out[k] = denseRaw[d];
            if (strings != null) {
              strings[k] = denseStrings[d];
            }
            d++;
          }
        }
      }
      left -= m;
      i += m;
    }
  }

  /**
   * Decodes {@code count} present values of the page into {@code out[off...]} (and {@code strings}). Each
   * encoding and type has a small loop of its own, which the JIT compiles quickly and separately.
   */
  private void decode(long[] out, String[] strings, boolean[] skip, int off, int count) {
    if (codes != null) {
      if (mode == DICTIONARY) {
        dictionaryStrings(out, strings, skip, off, count);
      } else {
        plainStrings(out, strings, skip, off, count);
      }
    } else if (mode == DICTIONARY) {
      ids.next(idBuffer, 0, count);
      dictionaryValues(out, off, count);
    } else if (mode == OTHER) {
      otherValues(out, off, off + count);
    } else {
      switch (type) {
        case INT64 -> plainLongs(out, off, off + count);
        case DOUBLE -> plainDoubles(out, off, off + count);
        case INT32 -> plainInts(out, off, off + count);
        case FLOAT -> plainFloats(out, off, off + count);
        case BOOLEAN -> plainBooleans(out, off, off + count);
        default -> throw new IllegalStateException("no raw form for " + type);
      }
    }
  }

  private void dictionaryValues(long[] out, int off, int count) {
    long[] values = dictionaryRaw;
    int[] idsRead = idBuffer;
    for (int k = 0; k < count; k++) {
      out[off + k] = values[idsRead[k]];
    }
  }

  private void otherValues(long[] out, int from, int to) {
    for (int k = from; k < to; k++) {
      out[k] = switch (type) {
        case BOOLEAN -> ParquetSlot.RawRead.fromBoolean(other.readBoolean());
        case INT32 -> raw.fromInt(other.readInteger());
        case INT64 -> raw.fromLong(other.readLong());
        case FLOAT -> raw.fromFloat(other.readFloat());
        default -> ParquetSlot.RawRead.fromDouble(other.readDouble());
      };
    }
  }

  private void plainLongs(long[] out, int from, int to) {
    for (int k = from; k < to; k++, pos += 8) {
      out[k] = raw.fromLong(longAt(pos));
    }
  }

  private void plainDoubles(long[] out, int from, int to) {
    for (int k = from; k < to; k++, pos += 8) {
      out[k] = longAt(pos); // raw double bits
    }
  }

  private void plainInts(long[] out, int from, int to) {
    for (int k = from; k < to; k++, pos += 4) {
      out[k] = raw.fromInt(intAt(pos));
    }
  }

  private void plainFloats(long[] out, int from, int to) {
    for (int k = from; k < to; k++, pos += 4) {
      out[k] = raw.fromFloat(Float.intBitsToFloat(intAt(pos)));
    }
  }

  private void plainBooleans(long[] out, int from, int to) {
    for (int k = from; k < to; k++, boolBit++) {
      out[k] = (data[pos + (boolBit >>> 3)] >>> (boolBit & 7)) & 1;
    }
  }

  /** Strings: codes into {@code out}; the value itself into {@code strings} only when it has no code. */
  private void dictionaryStrings(long[] out, String[] strings, boolean[] skip, int off, int count) {
    ids.next(idBuffer, 0, count);
    for (int k = 0; k < count; k++) {
      if (skip != null && skip[off + k]) {
        continue;
      }
      int id = idBuffer[k];
      int c = dictionaryCodes[id];
      if (c == 0) {
        c = map(id);
      }
      out[off + k] = c - 1;
      if (c < 0) {
        out[off + k] = -1;
        strings[off + k] = uncoded[id];
      }
    }
  }

  private void plainStrings(long[] out, String[] strings, boolean[] skip, int off, int count) {
    for (int k = off; k < off + count; k++) {
      byte[] a;
      int from;
      int len;
      if (mode == OTHER) {
        a = other.readBytes().getBytesUnsafe();
        from = 0;
        len = a.length;
      } else {
        len = intAt(pos);
        a = data;
        from = pos + 4;
        pos = from + len;
      }
      if (skip != null && skip[k]) {
        continue;
      }
      int code = codes.codeOf(a, from, len);
      out[k] = code;
      if (code < 0) {
        strings[k] = new String(a, from, len, StandardCharsets.UTF_8);
      }
    }
  }

  private int map(int id) {
    byte[] b = dictionary.decodeToBinary(id).getBytesUnsafe();
    int code = codes.codeOf(b, 0, b.length);
    if (code >= 0) {
      dictionaryCodes[id] = code + 1;
    } else {
      dictionaryCodes[id] = -1;
      if (uncoded == null) {
        uncoded = new String[dictionaryCodes.length];
      }
      uncoded[id] = new String(b, StandardCharsets.UTF_8);
    }
    return dictionaryCodes[id];
  }

  /** One load each (the JIT does not merge byte loads): plain longs and string lengths were a fifth of decoding. */
  private int intAt(int p) {
    return (int) INT_LE.get(data, p);
  }

  private long longAt(int p) {
    return (long) LONG_LE.get(data, p);
  }

  private void nextPage() throws IOException {
    DataPage page = pages.readPage();
    if (page == null) {
      throw new IOException("column " + String.join(".", descriptor.getPath()) + " has fewer values than rows");
    }
    if (page instanceof DataPageV1 v1) {
      int end = load(v1.getBytes());
      int p = pos;
      if (maxDef > 0) {
        int width = 32 - Integer.numberOfLeadingZeros(maxDef);
        if (v1.getDlEncoding() == Encoding.RLE) {
          int length = intAt(p);
          levels.init(data, p + 4, p + 4 + length, width);
          p += 4 + length;
        } else {
          int length = (int) (((long) v1.getValueCount() * width + 7) / 8);
          levels.initLegacy(data, p, p + length, width);
          p += length;
        }
      }
      values(v1.getValueEncoding(), v1.getValueCount(), p, end);
    } else {
      DataPageV2 v2 = (DataPageV2) page;
      if (maxDef > 0) {
        byte[] def = v2.getDefinitionLevels().toByteArray();
        levels.init(def, 0, def.length, 32 - Integer.numberOfLeadingZeros(maxDef));
      }
      int end = load(v2.getData());
      values(v2.getDataEncoding(), v2.getValueCount(), pos, end);
    }
    left = page.getValueCount();
  }

  /** Points {@link #data} and {@link #pos} at the bytes; returns the end offset. */
  private int load(BytesInput bytes) throws IOException {
    ByteBuffer b = bytes.toByteBuffer();
    if (b.hasArray()) {
      data = b.array();
      pos = b.arrayOffset() + b.position();
      return pos + b.remaining();
    }
    data = new byte[b.remaining()];
    b.duplicate().get(data);
    pos = 0;
    return data.length;
  }

  private void values(Encoding encoding, int count, int from, int end) throws IOException {
    pos = from;
    boolBit = 0;
    if (encoding == Encoding.PLAIN) {
      mode = PLAIN;
    } else if (encoding.usesDictionary() && dictionary != null) {
      mode = DICTIONARY;
      ids.init(data, from + 1, end, data[from] & 0xFF);
    } else {
      mode = OTHER;
      other = encoding.usesDictionary()
          ? encoding.getDictionaryBasedValuesReader(descriptor, ValuesType.VALUES, dictionary)
          : encoding.getValuesReader(descriptor, ValuesType.VALUES);
      other.initFromPage(count, ByteBufferInputStream.wrap(
          ByteBuffer.wrap(data, from, end - from).slice().order(ByteOrder.LITTLE_ENDIAN)));
    }
  }
}
