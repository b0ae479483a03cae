package dev.failback.core.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Builds webhook bodies in CockroachDB's exact format, for tests; public for the CLI ITs in the examples
 * module, which use it from this module's test jar.
 */
public final class Bodies {
    private Bodies() {
    }

    /** A message upserting {@code kv(id, v)}. */
    public static String upsert(String table, long id, String v, String updated) {
        return "{\"after\": {\"id\": " + id + ", \"v\": \"" + v + "\"}, \"key\": [" + id + "], \"topic\": \"" + table
                + "\", \"updated\": \"" + updated + "\"}";
    }

    /** A message deleting {@code id}. */
    public static String delete(String table, long id, String updated) {
        return "{\"after\": null, \"key\": [" + id + "], \"topic\": \"" + table + "\", \"updated\": \"" + updated + "\"}";
    }

    public static String batch(String... messages) {
        return "{\"payload\":[" + String.join(",", messages) + "],\"length\":" + messages.length + "}";
    }

    public static String batch(List<String> messages) {
        return batch(messages.toArray(String[]::new));
    }

    public static String resolved(String hlc) {
        return "{\"resolved\":\"" + hlc + "\"}";
    }

    /** An HLC text for wall time {@code wall} (nanoseconds), logical 0. */
    public static String hlc(long wall) {
        return wall + ".0000000000";
    }

    /** A body of the changefeed reference fixtures ({@code fixtures/changefeed/<file>} on the test classpath). */
    public static byte[] fixture(String file) {
        try (InputStream in = Bodies.class.getResourceAsStream("/fixtures/changefeed/" + file)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
