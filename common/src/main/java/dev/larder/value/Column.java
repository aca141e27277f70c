package dev.larder.value;

import dev.larder.core.v1.ValueType;

/** A named, typed column of a row stream (a source, a snapshot, an entity file). */
public record Column(String name, ValueType type) {
  @Override
  public String toString() {
    return name + " " + type;
  }
}
