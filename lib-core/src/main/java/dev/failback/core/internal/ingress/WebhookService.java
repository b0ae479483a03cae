package dev.failback.core.internal.ingress;

import dev.failback.ApplyException;
import dev.failback.FailbackConfig;
import dev.failback.Hlc;
import dev.failback.Mode;
import dev.failback.Mutation;
import dev.failback.StagingException;
import dev.failback.WebhookHandler;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import dev.failback.core.internal.Backends;
import dev.failback.core.internal.Group;
import dev.failback.core.internal.Groups;
import dev.failback.core.internal.apply.ImmediateApplier;
import dev.failback.core.internal.apply.TargetFence;
import dev.failback.core.internal.sequence.Sequencer;
import dev.failback.core.internal.stage.Stager;
import dev.failback.core.internal.telemetry.AdminService;
import dev.failback.core.internal.telemetry.PipelineMetrics;
import dev.failback.core.internal.telemetry.Refusals;
import dev.failback.core.internal.telemetry.Telemetry;
import dev.failback.spi.Authenticator;
import dev.failback.spi.UnknownTargetException;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The server-independent webhook handler: path → target schema, body → mutations or a resolved
 * timestamp, checked against the target schema, then staged (consistent mode) or applied (immediate
 * mode). See {@link WebhookHandler} for the status semantics. Thread-safe.
 */
public final class WebhookService implements WebhookHandler {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookService.class);

    private final FailbackConfig config;
    private final Backends backends;
    private final Groups groups;
    private final Telemetry telemetry;
    private final WebhookDecoder decoder;
    private final MemoryBudget budget;
    private final Semaphore inFlight;
    private final RowIntake intake;
    private final Stager stager;
    private final ImmediateApplier immediate;
    private final AdminService admin;
    /** Requests inside {@link #handle}; {@link #awaitIdle} waits for them at shutdown. */
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
    private final Object idle = new Object();
    private volatile boolean stopping;

    /**
     * @param config   the configuration
     * @param backends the dialect and stores, once the databases answer
     * @param groups   the target schemas, which resolve paths
     * @param telemetry where the stages report (counters, metrics, events)
     * @param admin    answers the admin paths
     */
    public WebhookService(FailbackConfig config, Backends backends, Groups groups, Telemetry telemetry, AdminService admin) {
        this.config = config;
        this.backends = backends;
        this.groups = groups;
        this.telemetry = telemetry;
        this.admin = admin;
        long maxString = Math.min(WebhookDecoder.MAX_TEXT_LENGTH, config.maxBodyBytes());
        this.decoder = new WebhookDecoder(config.maxNestingDepth(), (int) maxString);
        this.budget = new MemoryBudget(config.maxBytesInFlight());
        this.inFlight = new Semaphore(config.maxInFlight());
        this.intake = new RowIntake(config, backends, telemetry.events());
        this.stager = new Stager(backends, telemetry);
        this.immediate = new ImmediateApplier(config, backends, telemetry);
    }

    @Override
    public WebhookResponse handle(WebhookRequest request) {
        if (AdminService.isAdminPath(request.path())) {
            return admin.handle(request); // probes and scrapes: not counted, not authenticated
        }
        telemetry.counters().requests.increment();
        active.incrementAndGet();
        WebhookResponse response;
        long startNanos = System.nanoTime();
        String previousName = MDC.get(MDC_NAME);
        String previousTable = MDC.get(MDC_TABLE);
        MDC.put(MDC_NAME, config.name());
        RequestState state = new RequestState();
        try {
            response = stopping ? new WebhookResponse(503, config.name() + " is stopping; the changefeed will retry")
                    : dispatch(request, state);
        } catch (WebhookException e) {
            response = new WebhookResponse(e.status(), e.getMessage());
        } catch (UnknownTargetException e) {
            response = new WebhookResponse(404, e.getMessage());
        } catch (StagingException e) {
            telemetry.error(null, "request", PipelineMetrics.STAGING, e);
            response = new WebhookResponse(e.kind().webhookStatus(), e.getMessage());
        } catch (ApplyException e) {
            telemetry.error(null, "request", PipelineMetrics.errorKind(e, false, backends.dialect()), e);
            response = new WebhookResponse(e.kind().webhookStatus(), "cannot apply: " + e.getMessage()
                    + (e.kind().retryable() ? "; the changefeed will retry" : ""));
        } catch (SQLException e) {
            telemetry.error(null, "request", PipelineMetrics.errorKind(e, false, backends.dialect()), e);
            response = new WebhookResponse(503, "database unavailable: " + e.getMessage() + " (SQLState "
                    + e.getSQLState() + "); the changefeed will retry");
        } catch (RuntimeException e) {
            telemetry.error(null, "request", PipelineMetrics.OTHER, e);
            LOG.error("{} - unexpected failure handling {} {}", config.name(), request.method(), request.path(), e);
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
            telemetry.metrics().http(response.status(), System.nanoTime() - startNanos, state.bodyBytes);
            if (response.status() == 503) {
                telemetry.counters().unavailable.increment();
            } else if (response.status() >= 400) {
                telemetry.counters().rejected.increment();
            }
            if (response.status() >= 400) {
                telemetry.counters().refusals.refused(config.name(), request.method(), request.path(), response.status(),
                        response.message());
            }
            if (LOG.isDebugEnabled()) {
                // MOLT logs each request at debug ("httpRequest=…"); operators check for it after -v.
                LOG.debug("{} - httpRequest {} {} -> {} {} in {} ms", config.name(), Refusals.printable(request.method(), 10),
                        Refusals.printable(request.path(), 200), response.status(), Refusals.printable(response.message(), 500),
                        (System.nanoTime() - startNanos) / 1_000_000);
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
    public void stopAccepting() {
        stopping = true;
    }

    /**
     * Waits until no request is being handled.
     *
     * @param deadlineNanos a {@link System#nanoTime()} deadline
     * @return true when idle, false at the deadline
     */
    public boolean awaitIdle(long deadlineNanos) throws InterruptedException {
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
    public int active() {
        return active.get();
    }

    private WebhookResponse dispatch(WebhookRequest request, RequestState state) throws SQLException {
        List<String> segments = segments(request.path());
        if (!request.method().equals("POST")) {
            return new WebhookResponse(405, "method " + AdminService.abbreviate(request.method()) + " not allowed; the changefeed POSTs");
        }
        if (!backends.ready()) {
            authenticate(request, segments);
            return new WebhookResponse(503, config.name() + " is waiting for its databases ("
                    + backends.notReady() + "); the changefeed will retry");
        }
        int expected = backends.dialect().schemaPathSegments();
        if (segments.size() != expected) {
            throw WebhookException.notFound("unknown path " + AdminService.abbreviate(request.path()) + ": a " + backends.dialect().name()
                    + " target expects " + (expected == 2 ? "/database/schema" : "/SCHEMA")
                    + " (the target schema), as in webhook-https://host:port" + (expected == 2 ? "/database/schema" : "/SCHEMA"));
        }
        // Refused before anything else: Failback's own and the system's schemas, and what the allow-list leaves out.
        String refused = backends.gate().refuseAsSent(segments);
        if (refused != null) {
            throw WebhookException.notFound(refused + "; nothing was read or written");
        }
        Group known = groups.known(segments);
        if (known == null) {
            authenticate(request, segments); // before the target is asked anything about the path
        }
        List<String> canonical = known != null ? known.segments : groups.resolve(segments);
        refused = backends.gate().refuseResolved(canonical);
        if (refused != null) {
            throw WebhookException.notFound(refused + "; nothing was read or written");
        }
        authenticateResolved(request, canonical);
        state.bodyStarted = true;
        DecodedBody decoded;
        state.memory = budget.open(); // held until answered: the rows live until staged or applied
        try {
            byte[] body = BodyReader.read(request.body(), request.contentLength(),
                    request.header("Content-Encoding"), config.maxBodyBytes(), state.memory);
            state.bodyBytes = body.length;
            decoded = decoder.decode(body, state.memory);
        } catch (MemoryBudget.ExhaustedException e) {
            return new WebhookResponse(503, e.getMessage(), MemoryBudget.RETRY_AFTER);
        } catch (IOException e) {
            throw WebhookException.badRequest("could not read the request body: " + e.getMessage());
        }
        Group group = known != null ? known : groups.group(canonical, segments);
        MDC.put(MDC_TABLE, group.name);
        try {
            if (decoded instanceof DecodedBody.ResolvedBody r) {
                return resolved(group, r.resolved());
            }
            return rows(group, ((DecodedBody.Rows) decoded).messages());
        } catch (StagingException | ApplyException e) {
            telemetry.events().fireFailure(group.name, e);
            throw e;
        }
    }

    /** What {@link #handle} learns of a request while {@link #dispatch} works on it. */
    private static final class RequestState {
        /** Whether the request was allowed to have its body read; one refused before is never drained. */
        boolean bodyStarted;
        /** The memory its body and rows hold, given back once it is answered; null before its body is read. */
        MemoryBudget.Reservation memory;
        /** The body's size as read (decompressed); -1 until it is read. */
        long bodyBytes = -1;
    }

    private void authenticate(WebhookRequest request, List<String> segments) {
        Authenticator authenticator = config.authenticator().orElse(null);
        if (authenticator != null) {
            Authenticator.Decision decision = authenticator.authenticate(request, segments);
            if (!decision.allowed()) {
                telemetry.counters().unauthorized.increment();
                throw WebhookException.unauthorized(decision.reason() == null ? "missing or invalid access token" : decision.reason());
            }
        }
    }

    /** Authenticates on the path as the target resolved it, comparing names by the target's rules. */
    private void authenticateResolved(WebhookRequest request, List<String> canonical) {
        Authenticator authenticator = config.authenticator().orElse(null);
        if (authenticator != null) {
            Authenticator.Decision decision = authenticator.authenticate(request, canonical,
                    backends.dialect()::foldIdentifier);
            if (!decision.allowed()) {
                telemetry.counters().unauthorized.increment();
                throw WebhookException.unauthorized(decision.reason() == null ? "missing or invalid access token" : decision.reason());
            }
        }
    }

    private WebhookResponse resolved(Group group, Hlc resolved) throws SQLException {
        telemetry.counters().resolvedReceived.increment();
        String ahead = RowIntake.ahead(resolved, config.maxClockSkew());
        if (ahead != null) {
            throw WebhookException.badRequest("\"resolved\" " + ahead + "; nothing was recorded for " + group.name);
        }
        boolean advanced;
        try {
            advanced = backends.checkpoints().advanceResolved(group.name, resolved);
        } catch (SQLException e) {
            throw new StagingException("staging unavailable while recording resolved " + resolved + ": "
                    + e.getMessage() + "; the changefeed will retry", e);
        }
        PipelineMetrics.GroupMeters m = group.meters;
        if (m != null) {
            (advanced ? m.resolvedAdvanced : m.resolvedIgnored).increment();
        }
        if (!advanced) {
            telemetry.counters().resolvedIgnored.increment();
            LOG.info("{} - resolved {} for {} repeats or precedes the recorded {}; ignored", config.name(),
                    resolved, group.name, group.checkpoint().resolved());
            return new WebhookResponse(200, "OK (resolved " + resolved + " already recorded)");
        }
        group.resolved(resolved);
        telemetry.events().fireResolved(group.name, resolved);
        if (config.mode() == Mode.IMMEDIATE) {
            // Every batch up to here was applied before it was acknowledged.
            backends.checkpoints().markApplied(group.name, resolved);
            group.applied(resolved);
            // under the lock that records versions: retiring them concurrently can deadlock the two
            group.immediateLock.lock();
            try {
                group.versions.retire(resolved);
                TargetFence fence = backends.fence();
                if (fence != null) {
                    fence.retire(group.name, resolved, group.incarnation);
                }
            } finally {
                group.immediateLock.unlock();
            }
            telemetry.events().windowApplied(group.name, resolved, 0, 0, 0, 0);
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
        RowIntake.Accepted accepted = intake.accept(group, messages);
        List<Mutation> mutations = accepted.mutations();
        int stale = accepted.stale();
        telemetry.counters().received.add(messages.size());
        telemetry.counters().stale.add(stale);
        telemetry.counters().filtered.add(accepted.filtered());
        telemetry.metrics().filtered(accepted.filtered());
        PipelineMetrics.GroupMeters m = group.meters;
        if (m != null && stale > 0) {
            m.stale.increment(stale);
        }
        if (mutations.isEmpty()) {
            return new WebhookResponse(200, accepted.filtered() > 0 && stale == 0
                    ? "OK (" + accepted.filtered() + " skipped by the transform)" : "OK (" + stale + " already applied)");
        }
        if (!inFlight.tryAcquire()) {
            throw new StagingException("staging is saturated (" + config.maxInFlight()
                    + " requests in flight); the changefeed will retry", null);
        }
        try {
            if (config.mode() == Mode.IMMEDIATE) {
                return immediate.apply(group, mutations);
            }
            long start = System.nanoTime();
            try {
                WebhookResponse r = stager.stage(group, mutations);
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

    /** The answer to a batch staged, or applied, in full. */
    public static final WebhookResponse OK = new WebhookResponse(200, "OK");

    public static List<String> segments(String path) {
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


}
