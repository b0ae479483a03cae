package dev.failback.core.internal.apply;

import dev.failback.Hlc;
import dev.failback.spi.VersionStore.RowKey;
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
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Immediate mode's key versions in the target ({@code key_versions}, Oracle {@code FAILBACK_KEY_VERSIONS}):
 * read and written in a batch's own transaction, one row per key hash. The table and the rest of the
 * fence belong to {@link TargetFence}. Thread-safe.
 */
final class KeyVersionRows {
    /** Keys per {@code IN} list when reading versions. */
    private static final int CHUNK = 500;

    private final TargetFence.Family family;
    private final String versions;

    KeyVersionRows(TargetFence.Family family, String versions) {
        this.family = family;
        this.versions = versions;
    }

    /**
     * Immediate mode: the recorded versions of these keys, read in the batch's transaction.
     *
     * @param c     the batch's connection
     * @param group the group
     * @param keys  the keys
     * @return the recorded version of each key that has one
     * @throws SQLException when the target fails
     */
    Map<RowKey, Hlc> versions(Connection c, String group, Collection<RowKey> keys) throws SQLException {
        // keys whose tables differ only in case share a hash (and a target row): each gets the version
        Map<String, List<RowKey>> byHash = new HashMap<>(keys.size() * 2);
        for (RowKey k : keys) {
            byHash.computeIfAbsent(hash(k), h -> new ArrayList<>(1)).add(k);
        }
        List<String> hashes = new ArrayList<>(byHash.keySet());
        Map<RowKey, Hlc> out = new HashMap<>();
        if (family == TargetFence.Family.POSTGRES) {
            // one array parameter: an IN list of hundreds gets a generic plan that scans (100 ms for 500 keys)
            try (PreparedStatement ps = c.prepareStatement("SELECT khash, wall, logical FROM " + versions
                    + " WHERE grp = ? AND khash = ANY(?::UUID[])")) {
                ps.setString(1, group);
                ps.setArray(2, c.createArrayOf("text", hashes.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Hlc v = new Hlc(rs.getLong(2), (int) rs.getLong(3));
                        byHash.get(rs.getString(1).replace("-", "")).forEach(k -> out.put(k, v));
                    }
                }
            }
            return out;
        }
        for (int from = 0; from < hashes.size(); from += CHUNK) {
            List<String> chunk = hashes.subList(from, Math.min(hashes.size(), from + CHUNK));
            StringBuilder sql = new StringBuilder("SELECT khash, wall, logical FROM ").append(versions)
                    .append(" WHERE grp = ? AND khash IN (");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "?" : ", ?");
            }
            sql.append(')');
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                TargetFence.setGroup(family, ps, 1, group);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 2, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        Hlc v = new Hlc(rs.getLong(2), (int) rs.getLong(3));
                        byHash.get(rs.getString(1)).forEach(k -> out.put(k, v));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Immediate mode: records the versions a batch applies, in its transaction.
     *
     * @param c       the batch's connection
     * @param group   the group
     * @param applied the version applied for each key, each newer than the recorded one
     * @throws SQLException when the target fails
     */
    void record(Connection c, String group, Map<RowKey, Hlc> applied) throws SQLException {
        if (applied.isEmpty()) {
            return;
        }
        // one row per hash (tables differing only in case share it): a statement may touch a row once
        Map<String, Hlc> byHash = new LinkedHashMap<>(applied.size() * 2);
        applied.forEach((k, v) -> byHash.merge(hash(k), v, Hlc::max));
        if (family == TargetFence.Family.POSTGRES) {
            String[] hashes = byHash.keySet().toArray(new String[0]);
            Long[] walls = new Long[hashes.length];
            Long[] logicals = new Long[hashes.length];
            for (int i = 0; i < hashes.length; i++) {
                Hlc v = byHash.get(hashes[i]);
                walls[i] = v.wall();
                logicals[i] = (long) v.logical();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + versions + " (grp, khash, wall, logical)"
                    + " SELECT ?, unnest(?::UUID[]), unnest(?::INT8[]), unnest(?::INT8[])"
                    + " ON CONFLICT (grp, khash) DO UPDATE SET wall = excluded.wall, logical = excluded.logical")) {
                ps.setString(1, group);
                ps.setArray(2, c.createArrayOf("text", hashes));
                ps.setArray(3, c.createArrayOf("int8", walls));
                ps.setArray(4, c.createArrayOf("int8", logicals));
                ps.executeUpdate();
            }
            return;
        }
        if (family == TargetFence.Family.ORACLE) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + versions + " WHERE grp = ? AND khash = ?")) {
                for (String h : byHash.keySet()) {
                    TargetFence.setGroup(family, ps, 1, group);
                    ps.setString(2, h);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        String conflict = family == TargetFence.Family.MYSQL
                ? " ON DUPLICATE KEY UPDATE wall = VALUES(wall), logical = VALUES(logical)" : "";
        List<Map.Entry<String, Hlc>> rows = new ArrayList<>(byHash.entrySet());
        // one multi-row statement per chunk (Oracle: one row per statement, batched)
        int per = family == TargetFence.Family.ORACLE ? 1 : CHUNK;
        for (int from = 0; from < rows.size(); from += per) {
            List<Map.Entry<String, Hlc>> chunk = rows.subList(from, Math.min(rows.size(), from + per));
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(versions).append(" (grp, khash, wall, logical) VALUES ");
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)");
            }
            sql.append(conflict);
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int at = 1;
                for (Map.Entry<String, Hlc> e : chunk) {
                    TargetFence.setGroup(family, ps, at++, group);
                    ps.setString(at++, e.getKey());
                    ps.setLong(at++, e.getValue().wall());
                    ps.setLong(at++, e.getValue().logical());
                }
                ps.executeUpdate();
            }
        }
    }

    /**
     * A key's identity in the versions table: the first 128 bits of SHA-256 of its table and key text, in
     * 32 hex digits (a {@code UUID} on PostgreSQL). Two keys of a group share it with a probability
     * below 10^-26 at a million keys.
     */
    static String hash(RowKey k) {
        MessageDigest md = SHA256.get(); // digest() resets it
        md.update(k.table().folded().toString().getBytes(StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(k.key().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md.digest(), 0, 16);
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
