package dev.failback.testing.simulator;

import dev.failback.Hlc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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

    private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(2);

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

    private record Message(Hlc updated, String rowKey, String json) {
    }

    /** A message queued on a node during one restart epoch. */
    private record Queued(Message message, long epoch) {
    }

    private final List<URI> urls;
    private final int nodeCount;
    private final int maxBatch;
    private final Duration resolvedInterval;
    private final long seed;
    private final String authorization;
    private final Duration requestTimeout;
    private final Duration retryBackoff;
    private final boolean diff;
    private final boolean mvccTimestamp;
    private final double transactionsPerSecond;
    private final Workload workload;
    private final Consumer<SourceTransaction> listener;
    private final double restartProbability;

    private final SourceModel model = new SourceModel();
    private final Random random;
    /** Picks the receiver of each attempt when there are several; shared by all threads (Random is thread-safe). */
    private final Random receivers;
    private final HttpClient client;
    private final List<Node> nodes = new ArrayList<>();
    private Thread coordinator;

    private final Object clockLock = new Object();
    private long lastWall;
    private int lastLogical;
    private final NavigableSet<Hlc> issued = new ConcurrentSkipListSet<>();
    private final ConcurrentSkipListMap<Hlc, AtomicInteger> pending = new ConcurrentSkipListMap<>();

    private final Object generateLock = new Object();
    private final Object lifecycle = new Object();
    private volatile boolean started;
    private volatile boolean finished;
    private volatile boolean stopRequested;
    private volatile boolean stopNodes;
    private volatile boolean aborted;
    private final CountDownLatch stopCoordinator = new CountDownLatch(1);

    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong posts = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong resolvedSent = new AtomicLong();
    private final AtomicLong unacked = new AtomicLong();
    private volatile Hlc lastResolved;
    private volatile String lastError;

    /** Guards queueing, acknowledgement bookkeeping and restarts against each other. */
    private final Object emitLock = new Object();
    /** Incremented by every restart; messages and POSTs of an older epoch are abandoned. */
    private volatile long epoch;
    /** Messages newer than the last acknowledged resolved timestamp, in generation order; under emitLock. */
    private final ArrayDeque<Message> retained = new ArrayDeque<>();
    private boolean restartsDisabled;
    private final AtomicLong restarts = new AtomicLong();
    private final AtomicLong reemitted = new AtomicLong();

    private ChangefeedSimulator(Builder b) {
        this.urls = List.copyOf(b.urls);
        this.nodeCount = b.nodes;
        this.maxBatch = b.maxBatch;
        this.resolvedInterval = b.resolvedInterval;
        this.seed = b.seed;
        this.authorization = b.authorization;
        this.requestTimeout = b.requestTimeout;
        this.retryBackoff = b.retryBackoff;
        this.diff = b.diff;
        this.mvccTimestamp = b.mvccTimestamp;
        this.transactionsPerSecond = b.transactionsPerSecond;
        this.workload = b.workload;
        this.listener = b.listener;
        this.restartProbability = b.restartProbability;
        this.random = new Random(seed);
        this.receivers = new Random(seed * 41 + 9);
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout).build();
        for (String table : workload.tables()) {
            model.createTable(table);
        }
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
        synchronized (lifecycle) {
            if (finished || aborted) {
                throw new IllegalStateException("the simulator was already finished or closed");
            }
            if (started) {
                return;
            }
            started = true;
            for (int i = 0; i < nodeCount; i++) {
                Node node = new Node(i, new Random(seed * 31 + i + 1));
                nodes.add(node);
                node.thread.start();
            }
            coordinator = new Thread(this::coordinate, "failback-sim-resolved");
            coordinator.setDaemon(true);
            coordinator.start();
        }
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
        synchronized (generateLock) {
            long done = 0;
            long t0 = System.nanoTime();
            while (done < n && !stopRequested && !aborted) {
                pace(t0, done);
                if (generateOne()) {
                    done++;
                }
            }
            return done;
        }
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
        long end = System.nanoTime() + duration.toNanos();
        synchronized (generateLock) {
            long done = 0;
            long t0 = System.nanoTime();
            while (System.nanoTime() < end && !stopRequested && !aborted) {
                pace(t0, done);
                if (generateOne()) {
                    done++;
                }
            }
            return done;
        }
    }

    /** Asks a running {@link #runTransactions} or {@link #runFor} to stop generating. Idempotent. */
    public void stop() {
        stopRequested = true;
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
        start();
        stopRequested = true;
        synchronized (generateLock) {
            // wait for a concurrent generator to return
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            while (unacked.get() > 0) {
                if (aborted) {
                    throw new IllegalStateException("the simulator was closed");
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("receiver did not acknowledge " + unacked.get()
                            + " messages within " + timeout + "; last error: " + lastError);
                }
                Thread.sleep(5);
            }
            synchronized (emitLock) {
                if (unacked.get() == 0) {
                    restartsDisabled = true;
                    break;
                }
            }
        }
        stopCoordinator.countDown();
        coordinator.join(timeout.toMillis());
        if (coordinator.isAlive()) {
            throw new IllegalStateException("the resolved timestamp sender did not stop within " + timeout
                    + "; last error: " + lastError);
        }
        Hlc end;
        synchronized (clockLock) {
            end = tick();
        }
        if (!post(resolvedBody(end), deadline, new Random(seed), -1)) {
            throw new IllegalStateException("receiver did not acknowledge the final resolved " + end + " within "
                    + timeout + "; last error: " + lastError);
        }
        resolved(end);
        stopNodes = true;
        for (Node n : nodes) {
            n.thread.join(TimeUnit.NANOSECONDS.toMillis(Math.max(1, deadline - System.nanoTime())) + 1);
        }
        finished = true;
        return end;
    }

    /**
     * Returns the source database. Consistent only while no transaction is being generated.
     *
     * @return the model, never null
     */
    public SourceModel model() {
        return model;
    }

    /**
     * Returns the workload.
     *
     * @return the workload, never null
     */
    public Workload workload() {
        return workload;
    }

    /**
     * Returns the receiver URL, the first one when there are several.
     *
     * @return the URL, never null
     */
    public URI url() {
        return urls.get(0);
    }

    /**
     * Returns the receiver URLs; each attempt goes to one of them chosen at random.
     *
     * @return the URLs, at least one, never null
     */
    public List<URI> urls() {
        return urls;
    }

    /**
     * Returns the counters.
     *
     * @return a snapshot, never null
     */
    public Stats stats() {
        return new Stats(transactions.get(), messages.get(), posts.get(), retries.get(), resolvedSent.get(),
                lastResolved, unacked.get(), lastError, restarts.get(), reemitted.get());
    }

    /** Stops everything at once without waiting for acknowledgements. Idempotent. */
    @Override
    public void close() {
        aborted = true;
        stopRequested = true;
        stopNodes = true;
        stopCoordinator.countDown();
        List<Thread> threads = new ArrayList<>();
        synchronized (lifecycle) {
            for (Node n : nodes) {
                threads.add(n.thread);
            }
            if (coordinator != null) {
                threads.add(coordinator);
            }
        }
        for (Thread t : threads) {
            t.interrupt();
        }
        for (Thread t : threads) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    // ---- generation ----

    private void pace(long t0, long done) throws InterruptedException {
        if (transactionsPerSecond <= 0) {
            return;
        }
        long due = t0 + (long) (done * 1e9 / transactionsPerSecond);
        long wait = due - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private boolean generateOne() throws InterruptedException {
        for (Node n : nodes) {
            while (n.queue.size() >= QUEUE_CAPACITY) {
                if (aborted || stopRequested) {
                    return false;
                }
                Thread.sleep(1);
            }
        }
        List<RowChange> raw = workload.nextTransaction(random, model);
        if (raw == null || raw.isEmpty()) {
            return false;
        }
        // A row written twice in one transaction is emitted once, with its last value.
        Map<String, RowChange> collapsed = new LinkedHashMap<>();
        for (RowChange c : raw) {
            collapsed.put(c.table() + '\u0000' + c.key(), c);
        }
        List<RowChange> changes = List.copyOf(collapsed.values());
        Hlc updated;
        long seq;
        synchronized (emitLock) {
            synchronized (clockLock) {
                updated = tick();
                issued.add(updated);
                pending.put(updated, new AtomicInteger(changes.size()));
                unacked.addAndGet(changes.size());
            }
            long e = epoch;
            for (RowChange c : changes) {
                Map<String, String> before = model.apply(c);
                String rowKey = c.table() + '\u0000' + c.key();
                Message m = new Message(updated, rowKey, message(c, before, updated));
                retained.addLast(m);
                nodes.get(owner(rowKey, e)).queue.add(new Queued(m, e));
            }
            seq = transactions.incrementAndGet();
            messages.addAndGet(changes.size());
        }
        if (listener != null) {
            listener.accept(new SourceTransaction(seq, updated, changes));
        }
        return true;
    }

    /** The node that emits a row during an epoch: a different spread after every restart. */
    private int owner(String rowKey, long e) {
        int h = rowKey.hashCode();
        if (e != 0) {
            h ^= Long.hashCode(e * 0x9E3779B97F4A7C15L);
            h *= 0x85EBCA6B;
            h ^= h >>> 13;
        }
        return Math.floorMod(h, nodeCount);
    }

    /**
     * Restarts the changefeed: abandons queued and in-flight messages and queues again every
     * message newer than the last acknowledged resolved timestamp, spread over the nodes anew, with
     * some older versions re-sent later. Called on the coordinator thread, so no resolved
     * timestamp is in flight.
     */
    private void restart(Random r) {
        synchronized (emitLock) {
            if (restartsDisabled || aborted) {
                return;
            }
            long e = ++epoch;
            for (Node n : nodes) {
                n.queue.clear();
            }
            List<List<Message>> perNode = new ArrayList<>();
            for (int i = 0; i < nodeCount; i++) {
                perNode.add(new ArrayList<>());
            }
            for (Message m : retained) {
                perNode.get(owner(m.rowKey(), e)).add(m);
            }
            long total = 0;
            synchronized (clockLock) {
                pending.clear();
                for (int i = 0; i < nodeCount; i++) {
                    List<Message> list = perNode.get(i);
                    // Older versions re-sent between newer ones: a copy of some message later in the list.
                    int n = list.size();
                    for (int j = 0; j < n; j++) {
                        if (r.nextInt(10) == 0) {
                            list.add(j + 1 + r.nextInt(list.size() - j), list.get(j));
                        }
                    }
                    for (Message m : list) {
                        pending.computeIfAbsent(m.updated(), k -> new AtomicInteger()).incrementAndGet();
                        nodes.get(i).queue.add(new Queued(m, e));
                    }
                    total += list.size();
                }
                unacked.set(total);
            }
            restarts.incrementAndGet();
            reemitted.addAndGet(total);
        }
    }

    private String message(RowChange c, Map<String, String> before, Hlc updated) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"after\": ").append(CrdbJson.object(c.after()));
        if (diff) {
            b.append(", \"before\": ").append(CrdbJson.object(before));
        }
        b.append(", \"key\": ").append(c.key());
        if (mvccTimestamp) {
            b.append(", \"mvcc_timestamp\": \"").append(updated).append('"');
        }
        b.append(", \"topic\": ").append(CrdbJson.string(c.table()));
        b.append(", \"updated\": \"").append(updated).append("\"}");
        return b.toString();
    }

    /** The next clock reading; call with clockLock held. */
    private Hlc tick() {
        long now = System.currentTimeMillis() * 1_000_000L + Math.floorMod(System.nanoTime(), 1_000_000L);
        if (now > lastWall) {
            lastWall = now;
            lastLogical = 0;
        } else {
            lastLogical++;
        }
        return new Hlc(lastWall, lastLogical);
    }

    /** Acknowledges a batch unless a restart abandoned it; returns whether it counted. */
    private boolean ack(List<Queued> batch, long batchEpoch) {
        synchronized (emitLock) {
            if (epoch != batchEpoch) {
                return false;
            }
            for (Queued q : batch) {
                pending.computeIfPresent(q.message().updated(), (k, v) -> v.decrementAndGet() == 0 ? null : v);
            }
            unacked.addAndGet(-batch.size());
            return true;
        }
    }

    // ---- resolved timestamps ----

    private void coordinate() {
        Random jitter = new Random(seed * 17 + 5);
        Random restartRandom = new Random(seed * 13 + 3);
        try {
            while (!stopCoordinator.await(resolvedInterval.toMillis(), TimeUnit.MILLISECONDS)) {
                if (restartProbability > 0 && restartRandom.nextDouble() < restartProbability) {
                    restart(restartRandom);
                }
                Hlc candidate;
                synchronized (clockLock) {
                    Map.Entry<Hlc, AtomicInteger> oldest = pending.firstEntry();
                    candidate = oldest == null ? tick() : issued.lower(oldest.getKey());
                }
                Hlc last = lastResolved;
                if (candidate == null || (last != null && candidate.compareTo(last) <= 0)) {
                    continue;
                }
                if (!post(resolvedBody(candidate), Long.MAX_VALUE, jitter, -1)) {
                    return;
                }
                resolved(candidate);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void resolved(Hlc t) {
        lastResolved = t;
        resolvedSent.incrementAndGet();
        issued.headSet(t, false).clear();
        synchronized (emitLock) {
            while (!retained.isEmpty() && retained.peekFirst().updated().compareTo(t) <= 0) {
                retained.pollFirst();
            }
        }
    }

    private static String resolvedBody(Hlc t) {
        return "{\"resolved\":\"" + t + "\"}";
    }

    // ---- HTTP ----

    /**
     * POSTs until 2xx; false when aborted, stopped, past the deadline, or (for a batch of epoch
     * {@code batchEpoch >= 0}) abandoned by a restart. With several receivers, each attempt goes to
     * one chosen at random.
     */
    private boolean post(String body, long deadlineNanos, Random jitter, long batchEpoch) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        HttpRequest single = urls.size() == 1 ? request(urls.get(0), bytes) : null;
        long backoff = retryBackoff.toNanos();
        for (int attempt = 0;; attempt++) {
            if (aborted || (batchEpoch >= 0 && epoch != batchEpoch)) {
                return false;
            }
            if (attempt > 0) {
                retries.incrementAndGet();
            }
            URI target = single != null ? urls.get(0) : urls.get(receivers.nextInt(urls.size()));
            try {
                HttpRequest request = single != null ? single : request(target, bytes);
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() >= 200 && response.statusCode() < 300) {
                    return true;
                }
                lastError = response.statusCode() + ": " + response.body().strip()
                        + (single != null ? "" : " (" + target + ")");
            } catch (IOException e) {
                lastError = e + (single != null ? "" : " (" + target + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            if (System.nanoTime() > deadlineNanos) {
                return false;
            }
            long sleep = (long) (backoff * (0.85 + 0.3 * jitter.nextDouble()));
            try {
                TimeUnit.NANOSECONDS.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            backoff = Math.min(MAX_BACKOFF_NANOS, backoff * 2);
        }
    }

    private HttpRequest request(URI target, byte[] bytes) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(target)
                .timeout(requestTimeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "Go-http-client/1.1")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        if (authorization != null) {
            rb.header("Authorization", authorization);
        }
        return rb.build();
    }

    private final class Node {
        final LinkedBlockingQueue<Queued> queue = new LinkedBlockingQueue<>();
        final Random random;
        final Thread thread;

        Node(int index, Random random) {
            this.random = random;
            this.thread = new Thread(this::run, "failback-sim-node-" + (index + 1));
            this.thread.setDaemon(true);
        }

        private void run() {
            try {
                while (!aborted) {
                    Queued first = queue.poll(20, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        if (stopNodes) {
                            return;
                        }
                        continue;
                    }
                    List<Queued> batch = new ArrayList<>();
                    batch.add(first);
                    queue.drainTo(batch, random.nextInt(maxBatch));
                    long e = epoch;
                    batch.removeIf(q -> q.epoch() != e); // taken just before a restart: queued again
                    if (batch.isEmpty()) {
                        continue;
                    }
                    StringBuilder body = new StringBuilder("{\"payload\":[");
                    for (int i = 0; i < batch.size(); i++) {
                        if (i > 0) {
                            body.append(',');
                        }
                        body.append(batch.get(i).message().json());
                    }
                    body.append("],\"length\":").append(batch.size()).append('}');
                    if (!post(body.toString(), Long.MAX_VALUE, random, e)) {
                        if (aborted) {
                            return;
                        }
                        continue; // abandoned by a restart
                    }
                    if (ack(batch, e)) {
                        posts.incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
            this.urls = List.of(checkUrl(url));
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
            Objects.requireNonNull(urls, "urls");
            if (urls.isEmpty()) {
                throw new IllegalArgumentException("urls must not be empty");
            }
            List<URI> checked = new ArrayList<>();
            for (URI u : urls) {
                checked.add(checkUrl(u));
            }
            this.urls = List.copyOf(checked);
            return this;
        }

        private static URI checkUrl(URI url) {
            Objects.requireNonNull(url, "url");
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                throw new IllegalArgumentException("url must be http or https, but was " + url);
            }
            return url;
        }

        /**
         * The number of simulated nodes, each sending its own keys from its own thread. Default {@value #DEFAULT_NODES}.
         *
         * @param nodes at least 1
         * @return this builder
         */
        public Builder nodes(int nodes) {
            this.nodes = atLeast("nodes", nodes, 1);
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
            this.maxBatch = atLeast("maxBatch", messages, 1);
            return this;
        }

        /**
         * How often the coordinator tries to send a resolved timestamp. Default 250 ms.
         *
         * @param interval a positive duration
         * @return this builder
         */
        public Builder resolvedInterval(Duration interval) {
            this.resolvedInterval = positive("resolvedInterval", interval);
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
            this.requestTimeout = positive("requestTimeout", timeout);
            return this;
        }

        /**
         * The first backoff before a retry; doubled each retry up to 2 s. Default 50 ms.
         *
         * @param backoff a positive duration
         * @return this builder
         */
        public Builder retryBackoff(Duration backoff) {
            this.retryBackoff = positive("retryBackoff", backoff);
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
            if (rate < 0 || Double.isNaN(rate)) {
                throw new IllegalArgumentException("transactionsPerSecond must be >= 0, but was " + rate);
            }
            this.transactionsPerSecond = rate;
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
            if (!(probability >= 0 && probability <= 1)) {
                throw new IllegalArgumentException("restartProbability must be in [0, 1], but was " + probability);
            }
            this.restartProbability = probability;
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
            List<String> problems = new ArrayList<>();
            if (urls == null) {
                problems.add("url is required");
            }
            if (workload == null) {
                problems.add("workload is required");
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException(String.join("; ", problems));
            }
            return new ChangefeedSimulator(this);
        }

        private static int atLeast(String what, int value, int min) {
            if (value < min) {
                throw new IllegalArgumentException(what + " must be >= " + min + ", but was " + value);
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
