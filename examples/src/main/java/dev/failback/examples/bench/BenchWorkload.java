package dev.failback.examples.bench;

import dev.failback.testing.simulator.CrdbJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The benchmark's deterministic change stream: two tables, {@code parent} and {@code child} (a
 * FOREIGN KEY {@code child.parent_id → parent.id}), rows of about 200 bytes, mutations drawn 60 %
 * insert / 30 % update / 10 % delete (a deleted parent takes its children with it, in the same
 * source transaction), source transactions of 1 to 6 rows. A row's values are a pure function of
 * (table, id, version), so a mutation is stored as a few numbers and its JSON, SQL parameters or
 * Kafka Connect struct are derived when needed. Not thread-safe.
 */
final class BenchWorkload {
    static final int PARENT = 0;
    static final int CHILD = 1;
    static final String[] TABLES = {"parent", "child"};
    /** Each table's columns in order, the key {@code id} first. */
    static final String[][] COLUMNS = {
        {"id", "name", "email", "status", "balance", "updated_at", "note"},
        {"id", "parent_id", "sku", "qty", "price", "created_at", "note"}};
    /** Version of a delete. */
    static final int DELETE = -1;
    private static final long BASE_MILLIS = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
    private static final String[] STATUS = {"active", "pending", "suspended", "closed"};

    /** A growable column store of mutations. */
    static final class Mutations {
        int size;
        byte[] table = new byte[1024];
        long[] id = new long[1024];
        int[] version = new int[1024];
        long[] parentId = new long[1024];
        long[] wall = new long[1024];

        void add(int t, long i, int v, long p, long w) {
            if (size == id.length) {
                int n = size * 2;
                table = Arrays.copyOf(table, n);
                id = Arrays.copyOf(id, n);
                version = Arrays.copyOf(version, n);
                parentId = Arrays.copyOf(parentId, n);
                wall = Arrays.copyOf(wall, n);
            }
            table[size] = (byte) t;
            id[size] = i;
            version[size] = v;
            parentId[size] = p;
            wall[size] = w;
            size++;
        }

        boolean isDelete(int i) {
            return version[i] == DELETE;
        }
    }

    /** A set of longs with O(1) add, remove and uniform random pick. */
    static final class LongSet {
        private long[] items = new long[1024];
        private int size;
        private final Map<Long, Integer> index = new HashMap<>();

        void add(long v) {
            if (index.putIfAbsent(v, size) != null) {
                return;
            }
            if (size == items.length) {
                items = Arrays.copyOf(items, size * 2);
            }
            items[size++] = v;
        }

        void remove(long v) {
            Integer at = index.remove(v);
            if (at == null) {
                return;
            }
            long last = items[--size];
            if (at < size) {
                items[at] = last;
                index.put(last, at);
            }
        }

        long pick(Random r) {
            return items[r.nextInt(size)];
        }

        int size() {
            return size;
        }

        long get(int i) {
            return items[i];
        }
    }

    private final Random random;
    private final LongSet liveParents = new LongSet();
    private final LongSet liveChildren = new LongSet();
    private final Map<Long, List<Long>> childrenOf = new HashMap<>();
    private final Map<Long, Integer> parentVersion = new HashMap<>();
    private final Map<Long, Integer> childVersion = new HashMap<>();
    private final Map<Long, Long> childParent = new HashMap<>();
    private long nextParent = 1;
    private long nextChild = 1;
    long inserts;
    long updates;
    long deletes;
    long transactions;

    /** One generated source transaction (no timestamp yet). */
    final Mutations txn = new Mutations();
    private final Set<Long> touched = new HashSet<>();

    BenchWorkload(long seed) {
        this.random = new Random(seed);
    }

    /** Generates the next source transaction into {@link #txn}; the caller gives it its timestamp. */
    void nextTransaction() {
        txn.size = 0;
        touched.clear();
        int rows = 1 + random.nextInt(6);
        for (int attempt = 0; txn.size < rows && attempt < rows * 8; attempt++) {
            int dice = random.nextInt(100);
            if (dice < 60 || liveChildren.size() < 20) {
                insert();
            } else if (dice < 90) {
                update();
            } else {
                delete();
            }
        }
        transactions++;
    }

    private static long tk(int table, long id) {
        return id * 2 + table;
    }

    private void insert() {
        if (liveParents.size() < 10 || random.nextInt(100) < 30) {
            long id = nextParent++;
            liveParents.add(id);
            parentVersion.put(id, 0);
            childrenOf.put(id, new ArrayList<>(4));
            touched.add(tk(PARENT, id));
            txn.add(PARENT, id, 0, 0, 0);
        } else {
            long p = liveParents.pick(random);
            long id = nextChild++;
            liveChildren.add(id);
            childVersion.put(id, 0);
            childParent.put(id, p);
            childrenOf.get(p).add(id);
            touched.add(tk(CHILD, id));
            txn.add(CHILD, id, 0, p, 0);
        }
        inserts++;
    }

    private void update() {
        boolean parent = random.nextInt(100) < 30;
        LongSet live = parent ? liveParents : liveChildren;
        long id = live.pick(random);
        int table = parent ? PARENT : CHILD;
        if (!touched.add(tk(table, id))) {
            return;
        }
        Map<Long, Integer> versions = parent ? parentVersion : childVersion;
        int v = versions.merge(id, 1, Integer::sum);
        txn.add(table, id, v, parent ? 0 : childParent.get(id), 0);
        updates++;
    }

    private void delete() {
        if (random.nextInt(100) < 85) {
            long id = liveChildren.pick(random);
            if (touched.contains(tk(CHILD, id))) {
                return;
            }
            deleteChild(id);
            return;
        }
        if (liveParents.size() < 20) {
            return;
        }
        long p = liveParents.pick(random);
        if (touched.contains(tk(PARENT, p))) {
            return;
        }
        List<Long> kids = childrenOf.get(p);
        for (long c : kids) {
            if (touched.contains(tk(CHILD, c))) {
                return;
            }
        }
        for (long c : new ArrayList<>(kids)) {
            deleteChild(c);
        }
        touched.add(tk(PARENT, p));
        liveParents.remove(p);
        parentVersion.remove(p);
        childrenOf.remove(p);
        txn.add(PARENT, p, DELETE, 0, 0);
        deletes++;
    }

    private void deleteChild(long id) {
        touched.add(tk(CHILD, id));
        long p = childParent.remove(id);
        childrenOf.get(p).remove(id);
        liveChildren.remove(id);
        childVersion.remove(id);
        txn.add(CHILD, id, DELETE, p, 0);
        deletes++;
    }

    /** The current rows (the state after everything generated so far), parents then children, by id. */
    Mutations finalRows() {
        Mutations out = new Mutations();
        long[] ps = new long[liveParents.size()];
        for (int i = 0; i < ps.length; i++) {
            ps[i] = liveParents.get(i);
        }
        Arrays.sort(ps);
        for (long p : ps) {
            out.add(PARENT, p, parentVersion.get(p), 0, 0);
        }
        long[] cs = new long[liveChildren.size()];
        for (int i = 0; i < cs.length; i++) {
            cs[i] = liveChildren.get(i);
        }
        Arrays.sort(cs);
        for (long c : cs) {
            out.add(CHILD, c, childVersion.get(c), childParent.get(c), 0);
        }
        return out;
    }

    long liveParents() {
        return liveParents.size();
    }

    long liveChildren() {
        return liveChildren.size();
    }

    // ---- row values: a pure function of (table, id, version) ----

    static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static long h(int table, long id, int version, int field) {
        return mix(mix(id * 4 + table) + version * 1_000_003L + field);
    }

    static String name(long id, int v) {
        return "Customer " + id + " rev " + v;
    }

    static String email(long id) {
        return "customer" + id + "@example.com";
    }

    static String status(long id, int v) {
        return STATUS[(int) Math.floorMod(h(PARENT, id, v, 1), 4L)];
    }

    static BigDecimal balance(long id, int v) {
        return BigDecimal.valueOf(Math.floorMod(h(PARENT, id, v, 2), 10_000_000_000L), 2);
    }

    static Instant time(int table, long id, int v) {
        return Instant.ofEpochMilli(BASE_MILLIS + Math.floorMod(h(table, id, v, 3), 365L * 86_400_000L));
    }

    static String note(int table, long id, int v) {
        String hex = Long.toHexString(h(table, id, v, 4) | Long.MIN_VALUE);
        int words = table == PARENT ? 6 : 5;
        StringBuilder sb = new StringBuilder(words * 17);
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(hex, i % 4, 16).append(hex, 0, i % 4);
        }
        return sb.toString();
    }

    static String sku(long id, int v) {
        return "SKU-" + Math.floorMod(h(CHILD, id, v, 5), 1_000_000L) + "-" + v;
    }

    static int qty(long id, int v) {
        return 1 + (int) Math.floorMod(h(CHILD, id, v, 6), 1000L);
    }

    static BigDecimal price(long id, int v) {
        return BigDecimal.valueOf(Math.floorMod(h(CHILD, id, v, 7), 100_000_000L), 2);
    }

    // ---- CockroachDB changefeed JSON ----

    /** The {@code after} object of a row, keys sorted bytewise as CockroachDB writes them. */
    static String after(int table, long id, int v, long parentId) {
        StringBuilder b = new StringBuilder(280).append('{');
        if (table == PARENT) {
            b.append("\"balance\": ").append(balance(id, v).toPlainString())
                    .append(", \"email\": ").append(CrdbJson.string(email(id)))
                    .append(", \"id\": ").append(id)
                    .append(", \"name\": ").append(CrdbJson.string(name(id, v)))
                    .append(", \"note\": ").append(CrdbJson.string(note(PARENT, id, v)))
                    .append(", \"status\": ").append(CrdbJson.string(status(id, v)))
                    .append(", \"updated_at\": ").append(CrdbJson.timestamptz(time(PARENT, id, v)));
        } else {
            b.append("\"created_at\": ").append(CrdbJson.timestamptz(time(CHILD, id, v)))
                    .append(", \"id\": ").append(id)
                    .append(", \"note\": ").append(CrdbJson.string(note(CHILD, id, v)))
                    .append(", \"parent_id\": ").append(parentId)
                    .append(", \"price\": ").append(price(id, v).toPlainString())
                    .append(", \"qty\": ").append(qty(id, v))
                    .append(", \"sku\": ").append(CrdbJson.string(sku(id, v)));
        }
        return b.append('}').toString();
    }

    /** One changefeed message (envelope {@code wrapped}, with {@code updated}, key and topic as the webhook sink forces). */
    static String message(Mutations m, int i) {
        String after = m.isDelete(i) ? "null" : after(m.table[i], m.id[i], m.version[i], m.parentId[i]);
        return "{\"after\": " + after + ", \"key\": [" + m.id[i] + "], \"topic\": \"" + TABLES[m.table[i]]
                + "\", \"updated\": \"" + hlc(m.wall[i]) + "\"}";
    }

    static String hlc(long wall) {
        return wall + ".0000000000";
    }

    /** A row batch body, exactly as the newest webhook sink builds it. */
    static byte[] body(List<String> messages) {
        StringBuilder b = new StringBuilder(messages.size() * 330 + 32).append("{\"payload\":[");
        for (int i = 0; i < messages.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(messages.get(i));
        }
        return b.append("],\"length\":").append(messages.size()).append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    static byte[] resolvedBody(long wall) {
        return ("{\"resolved\":\"" + hlc(wall) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** The sender a row belongs to: every row of one parent's family goes to the same sender, so its order holds. */
    static int family(Mutations m, int i, int senders) {
        long f = m.table[i] == PARENT ? m.id[i] : m.parentId[i];
        return (int) Math.floorMod(mix(f), (long) senders);
    }
}
