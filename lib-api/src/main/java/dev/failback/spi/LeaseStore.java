package dev.failback.spi;

import java.sql.SQLException;
import java.time.Duration;

/**
 * Leases that elect one applier per group among the processes sharing a staging database. A lease
 * has a holder, an epoch (the fencing token: it grows with every change of holder) and an expiry,
 * measured on the store's own clock so that the processes' clocks need not agree. Lifecycle:
 * {@link #init} once, then any method from any thread, then {@link #close}. Implementations are
 * thread-safe and atomic across processes.
 */
public interface LeaseStore extends AutoCloseable {

    /**
     * Prepares the store (creates tables when missing).
     *
     * @throws SQLException when the store is unreachable or cannot be prepared
     */
    void init() throws SQLException;

    /**
     * Acquires or renews a group's lease. It is granted when nobody holds it, when its holder let it
     * expire, or when {@code holder} holds it at {@code epoch} (a renewal, which keeps the epoch even
     * after the expiry: nobody else held it meanwhile). A grant to a new holder takes an epoch larger
     * than every earlier one and than {@code minEpoch}.
     *
     * @param group    the group
     * @param holder   the instance asking
     * @param epoch    the epoch the asker holds (to renew), or 0
     * @param minEpoch the least epoch a new grant may take (1 or more)
     * @param ttl      how long the lease lasts from now on the store's clock
     * @return the lease as it is after the call; {@link Lease#granted()} says whether it was granted
     * @throws SQLException when the store is unreachable; nothing changed, or the grant is lost with the
     *                      connection and expires
     */
    Lease acquire(String group, String holder, long epoch, long minEpoch, Duration ttl) throws SQLException;

    /**
     * Releases a lease held by {@code holder} at {@code epoch} so that another process may take it at
     * once; does nothing when it is held by another or at another epoch.
     *
     * @param group  the group
     * @param holder the holder
     * @param epoch  its epoch
     * @throws SQLException when the store is unreachable (the lease then expires)
     */
    void release(String group, String holder, long epoch) throws SQLException;

    /**
     * Records which deployment a group belongs to, the first time the group is seen; later calls keep
     * the first owner. A deployment resumes only its own groups when staging is shared.
     *
     * @param group the group
     * @param owner the deployment's identity (the target it applies to)
     * @return the group's owner after the call
     * @throws SQLException when the store is unreachable
     */
    default String own(String group, String owner) throws SQLException {
        return owner;
    }

    /**
     * The owner of each group recorded by {@link #own}.
     *
     * @return owners by group; groups recorded without an owner are absent
     * @throws SQLException when the store is unreachable
     */
    default java.util.Map<String, String> owners() throws SQLException {
        return java.util.Map.of();
    }

    /**
     * A group's incarnation in this store: an id made when the group was first recorded here
     * ({@link #own} or {@link #acquire}). A new staging database gives every group a new one, so that
     * the target's fence, left by an earlier staging, is started over instead of trusted.
     *
     * @param group the group
     * @return the id, or "" when the store keeps none (then the fence is never started over)
     * @throws SQLException when the store is unreachable
     */
    default String incarnation(String group) throws SQLException {
        return "";
    }

    /** Releases resources. Idempotent. */
    @Override
    default void close() {
    }

    /**
     * A lease as the store holds it.
     *
     * @param group   the group
     * @param holder  the holder, never null ("" when nobody ever held it)
     * @param epoch   the epoch (0 when nobody ever held it)
     * @param expired whether it had expired when read (on the store's clock)
     * @param granted whether this call granted or renewed it to the asker (false: it is someone else's, or
     *                the asker's at another epoch, as after a restart under the same instance id)
     */
    record Lease(String group, String holder, long epoch, boolean expired, boolean granted) {
        /**
         * A lease as read, not granted by the call.
         *
         * @param group   the group
         * @param holder  the holder
         * @param epoch   the epoch
         * @param expired whether it had expired when read
         */
        public Lease(String group, String holder, long epoch, boolean expired) {
            this(group, holder, epoch, expired, false);
        }

        /**
         * Whether this lease is held by an instance, live.
         *
         * @param instance the instance
         * @return whether {@code instance} holds it and it had not expired when read
         */
        public boolean heldBy(String instance) {
            return holder.equals(instance) && !expired;
        }
    }
}
