package dev.failback.core.internal;

import dev.failback.spi.Dialect;
import dev.failback.spi.TargetSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The target schema of one group, read through the dialect, kept for {@code schemaRefresh}, and
 * re-read on a miss (a batch naming an unknown table or column) at most a few times a second.
 * Thread-safe.
 */
final class SchemaCache {
    private static final long MIN_REFRESH_NANOS = Duration.ofMillis(250).toNanos();

    private final DataSource target;
    private final Dialect dialect;
    private final String schema;
    private final long maxAgeNanos;
    private volatile TargetSchema current;
    private volatile long loadedAt;

    SchemaCache(DataSource target, Dialect dialect, String schema, Duration maxAge) {
        this.target = target;
        this.dialect = dialect;
        this.schema = schema;
        this.maxAgeNanos = maxAge.toNanos();
    }

    String schema() {
        return schema;
    }

    TargetSchema get() throws SQLException {
        TargetSchema s = current;
        if (s == null || System.nanoTime() - loadedAt > maxAgeNanos) {
            return load();
        }
        return s;
    }

    /** Re-reads the schema after a miss, unless it was read very recently. */
    TargetSchema refreshOnMiss() throws SQLException {
        if (current != null && System.nanoTime() - loadedAt < MIN_REFRESH_NANOS) {
            return current;
        }
        return load();
    }

    private synchronized TargetSchema load() throws SQLException {
        try (Connection c = target.getConnection()) {
            TargetSchema s = dialect.readSchema(c, schema);
            current = s;
            loadedAt = System.nanoTime();
            return s;
        }
    }
}
