package dev.larder.online;

import dev.larder.core.v1.Value;

/**
 * One entity's served row, decoded for a response: when the values became true, when they were written
 * ({@link FeatureRowCodec#NO_CREATED_TIMESTAMP} when the source has no created timestamp), and the feature
 * values in view order (never null elements; a null feature is {@code Values.NULL}).
 */
public record OnlineRow(long eventTimestampMicros, long createdTimestampMicros, Value[] values) {}
