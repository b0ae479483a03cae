package dev.failback;

import java.time.Duration;
import java.util.Map;

/**
 * A point-in-time snapshot of a running {@link Failback}. Immutable.
 *
 * @param state                the lifecycle state, never null
 * @param lastResolvedReceived the newest resolved timestamp received over all target schemas, or null before the first
 * @param lastResolvedApplied  the oldest applied checkpoint over all target schemas (everything up to it is in the target), or null before the first
 * @param stagedBacklog        staged mutations not yet applied and retired
 * @param targetLag            now minus the wall time of {@code lastResolvedApplied}; {@link Duration#ZERO} before the first
 * @param counters             running totals since start, never null
 * @param groups               per target schema ({@code database.schema} or {@code schema}) status, never null
 * @param lastError            the message of the latest apply or staging failure not yet recovered from, or null; for a
 *                             poison row it names the table, key, SQLState and source timestamp
 * @param instance             this process's identity among the processes of its deployment
 *                             ({@link FailbackConfig#instanceId()}), or null when not given
 */
public record Status(State state, Hlc lastResolvedReceived, Hlc lastResolvedApplied, long stagedBacklog,
        Duration targetLag, Counters counters, Map<String, GroupStatus> groups, String lastError, String instance) {

    /**
     * A status without an instance identity.
     *
     * @param state                the lifecycle state
     * @param lastResolvedReceived the newest resolved timestamp received, or null
     * @param lastResolvedApplied  the oldest applied checkpoint, or null
     * @param stagedBacklog        staged mutations not yet applied and retired
     * @param targetLag            now minus the wall time of {@code lastResolvedApplied}
     * @param counters             running totals since start
     * @param groups               per target schema status
     * @param lastError            the latest failure not yet recovered from, or null
     */
    public Status(State state, Hlc lastResolvedReceived, Hlc lastResolvedApplied, long stagedBacklog,
            Duration targetLag, Counters counters, Map<String, GroupStatus> groups, String lastError) {
        this(state, lastResolvedReceived, lastResolvedApplied, stagedBacklog, targetLag, counters, groups, lastError,
                null);
    }

    /**
     * Status of one target schema (one changefeed).
     *
     * @param resolved the newest resolved timestamp received, never null ({@link Hlc#ZERO} before the first)
     * @param applied  everything up to this timestamp is applied, never null
     * @param backlog  staged mutations not yet retired
     * @param holder   the instance holding the group's lease as last seen, or null when none is known
     * @param epoch    the lease's epoch as last seen (0 when none)
     * @param held     whether this process holds the lease (it applies the group; else it is a standby)
     */
    public record GroupStatus(Hlc resolved, Hlc applied, long backlog, String holder, long epoch, boolean held) {
        /**
         * A group's status without lease details (a single process).
         *
         * @param resolved the newest resolved timestamp received
         * @param applied  everything up to this timestamp is applied
         * @param backlog  staged mutations not yet retired
         */
        public GroupStatus(Hlc resolved, Hlc applied, long backlog) {
            this(resolved, applied, backlog, null, 0, false);
        }
    }

    /**
     * Running totals since start.
     *
     * @param requests         webhook requests handled
     * @param received         mutations received in accepted requests
     * @param staged           mutations newly staged
     * @param duplicates       mutations already staged (HTTP retries, re-emissions)
     * @param stale            mutations ignored because their timestamp was already applied
     * @param upserts          rows upserted into the target
     * @param deletes          rows deleted from the target
     * @param windows          target transactions committed
     * @param resolvedReceived resolved timestamps received (including repeats)
     * @param resolvedIgnored  resolved timestamps that repeated or went backwards (logged, answered 200)
     * @param rejected         requests answered 4xx
     * @param unavailable      requests answered 503
     * @param retries          target transactions retried in place after a transient failure (deadlock, lock wait, lost connection)
     * @param deadLettered     mutations the target rejected permanently, written to the dead-letter table and
     *                         skipped ({@link Failback.Builder#deadLetter(boolean)}); always 0 when that is off
     */
    public record Counters(long requests, long received, long staged, long duplicates, long stale, long upserts,
            long deletes, long windows, long resolvedReceived, long resolvedIgnored, long rejected,
            long unavailable, long retries, long deadLettered) {

        /**
         * Counters without dead letters (the constructor before {@code deadLettered} was added).
         *
         * @param requests         webhook requests handled
         * @param received         mutations received
         * @param staged           mutations newly staged
         * @param duplicates       mutations already staged
         * @param stale            mutations ignored as already applied
         * @param upserts          rows upserted
         * @param deletes          rows deleted
         * @param windows          target transactions committed
         * @param resolvedReceived resolved timestamps received
         * @param resolvedIgnored  resolved timestamps ignored
         * @param rejected         requests answered 4xx
         * @param unavailable      requests answered 503
         * @param retries          target transactions retried in place
         */
        public Counters(long requests, long received, long staged, long duplicates, long stale, long upserts,
                long deletes, long windows, long resolvedReceived, long resolvedIgnored, long rejected,
                long unavailable, long retries) {
            this(requests, received, staged, duplicates, stale, upserts, deletes, windows, resolvedReceived,
                    resolvedIgnored, rejected, unavailable, retries, 0);
        }
    }
}
