package dev.failback.testing.simulator;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * The HR schema of the changefeed fixtures: {@code employees} (INT8 key, a self-referencing
 * {@code manager_id}), {@code orders} (UUID key, an {@code order_status} enum, a foreign key to
 * employees) and {@code payments} (composite key {@code (order_id, seq)}, a foreign key to orders).
 *
 * <p>Transactions mix hires, raises and reorganisations (up to 20 rows), orders placed with or
 * without payments, payments, shipments, cancellations (payments deleted before their order, in the
 * same transaction) and departures of employees with no reports and no orders. Managers always have
 * a smaller id than their reports, so the hierarchy has no cycles. Strings include quotes,
 * backslashes, control characters and non-ASCII text. Not thread-safe (the simulator calls it from
 * one thread).
 */
public final class HrWorkload implements ForeignKeyWorkload {
    /** The tables, parents first. */
    public static final List<String> TABLES = List.of("employees", "orders", "payments");

    private static final String[] FIRST = {"Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Ken",
        "Margaret", "Niklaus", "Radia", "Tim", "Zoë", "José", "Siobhán", "Ørjan", "Łukasz", "Mei"};
    private static final String[] LAST = {"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen",
        "Thompson", "Hamilton", "Wirth", "Perlman", "O'Brien", "Müller", "van \"Rossum\"", "Nakamura", "Ng"};
    private static final String[] DEPARTMENTS = {"Engineering", "Research", "Sales", "Finance", "Support", null};
    private static final String[] METHODS = {"card", "paypal", "wire", "cash"};
    private static final String[] CURRENCIES = {"USD", "EUR", "GBP", "CHF"};
    private static final String[] NOTES = {"fragile", "leave at the door", "<b>rush</b> & \"gift\"", "line one\nline two",
        "tab\tseparated", "back\\slash", "日本語のメモ", "bell \u0001 char", "emoji 🚀"};
    private static final long BASE_SECONDS = 1_577_836_800L; // 2020-01-01T00:00:00Z
    private static final int SPAN_SECONDS = 5 * 365 * 86_400;

    private final IndexedSet<Long> employees = new IndexedSet<>();
    private final Map<Long, Set<Long>> reports = new HashMap<>();
    private final Map<Long, Integer> ordersByEmployee = new HashMap<>();
    private final IndexedSet<String> orders = new IndexedSet<>();
    private final Map<String, TreeSet<Integer>> paymentsByOrder = new HashMap<>();
    private final Map<String, Integer> nextSeq = new HashMap<>();
    private long nextEmployeeId = 1;

    /** Creates a workload over empty tables. */
    public HrWorkload() {
    }

    @Override
    public String name() {
        return "hr";
    }

    @Override
    public List<String> tables() {
        return TABLES;
    }

    @Override
    public String postgresDdl(String schema, boolean foreignKeys) {
        String s = Ddl.postgresSchema(schema);
        return "CREATE TYPE " + s + ".order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');\n"
                + "CREATE TABLE " + s + ".employees (id BIGINT PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE, "
                + "department TEXT, salary NUMERIC(12,2), hired_at TIMESTAMPTZ DEFAULT now(), active BOOLEAN DEFAULT true, "
                + "manager_id BIGINT" + (foreignKeys ? " REFERENCES " + s + ".employees (id)" : "") + ");\n"
                + "CREATE TABLE " + s + ".orders (id UUID PRIMARY KEY, employee_id BIGINT NOT NULL"
                + (foreignKeys ? " REFERENCES " + s + ".employees (id)" : "") + ", status " + s
                + ".order_status NOT NULL DEFAULT 'pending', total NUMERIC(10,2) NOT NULL, "
                + "currency CHAR(3) NOT NULL DEFAULT 'USD', created_at TIMESTAMP NOT NULL DEFAULT now(), notes TEXT);\n"
                + "CREATE TABLE " + s + ".payments (order_id UUID NOT NULL"
                + (foreignKeys ? " REFERENCES " + s + ".orders (id)" : "") + ", seq INTEGER NOT NULL, "
                + "amount NUMERIC(10,2) NOT NULL, method TEXT NOT NULL, paid_at TIMESTAMPTZ NOT NULL DEFAULT now(), "
                + "PRIMARY KEY (order_id, seq))";
    }

    /**
     * {@inheritDoc} UUIDs are CHAR(36), timestamps with a zone DATETIME(6) in UTC, the enum a MySQL ENUM.
     */
    @Override
    public String mysqlDdl(String database, boolean foreignKeys) {
        String d = Ddl.mysqlDatabase(database);
        return "CREATE TABLE " + d + ".employees (id BIGINT PRIMARY KEY, name TEXT NOT NULL, email VARCHAR(255) UNIQUE, "
                + "department TEXT, salary DECIMAL(12,2), hired_at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6), "
                + "active BOOLEAN DEFAULT true, manager_id BIGINT"
                + (foreignKeys ? ", FOREIGN KEY (manager_id) REFERENCES " + d + ".employees (id)" : "") + ");\n"
                + "CREATE TABLE " + d + ".orders (id CHAR(36) PRIMARY KEY, employee_id BIGINT NOT NULL, "
                + "status ENUM('pending', 'paid', 'shipped', 'cancelled') NOT NULL DEFAULT 'pending', "
                + "total DECIMAL(10,2) NOT NULL, currency CHAR(3) NOT NULL DEFAULT 'USD', "
                + "created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), notes TEXT"
                + (foreignKeys ? ", FOREIGN KEY (employee_id) REFERENCES " + d + ".employees (id)" : "") + ");\n"
                + "CREATE TABLE " + d + ".payments (order_id CHAR(36) NOT NULL, seq INT NOT NULL, "
                + "amount DECIMAL(10,2) NOT NULL, method TEXT NOT NULL, "
                + "paid_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6), PRIMARY KEY (order_id, seq)"
                + (foreignKeys ? ", FOREIGN KEY (order_id) REFERENCES " + d + ".orders (id)" : "") + ")";
    }

    @Override
    public List<RowChange> nextTransaction(Random random, SourceModel model) {
        List<RowChange> tx = new ArrayList<>();
        while (tx.isEmpty()) {
            int dice = random.nextInt(100);
            if (employees.size() < 10 || dice < 14) {
                hire(random, tx);
            } else if (dice < 30) {
                updateEmployees(random, model, tx, 1 + random.nextInt(3));
            } else if (dice < 33) {
                updateEmployees(random, model, tx, 5 + random.nextInt(16));
            } else if (dice < 58) {
                placeOrder(random, tx, employees.pick(random));
            } else if (dice < 72) {
                pay(random, model, tx);
            } else if (dice < 82) {
                ship(random, model, tx);
            } else if (dice < 92) {
                cancel(random, model, tx);
            } else {
                leave(random, tx);
            }
        }
        return tx;
    }

    private void hire(Random random, List<RowChange> tx) {
        long id = nextEmployeeId++;
        Long manager = employees.isEmpty() || random.nextInt(5) == 0 ? null : employees.pick(random);
        String first = FIRST[random.nextInt(FIRST.length)];
        String last = LAST[random.nextInt(LAST.length)];
        SortedMap<String, String> row = CrdbJson.row();
        row.put("id", CrdbJson.number(id));
        row.put("name", CrdbJson.string(first + " " + last));
        row.put("email", CrdbJson.string("employee" + id + "@example.com"));
        row.put("department", CrdbJson.string(DEPARTMENTS[random.nextInt(DEPARTMENTS.length)]));
        row.put("salary", CrdbJson.number(money(random, 40_000, 200_000)));
        row.put("hired_at", CrdbJson.timestamptz(instant(random)));
        row.put("active", CrdbJson.bool(true));
        row.put("manager_id", manager == null ? CrdbJson.NULL : CrdbJson.number(manager));
        tx.add(RowChange.upsert("employees", employeeKey(id), row));
        employees.add(id);
        if (manager != null) {
            reports.computeIfAbsent(manager, m -> new HashSet<>()).add(id);
        }
        if (random.nextInt(3) == 0) {
            placeOrder(random, tx, id);
        }
    }

    private void updateEmployees(Random random, SourceModel model, List<RowChange> tx, int count) {
        Set<Long> done = new HashSet<>();
        for (int i = 0; i < count && done.size() < employees.size(); i++) {
            Long id = employees.pick(random);
            if (!done.add(id)) {
                continue;
            }
            SortedMap<String, String> row = CrdbJson.row(model.row("employees", employeeKey(id)));
            switch (random.nextInt(4)) {
                case 0 -> row.put("salary", CrdbJson.number(money(random, 40_000, 250_000)));
                case 1 -> row.put("department", CrdbJson.string(DEPARTMENTS[random.nextInt(DEPARTMENTS.length)]));
                case 2 -> row.put("active", CrdbJson.bool(random.nextInt(4) != 0));
                default -> {
                    Long candidate = employees.pick(random);
                    Long manager = candidate < id ? candidate : null;
                    Long old = parseLong(row.get("manager_id"));
                    Set<Long> oldReports = old == null ? null : reports.get(old);
                    if (oldReports != null) {
                        oldReports.remove(id);
                    }
                    if (manager != null) {
                        reports.computeIfAbsent(manager, m -> new HashSet<>()).add(id);
                    }
                    row.put("manager_id", manager == null ? CrdbJson.NULL : CrdbJson.number(manager));
                }
            }
            tx.add(RowChange.upsert("employees", employeeKey(id), row));
        }
    }

    private void placeOrder(Random random, List<RowChange> tx, long employee) {
        String id = uuid(random);
        int payments = random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0;
        SortedMap<String, String> row = CrdbJson.row();
        row.put("id", CrdbJson.string(id));
        row.put("employee_id", CrdbJson.number(employee));
        row.put("status", CrdbJson.string(payments > 0 ? "paid" : "pending"));
        row.put("total", CrdbJson.number(money(random, 1, 5_000)));
        row.put("currency", CrdbJson.string(CURRENCIES[random.nextInt(CURRENCIES.length)]));
        row.put("created_at", CrdbJson.timestamp(LocalDateTime.ofInstant(instant(random), ZoneOffset.UTC)));
        row.put("notes", random.nextInt(3) == 0 ? CrdbJson.string(NOTES[random.nextInt(NOTES.length)]) : CrdbJson.NULL);
        tx.add(RowChange.upsert("orders", orderKey(id), row));
        orders.add(id);
        ordersByEmployee.merge(employee, 1, Integer::sum);
        paymentsByOrder.put(id, new TreeSet<>());
        nextSeq.put(id, 1);
        for (int i = 0; i < payments; i++) {
            addPayment(random, tx, id);
        }
    }

    private void addPayment(Random random, List<RowChange> tx, String order) {
        int seq = nextSeq.merge(order, 1, Integer::sum) - 1;
        SortedMap<String, String> row = CrdbJson.row();
        row.put("order_id", CrdbJson.string(order));
        row.put("seq", CrdbJson.number(seq));
        row.put("amount", CrdbJson.number(money(random, 1, 2_000)));
        row.put("method", CrdbJson.string(METHODS[random.nextInt(METHODS.length)]));
        row.put("paid_at", CrdbJson.timestamptz(instant(random)));
        tx.add(RowChange.upsert("payments", paymentKey(order, seq), row));
        paymentsByOrder.get(order).add(seq);
    }

    private void pay(Random random, SourceModel model, List<RowChange> tx) {
        String order = orders.pick(random);
        if (order == null) {
            return;
        }
        SortedMap<String, String> row = CrdbJson.row(model.row("orders", orderKey(order)));
        String status = row.get("status");
        if (status.equals("\"shipped\"") || status.equals("\"cancelled\"")) {
            return;
        }
        row.put("status", CrdbJson.string("paid"));
        tx.add(RowChange.upsert("orders", orderKey(order), row));
        addPayment(random, tx, order);
    }

    private void ship(Random random, SourceModel model, List<RowChange> tx) {
        String order = orders.pick(random);
        if (order == null) {
            return;
        }
        SortedMap<String, String> row = CrdbJson.row(model.row("orders", orderKey(order)));
        if (row.get("status").equals("\"paid\"")) {
            row.put("status", CrdbJson.string("shipped"));
        } else {
            row.put("notes", CrdbJson.string(NOTES[random.nextInt(NOTES.length)] + " #" + random.nextInt(1000)));
        }
        tx.add(RowChange.upsert("orders", orderKey(order), row));
    }

    private void cancel(Random random, SourceModel model, List<RowChange> tx) {
        String order = orders.pick(random);
        if (order == null) {
            return;
        }
        TreeSet<Integer> payments = paymentsByOrder.get(order);
        if (random.nextInt(3) == 0) {
            // Mark cancelled and refund one payment: an update and a delete in one transaction.
            SortedMap<String, String> row = CrdbJson.row(model.row("orders", orderKey(order)));
            row.put("status", CrdbJson.string("cancelled"));
            tx.add(RowChange.upsert("orders", orderKey(order), row));
            if (!payments.isEmpty()) {
                int seq = payments.pollFirst();
                tx.add(RowChange.delete("payments", paymentKey(order, seq)));
            }
            return;
        }
        for (int seq : payments) {
            tx.add(RowChange.delete("payments", paymentKey(order, seq)));
        }
        tx.add(RowChange.delete("orders", orderKey(order)));
        long employee = Long.parseLong(model.row("orders", orderKey(order)).get("employee_id"));
        ordersByEmployee.merge(employee, -1, Integer::sum);
        orders.remove(order);
        paymentsByOrder.remove(order);
        nextSeq.remove(order);
    }

    private void leave(Random random, List<RowChange> tx) {
        for (int attempt = 0; attempt < 8; attempt++) {
            Long id = employees.pick(random);
            if (ordersByEmployee.getOrDefault(id, 0) == 0 && reports.getOrDefault(id, Set.of()).isEmpty()) {
                tx.add(RowChange.delete("employees", employeeKey(id)));
                employees.remove(id);
                reports.remove(id);
                ordersByEmployee.remove(id);
                for (Set<Long> r : reports.values()) {
                    r.remove(id);
                }
                return;
            }
        }
    }

    /**
     * Returns the key JSON text of an employee.
     *
     * @param id the employee id
     * @return for example {@code [3]}
     */
    public static String employeeKey(long id) {
        return CrdbJson.array(CrdbJson.number(id));
    }

    /**
     * Returns the key JSON text of an order.
     *
     * @param id the order UUID
     * @return for example {@code ["3f2b8c1e-…"]}
     */
    public static String orderKey(String id) {
        return CrdbJson.array(CrdbJson.string(id));
    }

    /**
     * Returns the key JSON text of a payment.
     *
     * @param order the order UUID
     * @param seq   the payment number within the order
     * @return for example {@code ["3f2b8c1e-…", 1]}
     */
    public static String paymentKey(String order, int seq) {
        return CrdbJson.array(CrdbJson.string(order), CrdbJson.number(seq));
    }

    private static Long parseLong(String json) {
        return json == null || json.equals(CrdbJson.NULL) ? null : Long.valueOf(json);
    }

    private static BigDecimal money(Random random, int min, int max) {
        long cents = (long) min * 100 + (long) (random.nextDouble() * ((long) (max - min) * 100));
        return new BigDecimal(BigInteger.valueOf(cents), 2);
    }

    private static Instant instant(Random random) {
        return Instant.ofEpochSecond(BASE_SECONDS + random.nextInt(SPAN_SECONDS), random.nextInt(1_000_000) * 1_000L);
    }

    private static String uuid(Random random) {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb).toString();
    }
}
