package dev.failback.examples.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue #17, item 2: the cost of the staging write alone on PostgreSQL, COPY against {@code INSERT … SELECT
 * unnest(…) ON CONFLICT DO NOTHING}, in one process, alternated. Each run stages {@code --rows} mutations of
 * the benchmark's shape (a 200-byte row image and its before image) in bodies of {@code --batch}, one
 * transaction each, into a fresh staging schema through {@code Failback}'s own staging store, and prints
 * rows/s per variant (median of {@code --repeat}) with a {@code summary-staging} line.
 * {@code java -cp examples/target/failback.jar dev.failback.examples.bench.StagingWriteBenchmark [--rows N]
 * [--batch N] [--repeat N]}.
 */
public final class StagingWriteBenchmark {
    private StagingWriteBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        ReplicationBenchmark.quietLogs();
        int rows = 200_000;
        int batch = 3_000;
        int repeat = 5;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[i + 1]);
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                case "--repeat" -> repeat = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        ReplicationBenchmark.Options o = ReplicationBenchmark.Options.parse(new String[0]);
        BenchDb.Postgres db = BenchDb.Postgres.open(o.pgUrl, o.pgDatabase);
        System.out.printf(Locale.ROOT, "staging write: %s, %,d mutations in batches of %,d, %d runs per variant%n",
                db.version(), rows, batch, repeat);
        List<Mutation> all = mutations(rows);
        String[] variants = {"insert-unnest", "copy"};
        List<List<Double>> rates = List.of(new ArrayList<>(), new ArrayList<>());
        for (int rep = -1; rep < repeat; rep++) { // rep -1 warms up both
            for (int v = 0; v < variants.length; v++) {
                double rate = run(db, all, batch, v == 1);
                if (rep >= 0) {
                    rates.get(v).add(rate);
                }
            }
        }
        double[] median = new double[2];
        for (int v = 0; v < variants.length; v++) {
            List<Double> r = new ArrayList<>(rates.get(v));
            r.sort(Double::compare);
            median[v] = r.get(r.size() / 2);
            System.out.printf(Locale.ROOT, "%-14s %,9.0f rows/s (median; runs %s)%n", variants[v], median[v],
                    rates.get(v).stream().map(x -> String.format(Locale.ROOT, "%,.0f", x)).toList());
        }
        System.out.printf(Locale.ROOT, "summary-staging db=postgresql insert-unnest=%.0f copy=%.0f copy/insert=%.2f%n",
                median[0], median[1], median[1] / median[0]);
    }

    private static List<Mutation> mutations(int rows) {
        BenchWorkload w = new BenchWorkload(11);
        List<Mutation> out = new ArrayList<>(rows);
        TableName parent = new TableName("public", "parent");
        for (int i = 0; i < rows; i++) {
            String after = "{\"id\": " + i + ", \"name\": \"name " + i + "\", \"email\": \"user" + i + "@example.com\","
                    + " \"status\": \"active\", \"balance\": \"" + (i % 10_000) + ".25\", \"updated_at\":"
                    + " \"2026-12-06T10:00:00.123456Z\", \"note\": \"" + "n".repeat(60) + "\"}";
            out.add(new Mutation(parent, "[" + i + "]", new Hlc(1_765_000_000_000_000_000L + i / 4, i % 4), after,
                    i % 3 == 0 ? null : after));
        }
        return out;
    }

    private static double run(BenchDb.Postgres db, List<Mutation> all, int batch, boolean copy) throws Exception {
        System.setProperty("failback.staging.copy", Boolean.toString(copy));
        String schema = "fbs_" + Long.toString(System.nanoTime() & 0xfffff, 36);
        try (HikariDataSource ds = db.pool(schema, 2, "bench-staging")) {
            dev.failback.spi.StagingStore store = stagingStore(ds, schema);
            long start = System.nanoTime();
            for (int from = 0; from < all.size(); from += batch) {
                store.stage("g", all.subList(from, Math.min(all.size(), from + batch)));
            }
            long nanos = System.nanoTime() - start;
            if (store.count("g") != all.size()) {
                throw new IllegalStateException("staged " + store.count("g") + " of " + all.size());
            }
            return all.size() / (nanos / 1e9);
        } finally {
            try (Connection c = db.connect(schema)) {
                BenchDb.exec(c, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    /** The built-in staging store, as a pipeline would open it. */
    private static dev.failback.spi.StagingStore stagingStore(HikariDataSource ds, String schema) throws Exception {
        var stores = dev.failback.core.internal.stage.StagingStores.jdbc(ds, schema, true);
        stores.staging().init();
        return stores.staging();
    }
}
