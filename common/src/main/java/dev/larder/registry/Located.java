package dev.larder.registry;

import com.google.protobuf.Message;

/** A parsed definition together with where its fields were written. */
record Located<T extends Message>(T value, Locator where) {}
