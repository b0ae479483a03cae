package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.testing.TestDatabases;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import org.junit.jupiter.api.Test;

class QuickstartIT {

    private static int quickstart(StringWriter out, StringWriter err, String... extra) {
        String[] args = new String[extra.length + 1];
        args[0] = "quickstart";
        System.arraycopy(extra, 0, args, 1, extra.length);
        return FailbackCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private static boolean schemaExists(String schema) throws Exception {
        try (Connection c = TestDatabases.postgres();
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT count(*) FROM pg_namespace WHERE nspname = '" + schema + "'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    @Test
    void quickstartAppliesTheSimulatedChangefeedAndVerifiesIt() throws Exception {
        String schema = TestDatabases.uniqueName("qs_it");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = quickstart(out, err, "--targetConn", TestDatabases.postgresUrl(), "--transactions", "300",
                "--seed", "9", "--schema", schema);
        assertThat(code).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
        assertThat(out.toString()).contains("target matches source", "transactions: 300");
        assertThat(schemaExists(schema)).isFalse();
        assertThat(schemaExists(schema + "_staging")).isFalse();
    }

    @Test
    void quickstartWorksInImmediateMode() throws Exception {
        String schema = TestDatabases.uniqueName("qs_it_imm");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = quickstart(out, err, "--targetConn", TestDatabases.postgresUrl(), "--transactions", "200",
                "--immediate", "--nodes", "2", "--schema", schema);
        assertThat(code).as("stdout:%n%s%nstderr:%n%s", out, err).isZero();
        assertThat(out.toString()).contains("target matches source");
    }
}
