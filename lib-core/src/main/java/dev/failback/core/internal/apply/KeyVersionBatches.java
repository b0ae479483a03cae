package dev.failback.core.internal.apply;

import dev.failback.Hlc;
import dev.failback.core.internal.HlcBounds;
import dev.failback.spi.VersionStore.RowKey;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Immediate mode's key versions in the target ({@code key_version_batches}, Oracle
 * {@code FAILBACK_KEY_VERSION_BATCHES}): each batch's transaction appends <em>one</em> row holding the
 * versions it applied, packed (a 128-bit hash of each key, its wall time and logical counter), under a
 * sequence number that grows by one per row and group. The group's fence row lock orders the batches of
 * every process, so a process knows it has seen every version when it has read every row up to the
 * newest sequence number.
 *
 * <p>Each process keeps the versions other processes applied in memory (a per-group map, pruned as
 * resolved timestamps cover them; its own are its {@link VersionGuard}'s) and at each batch reads only
 * the rows appended since by other processes: a single process finds none and holds nothing. Before, each key had a row of its own, read and written with every
 * batch — most of immediate mode's cost in the database. Past {@code memoryKeys} versions a group's map
 * is dropped and each batch scans the group's rows instead, streamed (bounded memory, slower; a WARN
 * says so), until the fence row's covered timestamp moves and what is left fits again.
 *
 * <p>What a process holds in memory is checked against the database at each batch: when the newest
 * sequence number is below the one it has read (the table emptied or made again) or the covered
 * timestamp went back (the fence row made again, or started over under another staging), it forgets
 * everything and reads the table again.
 *
 * <p>Rows whose versions a resolved timestamp covers are deleted by the retire, except the newest,
 * whose versions are emptied instead, so that sequence numbers only grow (a process that has read up to
 * a number would miss rows numbered again below it). The fence row lock is held
 * by the caller for every method taking a connection. Thread-safe.
 */
final class KeyVersionBatches {
    private static final Logger LOG = LoggerFactory.getLogger(KeyVersionBatches.class);
    /** Bytes per version: the key's hash (16), wall time (8), logical counter (4). */
    static final int ENTRY = 28;
    /** Versions per row at most (560 KiB), well within every driver's packet size. */
    static final int PER_ROW = 20_000;

    private final TargetFence.Family family;
    private final String table;
    private volatile int memoryKeys = 200_000;
    private final Map<String, GroupVersions> groups = new ConcurrentHashMap<>();

    KeyVersionBatches(TargetFence.Family family, String table) {
        this.family = family;
        this.table = table;
    }

    /** Versions a group's map may hold before its batches scan the table instead. */
    void memoryKeys(int keys) {
        this.memoryKeys = Math.max(0, keys);
    }

    /** A key's identity in the table: the first 128 bits of SHA-256 of its folded table name and key text. */
    record Hash(long hi, long lo) {
    }

    /** What this process knows of a group's versions. Guarded by itself. */
    private static final class GroupVersions {
        /** The newest sequence number read, or -1 before the first read. */
        long seen = -1;
        final RecentVersions<Hash> known = new RecentVersions<>();
        /** The map outgrew its bound: each batch scans the group's rows. */
        boolean scanning;
        boolean warned;
        /** The incarnation the fence row carried when last locked (null: none yet). */
        String incarnation;
        /** What the fence row said was covered when last locked: older versions decide nothing. */
        Hlc covered = Hlc.ZERO;
        /** The transaction (its connection) that has read the table since it locked the fence row. */
        Connection readOn;
        /** Rows this process appended in the transaction of {@link #pendingOn}, not yet known committed. */
        Connection pendingOn;
        long pendingFirst = -1;
        long pendingTop = -1;
        final Map<Hash, Hlc> pending = new HashMap<>();

        void forgetAll() {
            known.clear();
            seen = -1;
            scanning = false;
        }
    }

    private GroupVersions state(String group) {
        return groups.computeIfAbsent(group, g -> new GroupVersions());
    }

    /**
     * A transaction has just locked the group's fence row: whatever an earlier one appended and did not
     * report {@link #committed} is read back (if it committed) like another process's rows.
     *
     * @param group   the group
     * @param covered what the fence row says the resolved timestamps have covered
     */
    void begin(String group, Hlc covered) {
        GroupVersions s = state(group);
        synchronized (s) {
            s.pendingOn = null;
            s.pending.clear();
            s.readOn = null;
            if (s.covered.isAfter(covered)) {
                LOG.info("the fence of {} in the target covers less than this process had read ({} < {}): reading its"
                        + " key versions again", group, covered, s.covered);
                s.forgetAll();
                s.covered = covered;
            } else {
                cover(s, covered);
            }
        }
    }

    /**
     * The fence row's incarnation, as a transaction locking it read it: when another process started the
     * fence over under another staging since, what this one holds belongs to the old one and is forgotten.
     *
     * @param group       the group
     * @param incarnation the row's incarnation, null when it has none
     */
    void incarnation(String group, String incarnation) {
        if (incarnation == null) {
            return;
        }
        GroupVersions s = state(group);
        synchronized (s) {
            if (s.incarnation != null && !s.incarnation.equals(incarnation)) {
                s.forgetAll();
                s.covered = Hlc.ZERO;
            }
            s.incarnation = incarnation;
        }
    }

    /** Drops the versions a resolved timestamp covers (anything that old is left out anyway). Holding {@code s}. */
    private static void cover(GroupVersions s, Hlc covered) {
        if (covered.isAfter(s.covered)) {
            s.covered = covered;
            s.known.forget(covered);
            if (s.scanning) {
                s.scanning = false; // read what is left into memory again: it may fit now
                s.seen = -1;
            }
        }
    }

    /**
     * The recorded versions of these keys, as of this batch's transaction.
     *
     * @param c     the batch's connection, holding the fence row
     * @param group the group
     * @param keys  the keys
     * @return the newest recorded version of each key that has one
     * @throws SQLException when the target fails
     */
    Map<RowKey, Hlc> versions(Connection c, String group, Collection<RowKey> keys) throws SQLException {
        Map<RowKey, Hash> hashes = new HashMap<>(keys.size() * 2);
        for (RowKey k : keys) {
            hashes.put(k, hash(k));
        }
        return versions(c, group, hashes);
    }

    /** Like {@link #versions(Connection, String, Collection)}, with each key's {@link #hash}. */
    Map<RowKey, Hlc> versions(Connection c, String group, Map<RowKey, Hash> hashes) throws SQLException {
        GroupVersions s = state(group);
        Map<Hash, Hlc> scanned = catchUp(c, s, group, hashes.values());
        Map<RowKey, Hlc> out = new HashMap<>();
        synchronized (s) {
            for (Map.Entry<RowKey, Hash> e : hashes.entrySet()) {
                Hlc v = scanned != null ? scanned.get(e.getValue()) : s.known.get(e.getValue());
                if (s.pendingOn == c) {
                    v = max(v, s.pending.get(e.getValue()));
                }
                if (v != null) {
                    out.put(e.getKey(), v);
                }
            }
        }
        return out;
    }

    /**
     * Appends the versions a batch applies, in its transaction; {@link #committed} once it commits.
     *
     * @param c       the batch's connection, holding the fence row
     * @param group   the group
     * @param applied the version applied for each key
     * @throws SQLException when the target fails
     */
    void record(Connection c, String group, Map<RowKey, Hlc> applied) throws SQLException {
        // one entry per hash (tables differing only in case share it, and a target row)
        Map<Hash, Hlc> byHash = new LinkedHashMap<>(applied.size() * 2);
        applied.forEach((k, v) -> byHash.merge(hash(k), v, Hlc::max));
        recordHashed(c, group, byHash);
    }

    /** Like {@link #record}, one version per {@link #hash}. */
    void recordHashed(Connection c, String group, Map<Hash, Hlc> byHash) throws SQLException {
        if (byHash.isEmpty()) {
            return;
        }
        GroupVersions s = state(group);
        boolean read;
        synchronized (s) {
            read = s.readOn == c;
        }
        if (!read) {
            catchUp(c, s, group, List.of());
        }
        long top;
        synchronized (s) {
            top = s.pendingOn == c ? s.pendingTop : s.scanning ? -1 : s.seen;
        }
        if (top < 0) {
            top = newest(c, group);
        }
        long first = top + 1;
        List<Map.Entry<Hash, Hlc>> entries = new ArrayList<>(byHash.entrySet());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + table + " (grp, seq, wall, logical, body)"
                + " VALUES (?, ?, ?, ?, ?)")) {
            for (int from = 0; from < entries.size(); from += PER_ROW) {
                List<Map.Entry<Hash, Hlc>> chunk = entries.subList(from, Math.min(entries.size(), from + PER_ROW));
                ByteBuffer body = ByteBuffer.allocate(chunk.size() * ENTRY);
                Hlc newest = Hlc.ZERO;
                for (Map.Entry<Hash, Hlc> e : chunk) {
                    body.putLong(e.getKey().hi()).putLong(e.getKey().lo());
                    body.putLong(e.getValue().wall()).putInt(e.getValue().logical());
                    newest = Hlc.max(newest, e.getValue());
                }
                TargetFence.setGroup(family, ps, 1, group);
                ps.setLong(2, ++top);
                ps.setLong(3, newest.wall());
                ps.setLong(4, newest.logical());
                ps.setBytes(5, body.array());
                if (family == TargetFence.Family.ORACLE) {
                    ps.executeUpdate(); // one row per statement: the simplest with a BLOB
                } else {
                    ps.addBatch();
                }
            }
            if (family != TargetFence.Family.ORACLE) {
                ps.executeBatch();
            }
        }
        synchronized (s) {
            if (s.pendingOn != c) {
                s.pendingOn = c;
                s.pending.clear();
                s.pendingFirst = first;
            }
            s.pendingTop = top;
            byHash.forEach((h, v) -> s.pending.merge(h, v, Hlc::max));
        }
    }

    /**
     * After the batch's transaction on this connection committed: its rows are not read back. The map
     * holds the versions other processes applied; this process's own are its {@link VersionGuard}'s, asked
     * before every batch, so a single process keeps nothing here.
     *
     * @param c     the connection whose transaction committed
     * @param group the group
     */
    void committed(Connection c, String group) {
        GroupVersions s = state(group);
        synchronized (s) {
            if (s.pendingOn != c) {
                return;
            }
            if (!s.scanning && s.seen == s.pendingFirst - 1) {
                s.seen = s.pendingTop; // its own versions are the in-process guard's (VersionGuard), not read back
            }
            s.pendingOn = null;
            s.pending.clear();
        }
    }

    /**
     * Reads the rows appended since this process last read the group's, under the fence row lock.
     *
     * @param wanted when the group's map outgrew its bound: the hashes to look for while scanning
     * @return while scanning, the newest version of each wanted hash found; else null (the map is current)
     */
    private Map<Hash, Hlc> catchUp(Connection c, GroupVersions s, String group, Collection<Hash> wanted)
            throws SQLException {
        long top = newest(c, group);
        long from;
        boolean scanning;
        long ownFirst;
        long ownTop;
        Hlc covered;
        synchronized (s) {
            if (s.pendingOn != c) {
                s.pendingOn = null; // a transaction that ended without committed(): its rows are read back
                s.pending.clear();
            }
            ownFirst = s.pendingOn == c ? s.pendingFirst : Long.MAX_VALUE;
            ownTop = s.pendingOn == c ? s.pendingTop : Long.MAX_VALUE;
            if (top < s.seen && s.pendingOn != c) {
                LOG.info("the key versions of {} in {} end before the ones this process had read (sequence {} < {}):"
                        + " reading them again", group, table, top, s.seen);
                s.forgetAll();
            }
            covered = s.covered;
            scanning = s.scanning;
            from = scanning ? -1 : s.seen;
            s.readOn = c;
        }
        if (!scanning && from >= top) {
            return null; // nothing appended since (a single process): no read
        }
        Map<Hash, Hlc> scanned = scanning ? new HashMap<>() : null;
        java.util.Set<Hash> want = scanning ? new java.util.HashSet<>(wanted) : null;
        Map<Hash, Hlc> read = scanning ? null : new HashMap<>();
        long newest = from;
        boolean outgrown = false;
        int bound = memoryKeys;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, body FROM " + table
                + " WHERE grp = ? AND seq > ? ORDER BY seq")) {
            // streamed a few rows at a time (each up to PER_ROW versions), never the whole result held
            ps.setFetchSize(family == TargetFence.Family.MYSQL ? Integer.MIN_VALUE : 4);
            TargetFence.setGroup(family, ps, 1, group);
            ps.setLong(2, from);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && !outgrown) {
                    long seq = rs.getLong(1);
                    byte[] body = rs.getBytes(2);
                    if (seq >= ownFirst && seq <= ownTop) {
                        continue; // this transaction's own rows: in pending until it commits
                    }
                    newest = Math.max(newest, seq);
                    if (body == null) {
                        continue;
                    }
                    ByteBuffer b = ByteBuffer.wrap(body);
                    while (b.remaining() >= ENTRY) {
                        Hash h = new Hash(b.getLong(), b.getLong());
                        Hlc v = new Hlc(b.getLong(), b.getInt());
                        if (!v.isAfter(covered)) {
                            continue;
                        }
                        if (scanning) {
                            if (want.contains(h)) {
                                scanned.merge(h, v, Hlc::max);
                            }
                        } else {
                            read.merge(h, v, Hlc::max);
                        }
                    }
                    outgrown = !scanning && read.size() > bound;
                }
            }
        }
        if (scanning) {
            return scanned;
        }
        synchronized (s) {
            if (s.seen == from && !s.scanning) { // else a reset meanwhile: read again next time
                if (outgrown) {
                    scan(s, group);
                } else {
                    read.forEach(s.known::merge);
                    s.seen = Math.max(0, newest); // none at all: the group has no row yet
                    if (s.known.size() > bound) {
                        scan(s, group);
                    }
                }
            }
            if (!s.scanning) {
                return null;
            }
        }
        return catchUp(c, s, group, wanted); // it has just outgrown its bound: scan
    }

    /** The group's newest sequence number, 0 when it has no row. */
    private long newest(Connection c, String group) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(seq) FROM " + table + " WHERE grp = ?")) {
            TargetFence.setGroup(family, ps, 1, group);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Past its bound a group's map is dropped for scanning. Holding {@code s}. */
    private void scan(GroupVersions s, String group) {
        if (!s.warned) {
            LOG.warn("immediate mode: more than {} key versions of {} since the last resolved timestamp; each batch now"
                    + " reads them from {} until the resolved timestamps cover them (slower, bounded memory)",
                    memoryKeys, group, table);
            s.warned = true;
        }
        s.known.clear();
        s.scanning = true;
        s.seen = -1;
    }

    /**
     * In a resolved timestamp's transaction, holding the fence row: deletes the rows whose versions it
     * covers (the newest is emptied instead, so that numbers only grow); {@link #forgetUpTo} once it commits.
     *
     * @param c     the connection, holding the fence row
     * @param group the group
     * @param upTo  the resolved timestamp
     * @throws SQLException when the target fails
     */
    void retire(Connection c, String group, Hlc upTo) throws SQLException {
        long top = newest(c, group);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE grp = ? AND seq < ? AND "
                + HlcBounds.AT_OR_BEFORE)) {
            TargetFence.setGroup(family, ps, 1, group);
            ps.setLong(2, top);
            HlcBounds.bind(ps, 3, upTo);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET body = NULL WHERE grp = ? AND seq = ?"
                + " AND " + HlcBounds.AT_OR_BEFORE)) {
            TargetFence.setGroup(family, ps, 1, group);
            ps.setLong(2, top);
            HlcBounds.bind(ps, 3, upTo);
            ps.executeUpdate();
        }
    }

    /**
     * After a resolved timestamp's transaction committed (the fence row then says it is applied, and
     * anything that old is left out): drops the versions it covers from memory.
     *
     * @param group the group
     * @param upTo  the resolved timestamp
     */
    void forgetUpTo(String group, Hlc upTo) {
        GroupVersions s = state(group);
        synchronized (s) {
            cover(s, upTo);
        }
    }

    /**
     * Drops every version of a group: its fence is started over under another staging. Every process
     * sees the fence row's new incarnation at its next batch and forgets what it held ({@link #incarnation}).
     */
    void forget(Connection c, String group) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE grp = ?")) {
            TargetFence.setGroup(family, ps, 1, group);
            ps.executeUpdate();
        }
        GroupVersions s = state(group);
        synchronized (s) {
            s.forgetAll();
            s.covered = Hlc.ZERO;
            s.pendingOn = null;
            s.pending.clear();
        }
    }

    private static Hlc max(Hlc a, Hlc b) {
        return a == null ? b : b == null ? a : Hlc.max(a, b);
    }

    /** A key's hash: the first 128 bits of SHA-256 of its folded table name, a zero byte and its key text. */
    static Hash hash(RowKey k) {
        MessageDigest md = SHA256.get(); // digest() resets it
        md.update(k.table().folded().toString().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(k.key().getBytes(StandardCharsets.UTF_8));
        ByteBuffer d = ByteBuffer.wrap(md.digest());
        return new Hash(d.getLong(), d.getLong());
    }

    /** One digest per thread: looking one up costs more than hashing a key. */
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    });
}
