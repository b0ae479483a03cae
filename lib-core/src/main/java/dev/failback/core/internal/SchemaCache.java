package dev.failback.core.internal;

import dev.failback.ApplyException;
import dev.failback.spi.Dialect;
import dev.failback.spi.ErrorKind;
import dev.failback.spi.KeyHazard;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target schema of one group, read through the dialect, kept for {@code schemaRefresh}, and
 * re-read on a miss (a batch naming a table or column the snapshot lacks, or an apply failing).
 *
 * <p>A re-read on a miss always reflects the target as it was after the miss was noticed, so a table
 * or column created a moment earlier is found; it is bounded: at most one read per
 * {@value #MIN_REFRESH_MILLIS} ms per group, shared by every caller that missed meanwhile, so a
 * stream of bad rows costs a few schema queries a second, never one per row. Thread-safe.
 */
public final class SchemaCache {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaCache.class);
    /** The least time between two reads of the schema on a miss. */
    static final long MIN_REFRESH_MILLIS = 250;
    private static final long MIN_REFRESH_NANOS = TimeUnit.MILLISECONDS.toNanos(MIN_REFRESH_MILLIS);

    private final DataSource target;
    private final Dialect dialect;
    private final String schema;
    private final long maxAgeNanos;
    private volatile TargetSchema current;
    /** When the read that produced {@link #current} began ({@link System#nanoTime()}). */
    private volatile long loadedAt;
    private volatile long reads;
    private final boolean refuseFoldingKeys;
    /** The last refusal of {@code refuseFoldingKeys} and when its read began; guarded by this. */
    private ApplyException refused;
    private long refusedAt;
    /** The key columns already warned about, as {@code table.column}; guarded by this. */
    private final Set<String> warned = new HashSet<>();

    SchemaCache(DataSource target, Dialect dialect, String schema, Duration maxAge) {
        this(target, dialect, schema, maxAge, false);
    }

    /**
     * @param refuseFoldingKeys whether a schema with key columns that merge keys is refused rather than
     *                          served with a warning ({@link dev.failback.FailbackConfig#refuseFoldingKeys()})
     */
    SchemaCache(DataSource target, Dialect dialect, String schema, Duration maxAge, boolean refuseFoldingKeys) {
        this.target = target;
        this.dialect = dialect;
        this.schema = schema;
        this.maxAgeNanos = maxAge.toNanos();
        this.refuseFoldingKeys = refuseFoldingKeys;
    }

    String schema() {
        return schema;
    }

    /** Returns the snapshot, read again when older than {@code schemaRefresh}. */
    public TargetSchema get() throws SQLException {
        TargetSchema s = current;
        if (s == null || System.nanoTime() - loadedAt > maxAgeNanos) {
            synchronized (this) {
                s = current;
                if (s == null || System.nanoTime() - loadedAt > maxAgeNanos) {
                    s = load();
                }
            }
        }
        return s;
    }

    /**
     * Re-reads the schema after a miss: returns a snapshot whose read began after this call did,
     * waiting (at most {@value #MIN_REFRESH_MILLIS} ms) when the previous read was too recent.
     * Callers that miss while others wait or read share the next read, and reads begin at least
     * {@value #MIN_REFRESH_MILLIS} ms apart (both checked under the lock; the wait is outside it).
     *
     * @return the fresh snapshot; the current one if the thread is interrupted while waiting
     */
    public TargetSchema refreshOnMiss() throws SQLException {
        long missedAt = System.nanoTime();
        for (;;) {
            long wait;
            synchronized (this) {
                TargetSchema s = current;
                if (s != null && loadedAt - missedAt >= 0) {
                    return s; // read by another caller after this miss
                }
                wait = s == null ? 0 : loadedAt + MIN_REFRESH_NANOS - System.nanoTime();
                if (wait <= 0) {
                    return load();
                }
            }
            try {
                // outside the lock, so that callers that missed meanwhile are not held up by it
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return current;
            }
        }
    }

    /**
     * Like {@link #refreshOnMiss()} without waiting: re-reads the schema unless a read began less
     * than {@value #MIN_REFRESH_MILLIS} ms ago, in which case that snapshot is returned. For misses
     * that are expected to repeat on every request (columns the target lacks on purpose, with
     * {@code ignoreUnknownColumns}): they cost at most one read per {@value #MIN_REFRESH_MILLIS} ms
     * and never hold a request up.
     *
     * @return a snapshot at most {@value #MIN_REFRESH_MILLIS} ms older than the miss
     */
    public TargetSchema refreshIfDue() throws SQLException {
        TargetSchema s = current;
        if (s != null && System.nanoTime() - loadedAt < MIN_REFRESH_NANOS) {
            return s;
        }
        synchronized (this) {
            s = current;
            if (s != null && System.nanoTime() - loadedAt < MIN_REFRESH_NANOS) {
                return s;
            }
            return load();
        }
    }

    /** Schema reads so far (for tests). */
    long reads() {
        return reads;
    }

    /**
     * Reports the key columns that can store two keys CockroachDB keeps apart as one row, each once, at
     * WARN with its fix; or, with {@code refuseFoldingKeys}, refuses the snapshot (its requests get 503
     * and its windows wait until the columns are fixed and the schema is read again).
     *
     * @throws ApplyException of kind {@link ErrorKind#CONFIGURATION} when refused
     */
    private void checkKeys(TargetSchema s) {
        List<KeyHazard> hazards = new ArrayList<>();
        for (TableInfo t : s.tables().values()) {
            hazards.addAll(dialect.keyHazards(t));
        }
        if (hazards.isEmpty()) {
            return;
        }
        if (refuseFoldingKeys) {
            StringBuilder b = new StringBuilder("target schema ").append(schema).append(" is not served"
                    + " (refuseFoldingKeys): ");
            for (int i = 0; i < hazards.size(); i++) {
                b.append(i == 0 ? "" : "; ").append(hazards.get(i).describe());
            }
            throw new ApplyException(b.toString(), null, ErrorKind.CONFIGURATION);
        }
        for (KeyHazard h : hazards) {
            if (warned.add(h.table() + "." + h.column())) {
                LOG.warn("{}; keys of one window that the column would merge are refused as poison rows, never"
                        + " merged; keys in different windows overwrite each other's row (see docs/targets.md, \"Keys the"
                        + " target compares differently\")", h.describe());
            }
        }
    }

    private TargetSchema load() throws SQLException {
        assert Thread.holdsLock(this);
        long start = System.nanoTime();
        if (refused != null && start - refusedAt < MIN_REFRESH_NANOS) {
            throw refused; // a refused schema is read again at most every MIN_REFRESH_MILLIS, however often asked
        }
        try (Connection c = target.getConnection()) {
            TargetSchema s = dialect.readSchema(c, schema);
            try {
                checkKeys(s);
            } catch (ApplyException e) {
                refused = e;
                refusedAt = start;
                throw e;
            }
            refused = null;
            current = s;
            loadedAt = start;
            reads++;
            return s;
        }
    }
}
