package dev.failback.testing.simulator;

import dev.failback.Hlc;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Plays a CockroachDB changefeed with a webhook sink against a receiver, for tests.
 *
 * <p>It keeps a {@link SourceModel}, asks a {@link Workload} for source transactions, gives each
 * transaction a commit timestamp from a monotonic simulated HLC clock (wall time in nanoseconds, at
 * least the current time), and POSTs one message per written row, exactly as the newest CockroachDB
 * webhook sink does:
 *
 * <ul>
 * <li>body {@code {"payload":[<msg>,<msg>],"length":N}}; each message is CockroachDB JSON with keys
 *     sorted bytewise and {@code ", "} / {@code ": "} separators:
 *     {@code {"after": {...}, ["before": ..., ]"key": [...], ["mvcc_timestamp": "...", ]"topic": "t", "updated": "..."}};
 *     {@code "after": null} for a delete; {@code before} only with {@link Builder#diff};
 *     {@code Content-Type: application/json}, and {@code Authorization} when configured;</li>
 * <li>every row key is owned by one of {@link Builder#nodes} simulated nodes (by hash); each node
 *     sends its rows in order from its own thread, with one POST in flight and 1 to
 *     {@link Builder#maxBatch} messages per POST, so rows of one transaction may be split across
 *     nodes and POSTs;</li>
 * <li>a non-2xx answer or an I/O error is retried with the byte-identical body after a backoff
 *     (doubling from {@link Builder#retryBackoff}, capped at 2 s, ±15 % jitter), forever;</li>
 * <li>with several receivers ({@link Builder#urls}), every attempt of every POST (rows and resolved,
 *     first tries and retries alike) goes to one of them chosen uniformly at random, as a load
 *     balancer in front of replicas would send it: a retry may reach another receiver than the
 *     attempt that failed or timed out (which may still process it);</li>
 * <li>a coordinator thread sends {@code {"resolved":"<hlc>"}} every {@link Builder#resolvedInterval},
 *     only once every message with {@code updated <= resolved} has been acknowledged with 2xx;
 *     resolved timestamps strictly increase.</li>
 * <li>with {@link Builder#restartProbability}, the coordinator "restarts" the changefeed at random
 *     (seeded) moments, as CockroachDB does after a node failure or a job resume: POSTs in flight
 *     are abandoned (the receiver may or may not have processed them), and every message newer
 *     than the last acknowledged resolved timestamp is emitted again, batched differently and from
 *     other nodes, with some older versions re-sent between newer ones of the same key
 *     ({@code 1, 2a, 3, 2b, 4}); per-key order holds only for first emissions, and resolved
 *     timestamps keep their rule across restarts.</li>
 * </ul>
 *
 * <p>Given the same seed and workload, the same transactions are generated (timestamps and batching
 * differ from run to run). Lifecycle: {@link #start()}, then {@link #runTransactions} or
 * {@link #runFor} (from one thread at a time), then {@link #finish()} for the final resolved
 * timestamp, and {@link #close()}. Thread-safe.
 */
public final class ChangefeedSimulator implements AutoCloseable {
    /** Default number of simulated nodes: {@value}. */
    public static final int DEFAULT_NODES = 3;
    /** Default largest number of messages per POST: {@value}. */
    public static final int DEFAULT_MAX_BATCH = 20;
    /** Default interval between resolved timestamps. */
    public static final Duration DEFAULT_RESOLVED_INTERVAL = Duration.ofMillis(250);
    /** Default timeout of one HTTP request. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Default first retry backoff. */
    public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(50);
    /** Default bound on {@link #finish()}. */
    public static final Duration DEFAULT_FINISH_TIMEOUT = Duration.ofMinutes(2);
    /** Messages queued per node before generation waits: {@value}. */
    public static final int QUEUE_CAPACITY = 10_000;

    /**
     * Counters since start. Immutable.
     *
     * @param transactions  source transactions generated
     * @param messages      row messages generated
     * @param posts         row batches acknowledged with 2xx
     * @param retries       requests re-sent after a failed attempt (rows and resolved)
     * @param resolvedSent  resolved timestamps acknowledged
     * @param lastResolved  the newest acknowledged resolved timestamp, or null before the first
     * @param pending       messages generated but not yet acknowledged
     * @param lastError     the latest failed attempt ({@code "503: message"} or an exception), or null
     * @param restarts      simulated changefeed restarts
     * @param reemitted     messages queued again by restarts (including older versions re-sent)
     */
    public record Stats(long transactions, long messages, long posts, long retries, long resolvedSent,
            Hlc lastResolved, long pending, String lastError, long restarts, long reemitted) {
    }

    private final SimulatorConfig config;
    private final SimulatorLifecycle lifecycle;

    private ChangefeedSimulator(SimulatorConfig config) {
        this.config = config;
        this.lifecycle = new SimulatorLifecycle(config);
    }

    /**
     * Returns a new builder.
     *
     * @return a builder, never null
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the node and coordinator threads; the coordinator sends resolved timestamps from now
     * on. Called by {@link #runTransactions} and {@link #runFor} when needed. Idempotent.
     */
    public void start() {
        lifecycle.start();
    }

    /**
     * Generates {@code n} source transactions and queues their messages; returns when they are
     * queued (not acknowledged), early when {@link #stop()} is called. Waits while the node queues
     * are full.
     *
     * @param n the number of transactions
     * @return the number generated
     * @throws InterruptedException when interrupted while waiting for queue space
     */
    public long runTransactions(long n) throws InterruptedException {
        start();
        return lifecycle.generate(n, Long.MAX_VALUE);
    }

    /**
     * Generates transactions for a while, as fast as the receiver accepts them (or at
     * {@link Builder#transactionsPerSecond}); returns early when {@link #stop()} is called.
     *
     * @param duration how long
     * @return the number generated
     * @throws InterruptedException when interrupted while waiting for queue space
     */
    public long runFor(Duration duration) throws InterruptedException {
        start();
        return lifecycle.generate(Long.MAX_VALUE, System.nanoTime() + duration.toNanos());
    }

    /** Asks a running {@link #runTransactions} or {@link #runFor} to stop generating. Idempotent. */
    public void stop() {
        lifecycle.stop();
    }

    /**
     * Stops generating, waits until every message is acknowledged, sends a final resolved timestamp
     * newer than every message, and stops the threads. Bounded by {@value #DEFAULT_FINISH_TIMEOUT_TEXT}.
     *
     * @return the final resolved timestamp, never null
     * @throws InterruptedException when interrupted while waiting
     * @throws IllegalStateException when the receiver did not acknowledge everything in time
     */
    public Hlc finish() throws InterruptedException {
        return finish(DEFAULT_FINISH_TIMEOUT);
    }

    /**
     * Like {@link #finish()} with an explicit bound.
     *
     * @param timeout the longest to wait for acknowledgements
     * @return the final resolved timestamp, never null
     * @throws InterruptedException when interrupted while waiting
     * @throws IllegalStateException when the receiver did not acknowledge everything in time
     */
    public Hlc finish(Duration timeout) throws InterruptedException {
        return lifecycle.finish(timeout);
    }

    /**
     * Returns the source database. Consistent only while no transaction is being generated.
     *
     * @return the model, never null
     */
    public SourceModel model() {
        return lifecycle.model();
    }

    /**
     * Returns the workload.
     *
     * @return the workload, never null
     */
    public Workload workload() {
        return config.workload();
    }

    /**
     * Returns the receiver URL, the first one when there are several.
     *
     * @return the URL, never null
     */
    public URI url() {
        return config.urls().get(0);
    }

    /**
     * Returns the receiver URLs; each attempt goes to one of them chosen at random.
     *
     * @return the URLs, at least one, never null
     */
    public List<URI> urls() {
        return config.urls();
    }

    /**
     * Returns the counters.
     *
     * @return a snapshot, never null
     */
    public Stats stats() {
        return lifecycle.stats();
    }

    /** Stops everything at once without waiting for acknowledgements. Idempotent. */
    @Override
    public void close() {
        lifecycle.close();
    }

    /** Configures a {@link ChangefeedSimulator}. Not thread-safe. */
    public static final class Builder {
        private List<URI> urls;
        private int nodes = DEFAULT_NODES;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private Duration resolvedInterval = DEFAULT_RESOLVED_INTERVAL;
        private long seed = 1;
        private String authorization;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
        private boolean diff;
        private boolean mvccTimestamp = true;
        private double transactionsPerSecond;
        private Workload workload;
        private Consumer<SourceTransaction> listener;
        private double restartProbability;

        private Builder() {
        }

        /**
         * The receiver's URL, for example {@code http://127.0.0.1:26258/database/schema} (required).
         *
         * @param url an http or https URL
         * @return this builder
         */
        public Builder url(URI url) {
            this.urls = List.of(SimulatorConfig.checkUrl(url));
            return this;
        }

        /**
         * The receiver's URL (required).
         *
         * @param url an http or https URL
         * @return this builder
         */
        public Builder url(String url) {
            return url(URI.create(Objects.requireNonNull(url, "url")));
        }

        /**
         * Several receivers behind a simulated load balancer (replaces {@link #url}): every attempt
         * of every POST, rows and resolved timestamps, first tries and retries alike, goes to one of
         * them chosen uniformly at random (following the seed), so a retry may reach another
         * receiver than the attempt that failed or timed out. A POST still keeps its order: each
         * node has one in flight at a time.
         *
         * @param urls at least one http or https URL; one URL behaves exactly as {@link #url(URI)}
         * @return this builder
         */
        public Builder urls(List<URI> urls) {
            this.urls = SimulatorConfig.checkUrls(urls);
            return this;
        }

        /**
         * The number of simulated nodes, each sending its own keys from its own thread. Default {@value #DEFAULT_NODES}.
         *
         * @param nodes at least 1
         * @return this builder
         */
        public Builder nodes(int nodes) {
            this.nodes = SimulatorConfig.atLeast("nodes", nodes, 1);
            return this;
        }

        /**
         * The most messages in one POST; each POST takes a random 1 to this many of the queued
         * messages. Default {@value #DEFAULT_MAX_BATCH}.
         *
         * @param messages at least 1
         * @return this builder
         */
        public Builder maxBatch(int messages) {
            this.maxBatch = SimulatorConfig.atLeast("maxBatch", messages, 1);
            return this;
        }

        /**
         * How often the coordinator tries to send a resolved timestamp. Default 250 ms.
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder resolvedInterval(Duration interval) {
            this.resolvedInterval = SimulatorConfig.positive("resolvedInterval", interval);
            return this;
        }

        /**
         * The random seed; the same seed and workload give the same transactions. Default 1.
         *
         * @param seed any number
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * The {@code Authorization} header to send (CockroachDB's {@code webhook_auth_header}). Default none.
         *
         * @param header the verbatim header value, such as {@code Bearer abc}
         * @return this builder
         */
        public Builder authorization(String header) {
            this.authorization = Objects.requireNonNull(header, "header");
            return this;
        }

        /**
         * The timeout of one HTTP request (CockroachDB's {@code webhook_client_timeout}). Default 10 s.
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = SimulatorConfig.positive("requestTimeout", timeout);
            return this;
        }

        /**
         * The first backoff before a retry; doubled each retry up to 2 s. Default 50 ms.
         *
         * @param backoff a positive duration
         * @return this builder
         */
        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = SimulatorConfig.positive("retryBackoff", backoff);
            return this;
        }

        /**
         * Whether messages carry {@code before} (CockroachDB's {@code diff} option). Default false.
         *
         * @param diff true to send the previous row image
         * @return this builder
         */
        public Builder diff(boolean diff) {
            this.diff = diff;
            return this;
        }

        /**
         * Whether messages carry {@code mvcc_timestamp}. Default true.
         *
         * @param include true to send it
         * @return this builder
         */
        public Builder mvccTimestamp(boolean include) {
            this.mvccTimestamp = include;
            return this;
        }

        /**
         * Caps the generation rate. Default 0: as fast as the receiver accepts.
         *
         * @param rate transactions per second, 0 for no cap
         * @return this builder
         */
        public Builder transactionsPerSecond(double rate) {
            this.transactionsPerSecond = SimulatorConfig.rate(rate);
            return this;
        }

        /**
         * Simulates changefeed restarts: before each resolved-timestamp attempt (every
         * {@link #resolvedInterval}), the changefeed restarts with this probability, abandoning
         * POSTs in flight and re-emitting every message newer than the last acknowledged resolved
         * timestamp, batched differently, from other nodes, with some older versions re-sent
         * between newer ones. The decisions follow the seed. Default 0: never.
         *
         * @param probability 0 to 1
         * @return this builder
         */
        public Builder restartProbability(double probability) {
            this.restartProbability = SimulatorConfig.probability(probability);
            return this;
        }

        /**
         * The workload (required).
         *
         * @param workload the workload; used by this simulator only
         * @return this builder
         */
        public Builder workload(Workload workload) {
            this.workload = Objects.requireNonNull(workload, "workload");
            return this;
        }

        /**
         * Observes every generated transaction, on the generating thread.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder transactionListener(Consumer<SourceTransaction> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Returns a new simulator.
         *
         * @return the simulator, not started
         * @throws IllegalStateException when the url or workload is missing
         */
        public ChangefeedSimulator build() {
            return new ChangefeedSimulator(new SimulatorConfig(urls, nodes, maxBatch, resolvedInterval, seed,
                    authorization, requestTimeout, retryBackoff, diff, mvccTimestamp, transactionsPerSecond, workload,
                    listener, restartProbability));
        }
    }
}
