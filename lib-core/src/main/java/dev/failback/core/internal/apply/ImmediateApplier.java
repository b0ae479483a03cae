package dev.failback.core.internal.apply;

import dev.failback.ApplyException;
import dev.failback.FailbackConfig;
import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.StagingException;
import dev.failback.WebhookResponse;
import dev.failback.core.internal.Backends;
import dev.failback.core.internal.Group;
import dev.failback.core.internal.ingress.WebhookService;
import dev.failback.core.internal.stage.Stager;
import dev.failback.core.internal.telemetry.PipelineMetrics;
import dev.failback.core.internal.telemetry.Telemetry;
import dev.failback.spi.TargetSchema;
import dev.failback.spi.VersionStore.RowKey;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Immediate mode's apply step: the mutations of concurrent requests for one group are applied to
 * the target in one transaction (group commit) before the requests are answered, newest version per
 * key, never older than what is applied. Thread-safe.
 */
public final class ImmediateApplier {
    private static final Logger LOG = LoggerFactory.getLogger(ImmediateApplier.class);
    private static final WebhookResponse OK = WebhookService.OK;

    private final FailbackConfig config;
    private final Backends backends;
    private final Telemetry telemetry;

    /**
     * @param config   the configuration
     * @param backends the applier and fence, once the databases answer
     * @param telemetry where the stages report (counters, metrics, events)
     */
    public ImmediateApplier(FailbackConfig config, Backends backends, Telemetry telemetry) {
        this.config = config;
        this.backends = backends;
        this.telemetry = telemetry;
    }

    /**
     * Applies a request's mutations, together with those of requests arriving meanwhile.
     *
     * @return the answer once they are committed
     */
    public WebhookResponse apply(Group group, List<Mutation> mutations) throws SQLException {
        return group.immediateCommits.submit(mutations, mutations.size(), batch -> immediateBatch(group, batch));
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
                r = immediate(group, Stager.combined(batch));
            } catch (SQLException | RuntimeException e) {
                if (transientFailure(e)) {
                    batch.forEach(t -> t.fail(e));
                    return;
                }
                LOG.debug("{} - {} requests applied together failed ({}); applying them one by one", config.name(),
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
        return e instanceof ApplyException a && a.kind() == dev.failback.spi.ErrorKind.TRANSIENT;
    }

    /** Applies mutations in one target transaction; the caller holds {@link Group#immediateLock}. */
    private WebhookResponse immediate(Group group, List<Mutation> mutations) throws SQLException {
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
            telemetry.counters().stale.add(stale);
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
                telemetry.counters().duplicates.increment();
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
        KeyVersions guard = backends.fence() == null ? null : new KeyVersions(backends.fence(), group.name, group.incarnation);
        try {
            r = applyImmediately(group, ordered, guard);
        } catch (RuntimeException e) {
            if (gm != null) {
                gm.applyFailure.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
            throw e;
        }
        if (guard != null) {
            guard.committed();
        }
        int skipped = 0;
        if (guard != null && guard.applied != null && guard.applied.size() < apply.size()) {
            // another instance applied newer versions of some keys: only what this one applied is recorded
            skipped = apply.size() - guard.applied.size();
            telemetry.counters().duplicates.add(skipped);
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
            LOG.warn("{} - applied a batch to {} but could not record its versions: {}", config.name(),
                    group.name, e.getMessage());
        }
        Hlc max = apply.get(0).updated();
        for (Mutation mu : apply) {
            max = Hlc.max(max, mu.updated());
        }
        telemetry.events().immediateApplied(group.name, max, r.upserts(), r.deletes(), apply.size(), System.nanoTime() - start);
        return OK;
    }

    /** Applies a batch; after a failure that is not transient, checks it against the schema read again. */
    private WindowApplier.Result applyImmediately(Group group, List<Mutation> ordered, KeyVersions guard)
            throws SQLException {
        WindowApplier applier = backends.applier();
        TargetSchema schema = group.schema.get();
        try {
            return applier.apply(schema, ordered, null, guard);
        } catch (RuntimeException e) {
            if (e instanceof ApplyException a && a.kind() == dev.failback.spi.ErrorKind.TRANSIENT) {
                throw e;
            }
            List<Mutation> fitted = SchemaDrift.fit(group, ordered, e, config.ignoreUnknownColumns(), telemetry.events()); // throws when not ignored
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

}
