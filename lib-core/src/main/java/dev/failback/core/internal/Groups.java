package dev.failback.core.internal;

import dev.failback.spi.Dialect;
import dev.failback.spi.Identifiers;
import dev.failback.spi.UnknownTargetException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The groups of a pipeline, one per target schema, named by the target's spelling
 * ({@code <connected database>.<schema>}), with the spellings of their paths seen so far. At most
 * {@code maxGroups} are created from requests; a refused path creates nothing. Thread-safe.
 */
public final class Groups {
    /** The most raw paths remembered per group (case variants of a name); beyond, each is resolved again. */
    static final int PATHS_PER_GROUP = 8;

    /** Makes a group; called under this registry's lock, at most once per name. */
    @FunctionalInterface
    interface Factory {
        Group create(String name, List<String> canonical) throws SQLException;
    }

    private final int max;
    private final Runnable added;
    private final DataSource target;
    private final Supplier<Dialect> dialect;
    private final Factory factory;
    private final Map<String, Group> byName = new ConcurrentHashMap<>();
    private final Map<List<String>, Group> byPath = new ConcurrentHashMap<>();

    /**
     * @param max   the most groups created from requests
     * @param added   called after a group was created and registered (wakes the lease keeper)
     * @param target  the target database, which resolves paths
     * @param dialect the target's dialect, once known
     * @param factory makes a group (and starts its sequencer)
     */
    Groups(int max, Runnable added, DataSource target, Supplier<Dialect> dialect, Factory factory) {
        this.max = max;
        this.added = added;
        this.target = target;
        this.dialect = dialect;
        this.factory = factory;
    }

    /**
     * Returns the group a path as sent is already known to name, without asking the target.
     *
     * @return the group, or null when the path is not known yet
     */
    public Group known(List<String> segments) {
        return byPath.get(segments);
    }

    /**
     * Resolves a path as sent to the schema as the target names it: the connected database's name
     * and the schema's stored spelling ({@code [target, public]}). Creates nothing.
     *
     * @throws UnknownTargetException when the database or schema does not exist
     */
    public List<String> resolve(List<String> segments) throws SQLException {
        Group g = byPath.get(segments);
        if (g != null) {
            return g.segments;
        }
        try (Connection c = target.getConnection()) {
            String schema = dialect.get().resolveSchema(c, segments);
            List<String> canonical = new ArrayList<>(segments);
            canonical.set(canonical.size() - 1, schema);
            if (canonical.size() == 2) {
                String database = c.getCatalog(); // a path's database matches the connected one in any case
                if (database != null && Identifiers.equalsIgnoreAsciiCase(database, canonical.get(0))) {
                    canonical.set(0, database);
                }
            }
            return List.copyOf(canonical);
        }
    }

    /**
     * Finds or creates the group of a resolved path, remembering the path as sent for the next
     * request. A new group beyond the maximum is refused (404) and nothing is created.
     *
     * @param canonical the path as {@link #resolve} returned it
     * @param asSent    the path as the request spelled it
     */
    public Group group(List<String> canonical, List<String> asSent) throws SQLException {
        String name = String.join(".", canonical);
        Group g = byName.get(name);
        if (g == null) {
            synchronized (byName) {
                g = byName.get(name);
                if (g == null) {
                    if (byName.size() >= max) {
                        throw new UnknownTargetException("target schema " + name + " would be group " + (byName.size() + 1)
                                + " of this pipeline, more than maxGroups " + max + " (--maxGroups); nothing was created");
                    }
                    g = add(name, canonical);
                }
            }
        }
        if (!asSent.equals(canonical) && g.paths.get() < PATHS_PER_GROUP && byPath.putIfAbsent(List.copyOf(asSent), g) == null) {
            g.paths.incrementAndGet();
        }
        return g;
    }

    /** Finds or creates a group found in staging at start, whatever the maximum says. */
    Group resume(List<String> canonical) throws SQLException {
        String name = String.join(".", canonical);
        synchronized (byName) {
            Group g = byName.get(name);
            return g != null ? g : add(name, canonical);
        }
    }

    private Group add(String name, List<String> canonical) throws SQLException {
        Group g = factory.create(name, canonical);
        byName.put(name, g);
        byPath.put(List.copyOf(canonical), g);
        added.run();
        return g;
    }

    /** The groups now, in no particular order. */
    public List<Group> all() {
        return List.copyOf(byName.values());
    }

    public boolean isEmpty() {
        return byName.isEmpty();
    }

    public int size() {
        return byName.size();
    }
}
