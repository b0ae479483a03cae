package dev.failback.core.internal.apply;

import dev.failback.Hlc;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The newest version of each key, with the keys also filed by their version's time so that forgetting
 * what a resolved timestamp covers costs what it removes (plus one bucket), not a pass over every key (at
 * each resolved timestamp, with hundreds of thousands of keys held, that pass was a tenth of immediate
 * mode's request-thread time). Keys are filed in buckets of {@value #BUCKET_NANOS} ns of wall time; a key
 * filed again for a newer version leaves its older entry behind, skipped when its bucket is emptied, and
 * the buckets are filed again from the map when such entries outnumber it. Not thread-safe.
 *
 * @param <K> the key
 */
final class RecentVersions<K> {
    static final long BUCKET_NANOS = 10_000_000L;

    private final Map<K, Hlc> newest = new HashMap<>();
    private final NavigableMap<Long, List<K>> filed = new TreeMap<>();
    private long filedCount;

    /** The newest version of a key, or null. */
    Hlc get(K key) {
        return newest.get(key);
    }

    /** Records a version of a key, keeping the newer of it and the one held. */
    void merge(K key, Hlc version) {
        if (newest.merge(key, version, Hlc::max) == version) {
            file(key, version); // else the held one is at least as new, and filed
        }
    }

    private void file(K key, Hlc version) {
        filed.computeIfAbsent(Math.floorDiv(version.wall(), BUCKET_NANOS), b -> new ArrayList<>()).add(key);
        if (++filedCount > 2L * newest.size() + 1024) {
            refile(); // a key changed again and again, with no resolved timestamp to empty buckets
        }
    }

    private void refile() {
        filed.clear();
        filedCount = 0;
        newest.forEach((k, v) -> {
            filed.computeIfAbsent(Math.floorDiv(v.wall(), BUCKET_NANOS), b -> new ArrayList<>()).add(k);
            filedCount++;
        });
    }

    /** Forgets the versions at or before a resolved timestamp. */
    void forget(Hlc upTo) {
        long at = Math.floorDiv(upTo.wall(), BUCKET_NANOS);
        NavigableMap<Long, List<K>> past = filed.headMap(at, false);
        for (List<K> keys : past.values()) {
            forget(keys, upTo);
            filedCount -= keys.size();
        }
        past.clear();
        List<K> current = filed.get(at); // the bucket the timestamp falls in: only what is at or before it
        if (current != null) {
            forget(current, upTo);
            List<K> kept = new ArrayList<>();
            for (K k : current) {
                Hlc v = newest.get(k);
                if (v != null && Math.floorDiv(v.wall(), BUCKET_NANOS) == at) {
                    kept.add(k);
                }
            }
            filedCount -= current.size() - kept.size();
            if (kept.isEmpty()) {
                filed.remove(at);
            } else {
                filed.put(at, kept);
            }
        }
    }

    private void forget(List<K> keys, Hlc upTo) {
        for (K k : keys) {
            Hlc v = newest.get(k);
            if (v != null && !v.isAfter(upTo)) {
                newest.remove(k);
            }
        }
    }

    /** Forgets these keys (their newer versions are kept elsewhere). */
    void removeAll(Collection<K> keys) {
        for (K k : keys) {
            newest.remove(k); // its filed entries are skipped when their bucket is emptied
        }
    }

    int size() {
        return newest.size();
    }

    void clear() {
        newest.clear();
        filed.clear();
        filedCount = 0;
    }
}
