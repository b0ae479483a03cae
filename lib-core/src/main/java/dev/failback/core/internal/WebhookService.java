package dev.failback.core.internal;

import dev.failback.ApplyException;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.Mutation;
import dev.failback.StagingException;
import dev.failback.TableName;
import dev.failback.WebhookHandler;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import dev.failback.core.internal.webhook.BodyReader;
import dev.failback.core.internal.webhook.DecodedBody;
import dev.failback.core.internal.webhook.MemoryBudget;
import dev.failback.core.internal.webhook.RowMessage;
import dev.failback.core.internal.webhook.WebhookDecoder;
import dev.failback.core.internal.webhook.WebhookException;
import dev.failback.spi.Authenticator;
import dev.failback.spi.StagingStore.RowKey;
import dev.failback.spi.TableInfo;
import dev.failback.spi.TargetSchema;
import dev.failback.spi.UnknownTargetException;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The server-independent webhook handler: path → target schema, body → mutations or a resolved
 * timestamp, checked against the target schema, then staged (consistent mode) or applied (immediate
 * mode). See {@link WebhookHandler} for the status semantics. Thread-safe.
 */
final class WebhookService implements WebhookHandler {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookService.class);

    private final Pipeline pipeline;
    private final WebhookDecoder decoder;
    private final MemoryBudget budget;
    private final Semaphore inFlight;
    private final TableFilter filter;
    private final AdminService admin;
    /** Requests inside {@link #handle}; {@link #awaitIdle} waits for them at shutdown. */
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean stopping;

    WebhookService(Pipeline pipeline, AdminService admin) {
        this.pipeline = pipeline;
        this.admin = admin;
        long maxString = Math.min(WebhookDecoder.MAX_TEXT_LENGTH, pipeline.config().maxBodyBytes());
        this.decoder = new WebhookDecoder(pipeline.config().maxNestingDepth(), (int) maxString);
        this.budget = new MemoryBudget(pipeline.config().maxBytesInFlight());
        this.inFlight = new Semaphore(pipeline.config().maxInFlight());
        this.filter = new TableFilter(pipeline.config().tables());
    }

    @Override
    public WebhookResponse handle(WebhookRequest request) {
        if (AdminService.isAdminPath(request.path())) {
            return admin.handle(request); // probes and scrapes: not counted, not authenticated
        }
        Counters counters = pipeline.counters();
        counters.requests.increment();
        active.incrementAndGet();
        WebhookResponse response;
        long startNanos = System.nanoTime();
        String previousName = MDC.get(MDC_NAME);
        String previousTable = MDC.get(MDC_TABLE);
        MDC.put(MDC_NAME, pipeline.name());
        RequestState state = new RequestState();
        try {
            response = stopping ? new WebhookResponse(503, pipeline.name() + " is stopping; the changefeed will retry")
                    : dispatch(request, state);
        } catch (WebhookException e) {
            response = new WebhookResponse(e.status(), e.getMessage());
        } catch (UnknownTargetException e) {
            response = new WebhookResponse(404, e.getMessage());
        } catch (StagingException e) {
            pipeline.metrics().error(PipelineMetrics.STAGING);
            response = new WebhookResponse(503, e.getMessage());
        } catch (ApplyException e) {
            pipeline.metrics().error(pipeline.errorKind(e, false));
            response = new WebhookResponse(e.isRetryable() ? 503 : 400, "cannot apply: " + e.getMessage()
                    + (e.isRetryable() ? "; the changefeed will retry" : ""));
        } catch (SQLException e) {
            pipeline.metrics().error(pipeline.errorKind(e, false));
            response = new WebhookResponse(503, "database unavailable: " + e.getMessage() + " (SQLState "
                    + e.getSQLState() + "); the changefeed will retry");
        } catch (RuntimeException e) {
            pipeline.metrics().error(PipelineMetrics.OTHER);
            LOG.error("{} - unexpected failure handling {} {}", pipeline.name(), request.method(), request.path(), e);
            response = new WebhookResponse(500, "internal error: " + e);
        } finally {
            if (state.memory != null) {
                state.memory.close();
            }
            drain(request.body(), state.bodyStarted, request.header("Expect") != null);
            if (active.decrementAndGet() == 0) {
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
        }
        try {
            pipeline.metrics().http(response.status());
            if (response.status() == 503) {
                counters.unavailable.increment();
            } else if (response.status() >= 400) {
                counters.rejected.increment();
            }
            if (LOG.isDebugEnabled()) {
                // MOLT logs each request at debug ("httpRequest=…"); operators check for it after -v.
                LOG.debug("{} - httpRequest {} {} -> {} {} in {} ms", pipeline.name(), request.method(), request.path(),
                        response.status(), response.message(), (System.nanoTime() - startNanos) / 1_000_000);
            }
            return response;
        } finally {
            restore(MDC_NAME, previousName);
            restore(MDC_TABLE, previousTable);
        }
    }

    static final String MDC_NAME = "failback.name";
    static final String MDC_TABLE = "failback.table";

    private static void restore(String key, String value) {
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    /** From now on, answers every request 503 without reading it (the pipeline is stopping). */
    void stopAccepting() {
        stopping = true;
    }

    /**
     * Waits until no request is being handled.
     *
     * @param deadlineNanos a {@link System#nanoTime()} deadline
     * @return true when idle, false at the deadline
     */
    boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        synchronized (idle) {
            while (active.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
            return true;
        }
    }

    /** Requests being handled now. */
    int active() {
        return active.get();
    }

    private WebhookResponse dispatch(WebhookRequest request, RequestState state) throws SQLException {
        List<String> segments = segments(request.path());
        if (!request.method().equals("POST")) {
            return new WebhookResponse(405, "method " + abbreviate(request.method()) + " not allowed; the changefeed POSTs");
        }
        if (!pipeline.ready()) {
            authenticate(request, segments);
            return new WebhookResponse(503, pipeline.name() + " is waiting for its databases ("
                    + pipeline.notReady() + "); the changefeed will retry");
        }
        int expected = pipeline.dialect().schemaPathSegments();
        if (segments.size() != expected) {
            throw WebhookException.notFound("unknown path " + abbreviate(request.path()) + ": a " + pipeline.dialect().name()
                    + " target expects " + (expected == 2 ? "/database/schema" : "/SCHEMA")
                    + " (the target schema), as in webhook-https://host:port" + (expected == 2 ? "/database/schema" : "/SCHEMA"));
        }
        // Refused before anything else: Failback's own and the system's schemas, and what the allow-list leaves out.
        String refused = pipeline.gate().refuseAsSent(segments);
        if (refused != null) {
            throw WebhookException.notFound(refused + "; nothing was read or written");
        }
        Group known = pipeline.known(segments);
        if (known == null) {
            authenticate(request, segments); // before the target is asked anything about the path
        }
        List<String> canonical = known != null ? known.segments : pipeline.resolve(segments);
        refused = pipeline.gate().refuseResolved(canonical);
        if (refused != null) {
            throw WebhookException.notFound(refused + "; nothing was read or written");
        }
        authenticateResolved(request, canonical);
        state.bodyStarted = true;
        DecodedBody decoded;
        state.memory = budget.open(); // held until answered: the rows live until staged or applied
        try {
            byte[] body = BodyReader.read(request.body(), request.contentLength(),
                    request.header("Content-Encoding"), pipeline.config().maxBodyBytes(), state.memory);
            decoded = decoder.decode(body, state.memory);
        } catch (MemoryBudget.ExhaustedException e) {
            return new WebhookResponse(503, e.getMessage(), MemoryBudget.RETRY_AFTER);
        } catch (IOException e) {
            throw WebhookException.badRequest("could not read the request body: " + e.getMessage());
        }
        Group group = known != null ? known : pipeline.group(canonical, segments);
        MDC.put(MDC_TABLE, group.name);
        try {
            if (decoded instanceof DecodedBody.ResolvedBody r) {
                return resolved(group, r.resolved());
            }
            return rows(group, ((DecodedBody.Rows) decoded).messages());
        } catch (StagingException | ApplyException e) {
            pipeline.fireFailure(group.name, e);
            throw e;
        }
    }

    /** What {@link #handle} learns of a request while {@link #dispatch} works on it. */
    private static final class RequestState {
        /** Whether the request was allowed to have its body read; one refused before is never drained. */
        boolean bodyStarted;
        /** The memory its body and rows hold, given back once it is answered; null before its body is read. */
        MemoryBudget.Reservation memory;
    }

    private void authenticate(WebhookRequest request, List<String> segments) {
        Authenticator authenticator = pipeline.config().authenticator().orElse(null);
        if (authenticator != null) {
            Authenticator.Decision decision = authenticator.authenticate(request, segments);
            if (!decision.allowed()) {
                pipeline.counters().unauthorized.increment();
                throw WebhookException.unauthorized(decision.reason() == null ? "missing or invalid access token" : decision.reason());
            }
        }
    }

    /**
     * Whether a timestamp lies further in the future of this machine's clock than {@code maxClockSkew}:
     * accepted, a far-future resolved timestamp would make every later change of its schema look
     * "already applied".
     *
     * @return the problem, naming the value and the bound, or null
     */
    private String ahead(Hlc hlc) {
        java.time.Duration skew = pipeline.config().maxClockSkew();
        long now = System.currentTimeMillis();
        long skewNanos;
        try {
            skewNanos = skew.toNanos();
        } catch (ArithmeticException e) {
            skewNanos = Long.MAX_VALUE;
        }
        long nowNanos = now * 1_000_000L;
        long bound = nowNanos > Long.MAX_VALUE - skewNanos ? Long.MAX_VALUE : nowNanos + skewNanos;
        if (hlc.wall() <= bound) {
            return null;
        }
        return hlc + " lies " + describe(hlc.wall() - nowNanos) + " ahead of this machine's clock ("
                + java.time.Instant.ofEpochMilli(now) + "), more than maxClockSkew " + skew.toString().substring(2)
                .toLowerCase(Locale.ROOT) + " (--maxClockSkew) allows; check the clocks of CockroachDB's nodes and of this machine";
    }

    private static String describe(long nanos) {
        long seconds = nanos / 1_000_000_000L;
        if (seconds >= 86_400L * 365) {
            return (seconds / (86_400L * 365)) + " years";
        }
        if (seconds >= 86_400L) {
            return (seconds / 86_400L) + " days";
        }
        return seconds + " s";
    }

    /** Authenticates on the path as the target resolved it, comparing names by the target's rules. */
    private void authenticateResolved(WebhookRequest request, List<String> canonical) {
        Authenticator authenticator = pipeline.config().authenticator().orElse(null);
        if (authenticator != null) {
            Authenticator.Decision decision = authenticator.authenticate(request, canonical,
                    pipeline.dialect()::foldIdentifier);
            if (!decision.allowed()) {
                pipeline.counters().unauthorized.increment();
                throw WebhookException.unauthorized(decision.reason() == null ? "missing or invalid access token" : decision.reason());
            }
        }
    }

    private WebhookResponse resolved(Group group, Hlc resolved) throws SQLException {
        Counters counters = pipeline.counters();
        counters.resolvedReceived.increment();
        String ahead = ahead(resolved);
        if (ahead != null) {
            throw WebhookException.badRequest("\"resolved\" " + ahead + "; nothing was recorded for " + group.name);
        }
        boolean advanced;
        try {
            advanced = pipeline.checkpoints().advanceResolved(group.name, resolved);
        } catch (SQLException e) {
            throw new StagingException("staging unavailable while recording resolved " + resolved + ": "
                    + e.getMessage() + "; the changefeed will retry", e);
        }
        PipelineMetrics.GroupMeters m = group.meters;
        if (m != null) {
            (advanced ? m.resolvedAdvanced : m.resolvedIgnored).increment();
        }
        if (!advanced) {
            counters.resolvedIgnored.increment();
            LOG.info("{} - resolved {} for {} repeats or precedes the recorded {}; ignored", pipeline.name(),
                    resolved, group.name, group.checkpoint().resolved());
            return new WebhookResponse(200, "OK (resolved " + resolved + " already recorded)");
        }
        group.resolved(resolved);
        pipeline.fireResolved(group.name, resolved);
        if (pipeline.config().mode() == Mode.IMMEDIATE) {
            // Every batch up to here was applied before it was acknowledged.
            pipeline.checkpoints().markApplied(group.name, resolved);
            group.applied(resolved);
            // under the lock that records versions: retiring them concurrently can deadlock the two
            group.immediateLock.lock();
            try {
                group.versions.retire(resolved);
                TargetFence fence = pipeline.fence();
                if (fence != null) {
                    fence.retire(group.name, resolved, group.incarnation);
                }
            } finally {
                group.immediateLock.unlock();
            }
            pipeline.windowApplied(group.name, resolved, 0, 0, 0, 0);
            if (m != null) {
                m.resolvedApplied.increment();
            }
        } else {
            Sequencer s = group.sequencer;
            if (s != null) {
                s.wake();
            }
        }
        return new WebhookResponse(200, "OK");
    }

    private WebhookResponse rows(Group group, List<RowMessage> messages) throws SQLException {
        group.schema.get(); // re-read when older than schemaRefresh
        List<Mutation> mutations = new ArrayList<>(messages.size());
        Hlc applied = group.checkpoint().applied();
        int stale = 0;
        for (RowMessage m : messages) {
            TableInfo table = table(group, m);
            String ahead = ahead(m.updated());
            if (ahead != null) {
                throw WebhookException.badRequest("payload[" + m.index() + "]: table " + table.name() + ": \"updated\" "
                        + ahead + "; nothing was staged");
            }
            String after = m.after();
            List<String> unknown = SchemaDrift.unknownColumns(table, m.afterColumns());
            if (!unknown.isEmpty()) {
                // a column added to the target (and the source) while running: re-read the schema, then decide
                // (without waiting when unknown columns are ignored: then they may come in every request)
                table = table(group, m, pipeline.config().ignoreUnknownColumns() ? group.schema.refreshIfDue()
                        : group.schema.refreshOnMiss());
                unknown = SchemaDrift.unknownColumns(table, m.afterColumns());
                if (!unknown.isEmpty()) {
                    after = unknownColumns(group, table, m, unknown);
                }
            }
            if (after != null) {
                String problem;
                try {
                    problem = pipeline.dialect().checkRow(table, after);
                } catch (RuntimeException e) {
                    // a value the checker cannot even read (e.g. a number beyond any exponent range) is bad input
                    problem = "a value cannot be read: " + e.getMessage();
                }
                if (problem != null) {
                    throw WebhookException.badRequest("payload[" + m.index() + "]: table " + table.name() + ": " + problem);
                }
            }
            // after the type checks, whose messages say more about a value that is wrong in itself
            String invalid = RowChecks.check(table, m);
            if (invalid != null) {
                throw WebhookException.badRequest("payload[" + m.index() + "]: table " + table.name() + ": " + invalid
                        + "; nothing was staged");
            }
            if (!m.updated().isAfter(applied)) {
                stale++;
                continue;
            }
            mutations.add(new Mutation(table.name(), m.key(), m.updated(), after, m.before()));
        }
        Counters counters = pipeline.counters();
        counters.received.add(messages.size());
        counters.stale.add(stale);
        PipelineMetrics.GroupMeters m = group.meters;
        if (m != null && stale > 0) {
            m.stale.increment(stale);
        }
        if (mutations.isEmpty()) {
            return new WebhookResponse(200, "OK (" + stale + " already applied)");
        }
        if (!inFlight.tryAcquire()) {
            throw new StagingException("staging is saturated (" + pipeline.config().maxInFlight()
                    + " requests in flight); the changefeed will retry", null);
        }
        try {
            if (pipeline.config().mode() == Mode.IMMEDIATE) {
                return group.immediateCommits.submit(mutations, mutations.size(), batch -> immediateBatch(group, batch));
            }
            long start = System.nanoTime();
            try {
                WebhookResponse r = group.stagingCommits.submit(mutations, mutations.size(),
                        batch -> stageBatch(group, batch));
                if (m != null) {
                    m.stageSuccess.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                }
                return r;
            } catch (SQLException | RuntimeException e) {
                if (m != null) {
                    m.stageFailure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                }
                throw e;
            }
        } finally {
            inFlight.release();
        }
    }

    private static final WebhookResponse OK = new WebhookResponse(200, "OK");

    /** All the mutations of a batch of requests, in arrival order. */
    private static List<Mutation> combined(List<GroupCommit.Ticket<List<Mutation>, WebhookResponse>> batch) {
        if (batch.size() == 1) {
            return batch.get(0).work;
        }
        int n = 0;
        for (GroupCommit.Ticket<List<Mutation>, WebhookResponse> t : batch) {
            n += t.work.size();
        }
        List<Mutation> all = new ArrayList<>(n);
        for (GroupCommit.Ticket<List<Mutation>, WebhookResponse> t : batch) {
            all.addAll(t.work);
        }
        return all;
    }

    /**
     * Consistent mode, as the leader of a group commit: stages the mutations of concurrent requests in
     * one staging transaction, so each is answered after the commit that holds its rows. When the
     * combined batch is refused for anything but an unavailable staging database, the requests are
     * staged one by one, so only a bad one is refused.
     */
    private void stageBatch(Group group, List<GroupCommit.Ticket<List<Mutation>, WebhookResponse>> batch) {
        List<Mutation> all = combined(batch);
        long start = System.nanoTime();
        int added;
        try {
            added = stage(group, all);
        } catch (RuntimeException e) {
            if (batch.size() == 1 || e instanceof StagingException) {
                batch.forEach(t -> t.fail(e));
                return;
            }
            LOG.debug("{} - {} requests staged together failed ({}); staging them one by one", pipeline.name(),
                    batch.size(), e.getMessage());
            for (GroupCommit.Ticket<List<Mutation>, WebhookResponse> t : batch) {
                try {
                    staged(group, t.work.size(), stage(group, t.work), System.nanoTime(), 1);
                    t.complete(OK);
                } catch (RuntimeException e2) {
                    t.fail(e2);
                }
            }
            return;
        }
        staged(group, all.size(), added, start, batch.size());
        batch.forEach(t -> t.complete(OK));
    }

    /** Attempts of one staging transaction that a deadlock or serialization failure rolled back. */
    static final int STAGE_ATTEMPTS = 4;

    /**
     * Stages mutations in one staging transaction. A deadlock or serialization failure (SQLState class
     * 40, for example against the retiring of applied rows) is retried at once: staging is idempotent.
     */
    private int stage(Group group, List<Mutation> mutations) {
        for (int attempt = 1;; attempt++) {
            try {
                return pipeline.staging().stage(group.name, mutations);
            } catch (SQLException e) {
                if (attempt < STAGE_ATTEMPTS && e.getSQLState() != null && e.getSQLState().startsWith("40")) {
                    LOG.debug("{} - staging {} mutations for {} rolled back (attempt {} of {}), retrying: {}",
                            pipeline.name(), mutations.size(), group.name, attempt, STAGE_ATTEMPTS, e.getMessage());
                    try {
                        Thread.sleep(ThreadLocalRandom.current().nextLong(1, 10L * attempt));
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw unstaged(e);
                    }
                    continue;
                }
                throw unstaged(e);
            }
        }
    }

    /** The answer to a staging failure: 400 when retrying cannot succeed, else 503. */
    private static RuntimeException unstaged(SQLException e) {
        if (e.getSQLState() != null && e.getSQLState().startsWith("54")) {
            // program_limit_exceeded (a key too large for the staging index, ...): the same
            // request fails the same way every time, so a retry (503) would never end
            return WebhookException.badRequest("cannot stage: " + firstLine(e.getMessage()) + " (SQLState "
                    + e.getSQLState() + "); nothing was staged, retrying cannot succeed");
        }
        return new StagingException("staging unavailable: " + e.getMessage() + " (SQLState "
                + e.getSQLState() + "); nothing was staged, the changefeed will retry", e);
    }

    /** Counts staged mutations, after their commit. */
    private void staged(Group group, int size, int added, long start, int requests) {
        Counters counters = pipeline.counters();
        counters.staged.add(added);
        counters.duplicates.add(size - added);
        group.backlog.addAndGet(added);
        PipelineMetrics.GroupMeters m = group.meters;
        if (m != null) {
            m.staged.increment(added);
            if (size > added) {
                m.duplicate.increment(size - added);
            }
        }
        LOG.debug("{} - staged {} for {} from {} requests in {} ms ({} duplicates)", pipeline.name(), added,
                group.name, requests, (System.nanoTime() - start) / 1_000_000, size - added);
    }

    /**
     * Immediate mode, as the leader of a group commit (holding {@link Group#immediateLock}): applies the
     * mutations of concurrent requests in one target transaction. When that fails for anything but a
     * transient error (a value the target refuses, a constraint, schema drift), the requests are
     * applied one by one, so that each gets its own answer and only a bad one is refused.
     */
    private void immediateBatch(Group group, List<GroupCommit.Ticket<List<Mutation>, WebhookResponse>> batch) {
        if (batch.size() > 1) {
            WebhookResponse r;
            try {
                r = immediate(group, combined(batch));
            } catch (SQLException | RuntimeException e) {
                if (transientFailure(e)) {
                    batch.forEach(t -> t.fail(e));
                    return;
                }
                LOG.debug("{} - {} requests applied together failed ({}); applying them one by one", pipeline.name(),
                        batch.size(), e.getMessage());
                r = null;
            }
            if (r != null) {
                WebhookResponse answer = r;
                batch.forEach(t -> t.complete(answer));
                return;
            }
        }
        for (GroupCommit.Ticket<List<Mutation>, WebhookResponse> t : batch) {
            try {
                t.complete(immediate(group, t.work));
            } catch (SQLException | RuntimeException e) {
                t.fail(e);
            }
        }
    }

    /** Whether a failure would fail each request of a combined batch alike (the database is unavailable). */
    private boolean transientFailure(Exception e) {
        if (e instanceof StagingException || e instanceof SQLException) {
            return true;
        }
        return e instanceof ApplyException && e.getCause() instanceof SQLException sql
                && pipeline.applier().dialect().classify(sql) == dev.failback.spi.ErrorKind.TRANSIENT;
    }

    /** Applies mutations in one target transaction; the caller holds {@link Group#immediateLock}. */
    private WebhookResponse immediate(Group group, List<Mutation> mutations) throws SQLException {
        Counters counters = pipeline.counters();
        PipelineMetrics.GroupMeters gm = group.meters;
        // A resolved timestamp may have arrived (and its versions been retired) while this waited:
        // what it covers was applied before, so an older redelivery must not get past the guard.
        Hlc appliedUpTo = group.checkpoint().applied();
        List<Mutation> fresh = new ArrayList<>(mutations.size());
        for (Mutation mu : mutations) {
            if (mu.updated().isAfter(appliedUpTo)) {
                fresh.add(mu);
            }
        }
        int stale = mutations.size() - fresh.size();
        if (stale > 0) {
            counters.stale.add(stale);
            if (gm != null) {
                gm.stale.increment(stale);
            }
        }
        Map<RowKey, Mutation> latest = WindowApplier.fold(sorted(fresh));
        Map<RowKey, Hlc> known;
        try {
            known = group.versions.known(latest.keySet());
        } catch (SQLException e) {
            throw new StagingException("staging unavailable: " + e.getMessage() + "; the changefeed will retry", e);
        }
        List<Mutation> apply = new ArrayList<>(latest.size());
        Map<RowKey, Hlc> versions = new HashMap<>();
        for (Map.Entry<RowKey, Mutation> e : latest.entrySet()) {
            Hlc have = known.get(e.getKey());
            if (have != null && !e.getValue().updated().isAfter(have)) {
                counters.duplicates.increment();
                if (gm != null) {
                    gm.duplicate.increment();
                }
                continue;
            }
            apply.add(e.getValue());
            versions.put(e.getKey(), e.getValue().updated());
        }
        if (apply.isEmpty()) {
            return new WebhookResponse(200, "OK (nothing newer than what is applied)");
        }
        long start = System.nanoTime();
        List<Mutation> ordered = sorted(apply);
        WindowApplier.Result r;
        KeyVersions guard = pipeline.fence() == null ? null : new KeyVersions(pipeline.fence(), group.name, group.incarnation);
        try {
            r = applyImmediately(group, ordered, guard);
        } catch (RuntimeException e) {
            if (gm != null) {
                gm.applyFailure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
            throw e;
        }
        int skipped = 0;
        if (guard != null && guard.applied != null && guard.applied.size() < apply.size()) {
            // another instance applied newer versions of some keys: only what this one applied is recorded
            skipped = apply.size() - guard.applied.size();
            counters.duplicates.add(skipped);
            if (gm != null) {
                gm.duplicate.increment(skipped);
            }
            versions.keySet().retainAll(WindowApplier.fold(guard.applied).keySet());
            apply = guard.applied;
            ordered = apply;
        }
        if (gm != null) {
            gm.applySuccess.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            gm.appliedDirectly.increment(fresh.size() - (latest.size() - apply.size() - skipped) - skipped);
            if (!ordered.isEmpty()) {
                gm.batch.record(ordered.size());
                gm.applied(r.tables());
                gm.ages(ordered);
            }
        }
        if (apply.isEmpty()) {
            return new WebhookResponse(200, "OK (nothing newer than what is applied)");
        }
        try {
            group.versions.record(versions);
        } catch (SQLException e) {
            LOG.warn("{} - applied a batch to {} but could not record its versions: {}", pipeline.name(),
                    group.name, e.getMessage());
        }
        Hlc max = apply.get(0).updated();
        for (Mutation mu : apply) {
            max = Hlc.max(max, mu.updated());
        }
        pipeline.immediateApplied(group.name, max, r.upserts(), r.deletes(), apply.size(), System.nanoTime() - start);
        return OK;
    }

    /** Applies a batch; after a failure that is not transient, checks it against the schema read again. */
    private WindowApplier.Result applyImmediately(Group group, List<Mutation> ordered, KeyVersions guard)
            throws SQLException {
        WindowApplier applier = pipeline.applier();
        TargetSchema schema = group.schema.get();
        try {
            return applier.apply(schema, ordered, null, guard);
        } catch (RuntimeException e) {
            if (e instanceof ApplyException && e.getCause() instanceof SQLException sql
                    && applier.dialect().classify(sql) == dev.failback.spi.ErrorKind.TRANSIENT) {
                throw e;
            }
            List<Mutation> fitted = pipeline.schemaDrift(group, ordered, e); // throws when not ignored
            TargetSchema fresh = group.schema.get();
            if (fitted == null && fresh.equals(schema)) {
                throw e;
            }
            return applier.apply(fresh, fitted != null ? fitted : ordered, null, guard);
        }
    }

    private static List<Mutation> sorted(List<Mutation> mutations) {
        List<Mutation> copy = new ArrayList<>(mutations);
        copy.sort((a, b) -> a.updated().compareTo(b.updated()));
        return copy;
    }

    /** Resolves a message's table in the current schema, re-reading it once when the table is not there. */
    private TableInfo table(Group group, RowMessage m) throws SQLException {
        TableInfo t = lookup(group.schema.get(), m.topic());
        return t != null ? check(group, t, m) : table(group, m, group.schema.refreshOnMiss());
    }

    /** Resolves a message's table in a schema just read. */
    private TableInfo table(Group group, RowMessage m, TargetSchema fresh) {
        String topic = m.topic();
        TableInfo t = lookup(fresh, topic);
        if (t == null) {
            throw WebhookException.notFound("payload[" + m.index() + "]: unknown table \"" + topic + "\": target schema "
                    + group.name + " has no such table (create it in the target; the changefeed's retry is then"
                    + " accepted); nothing was staged");
        }
        return check(group, t, m);
    }

    private TableInfo check(Group group, TableInfo t, RowMessage m) {
        String where = "payload[" + m.index() + "]";
        if (!filter.allows(t.name())) {
            throw WebhookException.notFound(where + ": table " + t.name() + " is not served by this pipeline"
                    + " (tables: " + filter + ")");
        }
        if (t.primaryKey().isEmpty()) {
            throw WebhookException.badRequest(where + ": table " + t.name() + " has no primary key in the target;"
                    + " Failback needs one to apply changes");
        }
        if (m.keyArity() != t.primaryKey().size()) {
            throw WebhookException.badRequest(where + ": \"key\" has " + m.keyArity() + " values but the primary key of "
                    + t.name() + " has " + t.primaryKey().size() + " columns " + t.primaryKey());
        }
        return t;
    }

    /** Resolves a topic: the table name, or a qualified name ({@code full_table_name}) whose last part is the table. */
    private static TableInfo lookup(TargetSchema schema, String topic) {
        TableInfo t = schema.table(topic);
        int dot = topic.indexOf('.');
        while (t == null && dot >= 0) {
            t = schema.table(topic.substring(dot + 1));
            dot = topic.indexOf('.', dot + 1);
        }
        return t;
    }

    /**
     * A row carries columns the table lacks even after re-reading the schema: refused (400, the
     * default) or, with {@code ignoreUnknownColumns}, dropped from the row image.
     *
     * @return the row image to stage
     */
    private String unknownColumns(Group group, TableInfo table, RowMessage m, List<String> unknown) {
        if (!pipeline.config().ignoreUnknownColumns()) {
            throw WebhookException.badRequest("payload[" + m.index() + "]: table " + table.name() + " has no column"
                    + (unknown.size() > 1 ? "s " : " ") + SchemaDrift.quoted(unknown) + " (the changefeed sends a column"
                    + " the target lacks: add it to the target, or start Failback with ignoreUnknownColumns to drop"
                    + " such values); nothing was staged");
        }
        pipeline.ignoredColumns(group.name, table.name(), unknown);
        return SchemaDrift.without(m.after(), new java.util.HashSet<>(unknown));
    }

    static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    /** The most bytes, already received, dropped from a request refused before its body was read. */
    static final int REFUSED_DRAIN_BYTES = 64 << 10;

    /** The most unread request bytes {@link #drain} reads and drops before the answer goes out. */
    static final int MAX_DRAIN_BYTES = 4 << 20;

    /**
     * Reads and drops what an authenticated client is still sending (a body refused before its end:
     * over the limit, a compressed bomb stopped early), up to {@link #MAX_DRAIN_BYTES}, then closes
     * it: a connection closed with unread bytes is reset, and the client may see the reset instead of
     * the answer. Past the bound the connection closes anyway. A request refused before its body was
     * read (not authenticated) gets no such courtesy: see the first branch.
     */
    private static void drain(InputStream body, boolean started, boolean expectsContinue) {
        if (!started) {
            // Refused before its body was read (unauthenticated, unknown or refused path, wrong method):
            // only what already arrived is dropped, without waiting for more (nor, when the client
            // waits for "100 Continue", reading at all, which would send it), so a slow sender holds
            // no thread; the server closes the connection instead of reading what is left.
            try (body) {
                byte[] buffer = new byte[8192];
                int dropped = 0;
                int n;
                while (!expectsContinue && dropped < REFUSED_DRAIN_BYTES && body.available() > 0
                        && (n = body.read(buffer, 0, Math.min(buffer.length, body.available()))) > 0) {
                    dropped += n;
                }
            } catch (IOException e) {
                LOG.trace("closing an unread request body", e);
            }
            return;
        }
        try (body) {
            if (body.read() < 0) {
                return; // the usual case: the body was read to its end
            }
            byte[] buffer = new byte[64 * 1024];
            long dropped = 1;
            int n;
            while (dropped < MAX_DRAIN_BYTES && (n = body.read(buffer)) >= 0) {
                dropped += n;
            }
        } catch (IOException e) {
            LOG.trace("draining request body", e);
        }
    }

    /** Which tables a pipeline serves. */
    static final class TableFilter {
        private final List<String> names;

        TableFilter(List<String> names) {
            this.names = names;
        }

        boolean allows(TableName table) {
            if (names.isEmpty()) {
                return true;
            }
            for (String n : names) {
                int dot = n.lastIndexOf('.');
                if (dot < 0 ? n.equalsIgnoreCase(table.name())
                        : n.substring(dot + 1).equalsIgnoreCase(table.name())
                                && n.substring(0, dot).toLowerCase(Locale.ROOT).endsWith(table.schema().toLowerCase(Locale.ROOT))) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return String.join(", ", names);
        }
    }

    private static String abbreviate(String s) {
        String one = s.replace('\r', ' ').replace('\n', ' ');
        return one.length() <= 100 ? one : one.substring(0, 97) + "...";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
