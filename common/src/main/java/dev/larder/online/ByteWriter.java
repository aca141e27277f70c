package dev.larder.online;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable byte buffer the codecs append to. It exists so that materialization can encode millions of
 * keys and rows straight into one reused buffer (or a sort arena) without a {@code byte[]} per field.
 */
public final class ByteWriter {
  /** Big-endian 4- and 8-byte stores in one instruction instead of a loop of byte stores (hot in bulk loads). */
  private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private final int maxCapacity;
  private byte[] buf;
  private int size;

  public ByteWriter(int initialCapacity) {
    this(initialCapacity, Integer.MAX_VALUE - 16);
  }

  /** A buffer that grows by doubling but not beyond {@code maxCapacity} (unless one write needs more). */
  public ByteWriter(int initialCapacity, int maxCapacity) {
    this.maxCapacity = maxCapacity;
    buf = new byte[Math.max(16, Math.min(initialCapacity, maxCapacity))];
  }

  public int size() {
    return size;
  }

  public byte[] array() {
    return buf;
  }

  public void reset() {
    size = 0;
  }

  /** Drops everything after {@code newSize}; used to undo a partly encoded record. */
  public void truncate(int newSize) {
    size = newSize;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  public byte[] copy(int from, int to) {
    return Arrays.copyOfRange(buf, from, to);
  }

  private void ensure(int extra) {
    if (size + extra > buf.length) {
      long wanted = Math.max(Math.min((long) buf.length * 2, maxCapacity), (long) size + extra);
      if (wanted > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("buffer larger than 2 GB");
      }
      buf = Arrays.copyOf(buf, (int) wanted);
    }
  }

  public void write(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  public void writeInt(int v) {
    ensure(4);
    INT.set(buf, size, v);
    size += 4;
  }

  /** Overwrites 4 bytes at {@code pos} (a length written as a placeholder earlier). */
  public void putInt(int pos, int v) {
    INT.set(buf, pos, v);
  }

  public void writeLong(long v) {
    ensure(8);
    LONG.set(buf, size, v);
    size += 8;
  }

  public void writeVarint(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      buf[size++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    buf[size++] = (byte) v;
  }

  /** Writes a UTF-8 string prefixed by its byte length, without an intermediate byte array for ASCII. */
  public void writeString(String s) {
    int n = s.length();
    boolean ascii = true;
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      writeVarint(n);
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[size + i] = (byte) s.charAt(i);
      }
      size += n;
    } else {
      byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      writeVarint(b.length);
      write(b, 0, b.length);
    }
  }

  public void writeBytes(byte[] b) {
    writeVarint(b.length);
    write(b, 0, b.length);
  }

  public static int zigzag32(int v) {
    return (v << 1) ^ (v >> 31);
  }

  public static long zigzag64(long v) {
    return (v << 1) ^ (v >> 63);
  }
}
