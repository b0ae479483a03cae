package dev.failback.core.internal.stage;

import dev.failback.Mutation;
import dev.failback.StagingException;
import dev.failback.WebhookResponse;
import dev.failback.core.internal.Backends;
import dev.failback.core.internal.Backoff;
import dev.failback.core.internal.Group;
import dev.failback.core.internal.apply.GroupCommit;
import dev.failback.core.internal.ingress.WebhookException;
import dev.failback.core.internal.ingress.WebhookService;
import dev.failback.core.internal.telemetry.Telemetry;
import dev.failback.core.internal.telemetry.PipelineMetrics;
import dev.failback.spi.ErrorKind;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consistent mode's stage step: the mutations of concurrent requests for one group go to staging in
 * one transaction (group commit), and each request is answered after the commit that holds its rows.
 * Thread-safe.
 */
public final class Stager {
    private static final Logger LOG = LoggerFactory.getLogger(Stager.class);
    private static final WebhookResponse OK = WebhookService.OK;

    private final Backends backends;
    private final Telemetry telemetry;

    /**
     * @param backends  the staging store, once the databases answer
     * @param telemetry where the stages report
     */
    public Stager(Backends backends, Telemetry telemetry) {
        this.backends = backends;
        this.telemetry = telemetry;
    }

    /**
     * Stages a request's mutations, together with those of requests arriving meanwhile.
     *
     * @return the answer once they are committed
     */
    public WebhookResponse stage(Group group, List<Mutation> mutations) throws SQLException {
        return group.stagingCommits.submit(mutations, mutations.size(), batch -> stageBatch(group, batch));
    }

    /** All the mutations of a batch of requests, in arrival order. */
    public static List<Mutation> combined(List<GroupCommit.Ticket<List<Mutation>, WebhookResponse>> batch) {
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
        group.stagingSeq.incrementAndGet();
        try {
            stageBatchInFlight(group, batch);
        } finally {
            group.stagingSeq.incrementAndGet();
        }
    }

    private void stageBatchInFlight(Group group, List<GroupCommit.Ticket<List<Mutation>, WebhookResponse>> batch) {
        List<Mutation> all = combined(batch);
        long start = System.nanoTime();
        int added;
        try {
            added = stageOnce(group, all);
        } catch (RuntimeException e) {
            if (batch.size() == 1 || e instanceof StagingException s && s.kind().retryable()) {
                // staging is unavailable: every request alike; else one of them is at fault
                batch.forEach(t -> t.fail(e));
                return;
            }
            LOG.debug("{} - {} requests staged together failed ({}); staging them one by one", telemetry.name(),
                    batch.size(), e.getMessage());
            for (GroupCommit.Ticket<List<Mutation>, WebhookResponse> t : batch) {
                try {
                    staged(group, t.work.size(), stageOnce(group, t.work), System.nanoTime(), 1);
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

    /** Attempts at a staging transaction that a conflict rolled back (SQLState class 40). */
    static final int STAGE_ATTEMPTS = 4;
    /** The pauses between those attempts: 5 ms doubling up to 20 ms, with jitter. */
    static final Backoff STAGE_CONFLICT = new Backoff(5, 20);

    /**
     * Stages mutations in one staging transaction. A transaction that a deadlock or serialization failure
     * rolled back (SQLState class 40, for example against the retiring of applied rows) is tried again at
     * once, {@value #STAGE_ATTEMPTS} attempts in all, whatever the store: staging is idempotent. Other
     * failures, a database that does not answer among them, end at once, so that a request is not held
     * for several connection timeouts: as the kind the store gives them.
     */
    private int stageOnce(Group group, List<Mutation> mutations) {
        for (int attempt = 1;; attempt++) {
            try {
                return backends.staging().stage(group.name, mutations);
            } catch (SQLException e) {
                if (attempt < STAGE_ATTEMPTS && e.getSQLState() != null && e.getSQLState().startsWith("40")) {
                    LOG.debug("{} - staging {} mutations for {} rolled back (attempt {} of {}), retrying: {}",
                            telemetry.name(), mutations.size(), group.name, attempt, STAGE_ATTEMPTS, e.getMessage());
                    try {
                        Thread.sleep(STAGE_CONFLICT.jitteredPause(attempt));
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        throw unstaged(e, backends.staging().classify(e));
                    }
                    continue;
                }
                throw unstaged(e, backends.staging().classify(e));
            }
        }
    }

    /**
     * The failure of a staging attempt, of the kind the store decided: a 400 ({@link WebhookException},
     * not a staging failure: nothing is wrong with staging) when retrying cannot succeed, else a
     * {@link StagingException} (503).
     */
    private static RuntimeException unstaged(SQLException e, ErrorKind kind) {
        if (!kind.retryable()) {
            // program_limit_exceeded (a key too large for the staging index, ...): the same
            // request fails the same way every time, so a retry (503) would never end
            return WebhookException.badRequest("cannot stage: " + firstLine(e.getMessage()) + " (SQLState "
                    + e.getSQLState() + "); nothing was staged, retrying cannot succeed");
        }
        return new StagingException("staging unavailable: " + e.getMessage() + " (SQLState "
                + e.getSQLState() + "); nothing was staged, the changefeed will retry", e, kind);
    }

    /** Counts staged mutations, after their commit. */
    private void staged(Group group, int size, int added, long start, int requests) {
        telemetry.counters().staged.add(added);
        telemetry.counters().duplicates.add(size - added);
        group.backlog.addAndGet(added);
        PipelineMetrics.GroupMeters m = group.meters;
        if (m != null) {
            m.staged.increment(added);
            if (size > added) {
                m.duplicate.increment(size - added);
            }
        }
        LOG.debug("{} - staged {} for {} from {} requests in {} ms ({} duplicates)", telemetry.name(), added,
                group.name, requests, (System.nanoTime() - start) / 1_000_000, size - added);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }}
