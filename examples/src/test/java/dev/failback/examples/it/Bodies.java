package dev.failback.examples.it;

import java.util.List;

/** Builds webhook bodies in CockroachDB's exact format, for tests. */
final class Bodies {
    private Bodies() {
    }

    /** A message upserting {@code kv(id, v)}. */
    static String upsert(String table, long id, String v, String updated) {
        return "{\"after\": {\"id\": " + id + ", \"v\": \"" + v + "\"}, \"key\": [" + id + "], \"topic\": \"" + table
                + "\", \"updated\": \"" + updated + "\"}";
    }

    /** A message deleting {@code id}. */
    static String delete(String table, long id, String updated) {
        return "{\"after\": null, \"key\": [" + id + "], \"topic\": \"" + table + "\", \"updated\": \"" + updated + "\"}";
    }

    static String batch(String... messages) {
        return "{\"payload\":[" + String.join(",", messages) + "],\"length\":" + messages.length + "}";
    }

    static String batch(List<String> messages) {
        return batch(messages.toArray(String[]::new));
    }

    static String resolved(String hlc) {
        return "{\"resolved\":\"" + hlc + "\"}";
    }

    /** An HLC text for wall time {@code wall} (nanoseconds), logical 0. */
    static String hlc(long wall) {
        return wall + ".0000000000";
    }
}
