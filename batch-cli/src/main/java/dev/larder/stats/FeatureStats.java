package dev.larder.stats;

import dev.larder.core.v1.ValueType;

/** One feature's profile in one period, with the feature's declared type. */
record FeatureStats(String feature, ValueType type, FeatureProfile profile) {}
