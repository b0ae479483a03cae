package dev.failback.core.internal.apply;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.spi.VersionStore.RowKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Immediate mode's guard across instances, in a batch's target transaction: locks the group's fence
 * row, leaves out what a resolved timestamp already covers and every key whose recorded version is not
 * older, and records the versions it applies. Whichever instance received which request, an older
 * version never overwrites a newer one. One per batch; not thread-safe.
 */
final class KeyVersions implements WindowApplier.Guard {
    private final TargetFence fence;
    private final String group;
    private final String incarnation;
    /** What the last attempt applied (its transaction committed when the apply returned). */
    List<Mutation> applied;
    /** The last attempt's connection. */
    private Connection last;

    KeyVersions(TargetFence fence, String group, String incarnation) {
        this.fence = fence;
        this.group = group;
        this.incarnation = incarnation;
    }

    @Override
    public List<Mutation> begin(Connection c, List<Mutation> window) throws SQLException {
        last = c;
        Hlc covered = fence.lockForBatch(c, group, incarnation);
        Map<RowKey, Mutation> latest = WindowApplier.fold(window);
        Map<RowKey, Hlc> recorded = fence.versions(c, group, latest.keySet());
        List<Mutation> keep = new ArrayList<>(window.size());
        for (Mutation m : window) {
            Hlc have = recorded.get(new RowKey(m.table(), m.key()));
            if (m.updated().isAfter(covered) && (have == null || m.updated().isAfter(have))) {
                keep.add(m);
            }
        }
        applied = keep;
        return keep.size() == window.size() ? window : keep;
    }

    @Override
    public boolean locks() {
        return true;
    }

    @Override
    public void beforeCommit(Connection c, List<Mutation> written) throws SQLException {
        Map<RowKey, Hlc> versions = new LinkedHashMap<>();
        WindowApplier.fold(written).forEach((k, m) -> versions.put(k, m.updated()));
        fence.record(c, group, versions);
    }

    /** Once the apply returned (the last attempt's transaction committed): the fence knows what it recorded. */
    void committed() {
        if (last != null) {
            fence.committed(last, group);
        }
    }

}
