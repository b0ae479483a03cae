package dev.failback.core.internal.sequence;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.core.internal.Group;
import dev.failback.core.internal.apply.LeaseLostException;
import dev.failback.core.internal.apply.TargetFence;
import dev.failback.core.internal.apply.WindowApplier;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The check that ends a window's target transaction under a lease: the fence in the target still
 * carries this holder's epoch ({@link TargetFence#commitWindow}), which also records the window as
 * applied there; without a fence (a dialect it does not know), at least the lease is still valid
 * locally. Immutable.
 *
 * @param group the group the window belongs to
 * @param epoch the lease epoch the window is applied under
 * @param upTo  the resolved timestamp the window ends at
 * @param fence the fence in the target, or null when there is none
 */
record FencedWindow(Group group, long epoch, Hlc upTo, TargetFence fence) implements WindowApplier.Guard {
    @Override
    public List<Mutation> begin(Connection c, List<Mutation> window) {
        if (fence != null) {
            fence.boundIdle(c);
        }
        return window;
    }

    @Override
    public void beforeCommit(Connection c, List<Mutation> applied) throws SQLException {
        LeaseKeeper.Held held = group.held;
        if (held == null || held.epoch() != epoch) {
            throw new LeaseLostException("the lease of " + group.name + " (epoch " + epoch + ") is no longer"
                    + " held; the window was rolled back");
        }
        if (fence != null) {
            fence.commitWindow(c, group.name, epoch, upTo);
        } else if (!held.valid()) {
            throw new LeaseLostException("the lease of " + group.name + " (epoch " + epoch + ") expired before"
                    + " the window committed; it was rolled back");
        }
    }
}
