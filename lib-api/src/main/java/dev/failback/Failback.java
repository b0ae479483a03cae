package dev.failback;

import dev.failback.spi.Authenticator;
import dev.failback.spi.CheckpointStore;
import dev.failback.spi.Dialect;
import dev.failback.spi.FailbackProvider;
import dev.failback.spi.Sink;
import dev.failback.spi.StagingStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.ThreadFactory;
import javax.sql.DataSource;

/**
 * A running failback pipeline: it receives a CockroachDB changefeed, stages each batch durably and
 * applies the changes to the target database in transactions that follow the changefeed's resolved
 * timestamps.
 *
 * <pre>{@code
 * try (Failback failback = Failback.builder()
 *         .target(targetDataSource)                 // the database you fail back to
 *         .createStagingSchema(true)                // staging in schema _failback of the target
 *         .tables("employees", "orders", "payments")
 *         .authenticator(BearerTokenAuthenticator.of(token)) // what the changefeed's webhook_auth_header sends
 *         .sink(JettySink.bind("0.0.0.0", 30004))   // where the changefeed POSTs
 *         .start()) {
 *     failback.awaitTermination(Duration.ofDays(1));
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} is idempotent and bounded by {@link Builder#shutdownTimeout}.
 */
public interface Failback extends AutoCloseable {

    /**
     * Returns a new builder.
     *
     * @return a builder, never null
     */
    static Builder builder() {
        return new Builder();
    }

    /**
     * Returns this pipeline's name, used in thread names, logs and metrics.
     *
     * @return the name, never null
     */
    String name();

    /**
     * Returns the lifecycle state.
     *
     * @return the state, never null
     */
    State state();

    /**
     * Returns a snapshot of progress and counters.
     *
     * @return the status, never null
     */
    Status status();

    /**
     * Returns the server-independent handler that sinks feed; mount it in your own HTTP server to
     * receive a changefeed without Jetty. It also answers the {@link #adminHandler()} paths under
     * {@code /_/}, before and without authentication, as MOLT Replicator does on its data port.
     *
     * @return the handler, never null
     */
    WebhookHandler webhookHandler();

    /**
     * Returns the server-independent handler for Failback's own endpoints, to serve on a separate
     * (plain HTTP, internal) address such as MOLT's {@code --metricsAddr}:
     *
     * <ul>
     * <li>{@code GET /_/healthz}: readiness. 200 {@code OK} when the pipeline runs and staging and
     * target each hand out a valid connection; else 503 naming which database fails (and its
     * SQLState) or the pipeline state.
     * <li>{@code GET /_/livez}: liveness. 200 {@code OK} while the process can answer.
     * <li>{@code GET /_/varz}: the {@linkplain Builder#meterRegistry registry} in the Prometheus text
     * format when it is a {@code PrometheusMeterRegistry} (or a composite holding one); else 404
     * {@code metrics are off…}.
     * <li>{@code GET /_/status}: a page for people ({@code text/html}, inline CSS and SVG, no script,
     * reloading every 5 s): the instance, state and mode; per target schema the lease holder, the
     * applied and received resolved timestamps, the lag, the staged backlog and the recent rows/s;
     * the lag over the last 15 minutes as a chart; the newest failures (kind and SQLState) and refused
     * requests (method, path, status, the leading clause of the reason). Its answer carries its own
     * headers ({@link WebhookResponse#headers()}: a {@code Content-Security-Policy} allowing only
     * inline styles, {@code nosniff}, {@code no-store}).
     * </ul>
     *
     * <p>Other paths answer 404, other methods 405. It never authenticates, never reads a body, never
     * writes, and reveals no table contents, keys, tokens or connection strings.
     *
     * @return the handler, never null
     */
    WebhookHandler adminHandler();

    /**
     * Waits until every target schema this pipeline has seen has applied everything up to
     * {@code resolved}.
     *
     * @param resolved the timestamp to wait for, never null
     * @param timeout  the longest to wait, never null
     * @return true when applied, false on timeout or when the pipeline stopped first
     * @throws InterruptedException when interrupted while waiting
     */
    boolean awaitApplied(Hlc resolved, Duration timeout) throws InterruptedException;

    /**
     * Waits until the pipeline has stopped.
     *
     * @param timeout the longest to wait, never null
     * @return true when stopped, false on timeout
     * @throws InterruptedException when interrupted while waiting
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    /**
     * Stops the sinks (new requests are refused; a request still reaching {@link #webhookHandler()}
     * is answered 503), waits for requests in flight, finishes the window being applied, and releases
     * everything Failback created. Idempotent; returns within the shutdown timeout (a sink whose own
     * stop timeout is longer goes on draining its requests in the background). Never closes the data
     * sources, registry or thread factory it was given.
     */
    @Override
    void close();

    /**
     * Configures and starts a {@link Failback}. Not thread-safe. {@link #build()} leaves the builder
     * unchanged, so one builder may start several pipelines.
     *
     * <p>Every setter follows one rule when called again. A single-valued setting keeps the value of
     * the last call: {@code target(a).target(b)} applies to {@code b}. A collection-valued setting
     * ({@link #tables}, {@link #schemas}, {@link #sink}, {@link #listener}) adds to what earlier calls
     * gave: {@code tables("a").tables("b")} serves {@code a} and {@code b}. A setter checks its own
     * argument at once (null, blank, zero or negative where not allowed) and throws a
     * {@link NullPointerException} or {@link IllegalArgumentException} naming the setting; rules
     * between settings (staging not the target, an authenticator or {@link #disableAuthentication()})
     * are checked by {@link #build()}, which lists every problem at once.
     */
    final class Builder {
        /** Default pipeline name: {@value}. */
        public static final String DEFAULT_NAME = "failback";
        /** Default staging schema: {@value}. */
        public static final String DEFAULT_STAGING_SCHEMA = "_failback";
        /** Default number of mutations per target transaction (a source transaction is never split): {@value}. */
        public static final int DEFAULT_FLUSH_SIZE = 1000;
        /** Default staging page size: {@value}. */
        public static final int DEFAULT_SCAN_SIZE = 10_000;
        /** Default {@link #largeTransactionRows(int)}. */
        public static final int DEFAULT_LARGE_TRANSACTION_ROWS = 50_000;
        /** Default largest accepted request body in bytes, after decompression: {@value} (128 MiB). */
        public static final long DEFAULT_MAX_BODY_BYTES = 128L * 1024 * 1024;
        /** Default deepest accepted JSON nesting: {@value}. */
        public static final int DEFAULT_MAX_NESTING_DEPTH = 200;
        /** Default most webhook requests staging at once before answering 503: {@value}. */
        public static final int DEFAULT_MAX_IN_FLIGHT = 64;
        /** Default interval between background checks for work and schema changes. */
        public static final Duration DEFAULT_FLUSH_PERIOD = Duration.ofSeconds(1);
        /** Default interval between target schema refreshes. */
        public static final Duration DEFAULT_SCHEMA_REFRESH = Duration.ofMinutes(1);
        /** Default bound on {@link Failback#close()}. */
        public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
        /** Default longest single target transaction before it is abandoned and retried. */
        public static final Duration DEFAULT_APPLY_TIMEOUT = Duration.ofSeconds(30);
        /** Default interval between progress lines at INFO while replicating. */
        public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofSeconds(30);
        /** Default time applied staged rows are kept: zero, they are deleted right after they are applied. */
        public static final Duration DEFAULT_RETIRE_OFFSET = Duration.ZERO;
        /** Default largest distance of a resolved or row timestamp into the future of the local clock. */
        public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);
        /** Default most target schemas one pipeline serves: {@value}. */
        public static final int DEFAULT_MAX_SCHEMAS = 64;
        /** Default number of recently applied keys immediate mode keeps in memory: {@value} (about 150 bytes each). */
        public static final int DEFAULT_VERSION_GUARD_MEMORY_KEYS = 200_000;
        /**
         * Default lease time to live: a standby takes a target schema over at most this long after its
         * holder stopped renewing.
         */
        public static final Duration DEFAULT_LEASE_TTL = Duration.ofSeconds(5);
        /** Default interval between lease renewals by the holder, and lease attempts by a standby. */
        public static final Duration DEFAULT_LEASE_RENEWAL = Duration.ofSeconds(1);

        String name = DEFAULT_NAME;
        DataSource staging;
        DataSource target;
        final List<String> tables = new ArrayList<>();
        String stagingSchema = DEFAULT_STAGING_SCHEMA;
        boolean createStagingSchema;
        Mode mode = Mode.CONSISTENT;
        final List<Sink> sinks = new ArrayList<>();
        Dialect dialect;
        StagingStore stagingStore;
        dev.failback.spi.VersionStore versionStore;
        dev.failback.spi.DeadLetterStore deadLetterStore;
        CheckpointStore checkpointStore;
        int flushSize = DEFAULT_FLUSH_SIZE;
        int scanSize = DEFAULT_SCAN_SIZE;
        int largeTransactionRows = DEFAULT_LARGE_TRANSACTION_ROWS;
        long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        int maxNestingDepth = DEFAULT_MAX_NESTING_DEPTH;
        int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        Duration flushPeriod = DEFAULT_FLUSH_PERIOD;
        Duration schemaRefresh = DEFAULT_SCHEMA_REFRESH;
        Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        Duration applyTimeout = DEFAULT_APPLY_TIMEOUT;
        Duration progressInterval = DEFAULT_PROGRESS_INTERVAL;
        Duration retireOffset = DEFAULT_RETIRE_OFFSET;
        boolean deadLetter;
        boolean ignoreUnknownColumns;
        boolean refuseFoldingKeys;
        dev.failback.transform.Transforms transforms = dev.failback.transform.Transforms.NONE;
        final List<FailbackListener> listeners = new ArrayList<>();
        ThreadFactory threadFactory;
        boolean moltMetricNames;
        MeterRegistry meterRegistry;
        Authenticator authenticator;
        boolean authenticationDisabled;
        Duration leaseTtl = DEFAULT_LEASE_TTL;
        Duration leaseRenewal = DEFAULT_LEASE_RENEWAL;
        String instanceId;
        dev.failback.spi.LeaseStore leaseStore;
        final List<String> schemas = new ArrayList<>();
        Duration maxClockSkew = DEFAULT_MAX_CLOCK_SKEW;
        int maxSchemas = DEFAULT_MAX_SCHEMAS;
        long maxBytesInFlight;
        int versionGuardMemoryKeys = DEFAULT_VERSION_GUARD_MEMORY_KEYS;

        Builder() {
        }

        /**
         * Names this pipeline (threads {@code failback-<name>-…}, logs, metrics). Default {@value #DEFAULT_NAME}.
         *
         * @param name a non-empty name
         * @return this builder
         */
        public Builder name(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = name;
            return this;
        }

        /**
         * The database holding staged changes and checkpoints (PostgreSQL or CockroachDB). When not
         * given, staging lives in the target database under {@link #stagingSchema}.
         *
         * @param staging the staging data source; never closed by Failback
         * @return this builder
         */
        public Builder staging(DataSource staging) {
            Objects.requireNonNull(staging, "staging");
            this.staging = staging;
            return this;
        }

        /**
         * The database changes are applied to (required).
         *
         * @param target the target data source; never closed by Failback
         * @return this builder
         */
        public Builder target(DataSource target) {
            Objects.requireNonNull(target, "target");
            this.target = target;
            return this;
        }

        /**
         * The tables this pipeline serves, as {@code table} or {@code schema.table}. Changes for any
         * other table are refused with 404. Default: every table of the target schema named by the
         * webhook path. May be called several times; names accumulate.
         *
         * @param tables table names
         * @return this builder
         */
        public Builder tables(String... tables) {
            Objects.requireNonNull(tables, "tables");
            for (String t : tables) {
                Objects.requireNonNull(t, "tables");
                if (t.isBlank()) {
                    throw new IllegalArgumentException("tables must not name a blank table");
                }
                this.tables.add(t);
            }
            return this;
        }

        /**
         * The schema holding staging and checkpoint tables. Default {@value #DEFAULT_STAGING_SCHEMA}.
         *
         * @param schema the schema name
         * @return this builder
         */
        public Builder stagingSchema(String schema) {
            Objects.requireNonNull(schema, "stagingSchema");
            if (!schema.matches("[A-Za-z_][A-Za-z0-9_$]*(\\.[A-Za-z_][A-Za-z0-9_$]*)?")) {
                throw new IllegalArgumentException("stagingSchema must be a plain SQL identifier, but was " + schema);
            }
            this.stagingSchema = schema;
            return this;
        }

        /**
         * Whether to create the staging schema when it is missing (MOLT's {@code --stagingCreateSchema}).
         * Staging tables are always created when missing. Default false.
         *
         * @param create true to create the schema
         * @return this builder
         */
        public Builder createStagingSchema(boolean create) {
            this.createStagingSchema = create;
            return this;
        }

        /**
         * How changes reach the target. Default {@link Mode#CONSISTENT}.
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder mode(Mode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Adds an ingress: something that receives webhook requests and hands them to
         * {@link Failback#webhookHandler()}. Started by {@link #start()}, closed by {@link Failback#close()}.
         *
         * @param sink the sink
         * @return this builder
         */
        public Builder sink(Sink sink) {
            this.sinks.add(Objects.requireNonNull(sink, "sink"));
            return this;
        }

        /**
         * Forces a dialect instead of detecting it from the target's metadata.
         *
         * @param dialect the dialect
         * @return this builder
         */
        public Builder dialect(Dialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * Replaces the JDBC staging store (for example with an in-memory store in tests).
         *
         * @param store the store; closed by Failback
         * @return this builder
         */
        public Builder stagingStore(StagingStore store) {
            this.stagingStore = Objects.requireNonNull(store, "stagingStore");
            return this;
        }

        /**
         * Replaces the store of immediate mode's applied key versions. Default: the staging store, when
         * it implements {@link dev.failback.spi.VersionStore} (the built-in stores do). Immediate mode
         * with a {@link #stagingStore} that does not implement it needs one.
         *
         * @param store the store; closed by Failback
         * @return this builder
         */
        public Builder versionStore(dev.failback.spi.VersionStore store) {
            this.versionStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Replaces the store of dead letters ({@link #deadLetter(boolean)}). Default: the staging store,
         * when it implements {@link dev.failback.spi.DeadLetterStore} (the built-in stores do).
         * {@code deadLetter(true)} with a {@link #stagingStore} that does not implement it needs one.
         *
         * @param store the store; closed by Failback
         * @return this builder
         */
        public Builder deadLetterStore(dev.failback.spi.DeadLetterStore store) {
            this.deadLetterStore = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * Replaces the JDBC checkpoint store.
         *
         * @param store the store; closed by Failback
         * @return this builder
         */
        public Builder checkpointStore(CheckpointStore store) {
            this.checkpointStore = Objects.requireNonNull(store, "checkpointStore");
            return this;
        }

        /**
         * Replaces the lease store (the staging database's {@code group_leases} table by default). With
         * custom staging and checkpoint stores and no lease store, leases are kept in this process only.
         *
         * @param store the store; closed by Failback
         * @return this builder
         */
        public Builder leaseStore(dev.failback.spi.LeaseStore store) {
            this.leaseStore = Objects.requireNonNull(store, "leaseStore");
            return this;
        }

        /**
         * Ideal mutations per target transaction (MOLT {@code --flushSize}). A source transaction is
         * never split, so a transaction may be larger. Default {@value #DEFAULT_FLUSH_SIZE}.
         *
         * @param size a positive count
         * @return this builder
         */
        public Builder flushSize(int size) {
            this.flushSize = positive("flushSize", size);
            return this;
        }

        /**
         * Rows read from staging per query (MOLT {@code --scanSize}). Default {@value #DEFAULT_SCAN_SIZE}.
         *
         * @param size a positive count
         * @return this builder
         */
        public Builder scanSize(int size) {
            this.scanSize = positive("scanSize", size);
            return this;
        }

        /**
         * Consistent mode: a source transaction with more mutations than this (a bulk {@code UPDATE} of a
         * million rows) is not held in memory as a window: it is applied in one target transaction, still
         * atomic, read from staging {@link #scanSize(int)} rows of one table at a time, so the heap it needs
         * does not grow with it. Such a transaction's poison row is not searched for: a rejected one stops
         * the group with the target's error, whether dead letters are on or not. One that touches a table
         * referencing itself, or a table whose key columns can merge keys, stays a window in memory. Default
         * {@value #DEFAULT_LARGE_TRANSACTION_ROWS}.
         *
         * @param rows a positive count
         * @return this builder
         */
        public Builder largeTransactionRows(int rows) {
            this.largeTransactionRows = positive("largeTransactionRows", rows);
            return this;
        }

        /**
         * Largest accepted request body, after decompression; larger ones get 413. Default 128 MiB.
         *
         * @param bytes a positive size
         * @return this builder
         */
        public Builder maxBodyBytes(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxBodyBytes must be > 0, but was " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * Deepest accepted JSON nesting. Default {@value #DEFAULT_MAX_NESTING_DEPTH}.
         *
         * @param depth a positive depth
         * @return this builder
         */
        public Builder maxNestingDepth(int depth) {
            this.maxNestingDepth = positive("maxNestingDepth", depth);
            return this;
        }

        /**
         * Most requests staging at once; more get 503 so the changefeed retries. Default {@value #DEFAULT_MAX_IN_FLIGHT}.
         *
         * @param requests a positive count
         * @return this builder
         */
        public Builder maxInFlight(int requests) {
            this.maxInFlight = positive("maxInFlight", requests);
            return this;
        }

        /**
         * How often the applier looks for work when not woken by a resolved timestamp (MOLT {@code --flushPeriod}).
         *
         * @param period a positive duration
         * @return this builder
         */
        public Builder flushPeriod(Duration period) {
            this.flushPeriod = positive("flushPeriod", period);
            return this;
        }

        /**
         * How often the target schema is re-read (MOLT {@code --schemaRefresh}); it is also re-read
         * (at most a few times a second) when a batch names an unknown table or column and when an
         * apply fails, so tables and columns created in the target while running are found at once.
         *
         * @param period a positive duration
         * @return this builder
         */
        public Builder schemaRefresh(Duration period) {
            this.schemaRefresh = positive("schemaRefresh", period);
            return this;
        }

        /**
         * What to do with a column the changefeed sends that the target table lacks (not even after
         * re-reading the target schema). Default off.
         *
         * <p>Off: the batch is refused with a 400 naming the table and column, nothing staged, and
         * the changefeed retries it until the column exists in the target; mutations already staged
         * that carry a column dropped from the target since stop their target schema with a
         * {@code schema drift} error naming both, retried with backoff until the column is back.
         * Add columns to the target before the source, and drop them from the target after.
         *
         * <p>On: such values are dropped, when received and when applied, and the rest of the row
         * is applied; each table and column is logged once at WARN. For a target that is meant to
         * have fewer columns than the source, or to drop a column from the target first.
         *
         * @param ignoreUnknownColumns whether to drop values for columns the target lacks instead of refusing them
         * @return this builder
         */
        public Builder ignoreUnknownColumns(boolean ignoreUnknownColumns) {
            this.ignoreUnknownColumns = ignoreUnknownColumns;
            return this;
        }

        /**
         * Whether to refuse a target schema with primary-key columns that can store two keys CockroachDB
         * keeps apart as one row: a collation that ignores case, accents or trailing spaces (MySQL's and
         * MariaDB's default {@code utf8mb4_general_ci}), or a type that rounds ({@code DECIMAL(p,s)},
         * {@code DATETIME(0)}). Default false: each such column is logged at WARN once, with the statement
         * that fixes it, and the keys of a window that the target would merge are refused as poison rows
         * (never merged). True: the schema is not served until fixed (its requests get 503 naming the
         * columns and the fix; a checkpoint of it fails the start).
         *
         * @param refuseFoldingKeys whether to refuse such schemas instead of warning
         * @return this builder
         */
        public Builder refuseFoldingKeys(boolean refuseFoldingKeys) {
            this.refuseFoldingKeys = refuseFoldingKeys;
            return this;
        }

        /**
         * Transforms rows between the changefeed and the target: before staging per target schema
         * (filter, reroute, fan out, drop tables the target lacks) and at apply per table (map, soft
         * delete, write yourself). See {@link dev.failback.transform}. Closed with the pipeline.
         * Default: none, rows pass as sent.
         *
         * @param transforms the transforms
         * @return this builder
         */
        public Builder transforms(dev.failback.transform.Transforms transforms) {
            this.transforms = Objects.requireNonNull(transforms, "transforms");
            return this;
        }

        /**
         * Bound on {@link Failback#close()}.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = positive("shutdownTimeout", timeout);
            return this;
        }

        /**
         * Longest a target transaction may take before it is abandoned and retried (MOLT {@code --applyTimeout}).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder applyTimeout(Duration timeout) {
            this.applyTimeout = positive("applyTimeout", timeout);
            return this;
        }

        /**
         * How often a progress line is logged at INFO while replicating: rows applied per second since
         * the previous line, target lag, source lag and staged backlog. A line is logged only when rows
         * were applied, a resolved timestamp arrived, or a backlog remains.
         *
         * @param interval a positive duration; default {@link #DEFAULT_PROGRESS_INTERVAL}
         * @return this builder
         */
        public Builder progressInterval(Duration interval) {
            this.progressInterval = positive("progressInterval", interval);
            return this;
        }

        /**
         * How long applied staged rows are kept before they are deleted (MOLT {@code --retireOffset},
         * whose default is 24h): after each target commit up to {@code applied}, staged rows whose
         * timestamp is at or before {@code applied} minus this offset (in source, HLC wall time) are
         * deleted. Kept rows are never applied again: they are at or before the applied checkpoint,
         * and staging is only read after it. Zero (the default) deletes them right after the commit.
         * Consistent mode only; immediate mode stages nothing.
         *
         * @param offset zero or a positive duration
         * @return this builder
         */
        public Builder retireOffset(Duration offset) {
            Objects.requireNonNull(offset, "retireOffset");
            if (offset.isNegative()) {
                throw new IllegalArgumentException("retireOffset must not be negative, but was " + offset);
            }
            this.retireOffset = offset;
            return this;
        }

        /**
         * What to do with a poison row: a staged mutation the target rejects permanently (a CHECK
         * constraint, a trigger, a NOT NULL added after staging, a value the column cannot hold).
         * Consistent mode only.
         *
         * <p>Off (the default, "stop"): the window holding it is retried with capped backoff (up to
         * 30 s), never skipped; the applied checkpoint stays before the poison's timestamp. Failback
         * finds the first rejected mutation and reports it, naming the table, key, column when the
         * database says, SQLState and source timestamp, in {@link Status#lastError()}, to
         * {@link FailbackListener#onFailure}, in {@code failback.errors} and once in the log at WARN.
         * Once the target is fixed (the constraint dropped, the row made valid) the next retry
         * applies and replication resumes without a restart.
         *
         * <p>On: each rejected mutation is written to the {@code dead_letters} table of the staging
         * schema with the reason, counted in {@link Status.Counters#deadLettered()} and
         * {@code failback.dead.letters}, logged at WARN, and the window is applied atomically without
         * it; the rest of its source transaction is applied.
         *
         * @param deadLetter whether to dead-letter poison rows instead of stopping on them
         * @return this builder
         */
        public Builder deadLetter(boolean deadLetter) {
            this.deadLetter = deadLetter;
            return this;
        }

        /**
         * How long a target schema's lease lasts without renewal. Several processes (replicas behind a
         * load balancer, the old and new pod of a rolling deploy) may share one staging database: every
         * one accepts and stages, but only the holder of a target schema's lease applies it. When the
         * holder dies, hangs or loses staging, a standby takes the target schema over once the lease has
         * expired, within twice this time; a holder that stops cleanly ({@link Failback#close()})
         * releases its leases at once. Each acquisition increments the lease's epoch, and every target
         * commit is conditional on it, so a holder that comes back from a pause commits nothing after
         * the new holder. Default 5 s.
         *
         * @param ttl a positive duration, longer than {@link #leaseRenewal(Duration)}
         * @return this builder
         */
        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = positive("leaseTtl", ttl);
            return this;
        }

        /**
         * How often the holder renews its leases and a standby tries to acquire them. Default 1 s.
         *
         * @param interval a positive duration, shorter than {@link #leaseTtl(Duration)}
         * @return this builder
         */
        public Builder leaseRenewal(Duration interval) {
            this.leaseRenewal = positive("leaseRenewal", interval);
            return this;
        }

        /**
         * Names this process among the processes of one deployment (logs, status, metrics, the lease
         * holder column). Default: host name, process id and a random suffix.
         *
         * @param id a non-blank identity, at most 128 characters
         * @return this builder
         */
        public Builder instanceId(String id) {
            Objects.requireNonNull(id, "instanceId");
            if (id.isBlank() || id.length() > 128) {
                throw new IllegalArgumentException("instanceId must be 1 to 128 characters, but was \"" + id + "\"");
            }
            this.instanceId = id;
            return this;
        }

        /**
         * Restricts the webhook to these target schemas: a request whose path names any other schema is
         * answered 404 before it is authenticated or read, and creates nothing. Names are
         * {@code database.schema} on PostgreSQL and CockroachDB targets ({@code schema} alone matches it in
         * the connected database) and {@code database} (MySQL, MariaDB) or {@code SCHEMA} (Oracle) on
         * the others; each is compared as the target resolves the path. Whatever this allows,
         * Failback's staging schema and the target's system schemas ({@code pg_catalog},
         * {@code information_schema}, {@code mysql}, {@code SYS}, ...) are never writable. Default: every
         * schema of the target that is not one of those.
         *
         * @param schemas the target schemas the changefeed may write to
         * @return this builder
         */
        public Builder schemas(String... schemas) {
            Objects.requireNonNull(schemas, "schemas");
            for (String s : schemas) {
                Objects.requireNonNull(s, "schemas");
                if (s.isBlank()) {
                    throw new IllegalArgumentException("schemas must not name a blank schema");
                }
                this.schemas.add(s.trim());
            }
            return this;
        }

        /**
         * How far into the future of this machine's clock a resolved timestamp or a row's
         * {@code updated} timestamp may lie. One further ahead is answered 400 naming the value and the
         * bound, and nothing changes: a far-future resolved timestamp would otherwise make every later
         * change of its schema look "already applied". CockroachDB's timestamps follow its nodes'
         * clocks, which it keeps within {@code --max-offset} (500 ms) of each other. Default 5 minutes.
         *
         * @param skew a positive duration
         * @return this builder
         */
        public Builder maxClockSkew(Duration skew) {
            this.maxClockSkew = positive("maxClockSkew", skew);
            return this;
        }

        /**
         * The most target schemas this pipeline serves; a request for one more is answered 404 and
         * creates nothing. Default {@value #DEFAULT_MAX_SCHEMAS}.
         *
         * @param schemas a positive count
         * @return this builder
         */
        public Builder maxSchemas(int schemas) {
            this.maxSchemas = positive("maxSchemas", schemas);
            return this;
        }

        /**
         * The most request-body bytes (after decompression, with what decoding them costs) held in
         * memory by all requests together. A request that would go over it is answered 503 with
         * {@code Retry-After} (the changefeed retries), never an {@link OutOfMemoryError}. Default: a
         * quarter of the maximum heap, and at least {@link #maxBodyBytes(long)}.
         *
         * @param bytes a positive size
         * @return this builder
         */
        public Builder maxBytesInFlight(long bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxBytesInFlight must be > 0, but was " + bytes);
            }
            this.maxBytesInFlight = bytes;
            return this;
        }

        /**
         * How many recently applied keys immediate mode keeps in memory before it asks the version
         * store. Immediate mode never lets an older version of a row overwrite a newer one: it keeps the
         * newest applied version of each key changed since the last resolved timestamp, in memory up to
         * this many keys; past it, versions go to the staging schema's {@code versions} table, which is
         * then read for keys not in memory until a resolved timestamp has retired what it holds. Zero
         * keeps nothing in memory and always asks the table. Consistent mode does not use it. Default
         * {@value #DEFAULT_VERSION_GUARD_MEMORY_KEYS}.
         *
         * @param keys zero or a positive count
         * @return this builder
         */
        public Builder versionGuardMemoryKeys(int keys) {
            if (keys < 0) {
                throw new IllegalArgumentException("versionGuardMemoryKeys must be >= 0, but was " + keys);
            }
            this.versionGuardMemoryKeys = keys;
            return this;
        }

        /**
         * Adds a listener.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(FailbackListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * The factory for Failback's threads. Default: daemon threads named {@code failback-<name>-<role>-<n>}.
         *
         * @param factory the factory; never shut down by Failback
         * @return this builder
         */
        public Builder threadFactory(ThreadFactory factory) {
            this.threadFactory = Objects.requireNonNull(factory, "threadFactory");
            return this;
        }

        /**
         * The Micrometer registry to publish metrics to. Metrics are off unless a registry is given. A
         * {@code PrometheusMeterRegistry} (or a {@code CompositeMeterRegistry} holding one) is also
         * served as {@code /_/varz} (see {@link Failback#adminHandler()}).
         *
         * @param registry the registry; never closed by Failback, which removes its own meters on close
         * @return this builder
         */
        public Builder meterRegistry(MeterRegistry registry) {
            this.meterRegistry = Objects.requireNonNull(registry, "meterRegistry");
            return this;
        }

        /**
         * Also publishes, beside Failback's own {@code failback_*} meters, MOLT Replicator's names for the series
         * that mean the same here, so that its dashboards and the failback runbook's drain alert work unchanged:
         * {@code apply_upserts_total}, {@code apply_deletes_total} ({@code schema}, {@code table}),
         * {@code source_lag_seconds}, {@code target_lag_seconds}, {@code target_applied_timestamp_seconds},
         * {@code target_pending_timestamp_seconds} ({@code kind="cdc"}, {@code target}), {@code core_source_lag_seconds}
         * and {@code target_apply_queue_size} ({@code schema}). Default: off (the CLI turns it on). Needs
         * {@link #meterRegistry}.
         *
         * @param molt whether to publish MOLT's names too
         * @return this builder
         */
        public Builder moltMetricNames(boolean molt) {
            this.moltMetricNames = molt;
            return this;
        }

        /**
         * Who may send changes: every webhook request must pass this authenticator (401 otherwise).
         * Authentication is required: give an authenticator (bearer tokens, MOLT-compatible JWT) or
         * call {@link #disableAuthentication()}.
         *
         * @param authenticator the authenticator
         * @return this builder
         */
        public Builder authenticator(Authenticator authenticator) {
            Objects.requireNonNull(authenticator, "authenticator");
            this.authenticator = authenticator;
            return this;
        }

        /**
         * Accepts every request without authentication (MOLT's {@code --disableAuthentication}). Anyone
         * who can reach the sink can then write to the target; Failback logs a warning at start. For
         * tests, and for sinks that authenticate callers themselves.
         *
         * @return this builder
         */
        public Builder disableAuthentication() {
            this.authenticationDisabled = true;
            return this;
        }

        /**
         * Checks the configuration and returns an immutable snapshot of it. The builder is unchanged.
         *
         * @return the configuration, never null
         * @throws FailbackConfigurationException listing every problem found
         */
        public FailbackConfig build() {
            List<String> problems = new ArrayList<>();
            if (target == null) {
                problems.add("target(DataSource) is required");
            }
            if (staging != null && staging == target) {
                problems.add("staging and target are the same DataSource; omit staging(...) to stage in the target under "
                        + stagingSchema);
            }
            if (authenticator == null && !authenticationDisabled) {
                problems.add("authentication is required: give authenticator(...) (bearer tokens, JWT) or call"
                        + " disableAuthentication() to accept every request (insecure)");
            }
            if (authenticator != null && authenticationDisabled) {
                problems.add("authenticator(...) and disableAuthentication() contradict each other");
            }
            if (leaseRenewal.compareTo(leaseTtl) >= 0) {
                problems.add("leaseRenewal (" + leaseRenewal + ") must be shorter than leaseTtl (" + leaseTtl + ")");
            }
            if (staging != null && stagingStore != null && checkpointStore != null) {
                problems.add("staging(DataSource) is unused when both stagingStore(...) and checkpointStore(...) are given");
            }
            if (mode == Mode.IMMEDIATE && versionStore == null && stagingStore != null
                    && !(stagingStore instanceof dev.failback.spi.VersionStore)) {
                problems.add("immediate mode needs a VersionStore: stagingStore(" + stagingStore + ") does not implement"
                        + " it; give versionStore(...)");
            }
            if (deadLetter && mode == Mode.CONSISTENT && deadLetterStore == null && stagingStore != null
                    && !(stagingStore instanceof dev.failback.spi.DeadLetterStore)) {
                problems.add("deadLetter(true) needs a DeadLetterStore: stagingStore(" + stagingStore + ") does not"
                        + " implement it; give deadLetterStore(...)");
            }
            if (!problems.isEmpty()) {
                throw new FailbackConfigurationException(problems);
            }
            return new FailbackConfig(this);
        }

        /**
         * Builds, then starts the pipeline: resolves the dialect, prepares staging, resumes from the
         * checkpoints, and starts the sinks.
         *
         * @return the running pipeline, never null
         * @throws FailbackConfigurationException when the configuration or the databases are unusable
         */
        public Failback start() {
            FailbackConfig config = build();
            return provider().start(config);
        }

        private static FailbackProvider provider() {
            Iterator<FailbackProvider> it = ServiceLoader.load(FailbackProvider.class, Failback.class.getClassLoader())
                    .iterator();
            if (!it.hasNext()) {
                it = ServiceLoader.load(FailbackProvider.class).iterator();
            }
            if (!it.hasNext()) {
                throw new FailbackConfigurationException(
                        List.of("No Failback engine on the classpath; add dev.failback:failback-core"));
            }
            return it.next();
        }

        private static int positive(String what, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(what + " must be > 0, but was " + value);
            }
            return value;
        }

        private static Duration positive(String what, Duration value) {
            Objects.requireNonNull(value, what);
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, but was " + value);
            }
            return value;
        }
    }
}
