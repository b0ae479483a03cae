package dev.failback.core.internal.apply;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.spi.VersionStore.RowKey;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
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
    /** The last attempt's reading (begin): the fence's covered timestamp, the window folded, its keys' hashes and recorded versions, what it returned. */
    private Hlc covered;
    private Map<RowKey, Mutation> latest;
    private Map<RowKey, KeyVersionBatches.Hash> hashes;
    private Map<RowKey, Hlc> recorded;
    private List<Mutation> returned;

    KeyVersions(TargetFence fence, String group, String incarnation) {
        this.fence = fence;
        this.group = group;
        this.incarnation = incarnation;
    }

    @Override
    public List<Mutation> begin(Connection c, List<Mutation> window) throws SQLException {
        last = c;
        covered = fence.lockForBatch(c, group, incarnation);
        latest = WindowApplier.fold(window);
        hashes = new HashMap<>(latest.size() * 2);
        for (RowKey k : latest.keySet()) {
            hashes.put(k, KeyVersionBatches.hash(k));
        }
        recorded = fence.versions(c, group, hashes);
        List<Mutation> keep = new ArrayList<>(window.size());
        for (Mutation m : window) {
            if (newer(m, recorded.get(new RowKey(m.table(), m.key())))) {
                keep.add(m);
            }
        }
        applied = keep;
        returned = keep.size() == window.size() ? window : keep;
        return returned;
    }

    private boolean newer(Mutation m, Hlc have) {
        return m.updated().isAfter(covered) && (have == null || m.updated().isAfter(have));
    }

    @Override
    public boolean locks() {
        return true;
    }

    @Override
    public void beforeCommit(Connection c, List<Mutation> written) throws SQLException {
        Map<KeyVersionBatches.Hash, Hlc> versions = new LinkedHashMap<>();
        if (written == returned) {
            // what begin kept: each key whose newest mutation is newer than the recorded version, hashed once
            latest.forEach((k, m) -> {
                if (newer(m, recorded.get(k))) {
                    versions.merge(hashes.get(k), m.updated(), Hlc::max);
                }
            });
        } else {
            WindowApplier.fold(written).forEach((k, m) -> versions.merge(KeyVersionBatches.hash(k), m.updated(), Hlc::max));
        }
        fence.recordHashed(c, group, versions);
    }

    /** Once the apply returned (the last attempt's transaction committed): the fence need not read its row back. */
    void committed() {
        if (last != null) {
            fence.committed(last, group);
        }
    }

}
