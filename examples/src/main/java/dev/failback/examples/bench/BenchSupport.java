package dev.failback.examples.bench;

import dev.failback.Hlc;
import dev.failback.Mutation;
import dev.failback.TableName;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** What the apply benchmarks share: the generated rows and the timing loop. */
final class BenchSupport {
    private BenchSupport() {
    }

    /** Rows as CockroachDB sends them: keys sorted, {@code ", "} separators, exact decimals. */
    static List<Mutation> generate(TableName table, int rows, int version) {
        Hlc ts = Hlc.parse("1759246931287415902.0000000000");
        List<Mutation> out = new ArrayList<>(rows);
        for (int i = 1; i <= rows; i++) {
            String after = "{\"active\": " + (i % 7 != version) + ", \"department\": \"dept-" + (i % 20 + version)
                    + "\", \"email\": \"user" + i + "@example.com\", \"hired_at\": \"2025-09-" + (10 + i % 20)
                    + "T14:30:15." + (100000 + i % 900000) + "Z\", \"id\": " + i + ", \"manager_id\": "
                    + (i % 10 == 0 ? "null" : String.valueOf(i / 10 + 1)) + ", \"name\": \"Employee " + i
                    + (version == 0 ? "" : " Jr.") + "\", \"salary\": " + (50000 + i % 100000 + version) + "."
                    + (10 + i % 90) + "}";
            out.add(new Mutation(table, "[" + i + "]", ts, after, null));
        }
        return out;
    }

    interface Call {
        void apply(List<Mutation> batch) throws SQLException;
    }

    /** Applies rows in calls of {@code perCall}, one transaction each; returns rows per second. */
    static double run(Connection c, int perCall, List<Mutation> rows, Call call) throws SQLException {
        c.setAutoCommit(false);
        long start = System.nanoTime();
        for (int i = 0; i < rows.size(); i += perCall) {
            call.apply(rows.subList(i, Math.min(rows.size(), i + perCall)));
            c.commit();
        }
        long nanos = System.nanoTime() - start;
        c.setAutoCommit(true);
        return rows.size() / (nanos / 1e9);
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

}
