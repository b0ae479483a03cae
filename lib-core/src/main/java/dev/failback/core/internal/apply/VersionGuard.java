package dev.failback.core.internal.apply;

import dev.failback.Hlc;
import dev.failback.spi.VersionStore;
import dev.failback.spi.VersionStore.RowKey;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Immediate mode's guard against an older version of a row overwriting a newer one: the newest
 * applied version of every key changed since the last resolved timestamp.
 *
 * <p>The versions live in memory, up to a bound; past it they are written to the {@link VersionStore}
 * (by default the staging store's versions table), and from then on keys missing in memory are looked up there as well, until a
 * resolved timestamp has retired every version the table holds. The table is also consulted after a
 * start until then, since an earlier process may have left versions in it. Between resolved
 * timestamps the map holds only the keys the changefeed changed, so a feed with resolved timestamps
 * stays in memory; the table keeps a feed without them within bounded memory.
 *
 * <p>Not thread-safe: the caller holds the group's immediate-mode lock.
 */
public final class VersionGuard {
    private final VersionStore store;
    private final String group;
    private final int memoryKeys;
    private final RecentVersions<RowKey> recent = new RecentVersions<>();
    /** Whether the staging store may hold versions of this group. */
    private boolean stagedMayHold = true;
    /** Whether the staging store has been asked, once, whether an earlier process left versions. */
    private boolean asked;

    public VersionGuard(VersionStore store, String group, int memoryKeys) {
        this.store = store;
        this.group = group;
        this.memoryKeys = memoryKeys;
    }

    /**
     * The newest applied version of each of these keys, where one is known.
     *
     * @throws SQLException when the staging store holds versions and cannot be read
     */
    Map<RowKey, Hlc> known(Collection<RowKey> keys) throws SQLException {
        if (!asked) {
            stagedMayHold = store.holdsVersions(group);
            asked = true;
        }
        Map<RowKey, Hlc> out = new HashMap<>();
        List<RowKey> ask = stagedMayHold ? new ArrayList<>() : null;
        for (RowKey k : keys) {
            Hlc v = recent.get(k);
            if (v != null) {
                out.put(k, v);
            } else if (ask != null) {
                ask.add(k);
            }
        }
        if (ask != null && !ask.isEmpty()) {
            out.putAll(store.appliedVersions(group, ask));
        }
        return out;
    }

    /**
     * Records versions just applied, each newer than what {@link #known} returned for its key.
     *
     * @throws SQLException when they had to spill to the staging store and could not be written
     */
    void record(Map<RowKey, Hlc> applied) throws SQLException {
        if (recent.size() + applied.size() <= memoryKeys) {
            applied.forEach(recent::merge);
            return;
        }
        stagedMayHold = true;
        store.recordVersions(group, applied);
        // memory is consulted first, so it must not keep an older version of these keys
        recent.removeAll(applied.keySet());
    }

    /**
     * Forgets versions up to a resolved timestamp: anything that old is dropped on arrival.
     *
     * @throws SQLException when the staging store holds versions and cannot be written
     */
    public void retire(Hlc upTo) throws SQLException {
        recent.forget(upTo);
        if (stagedMayHold) {
            store.retireVersions(group, upTo);
            stagedMayHold = store.holdsVersions(group);
        }
    }

    /** Keys held in memory. */
    int size() {
        return recent.size();
    }

    /** Whether keys missing in memory are looked up in the staging store. */
    boolean consultsStaging() {
        return stagedMayHold;
    }
}
