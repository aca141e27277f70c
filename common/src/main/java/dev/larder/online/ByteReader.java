package dev.larder.online;

/**
 * A cursor over an encoded key or row. Truncated or malformed input fails with an
 * {@link IllegalArgumentException} rather than an index error, so that a corrupt value is reported as such.
 */
final class ByteReader {
  private final byte[] buf;
  private final int end;
  private int pos;

  ByteReader(byte[] buf, int from, int to) {
    this.buf = buf;
    this.pos = from;
    this.end = to;
  }

  int position() {
    return pos;
  }

  boolean atEnd() {
    return pos >= end;
  }

  byte[] array() {
    return buf;
  }

  private void need(int n) {
    if (n < 0 || end - pos < n) {
      throw new IllegalArgumentException("truncated value: need " + n + " bytes at offset " + pos + ", have " + (end - pos));
    }
  }

  int readByte() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  int readInt() {
    need(4);
    int v = (buf[pos] & 0xFF) << 24 | (buf[pos + 1] & 0xFF) << 16 | (buf[pos + 2] & 0xFF) << 8 | (buf[pos + 3] & 0xFF);
    pos += 4;
    return v;
  }

  long readLong() {
    need(8);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos + i] & 0xFF);
    }
    pos += 8;
    return v;
  }

  long readVarint() {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      v |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("malformed varint at offset " + pos);
  }

  /** Reads a varint length and checks that that many bytes follow. */
  int readLength() {
    long n = readVarint();
    if (n < 0 || n > end - pos) {
      throw new IllegalArgumentException("truncated value: length " + n + " at offset " + pos + " exceeds the remaining " + (end - pos) + " bytes");
    }
    return (int) n;
  }

  void skip(int n) {
    need(n);
    pos += n;
  }

  static int unzigzag32(int v) {
    return (v >>> 1) ^ -(v & 1);
  }

  static long unzigzag64(long v) {
    return (v >>> 1) ^ -(v & 1);
  }
}
