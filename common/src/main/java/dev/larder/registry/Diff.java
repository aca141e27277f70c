package dev.larder.registry;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.larder.core.v1.Field;
import dev.larder.core.v1.RegistryChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Collects the changes between two sets of named objects, with a readable detail of what differs. */
final class Diff {
  private final List<RegistryChange> changes = new ArrayList<>();

  List<RegistryChange> changes() {
    return changes;
  }

  void add(RegistryChange.Kind kind, String type, String name, String detail) {
    changes.add(RegistryChange.newBuilder().setKind(kind).setObjectType(type).setName(name).setDetail(detail).build());
  }

  /** Adds ADDED, CHANGED and REMOVED entries for objects of one type, keyed by name. */
  <T extends Message> void compare(String type, Map<String, T> old, Map<String, T> neu) {
    neu.forEach((name, o) -> {
      T before = old.get(name);
      if (before == null) {
        add(RegistryChange.Kind.ADDED, type, name, "");
      } else if (!before.equals(o)) {
        add(RegistryChange.Kind.CHANGED, type, name, String.join("; ", fieldChanges(before, o, Set.of())));
      }
    });
    old.keySet().stream().filter(n -> !neu.containsKey(n)).forEach(n -> add(RegistryChange.Kind.REMOVED, type, n, ""));
  }

  /** The fields (other than {@code skip}) that differ, e.g. {@code ttl "2d" -> "3d"}. */
  static List<String> fieldChanges(Message old, Message neu, Set<String> skip) {
    List<String> out = new ArrayList<>();
    for (FieldDescriptor fd : old.getDescriptorForType().getFields()) {
      if (skip.contains(fd.getName())) {
        continue;
      }
      Object a = old.getField(fd);
      Object b = neu.getField(fd);
      boolean presenceDiffers = fd.hasPresence() && !fd.isRepeated() && old.hasField(fd) != neu.hasField(fd);
      if (!a.equals(b) || presenceDiffers) {
        if (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE && !fd.isRepeated()) {
          List<String> inner = fieldChanges((Message) a, (Message) b, Set.of());
          out.add(fd.getName() + ": " + String.join(", ", inner));
        } else if (fd.isMapField() || (fd.getJavaType() == FieldDescriptor.JavaType.MESSAGE
            && fd.getMessageType() != Field.getDescriptor())) {
          out.add(fd.getName() + " changed");
        } else {
          out.add(fd.getName() + " " + format(fd, a, fd.isRepeated() || old.hasField(fd)) + " -> "
              + format(fd, b, fd.isRepeated() || neu.hasField(fd)));
        }
      }
    }
    return out;
  }

  private static String format(FieldDescriptor fd, Object value, boolean present) {
    if (!present && fd.hasPresence()) {
      return "unset";
    }
    if (value instanceof List<?> list) {
      return list.stream().map(Diff::formatOne).collect(Collectors.joining(", ", "[", "]"));
    }
    return formatOne(value);
  }

  private static String formatOne(Object v) {
    if (v instanceof String s) {
      return "\"" + s + "\"";
    }
    if (v instanceof EnumValueDescriptor e) {
      return e.getName();
    }
    if (v instanceof Field f) {
      return f.getName() + " " + f.getType();
    }
    return String.valueOf(v);
  }
}
