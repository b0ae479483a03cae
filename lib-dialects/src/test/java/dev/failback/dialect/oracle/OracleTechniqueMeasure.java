package dev.failback.dialect.oracle;

import dev.failback.Mutation;
import dev.failback.spi.TableInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Measures the apply techniques on H2 in Oracle mode: a runnable program, not a test. The numbers
 * compare the two statement shapes on H2 only; they say little about real Oracle, where the driver
 * turns a JDBC batch into one array-bind round trip and parsing costs differ.
 * Run: {@code java -cp <test classpath> dev.failback.dialect.oracle.OracleTechniqueMeasure [rows]}.
 */
public final class OracleTechniqueMeasure {
    private OracleTechniqueMeasure() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        System.out.printf("%-22s %12s %12s %12s%n", "technique", "insert r/s", "update r/s", "delete r/s");
        for (int round = 0; round < 2; round++) {
            measure("BATCH", new OracleDialect(OracleApplyTechnique.BATCH), rows, round == 1);
            for (int bucket : new int[] {16, 64, 256}) {
                measure("UNION_ALL (max " + bucket + ")", new OracleDialect(OracleApplyTechnique.UNION_ALL, bucket), rows, round == 1);
            }
        }
    }

    private static void measure(String label, OracleDialect dialect, int rows, boolean print) throws Exception {
        try (OracleDb db = OracleDb.h2()) {
            db.exec("CREATE TABLE APP.BENCH (ID NUMBER(19) PRIMARY KEY, NAME VARCHAR2(100 CHAR), AMOUNT NUMBER(12,2),"
                    + " AT TIMESTAMP(6) WITH TIME ZONE, NOTE CLOB, SCORE BINARY_DOUBLE)");
            TableInfo t = db.table("BENCH");
            List<Mutation> ups = new ArrayList<>();
            List<Mutation> dels = new ArrayList<>();
            for (int i = 0; i < rows; i++) {
                ups.add(db.upsert("BENCH", "[" + i + "]", "{\"amount\": " + i + ".25, \"at\": \"2025-09-30T14:30:15.123456Z\","
                        + " \"id\": " + i + ", \"name\": \"name " + i + "\", \"note\": \"note\", \"score\": 1.5}"));
                dels.add(db.delete("BENCH", "[" + i + "]"));
            }
            double insert = rate(() -> apply(db, dialect, t, ups, 1000), rows);
            double update = rate(() -> apply(db, dialect, t, ups, 1000), rows);
            double delete = rate(() -> {
                for (int i = 0; i < dels.size(); i += 1000) {
                    db.delete(dialect, t, dels.subList(i, Math.min(dels.size(), i + 1000)).toArray(new Mutation[0]));
                }
            }, rows);
            if (print) {
                System.out.printf("%-22s %12.0f %12.0f %12.0f%n", label, insert, update, delete);
            }
        }
    }

    /** Calls of 1,000 rows, one transaction each, as the pipeline applies them. */
    private static void apply(OracleDb db, OracleDialect dialect, TableInfo t, List<Mutation> rows, int perCall) throws Exception {
        for (int i = 0; i < rows.size(); i += perCall) {
            db.upsert(dialect, t, rows.subList(i, Math.min(rows.size(), i + perCall)));
        }
    }

    private interface Work {
        void run() throws Exception;
    }

    private static double rate(Work work, int rows) throws Exception {
        long start = System.nanoTime();
        work.run();
        return rows / ((System.nanoTime() - start) / 1e9);
    }
}
