package dev.failback.testing.simulator;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Orders with lines, a parent/child invariant across two tables: {@code orders(id BIGINT PRIMARY KEY,
 * line_count INT NOT NULL, total BIGINT NOT NULL)} and {@code order_lines(order_id BIGINT NOT NULL
 * REFERENCES orders, line_no INT NOT NULL, amount BIGINT NOT NULL, PRIMARY KEY (order_id, line_no))}.
 * After every source transaction each order's {@code line_count} is the number of its lines and its
 * {@code total} the sum of their amounts, and every line has its order. A target that ever shows an
 * order disagreeing with its lines, or a line without its order, applied part of a transaction.
 *
 * <p>Each transaction creates an order with 0 to 5 lines, adds a line to an order, removes one,
 * changes the amounts of one or two lines of an order, moves a line from one order to another (two
 * headers, a delete and an insert), or deletes an order with all its lines (children first, then the
 * parent, in one transaction); the header is written in the same transaction as its lines. Order
 * ids are never reused; a line number may be (a removed last line's number is given to the next
 * line). The number of orders stays between a few and {@code maxOrders}. Not thread-safe (the
 * simulator calls it from one thread).
 */
public final class OrderWorkload implements ForeignKeyWorkload {
    /** The parent table. */
    public static final String ORDERS = "orders";
    /** The child table. */
    public static final String LINES = "order_lines";
    /** The tables, parent first. */
    public static final List<String> TABLES = List.of(ORDERS, LINES);

    private static final int MAX_LINES = 8;
    private static final int MAX_AMOUNT = 1_000;

    private final int maxOrders;
    private final int minOrders;
    private final IndexedSet<Long> orders = new IndexedSet<>();
    /** Order id → line number → amount. */
    private final Map<Long, TreeMap<Integer, Long>> lines = new HashMap<>();
    private long nextOrderId = 1;

    /**
     * Creates a workload over empty tables.
     *
     * @param maxOrders the most orders that exist at once, at least 2
     */
    public OrderWorkload(int maxOrders) {
        if (maxOrders < 2) {
            throw new IllegalArgumentException("maxOrders must be >= 2, but was " + maxOrders);
        }
        this.maxOrders = maxOrders;
        this.minOrders = Math.max(2, maxOrders / 10);
    }

    /** Creates a workload of at most 100 orders. */
    public OrderWorkload() {
        this(100);
    }

    @Override
    public String name() {
        return "orders";
    }

    @Override
    public List<String> tables() {
        return TABLES;
    }

    @Override
    public String postgresDdl(String schema, boolean foreignKeys) {
        String s = Ddl.postgresSchema(schema);
        return "CREATE TABLE " + s + ".orders (id BIGINT PRIMARY KEY, line_count INT NOT NULL, total BIGINT NOT NULL);\n"
                + "CREATE TABLE " + s + ".order_lines (order_id BIGINT NOT NULL"
                + (foreignKeys ? " REFERENCES " + s + ".orders (id)" : "")
                + ", line_no INT NOT NULL, amount BIGINT NOT NULL, PRIMARY KEY (order_id, line_no))";
    }

    /** {@inheritDoc} The tables are InnoDB. */
    @Override
    public String mysqlDdl(String database, boolean foreignKeys) {
        String d = Ddl.mysqlDatabase(database);
        return "CREATE TABLE " + d + ".orders (id BIGINT PRIMARY KEY, line_count INT NOT NULL, total BIGINT NOT NULL)"
                + " ENGINE=InnoDB;\n"
                + "CREATE TABLE " + d + ".order_lines (order_id BIGINT NOT NULL, line_no INT NOT NULL, "
                + "amount BIGINT NOT NULL, PRIMARY KEY (order_id, line_no)"
                + (foreignKeys ? ", FOREIGN KEY (order_id) REFERENCES " + d + ".orders (id)" : "") + ") ENGINE=InnoDB";
    }

    /**
     * Counts the broken invariants in a model of these tables: orders whose {@code line_count} or
     * {@code total} disagree with their lines, plus lines whose order does not exist. The same check
     * as {@link #violationsQuery} on a target.
     *
     * @param model the model
     * @return 0 when every order agrees with its lines
     */
    public static long violations(SourceModel model) {
        Map<String, long[]> sums = new HashMap<>();
        long orphans = 0;
        SortedMap<String, SortedMap<String, String>> headers = model.rows(ORDERS);
        for (SortedMap<String, String> line : model.rows(LINES).values()) {
            String order = line.get("order_id");
            if (!headers.containsKey(orderKey(Long.parseLong(order)))) {
                orphans++;
                continue;
            }
            long[] s = sums.computeIfAbsent(order, o -> new long[2]);
            s[0]++;
            s[1] += Long.parseLong(line.get("amount"));
        }
        long wrong = 0;
        for (SortedMap<String, String> header : headers.values()) {
            long[] s = sums.getOrDefault(header.get("id"), new long[2]);
            if (Long.parseLong(header.get("line_count")) != s[0] || Long.parseLong(header.get("total")) != s[1]) {
                wrong++;
            }
        }
        return wrong + orphans;
    }

    /**
     * Returns one SQL statement, valid on PostgreSQL and MySQL/MariaDB, that counts the broken
     * invariants in a target (as {@link #violations} does in a model): orders whose header disagrees
     * with their lines plus lines without their order. Being one statement, it reads one snapshot.
     *
     * @param qualifier the schema (PostgreSQL) or database (MySQL) as it should appear before
     *                  {@code .orders}, already quoted if it needs quoting
     * @return a query returning one row with one count
     */
    public static String violationsQuery(String qualifier) {
        String o = qualifier + "." + ORDERS;
        String l = qualifier + "." + LINES;
        return "SELECT (SELECT count(*) FROM " + o + " o WHERE o.line_count <> (SELECT count(*) FROM " + l
                + " l WHERE l.order_id = o.id) OR o.total <> (SELECT coalesce(sum(l.amount), 0) FROM " + l
                + " l WHERE l.order_id = o.id)) + (SELECT count(*) FROM " + l + " l WHERE NOT EXISTS (SELECT 1 FROM "
                + o + " o WHERE o.id = l.order_id))";
    }

    @Override
    public List<RowChange> nextTransaction(Random random, SourceModel model) {
        List<RowChange> tx = new ArrayList<>();
        while (tx.isEmpty()) {
            int dice = random.nextInt(100);
            if (orders.size() < minOrders) {
                create(random, tx);
            } else if (dice < 20) {
                if (orders.size() < maxOrders) {
                    create(random, tx);
                } else {
                    delete(orders.pick(random), tx);
                }
            } else if (dice < 40) {
                addLine(random, orders.pick(random), tx);
            } else if (dice < 55) {
                removeLine(random, orders.pick(random), tx);
            } else if (dice < 78) {
                changeLines(random, orders.pick(random), tx);
            } else if (dice < 88) {
                moveLine(random, tx);
            } else {
                delete(orders.pick(random), tx);
            }
        }
        return tx;
    }

    private void create(Random random, List<RowChange> tx) {
        long id = nextOrderId++;
        TreeMap<Integer, Long> own = new TreeMap<>();
        int count = random.nextInt(6);
        for (int i = 1; i <= count; i++) {
            own.put(i, amount(random));
        }
        orders.add(id);
        lines.put(id, own);
        tx.add(header(id));
        own.forEach((no, amount) -> tx.add(line(id, no, amount)));
    }

    private void addLine(Random random, long id, List<RowChange> tx) {
        TreeMap<Integer, Long> own = lines.get(id);
        if (own.size() >= MAX_LINES) {
            return;
        }
        int no = own.isEmpty() ? 1 : own.lastKey() + 1;
        long amount = amount(random);
        own.put(no, amount);
        tx.add(header(id));
        tx.add(line(id, no, amount));
    }

    private void removeLine(Random random, long id, List<RowChange> tx) {
        TreeMap<Integer, Long> own = lines.get(id);
        if (own.isEmpty()) {
            return;
        }
        int no = pickLine(random, own);
        own.remove(no);
        tx.add(header(id));
        tx.add(RowChange.delete(LINES, lineKey(id, no)));
    }

    private void changeLines(Random random, long id, List<RowChange> tx) {
        TreeMap<Integer, Long> own = lines.get(id);
        if (own.isEmpty()) {
            return;
        }
        List<Integer> changed = new ArrayList<>();
        int wanted = Math.min(own.size(), 1 + random.nextInt(2));
        while (changed.size() < wanted) {
            int no = pickLine(random, own);
            if (!changed.contains(no)) {
                changed.add(no);
                own.put(no, amount(random));
            }
        }
        tx.add(header(id));
        for (int no : changed) {
            tx.add(line(id, no, own.get(no)));
        }
    }

    private void moveLine(Random random, List<RowChange> tx) {
        long from = orders.pick(random);
        long to = orders.pick(random);
        TreeMap<Integer, Long> source = lines.get(from);
        TreeMap<Integer, Long> target = lines.get(to);
        if (from == to || source.isEmpty() || target.size() >= MAX_LINES) {
            return;
        }
        int no = pickLine(random, source);
        long amount = source.remove(no);
        int newNo = target.isEmpty() ? 1 : target.lastKey() + 1;
        target.put(newNo, amount);
        tx.add(header(from));
        tx.add(header(to));
        tx.add(RowChange.delete(LINES, lineKey(from, no)));
        tx.add(line(to, newNo, amount));
    }

    private void delete(long id, List<RowChange> tx) {
        for (int no : lines.remove(id).keySet()) {
            tx.add(RowChange.delete(LINES, lineKey(id, no)));
        }
        tx.add(RowChange.delete(ORDERS, orderKey(id)));
        orders.remove(id);
    }

    private RowChange header(long id) {
        long total = 0;
        for (long amount : lines.get(id).values()) {
            total += amount;
        }
        SortedMap<String, String> row = CrdbJson.row();
        row.put("id", CrdbJson.number(id));
        row.put("line_count", CrdbJson.number(lines.get(id).size()));
        row.put("total", CrdbJson.number(total));
        return RowChange.upsert(ORDERS, orderKey(id), row);
    }

    private static RowChange line(long id, int no, long amount) {
        SortedMap<String, String> row = CrdbJson.row();
        row.put("order_id", CrdbJson.number(id));
        row.put("line_no", CrdbJson.number(no));
        row.put("amount", CrdbJson.number(amount));
        return RowChange.upsert(LINES, lineKey(id, no), row);
    }

    private static int pickLine(Random random, TreeMap<Integer, Long> own) {
        int skip = random.nextInt(own.size());
        for (int no : own.keySet()) {
            if (skip-- == 0) {
                return no;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private static long amount(Random random) {
        return 1 + random.nextInt(MAX_AMOUNT);
    }

    /**
     * Returns the key JSON text of an order.
     *
     * @param id the order id
     * @return for example {@code [3]}
     */
    public static String orderKey(long id) {
        return CrdbJson.array(CrdbJson.number(id));
    }

    /**
     * Returns the key JSON text of an order line.
     *
     * @param order the order id
     * @param lineNo the line number within the order
     * @return for example {@code [3, 1]}
     */
    public static String lineKey(long order, int lineNo) {
        return CrdbJson.array(CrdbJson.number(order), CrdbJson.number(lineNo));
    }
}
