package dev.failback;

import java.time.Duration;
import java.util.Arrays;
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
 * @param schemas              status per target schema, by its name ({@code database.schema} or {@code schema}),
 *                             never null
 * @param lastError            the message of the latest apply or staging failure not yet recovered from, or null; for a
 *                             poison row it names the table, key, SQLState and source timestamp
 * @param instance             this process's identity among the processes of its deployment
 *                             ({@link FailbackConfig#instanceId()}), or null when not given
 */
public record Status(State state, Hlc lastResolvedReceived, Hlc lastResolvedApplied, long stagedBacklog,
        Duration targetLag, Counters counters, Map<String, SchemaStatus> schemas, String lastError, String instance) {

    /**
     * A status without an instance identity.
     *
     * @param state                the lifecycle state
     * @param lastResolvedReceived the newest resolved timestamp received, or null
     * @param lastResolvedApplied  the oldest applied checkpoint, or null
     * @param stagedBacklog        staged mutations not yet applied and retired
     * @param targetLag            now minus the wall time of {@code lastResolvedApplied}
     * @param counters             running totals since start
     * @param schemas              status per target schema
     * @param lastError            the latest failure not yet recovered from, or null
     */
    public Status(State state, Hlc lastResolvedReceived, Hlc lastResolvedApplied, long stagedBacklog,
            Duration targetLag, Counters counters, Map<String, SchemaStatus> schemas, String lastError) {
        this(state, lastResolvedReceived, lastResolvedApplied, stagedBacklog, targetLag, counters, schemas, lastError,
                null);
    }

    /**
     * Status of one target schema (one changefeed).
     *
     * @param resolved the newest resolved timestamp received, never null ({@link Hlc#ZERO} before the first)
     * @param applied  everything up to this timestamp is applied, never null
     * @param backlog  staged mutations not yet retired
     * @param holder   the instance holding the target schema's lease as last seen, or null when none is known
     * @param epoch    the lease's epoch as last seen (0 when none)
     * @param held     whether this process holds the lease (it applies the target schema; else it is a standby)
     */
    public record SchemaStatus(Hlc resolved, Hlc applied, long backlog, String holder, long epoch, boolean held) {
        /**
         * A target schema's status without lease details (a single process).
         *
         * @param resolved the newest resolved timestamp received
         * @param applied  everything up to this timestamp is applied
         * @param backlog  staged mutations not yet retired
         */
        public SchemaStatus(Hlc resolved, Hlc applied, long backlog) {
            this(resolved, applied, backlog, null, 0, false);
        }
    }

    /**
     * Running totals since start. Immutable: made by {@link #builder()}, with one named setter per
     * counter; equal when every total is equal.
     */
    public static final class Counters {
        private final long requests;
        private final long received;
        private final long staged;
        private final long duplicates;
        private final long stale;
        private final long upserts;
        private final long deletes;
        private final long windows;
        private final long resolvedReceived;
        private final long resolvedIgnored;
        private final long rejected;
        private final long unavailable;
        private final long retries;
        private final long deadLettered;
        private final long filtered;

        private Counters(Builder b) {
            this.requests = b.requests;
            this.received = b.received;
            this.staged = b.staged;
            this.duplicates = b.duplicates;
            this.stale = b.stale;
            this.upserts = b.upserts;
            this.deletes = b.deletes;
            this.windows = b.windows;
            this.resolvedReceived = b.resolvedReceived;
            this.resolvedIgnored = b.resolvedIgnored;
            this.rejected = b.rejected;
            this.unavailable = b.unavailable;
            this.retries = b.retries;
            this.deadLettered = b.deadLettered;
            this.filtered = b.filtered;
        }

        /**
         * Returns a builder with every counter at 0.
         *
         * @return a new builder, never null
         */
        public static Builder builder() {
            return new Builder();
        }

        /** @return webhook requests handled (a count) */
        public long requests() {
            return requests;
        }

        /** @return mutations received in accepted requests (a count) */
        public long received() {
            return received;
        }

        /** @return mutations newly staged (a count) */
        public long staged() {
            return staged;
        }

        /** @return mutations already staged (HTTP retries, re-emissions) (a count) */
        public long duplicates() {
            return duplicates;
        }

        /** @return mutations ignored because their timestamp was already applied (a count) */
        public long stale() {
            return stale;
        }

        /** @return rows upserted into the target (a count) */
        public long upserts() {
            return upserts;
        }

        /** @return rows deleted from the target (a count) */
        public long deletes() {
            return deletes;
        }

        /** @return target transactions committed (a count) */
        public long windows() {
            return windows;
        }

        /** @return resolved timestamps received (including repeats) (a count) */
        public long resolvedReceived() {
            return resolvedReceived;
        }

        /** @return resolved timestamps that repeated or went backwards (logged, answered 200) (a count) */
        public long resolvedIgnored() {
            return resolvedIgnored;
        }

        /** @return requests answered 4xx (a count) */
        public long rejected() {
            return rejected;
        }

        /** @return requests answered 503 (a count) */
        public long unavailable() {
            return unavailable;
        }

        /** @return target transactions retried in place after a transient failure (deadlock, lock wait, lost connection) (a count) */
        public long retries() {
            return retries;
        }

        /**
         * Mutations the target rejected permanently, written to the dead-letter table and skipped ({@link
         * Failback.Builder#deadLetter(boolean)}); always 0 when that is off.
         *
         * @return the count
         */
        public long deadLettered() {
            return deadLettered;
        }

        /**
         * Rows a transform skipped before staging ({@link dev.failback.transform.Route#skip()}).
         *
         * @return the count
         */
        public long filtered() {
            return filtered;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Counters c
                    && requests == c.requests && received == c.received && staged == c.staged
                    && duplicates == c.duplicates && stale == c.stale && upserts == c.upserts
                    && deletes == c.deletes && windows == c.windows
                    && resolvedReceived == c.resolvedReceived && resolvedIgnored == c.resolvedIgnored
                    && rejected == c.rejected && unavailable == c.unavailable
                    && retries == c.retries && deadLettered == c.deadLettered && filtered == c.filtered;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(new long[] {requests, received, staged, duplicates, stale, upserts, deletes,
                    windows, resolvedReceived, resolvedIgnored, rejected, unavailable, retries, deadLettered, filtered});
        }

        @Override
        public String toString() {
            return "Counters[requests=" + requests + ", received=" + received + ", staged=" + staged
                    + ", duplicates=" + duplicates + ", stale=" + stale + ", upserts=" + upserts
                    + ", deletes=" + deletes + ", windows=" + windows + ", resolvedReceived=" + resolvedReceived
                    + ", resolvedIgnored=" + resolvedIgnored + ", rejected=" + rejected
                    + ", unavailable=" + unavailable + ", retries=" + retries + ", deadLettered=" + deadLettered
                    + ", filtered=" + filtered + "]";
        }

        /** Sets the counters of a {@link Counters} by name; a counter not set is 0. Not thread-safe. */
        public static final class Builder {
            private long requests;
            private long received;
            private long staged;
            private long duplicates;
            private long stale;
            private long upserts;
            private long deletes;
            private long windows;
            private long resolvedReceived;
            private long resolvedIgnored;
            private long rejected;
            private long unavailable;
            private long retries;
            private long deadLettered;
            private long filtered;

            private Builder() {
            }

            /**
             * Webhook requests handled.
             *
             * @param requests the count
             * @return this builder
             */
            public Builder requests(long requests) {
                this.requests = requests;
                return this;
            }

            /**
             * Mutations received in accepted requests.
             *
             * @param received the count
             * @return this builder
             */
            public Builder received(long received) {
                this.received = received;
                return this;
            }

            /**
             * Mutations newly staged.
             *
             * @param staged the count
             * @return this builder
             */
            public Builder staged(long staged) {
                this.staged = staged;
                return this;
            }

            /**
             * Mutations already staged (HTTP retries, re-emissions).
             *
             * @param duplicates the count
             * @return this builder
             */
            public Builder duplicates(long duplicates) {
                this.duplicates = duplicates;
                return this;
            }

            /**
             * Mutations ignored because their timestamp was already applied.
             *
             * @param stale the count
             * @return this builder
             */
            public Builder stale(long stale) {
                this.stale = stale;
                return this;
            }

            /**
             * Rows upserted into the target.
             *
             * @param upserts the count
             * @return this builder
             */
            public Builder upserts(long upserts) {
                this.upserts = upserts;
                return this;
            }

            /**
             * Rows deleted from the target.
             *
             * @param deletes the count
             * @return this builder
             */
            public Builder deletes(long deletes) {
                this.deletes = deletes;
                return this;
            }

            /**
             * Target transactions committed.
             *
             * @param windows the count
             * @return this builder
             */
            public Builder windows(long windows) {
                this.windows = windows;
                return this;
            }

            /**
             * Resolved timestamps received (including repeats).
             *
             * @param resolvedReceived the count
             * @return this builder
             */
            public Builder resolvedReceived(long resolvedReceived) {
                this.resolvedReceived = resolvedReceived;
                return this;
            }

            /**
             * Resolved timestamps that repeated or went backwards (logged, answered 200).
             *
             * @param resolvedIgnored the count
             * @return this builder
             */
            public Builder resolvedIgnored(long resolvedIgnored) {
                this.resolvedIgnored = resolvedIgnored;
                return this;
            }

            /**
             * Requests answered 4xx.
             *
             * @param rejected the count
             * @return this builder
             */
            public Builder rejected(long rejected) {
                this.rejected = rejected;
                return this;
            }

            /**
             * Requests answered 503.
             *
             * @param unavailable the count
             * @return this builder
             */
            public Builder unavailable(long unavailable) {
                this.unavailable = unavailable;
                return this;
            }

            /**
             * Target transactions retried in place after a transient failure (deadlock, lock wait, lost connection).
             *
             * @param retries the count
             * @return this builder
             */
            public Builder retries(long retries) {
                this.retries = retries;
                return this;
            }

            /**
             * Mutations the target rejected permanently, written to the dead-letter table and skipped ({@link
             * Failback.Builder#deadLetter(boolean)}); always 0 when that is off.
             *
             * @param deadLettered the count
             * @return this builder
             */
            public Builder deadLettered(long deadLettered) {
                this.deadLettered = deadLettered;
                return this;
            }

            /**
             * Rows a transform skipped before staging.
             *
             * @param filtered the count
             * @return this builder
             */
            public Builder filtered(long filtered) {
                this.filtered = filtered;
                return this;
            }

            /**
             * Returns the counters set so far. The builder is unchanged.
             *
             * @return the counters, never null
             */
            public Counters build() {
                return new Counters(this);
            }
        }
    }
}
