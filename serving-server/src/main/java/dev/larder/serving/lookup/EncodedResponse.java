package dev.larder.serving.lookup;

/**
 * A serialized {@code GetOnlineFeaturesResponse} as {@link OnlineLookup} produces it, with the number of
 * entity rows it answers (for metrics, without parsing it back).
 */
public record EncodedResponse(byte[] bytes, int entityRows) {}
