package dev.failback.core;

/**
 * The names and tags of the meters Failback registers when a Micrometer {@code MeterRegistry} is given
 * to {@code Failback.Builder#meterRegistry}. Names are Micrometer names; a Prometheus registry turns
 * {@code failback.applied} with base unit rows into {@code failback_applied_rows_total}, timers into
 * {@code …_seconds}. Every meter carries the tag {@value #TAG_NAME} (the pipeline's name); the others
 * are bounded: {@value #TAG_SCHEMA} (a target schema the changefeed feeds), {@value #TAG_TABLE} (a
 * table of it), {@value #TAG_OUTCOME}, {@value #TAG_KIND} and {@value #TAG_STATUS} (an HTTP status).
 * These constants are part of the API: dashboards and alerts depend on them.
 */
public final class FailbackMetricNames {
    /** Prefix of every name: {@value}. */
    public static final String PREFIX = "failback.";

    /** Counter, rows: row mutations received; {@code outcome=staged|duplicate|stale|applied}. */
    public static final String RECEIVED = PREFIX + "received";
    /** Counter, rows: rows applied to the target; {@code table}, {@code kind=upsert|delete}. */
    public static final String APPLIED = PREFIX + "applied";
    /** Counter: resolved timestamps received; {@code outcome=advanced|ignored}. */
    public static final String RESOLVED_RECEIVED = PREFIX + "resolved.received";
    /** Counter: resolved timestamps applied (every staged mutation up to them is in the target). */
    public static final String RESOLVED_APPLIED = PREFIX + "resolved.applied";
    /** Timer: staging one request's mutations; {@code outcome=success|failure}. */
    public static final String STAGE = PREFIX + "stage";
    /** Timer: applying one window (a target transaction), retries included; {@code outcome}. */
    public static final String APPLY = PREFIX + "apply";
    /** DistributionSummary, rows: mutations per applied window. */
    public static final String APPLY_BATCH = PREFIX + "apply.batch";
    /** Counter: transient failures retried in place before a window committed or gave up. */
    public static final String APPLY_RETRIES = PREFIX + "apply.retries";
    /** Timer: recording the applied checkpoint in staging; {@code outcome}. */
    public static final String CHECKPOINT_COMMIT = PREFIX + "checkpoint.commit";
    /** TimeGauge: now − the newest resolved timestamp received. */
    public static final String SOURCE_LAG = PREFIX + "source.lag";
    /** TimeGauge: now − the newest resolved timestamp applied. */
    public static final String TARGET_LAG = PREFIX + "target.lag";
    /** Timer: per mutation, now − its source commit time, when it is applied (end-to-end age). */
    public static final String MUTATION_AGE = PREFIX + "mutation.age";
    /** Gauge, rows: mutations staged and not yet applied. */
    public static final String BACKLOG = PREFIX + "backlog";
    /** Gauge, 1 while this instance holds the schema's lease (it applies the schema), else 0; tags name, schema, instance. */
    public static final String LEASE_HELD = PREFIX + "lease.held";
    /** Gauge: the epoch (fencing token) of the schema's lease as last read; tags name, schema. */
    public static final String LEASE_EPOCH = PREFIX + "lease.epoch";
    /** Counter: leases acquired and lost by this instance; tags name, schema, change (acquired, lost). */
    public static final String LEASE_CHANGES = PREFIX + "lease.changes";
    /** Counter: failures; {@code kind=transient|constraint|data|other|staging}. */
    public static final String ERRORS = PREFIX + "errors";
    /** Counter: poison rows written to the dead-letter table and skipped ({@code deadLetter(true)}). Tag: name. */
    public static final String DEAD_LETTERS = PREFIX + "dead.letters";
    /** Counter: rows a transform skipped before staging. */
    public static final String ROWS_FILTERED = PREFIX + "rows.filtered";
    /** Counter: changefeed requests answered (admin paths excluded); {@code status}. */
    public static final String HTTP_REQUESTS = PREFIX + "http.requests";
    /**
     * Timer (13 buckets, 5 ms–60 s): from a changefeed request's arrival at the handler to its answer, body read,
     * staged or applied included (admin paths excluded); {@code status}.
     */
    public static final String HTTP_REQUEST_DURATION = PREFIX + "http.request.duration";
    /**
     * Summary (9 buckets, 1 KiB–64 MiB, bytes): the size of each changefeed request body the pipeline read, decompressed
     * (requests refused before their body is read are not counted).
     */
    public static final String HTTP_REQUEST_BODY = PREFIX + "http.request.body";

    /** Tag: the pipeline's name. */
    public static final String TAG_NAME = "name";
    /** Tag: the target schema (the group, e.g. {@code database.schema}). */
    public static final String TAG_SCHEMA = "schema";
    /** Tag: the table name. */
    public static final String TAG_TABLE = "table";
    /** Tag: {@code success|failure} for timers; what became of a mutation or resolved timestamp. */
    public static final String TAG_OUTCOME = "outcome";
    /** Tag: the kind of error, or {@code upsert|delete}. */
    public static final String TAG_KIND = "kind";
    /** Tag: the HTTP status code answered. */
    public static final String TAG_STATUS = "status";

    private FailbackMetricNames() {
    }
}
