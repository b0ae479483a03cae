package dev.failback.core.internal.telemetry;

import static dev.failback.core.FailbackMetricNames.*;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.core.internal.Group;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Failback's Micrometer meters (names in {@link dev.failback.core.FailbackMetricNames}). Off unless
 * the configuration gives a {@code MeterRegistry}: then every method returns at its first line.
 * Meters are registered lazily (per schema, table, status, kind: all bounded) and removed from the
 * registry on {@link #close()}. Thread-safe.
 */
public final class PipelineMetrics implements AutoCloseable {
    /** Error kinds, the values of the {@code kind} tag of {@code failback.errors}. */
    static final String TRANSIENT = "transient";
    static final String CONSTRAINT = "constraint";
    static final String DATA = "data";
    public static final String OTHER = "other";
    public static final String STAGING = "staging";

    private static final PipelineMetrics OFF = new PipelineMetrics(null, "");

    private final MeterRegistry registry;
    private final String name;
    private final List<Meter> meters = new CopyOnWriteArrayList<>();
    private final Map<Integer, Counter> http = new ConcurrentHashMap<>();
    private final Map<Integer, Timer> httpDuration = new ConcurrentHashMap<>();
    private volatile DistributionSummary httpBody;
    private final Map<String, Counter> errors = new ConcurrentHashMap<>();
    private final Counter retries;
    private final Counter deadLetters;
    private final Counter filtered;
    private volatile boolean closed;
    /** The instance tag of the lease gauge. */
    private volatile String instance = "";
    /** Whether MOLT Replicator's names are published too ({@link #molt}). */
    private volatile boolean molt;

    private PipelineMetrics(MeterRegistry registry, String name) {
        this.registry = registry;
        this.name = name;
        this.retries = registry == null ? null : add(Counter.builder(APPLY_RETRIES)
                .description("Transient target failures retried in place").tag(TAG_NAME, name).register(registry));
        this.deadLetters = registry == null ? null : add(Counter.builder(DEAD_LETTERS)
                .description("Poison rows dead-lettered and skipped").tag(TAG_NAME, name).register(registry));
        this.filtered = registry == null ? null : add(Counter.builder(ROWS_FILTERED)
                .description("Rows a transform skipped before staging").tag(TAG_NAME, name).register(registry));
        if (registry != null) {
            for (String kind : List.of(TRANSIENT, CONSTRAINT, DATA, OTHER, STAGING)) {
                error(kind, 0); // every kind from the start, so that rate() and alerts see a series
            }
        }
    }

    /**
     * The {@code kind} tag of {@code failback.errors} for a failure: staging, or the dialect's
     * classification of the target's error.
     *
     * @param e            the failure
     * @param sqlIsStaging whether a bare {@link java.sql.SQLException} came from staging (else from the target)
     * @param dialect      the target's dialect, or null before it is known
     */
    public static String errorKind(Throwable e, boolean sqlIsStaging, dev.failback.spi.Dialect dialect) {
        if (e instanceof dev.failback.StagingException || (sqlIsStaging && e instanceof java.sql.SQLException)) {
            return STAGING;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.sql.SQLException sql && dialect != null) {
                return dialect.classify(sql).label();
            }
        }
        return OTHER;
    }

    /**
     * Returns the metrics of a pipeline.
     *
     * @param registry the registry, or null for none
     * @param name     the pipeline's name
     */
    public static PipelineMetrics of(MeterRegistry registry, String name) {
        return registry != null ? new PipelineMetrics(registry, name) : OFF;
    }

    /**
     * Also publishes MOLT Replicator's names for the series that mean the same here (for groups registered
     * from now on): see {@code Failback.Builder#moltMetricNames}.
     */
    public void molt(boolean on) {
        if (registry != null) { // never on the shared instance without a registry
            this.molt = on;
        }
    }

    /** Sets the instance tag of the lease gauges registered from now on. */
    public void instance(String id) {
        this.instance = id;
    }

    /** Counts a lease acquired or lost by this instance. */
    public void leaseChange(Group g, boolean acquired) {
        GroupMeters m = g.meters;
        if (m != null) {
            (acquired ? m.leaseAcquired : m.leaseLost).increment();
        }
    }

    boolean enabled() {
        return registry != null;
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    /** The meters of one schema (group); null when metrics are off. */
    public final class GroupMeters {
        public final Counter staged;
        public final Counter duplicate;
        public final Counter stale;
        public final Counter appliedDirectly;
        public final Counter resolvedAdvanced;
        public final Counter resolvedIgnored;
        public final Counter resolvedApplied;
        public final Timer stageSuccess;
        public final Timer stageFailure;
        public final Timer applySuccess;
        public final Timer applyFailure;
        public final Timer checkpointSuccess;
        public final Timer checkpointFailure;
        public final DistributionSummary batch;
        final Timer age;
        final Counter leaseAcquired;
        final Counter leaseLost;
        private final String schema;
        private final Map<String, Counter[]> tables = new ConcurrentHashMap<>();

        private GroupMeters(Group g) {
            schema = g.name;
            staged = received("staged");
            duplicate = received("duplicate");
            stale = received("stale");
            appliedDirectly = received("applied");
            resolvedAdvanced = resolvedReceived("advanced");
            resolvedIgnored = resolvedReceived("ignored");
            resolvedApplied = add(Counter.builder(RESOLVED_APPLIED)
                    .description("Resolved timestamps up to which every staged mutation is applied")
                    .tags(TAG_NAME, name, TAG_SCHEMA, schema).register(registry));
            stageSuccess = timer(STAGE, "Staging one request's mutations", "success", Duration.ofMillis(1),
                    Duration.ofSeconds(60));
            stageFailure = timer(STAGE, "Staging one request's mutations", "failure", Duration.ofMillis(1),
                    Duration.ofSeconds(60));
            applySuccess = timer(APPLY, "Applying one window in a target transaction, retries included", "success",
                    Duration.ofMillis(1), Duration.ofSeconds(60));
            applyFailure = timer(APPLY, "Applying one window in a target transaction, retries included", "failure",
                    Duration.ofMillis(1), Duration.ofSeconds(60));
            checkpointSuccess = timer(CHECKPOINT_COMMIT, "Recording the applied checkpoint in staging", "success",
                    Duration.ofMillis(1), Duration.ofSeconds(60));
            checkpointFailure = timer(CHECKPOINT_COMMIT, "Recording the applied checkpoint in staging", "failure",
                    Duration.ofMillis(1), Duration.ofSeconds(60));
            batch = add(DistributionSummary.builder(APPLY_BATCH).baseUnit(BaseUnits.ROWS)
                    .description("Mutations per applied window").tags(TAG_NAME, name, TAG_SCHEMA, schema)
                    .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(1_000_000.0)
                    .register(registry));
            age = add(Timer.builder(MUTATION_AGE)
                    .description("Per applied mutation: now minus its source commit time (end-to-end lag)")
                    .tags(TAG_NAME, name, TAG_SCHEMA, schema).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(100)).maximumExpectedValue(Duration.ofHours(24))
                    .register(registry));
            add(TimeGauge.builder(SOURCE_LAG, g, TimeUnit.MILLISECONDS, x -> ageMillis(x.checkpoint().resolved()))
                    .description("Now minus the newest resolved timestamp received (NaN before the first)")
                    .tags(TAG_NAME, name, TAG_SCHEMA, schema).register(registry));
            add(TimeGauge.builder(TARGET_LAG, g, TimeUnit.MILLISECONDS, x -> ageMillis(x.checkpoint().applied()))
                    .description("Now minus the newest resolved timestamp applied (NaN before the first)")
                    .tags(TAG_NAME, name, TAG_SCHEMA, schema).register(registry));
            add(Gauge.builder(LEASE_HELD, g, x -> x.held != null ? 1 : 0)
                    .description("1 while this instance holds the schema's lease and applies it, 0 on a standby")
                    .tags(TAG_NAME, name, TAG_SCHEMA, schema, "instance", instance).register(registry));
            add(Gauge.builder(LEASE_EPOCH, g, x -> x.leaseEpoch)
                    .description("The epoch (fencing token) of the schema's lease as last read")
                    .tags(TAG_NAME, name, TAG_SCHEMA, schema).register(registry));
            leaseAcquired = add(Counter.builder(LEASE_CHANGES).description("Leases acquired and lost by this instance")
                    .tags(TAG_NAME, name, TAG_SCHEMA, schema, "change", "acquired").register(registry));
            leaseLost = add(Counter.builder(LEASE_CHANGES).description("Leases acquired and lost by this instance")
                    .tags(TAG_NAME, name, TAG_SCHEMA, schema, "change", "lost").register(registry));
            add(Gauge.builder(BACKLOG, g, x -> x.backlog.get()).baseUnit(BaseUnits.ROWS)
                    .description("Mutations staged and not yet applied").tags(TAG_NAME, name, TAG_SCHEMA, schema)
                    .register(registry));
            if (molt) {
                moltGroup(g);
            }
        }

        /** MOLT Replicator's names for the group's lag and queue, with its label conventions. */
        private void moltGroup(Group g) {
            add(Gauge.builder("source_lag_seconds", g, x -> ageMillis(x.checkpoint().resolved()) / 1000.0)
                    .description("MOLT name: now minus the newest resolved timestamp received")
                    .tags("kind", "cdc", "target", schema).register(registry));
            add(Gauge.builder("core_source_lag_seconds", g, x -> ageMillis(x.checkpoint().resolved()) / 1000.0)
                    .description("MOLT name (newer builds): now minus the newest resolved timestamp received")
                    .tags(TAG_SCHEMA, schema).register(registry));
            add(Gauge.builder("target_lag_seconds", g, x -> ageMillis(x.checkpoint().applied()) / 1000.0)
                    .description("MOLT name: now minus the newest resolved timestamp applied")
                    .tags("kind", "cdc", "target", schema).register(registry));
            add(Gauge.builder("target_applied_timestamp_seconds", g, x -> wallSeconds(x.checkpoint().applied()))
                    .description("MOLT name: wall time of the newest resolved timestamp applied")
                    .tags("kind", "cdc", "target", schema).register(registry));
            add(Gauge.builder("target_pending_timestamp_seconds", g, x -> wallSeconds(x.checkpoint().resolved()))
                    .description("MOLT name: wall time of the newest resolved timestamp received")
                    .tags("kind", "cdc", "target", schema).register(registry));
            add(Gauge.builder("target_apply_queue_size", g, x -> x.backlog.get())
                    .description("MOLT name (newer builds): mutations staged and not yet applied")
                    .tags(TAG_SCHEMA, schema).register(registry));
        }

        private Counter received(String outcome) {
            return add(Counter.builder(RECEIVED).baseUnit(BaseUnits.ROWS)
                    .description("Row mutations received, by what became of them")
                    .tags(TAG_NAME, name, TAG_SCHEMA, schema, TAG_OUTCOME, outcome).register(registry));
        }

        private Counter resolvedReceived(String outcome) {
            return add(Counter.builder(RESOLVED_RECEIVED)
                    .description("Resolved timestamps received: advanced the checkpoint, or repeated/preceded it")
                    .tags(TAG_NAME, name, TAG_SCHEMA, schema, TAG_OUTCOME, outcome).register(registry));
        }

        private Timer timer(String meter, String description, String outcome, Duration min, Duration max) {
            return add(Timer.builder(meter).description(description)
                    .tags(TAG_NAME, name, TAG_SCHEMA, schema, TAG_OUTCOME, outcome).publishPercentileHistogram()
                    .minimumExpectedValue(min).maximumExpectedValue(max).register(registry));
        }

        /** Counts rows applied to tables: {@code [upserts, deletes]} per table name. */
        public void applied(Map<String, int[]> perTable) {
            for (Map.Entry<String, int[]> e : perTable.entrySet()) {
                Counter[] c = tables.computeIfAbsent(e.getKey(), t -> molt
                        ? new Counter[] {applied(t, "upsert"), applied(t, "delete"), moltApplied(t, "apply_upserts"),
                            moltApplied(t, "apply_deletes")}
                        : new Counter[] {applied(t, "upsert"), applied(t, "delete")});
                for (int i = 0; i < c.length; i++) {
                    int n = e.getValue()[i % 2];
                    if (n > 0) {
                        c[i].increment(n);
                    }
                }
            }
        }

        /** MOLT's {@code apply_upserts_total} / {@code apply_deletes_total} ({@code schema}, {@code table}). */
        private Counter moltApplied(String table, String meter) {
            return add(Counter.builder(meter).description("MOLT name: rows applied to the target")
                    .tags(TAG_SCHEMA, schema, TAG_TABLE, table).register(registry));
        }

        private Counter applied(String table, String kind) {
            return add(Counter.builder(APPLIED).baseUnit(BaseUnits.ROWS).description("Rows applied to the target")
                    .tags(TAG_NAME, name, TAG_SCHEMA, schema, TAG_TABLE, table, TAG_KIND, kind).register(registry));
        }

        /** Records the end-to-end age of each mutation of a window just committed. */
        public void ages(List<Mutation> window) {
            long nowNanos = System.currentTimeMillis() * 1_000_000L;
            for (Mutation m : window) {
                age.record(Math.max(0, nowNanos - m.updated().wall()), TimeUnit.NANOSECONDS);
            }
        }
    }

    private static double wallSeconds(Hlc hlc) {
        return hlc == null || hlc.equals(Hlc.ZERO) ? Double.NaN : hlc.wall() / 1e9;
    }

    private static double ageMillis(Hlc hlc) {
        if (hlc == null || hlc.equals(Hlc.ZERO)) {
            return Double.NaN;
        }
        return Math.max(0, System.currentTimeMillis() - hlc.wall() / 1_000_000L);
    }

    /** Registers the meters of a group; null when metrics are off. */
    public GroupMeters register(Group g) {
        if (registry == null || closed) {
            return null;
        }
        return new GroupMeters(g);
    }

    private static final Duration[] HTTP_DURATION_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};
    private static final double[] HTTP_BODY_BUCKETS = {1024, 4 * 1024, 16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024,
        4 * 1024 * 1024, 16 * 1024 * 1024, 64 * 1024 * 1024};

    /**
     * Counts a changefeed request's answer and times it.
     *
     * @param status    the status answered
     * @param nanos     from its arrival to its answer
     * @param bodyBytes the body's size as read (decompressed), or -1 when it was refused before its body was read
     */
    public void http(int status, long nanos, long bodyBytes) {
        if (registry == null || closed) { // a server outliving the pipeline must not register meters nobody removes
            return;
        }
        http.computeIfAbsent(status, s -> add(Counter.builder(HTTP_REQUESTS)
                .description("Changefeed requests answered, by status").tags(TAG_NAME, name, TAG_STATUS,
                        Integer.toString(s)).register(registry))).increment();
        httpDuration.computeIfAbsent(status, s -> add(Timer.builder(HTTP_REQUEST_DURATION)
                .description("Changefeed requests from arrival to answer (body read, staged or applied), by status")
                .tags(TAG_NAME, name, TAG_STATUS, Integer.toString(s))
                // a dozen fixed buckets per status, not a percentile histogram's ~70: each status a client can
                // provoke (401, 404, 405…) adds its series, and their number must stay small
                .serviceLevelObjectives(HTTP_DURATION_BUCKETS)
                .register(registry))).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (bodyBytes >= 0) {
            DistributionSummary body = httpBody;
            if (body == null) {
                synchronized (this) {
                    if (httpBody == null) {
                        httpBody = add(DistributionSummary.builder(HTTP_REQUEST_BODY).baseUnit(BaseUnits.BYTES)
                                .description("Changefeed request bodies read, decompressed").tags(TAG_NAME, name)
                                .serviceLevelObjectives(HTTP_BODY_BUCKETS).register(registry));
                    }
                    body = httpBody;
                }
            }
            body.record(bodyBytes);
        }
    }

    /** Counts a failure; kind is one of the constants of this class. */
    public void error(String kind) {
        if (registry != null) {
            error(kind, 1);
        }
    }

    private void error(String kind, int n) {
        errors.computeIfAbsent(kind, k -> add(Counter.builder(ERRORS).description("Failures, by kind")
                .tags(TAG_NAME, name, TAG_KIND, k).register(registry))).increment(n);
    }

    /** Counts a poison row written to the dead-letter table. */
    public void deadLetter() {
        if (registry != null) {
            deadLetters.increment();
        }
    }

    /** Rows a transform skipped before staging. */
    public void filtered(int rows) {
        if (registry != null && rows > 0) {
            filtered.increment(rows);
        }
    }

    public void retry() {
        if (retries != null) {
            retries.increment();
        }
    }

    @Override
    public void close() {
        if (registry == null) {
            return;
        }
        closed = true;
        for (Meter m : meters) {
            registry.remove(m);
        }
        meters.clear();
    }
}
