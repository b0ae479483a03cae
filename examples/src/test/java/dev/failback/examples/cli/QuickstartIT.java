package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.testing.FailbackExtension;
import dev.failback.testing.MariaDbDatabase;
import dev.failback.testing.PostgresSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code failback quickstart} against the test PostgreSQL, in a schema the extension names (and drops
 * should the command not), and against the test MariaDB/MySQL, in a database; the command drops an existing
 * schema or database of that name first.
 */
@ExtendWith(FailbackExtension.class)
class QuickstartIT {

    private static int quickstart(StringWriter out, StringWriter err, String... extra) {
        String[] args = new String[extra.length + 1];
        args[0] = "quickstart";
        System.arraycopy(extra, 0, args, 1, extra.length);
        return FailbackCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static boolean schemaExists(PostgresSchema on, String schema) throws Exception {
        return !on.query("SELECT count(*) FROM pg_namespace WHERE nspname = '" + schema + "'").equals(List.of(List.of("0")));
    }

    @Test
    void quickstartAppliesTheSimulatedChangefeedAndVerifiesIt(PostgresSchema schema) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = quickstart(out, err, "--targetConn", schema.jdbcUrl(), "--transactions", "300",
                "--seed", "9", "--schema", schema.name());
        assertThat(code).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
        assertThat(out.toString()).contains("target matches source", "transactions: 300");
        assertThat(schemaExists(schema, schema.name())).isFalse();
        assertThat(schemaExists(schema, schema.stagingSchema())).isFalse();
    }

    @Test
    void quickstartWorksInImmediateMode(PostgresSchema schema) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = quickstart(out, err, "--targetConn", schema.jdbcUrl(), "--transactions", "200",
                "--immediate", "--nodes", "2", "--schema", schema.name());
        assertThat(code).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
        assertThat(out.toString()).contains("target matches source");
    }

    @Test
    void quickstartRunsOnMariaDbWithStagingInTheSameServer(MariaDbDatabase db) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = quickstart(out, err, "--targetConn", db.jdbcUrl(), "--transactions", "300", "--seed", "3",
                "--schema", db.name());
        assertThat(code).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
        assertThat(out.toString()).containsPattern("quickstart: (MariaDB|MySQL) \\d+\\.\\d+\\.\\d+, database " + db.name()
                + " \\(staging " + db.stagingSchema() + "\\)").contains("transactions: 300");
        assertThat(out.toString().strip()).endsWith("target matches source");
        assertThat(db.query("SELECT schema_name FROM information_schema.schemata WHERE schema_name IN ('" + db.name()
                + "', '" + db.stagingSchema() + "')")).as("databases left behind").isEmpty();
    }
}
