package dev.failback.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.Status;
import dev.failback.jetty.JettySink;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Issue #17, item 6 (MOLT Replicator #995): one source transaction of a million rows (a bulk {@code UPDATE}
 * in CockroachDB: every row of a table changed at one timestamp) fed to Failback in consistent mode over
 * HTTP as a changefeed sends it, then its resolved timestamp. Run it with a small heap ({@code -Xmx256m}):
 * the stream is generated on the fly, so the heap measured is Failback's.
 *
 * <p>Per database it prints, measured in the same run on a copy of the same table: the <b>limit</b> (the
 * new rows written straight into the table in one transaction: COPY / {@code LOAD DATA LOCAL} into a
 * temporary table, then one upsert from it) and <b>Failback</b> (time from the first POST to the resolved
 * timestamp applied, the time to stage, the target transactions, the peak heap after GC); both tables must
 * end equal. {@code java -Xmx256m -cp examples/target/failback.jar
 * dev.failback.examples.bench.LargeTransactionBenchmark [--db postgresql|mariadb|all] [--rows N] [--senders N]
 * [--batch N] [--large-rows N] [--pg-url URL] [--mysql-url URL]} ({@code --large-rows} above {@code --rows} holds the transaction in memory, as
 * before #17).
 */
public final class LargeTransactionBenchmark {
    private static final long WALL = 1_765_000_000_000_000_000L;
    private static final String NOTE = "x".repeat(60);

    private LargeTransactionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        ReplicationBenchmark.quietLogs();
        ReplicationBenchmark.Options defaults = new ReplicationBenchmark.Options();
        defaults.rows = 1_000_000;
        defaults.senders = 4;
        defaults.largeRows = Failback.Builder.DEFAULT_LARGE_TRANSACTION_ROWS;
        ReplicationBenchmark.Options o = ReplicationBenchmark.Options.parse(args, defaults, "usage:"
                + " LargeTransactionBenchmark [--db postgresql|mariadb|all] [--rows N] [--senders N] [--batch N]"
                + " [--large-rows N] [--pg-url URL] [--mysql-url URL]");
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "Failback large-transaction benchmark: %d cores, Java %s, max heap %d MiB;"
                + " one source transaction of %,d updated rows, %d senders, %d messages per POST, largeTransactionRows %,d%n",
                rt.availableProcessors(), System.getProperty("java.version"), rt.maxMemory() >> 20, o.rows, o.senders,
                o.batch, o.largeRows);
        ReplicationBenchmark.eachDb(o.db, o, db -> run(db, o.rows, o.senders, o.batch, o.largeRows));
    }

    private static String run(BenchDb db, int rows, int senders, int batch, int largeRows) throws Exception {
        boolean pg = db.kind().equals("postgresql");
        String run = Long.toString(System.nanoTime() & 0xfffff, 36);
        String limitSchema = "fbl_" + run + "_limit";
        String schema = "fbl_" + run + "_fb";
        System.out.println();
        System.out.println("=== " + db.kind() + ": " + db.version());
        try {
            create(db, limitSchema, rows, pg);
            create(db, schema, rows, pg);

            // ---- limit: the new rows written straight into the table, one transaction
            Meter lm = new Meter().start();
            try (Connection c = db.connect(limitSchema)) {
                c.setAutoCommit(false);
                if (pg) {
                    BenchDb.exec(c, "CREATE TEMP TABLE big_new (LIKE " + limitSchema + ".big) ON COMMIT DROP");
                    new org.postgresql.copy.CopyManager(c.unwrap(org.postgresql.core.BaseConnection.class))
                            .copyIn("COPY big_new FROM STDIN", new Lines(rows, '\t'));
                    BenchDb.exec(c, "INSERT INTO " + limitSchema + ".big SELECT * FROM big_new ON CONFLICT (id) DO UPDATE"
                            + " SET v = excluded.v, n = excluded.n, note = excluded.note");
                } else {
                    BenchDb.exec(c, "CREATE TEMPORARY TABLE " + limitSchema + ".big_new LIKE " + limitSchema + ".big");
                    try (java.sql.Statement st = c.createStatement()) {
                        st.unwrap(com.mysql.cj.jdbc.JdbcStatement.class).setLocalInfileInputStream(new Lines(rows, '\t'));
                        st.execute("LOAD DATA LOCAL INFILE 'rows' INTO TABLE " + limitSchema + ".big_new");
                    }
                    BenchDb.exec(c, "INSERT INTO " + limitSchema + ".big SELECT * FROM " + limitSchema + ".big_new"
                            + " ON DUPLICATE KEY UPDATE v = VALUES(v), n = VALUES(n), note = VALUES(note)");
                }
                c.commit();
            }
            lm.stop();
            long limitHeap = lm.close();
            String expected = checksum(db, limitSchema);
            if (!expected.startsWith(rows + " ")) {
                throw new IllegalStateException("limit wrote " + expected);
            }

            // ---- Failback
            Meter fm;
            long stagedNanos;
            Status st;
            try (HikariDataSource target = db.pool(schema, senders + 4, "bench-large")) {
                JettySink sink = JettySink.bind("127.0.0.1", 0);
                try (Failback f = Failback.builder().name("bench-large").disableAuthentication().target(target)
                        .stagingSchema(schema + "_staging").createStagingSchema(true).largeTransactionRows(largeRows).sink(sink).start()) {
                    HttpFeed feed = new HttpFeed(URI.create("http://127.0.0.1:" + sink.port() + db.path(schema)));
                    fm = new Meter().start();
                    long start = System.nanoTime();
                    send(feed, rows, senders, batch);
                    feed.post(("{\"resolved\":\"" + WALL + ".0000000000\"}").getBytes(StandardCharsets.UTF_8));
                    stagedNanos = System.nanoTime() - start;
                    if (!f.awaitApplied(new Hlc(WALL, 0), Duration.ofMinutes(30))) {
                        throw new IllegalStateException("not applied after 30 minutes: " + f.status());
                    }
                    fm.stop();
                    st = f.status();
                }
            }
            long heap = fm.close();
            String actual = checksum(db, schema);
            if (!actual.equals(expected)) {
                throw new IllegalStateException("Failback wrote " + actual + " but the limit wrote " + expected);
            }
            System.out.println("technique                         |      rows | seconds |   rows/s | ×limit | peak heap | cpu µs/row");
            System.out.println("----------------------------------+-----------+---------+----------+--------+-----------+-----------");
            double limitRate = rows / (lm.nanos / 1e9);
            double rate = rows / (fm.nanos / 1e9);
            line("limit: " + (pg ? "copy" : "load data") + " + one upsert", rows, lm.nanos, limitRate, 1.0, limitHeap,
                    lm.cpuNanos);
            line("failback consistent", rows, fm.nanos, rate, rate / limitRate, heap, fm.cpuNanos - fm.feedCpuNanos);
            System.out.printf(Locale.ROOT, "  failback: staged (first POST to resolved acknowledged) in %.1f s, then applied"
                    + " in %.1f s as %d target transaction(s); final state checked equal to the limit's (%s); cpu µs/row"
                    + " without the senders' own %.1f µs/row%n", stagedNanos / 1e9, (fm.nanos - stagedNanos) / 1e9,
                    st.counters().windows(), actual, fm.feedCpuNanos / 1e3 / rows);
            String summary = String.format(Locale.ROOT, "summary-large db=%s rows=%d seconds=%.1f limit-seconds=%.1f"
                    + " failback/limit=%.2f peak-heap-mib=%d max-heap-mib=%d", db.kind(), rows, fm.nanos / 1e9,
                    lm.nanos / 1e9, rate / limitRate, heap >> 20, Runtime.getRuntime().maxMemory() >> 20);
            System.out.println(summary);
            return summary;
        } finally {
            drop(db, limitSchema, pg);
            drop(db, schema, pg);
        }
    }

    private static void line(String name, long rows, long nanos, double rate, double ratio, long heap, long cpu) {
        System.out.printf(Locale.ROOT, "%-33s | %,9d | %7.1f | %,8.0f | %6.2f | %5d MiB | %9.1f%n", name, rows, nanos / 1e9,
                rate, ratio, heap >> 20, cpu / 1e3 / rows);
    }

    /** The table, with every row at its old version (0). */
    private static void create(BenchDb db, String s, int rows, boolean pg) throws SQLException {
        drop(db, s, pg);
        try (Connection c = db.connect(s)) {
            if (pg) {
                BenchDb.exec(c, "CREATE SCHEMA " + s);
                BenchDb.exec(c, "CREATE TABLE " + s + ".big (id BIGINT PRIMARY KEY, v TEXT NOT NULL, n BIGINT NOT NULL,"
                        + " note TEXT)");
                BenchDb.exec(c, "INSERT INTO " + s + ".big SELECT g, 'old-' || g, 0, NULL FROM generate_series(1, " + rows
                        + ") g");
            } else {
                BenchDb.exec(c, "CREATE DATABASE " + s);
                BenchDb.exec(c, "CREATE TABLE " + s + ".big (id BIGINT PRIMARY KEY, v VARCHAR(40) NOT NULL,"
                        + " n BIGINT NOT NULL, note VARCHAR(100)) ENGINE=InnoDB");
                BenchDb.exec(c, "INSERT INTO " + s + ".big SELECT seq, concat('old-', seq), 0, NULL FROM " + s + ".seq_1_to_" + rows);
            }
        }
    }

    private static void drop(BenchDb db, String s, boolean pg) throws SQLException {
        try (Connection c = db.connect(s)) {
            BenchDb.exec(c, pg ? "DROP SCHEMA IF EXISTS " + s + " CASCADE" : "DROP DATABASE IF EXISTS " + s);
            BenchDb.exec(c, pg ? "DROP SCHEMA IF EXISTS " + s + "_staging CASCADE" : "DROP DATABASE IF EXISTS " + s + "_staging");
        }
    }

    private static String checksum(BenchDb db, String s) throws SQLException {
        try (Connection c = db.connect(s)) {
            return BenchDb.one(c, db.kind().equals("postgresql")
                    ? "SELECT count(*) || ' ' || sum(n) || ' ' || sum(length(v)) || ' ' || count(note) FROM " + s + ".big"
                    : "SELECT concat(count(*), ' ', sum(n), ' ', sum(length(v)), ' ', count(note)) FROM " + s + ".big");
        }
    }

    /** The new version of row {@code id}. */
    private static String value(long id) {
        return "new-" + id;
    }

    /** Each sender POSTs its share of the rows, {@code batch} messages per body, generated as it goes. */
    private static void send(HttpFeed feed, int rows, int senders, int batch) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        String updated = WALL + ".0000000000";
        for (int s = 0; s < senders; s++) {
            int sender = s;
            Thread t = new Thread(() -> {
                try {
                    StringBuilder body = new StringBuilder(batch * 140);
                    int n = 0;
                    for (long id = 1 + sender; id <= rows; id += senders) {
                        body.append(n == 0 ? "{\"payload\":[" : ",");
                        body.append("{\"after\": {\"id\": ").append(id).append(", \"v\": \"").append(value(id))
                                .append("\", \"n\": 1, \"note\": \"").append(NOTE).append("\"}, \"key\": [").append(id)
                                .append("], \"topic\": \"big\", \"updated\": \"").append(updated).append("\"}");
                        if (++n == batch || id + senders > rows) {
                            body.append("],\"length\":").append(n).append('}');
                            feed.post(body.toString().getBytes(StandardCharsets.UTF_8));
                            body.setLength(0);
                            n = 0;
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, Meter.FEED_THREAD + s);
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a sender failed: " + failure.get(), failure.get());
        }
    }

    /** The new rows as COPY / LOAD DATA text, generated as they are read. */
    private static final class Lines extends InputStream {
        private final int rows;
        private final char separator;
        private long id = 1;
        private byte[] line = new byte[0];
        private int pos;

        Lines(int rows, char separator) {
            this.rows = rows;
            this.separator = separator;
        }

        private boolean fill() {
            if (pos < line.length) {
                return true;
            }
            if (id > rows) {
                return false;
            }
            line = (id + "" + separator + value(id) + separator + 1 + separator + NOTE + "\n").getBytes(StandardCharsets.UTF_8);
            pos = 0;
            id++;
            return true;
        }

        @Override
        public int read() {
            return fill() ? line[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len && fill()) {
                int k = Math.min(len - n, line.length - pos);
                System.arraycopy(line, pos, b, off + n, k);
                pos += k;
                n += k;
            }
            return n == 0 ? -1 : n;
        }
    }
}
