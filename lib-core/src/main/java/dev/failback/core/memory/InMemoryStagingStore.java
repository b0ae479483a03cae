package dev.failback.core.memory;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import dev.failback.spi.DeadLetterStore;
import dev.failback.spi.StagingStore;
import dev.failback.spi.VersionStore;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A staging store in memory, for tests and experiments; it also keeps immediate mode's key versions
 * ({@link VersionStore}) and dead letters ({@link DeadLetterStore}). <strong>Not durable</strong>: everything staged
 * is lost when the JVM stops, so a changefeed's acknowledged batches would be lost too. Never use it
 * in production. Thread-safe (every method is synchronized).
 */
public final class InMemoryStagingStore implements StagingStore, VersionStore, DeadLetterStore {
    private static final Comparator<Mutation> ORDER = Comparator.comparing(Mutation::updated)
            .thenComparing(m -> m.table().name()).thenComparing(Mutation::key);

    private final Map<String, NavigableMap<Mutation, Mutation>> groups = new HashMap<>();
    private final Map<String, Map<RowKey, Hlc>> versions = new HashMap<>();
    private final Map<String, Map<DeadLetter, String>> deadLetters = new HashMap<>();

    /** Creates an empty store. */
    public InMemoryStagingStore() {
    }

    @Override
    public void init() {
    }

    @Override
    public synchronized int stage(String group, List<Mutation> mutations) {
        NavigableMap<Mutation, Mutation> staged = groups.computeIfAbsent(group, g -> new TreeMap<>(ORDER));
        int added = 0;
        for (Mutation m : mutations) {
            if (staged.putIfAbsent(m, m) == null) {
                added++;
            }
        }
        return added;
    }

    @Override
    public synchronized List<Mutation> read(String group, Hlc from, Hlc to, Mutation after, int limit) {
        List<Mutation> out = new ArrayList<>();
        NavigableMap<Mutation, Mutation> staged = groups.get(group);
        if (staged == null) {
            return out;
        }
        Collection<Mutation> tail = after == null ? staged.values() : staged.tailMap(after, false).values();
        for (Mutation m : tail) {
            if (out.size() >= limit || m.updated().compareTo(to) > 0) {
                break;
            }
            if (m.updated().compareTo(from) > 0) {
                out.add(m);
            }
        }
        return out;
    }

    @Override
    public synchronized long retire(String group, Hlc upTo) {
        NavigableMap<Mutation, Mutation> staged = groups.get(group);
        if (staged == null) {
            return 0;
        }
        long n = 0;
        var it = staged.keySet().iterator();
        while (it.hasNext()) {
            if (it.next().updated().compareTo(upTo) > 0) {
                break;
            }
            it.remove();
            n++;
        }
        return n;
    }

    @Override
    public synchronized long count(String group) {
        NavigableMap<Mutation, Mutation> staged = groups.get(group);
        return staged == null ? 0 : staged.size();
    }

    @Override
    public synchronized Map<RowKey, Hlc> appliedVersions(String group, Collection<RowKey> keys) {
        Map<RowKey, Hlc> known = versions.getOrDefault(group, Map.of());
        Map<RowKey, Hlc> out = new HashMap<>();
        for (RowKey k : keys) {
            Hlc v = known.get(k);
            if (v != null) {
                out.put(k, v);
            }
        }
        return out;
    }

    @Override
    public synchronized void recordVersions(String group, Map<RowKey, Hlc> applied) {
        Map<RowKey, Hlc> known = versions.computeIfAbsent(group, g -> new HashMap<>());
        applied.forEach((k, v) -> known.merge(k, v, Hlc::max));
    }

    @Override
    public synchronized boolean holdsVersions(String group) {
        Map<RowKey, Hlc> known = versions.get(group);
        return known != null && !known.isEmpty();
    }

    @Override
    public synchronized void retireVersions(String group, Hlc upTo) {
        Map<RowKey, Hlc> known = versions.get(group);
        if (known != null) {
            known.values().removeIf(v -> v.compareTo(upTo) <= 0);
        }
    }

    @Override
    public synchronized void deadLetter(String group, Mutation mutation, String reason) {
        deadLetters.computeIfAbsent(group, g -> new HashMap<>())
                .putIfAbsent(new DeadLetter(mutation.table(), mutation.key(), mutation.updated()), reason);
    }

    /**
     * The dead letters of a target schema.
     *
     * @param schema the target schema
     * @return the reason of each, by (table, key, updated); a copy, never null
     */
    public synchronized Map<DeadLetter, String> deadLetters(String schema) {
        return Map.copyOf(deadLetters.getOrDefault(schema, Map.of()));
    }

    /**
     * A dead letter's identity.
     *
     * @param table   the table
     * @param key     the key JSON text
     * @param updated the mutation's timestamp
     */
    public record DeadLetter(TableName table, String key, Hlc updated) {
    }
}
