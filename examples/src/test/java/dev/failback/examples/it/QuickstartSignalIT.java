package dev.failback.examples.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.testing.TestDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Ctrl-C (SIGINT) or SIGTERM during a quickstart, once it is sending: the process stops the run, drops the schemas it
 * created, stops and deletes an embedded PostgreSQL, and exits with 128 + the signal's number.
 */
class QuickstartSignalIT {

    /** Far more than the few seconds before the signal: the quickstart is sending when it comes. */
    static final String ENDLESS = "10000000";

    @Test
    void ctrlCDropsTheSchemasItCreated() throws Exception {
        String schema = TestDatabases.uniqueName("qsigint");
        try (Connection pg = TestDatabases.postgres()) { // skips (developer run) or fails (CI) without PostgreSQL
            Process child = ChildCli.command(List.of("quickstart", "--targetConn", TestDatabases.postgresUrl(),
                    "--schema", schema, "--transactions", ENDLESS, "--timeout", "10m")).start();
            ChildOutput output = ChildOutput.of(child);
            try {
                assertThat(output.await(line -> line.matches("\\[ *\\d+\\.\\ds\\] sent [1-9].*"), 60))
                        .as("no progress line:\n" + output).isTrue();
                assertThat(schemas(pg, schema)).as("the run's schemas before the signal").hasSize(2);
                signal("INT", child);
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("still running after SIGINT:\n" + output).isTrue();
            } finally {
                child.destroyForcibly();
                output.join(10_000);
            }
            assertThat(child.exitValue()).as(output.toString()).isEqualTo(130);
            assertThat(output.toString()).contains("quickstart stopped by SIGINT; nothing was checked")
                    .doesNotContain("target matches source");
            assertThat(schemas(pg, schema)).as("schemas left behind").isEmpty();
        }
    }

    @Test
    void sigtermStopsAndDeletesTheEmbeddedPostgres() throws Exception {
        Process child = ChildCli.command(List.of("quickstart", "--embedded", "--transactions", ENDLESS,
                "--timeout", "10m")).start();
        ChildOutput output = ChildOutput.of(child);
        try {
            assertThat(output.await(line -> line.matches("\\[ *\\d+\\.\\ds\\] sent [1-9].*"), 120))
                    .as("no progress line:\n" + output).isTrue();
            signal("TERM", child);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("still running after SIGTERM:\n" + output).isTrue();
        } finally {
            child.destroyForcibly();
            output.join(10_000);
        }
        String out = output.toString();
        assertThat(child.exitValue()).as(out).isEqualTo(143);
        assertThat(out).contains("quickstart stopped by SIGTERM; nothing was checked");
        Matcher data = Pattern.compile("starting an embedded PostgreSQL \\(data in (\\S+)\\)").matcher(out);
        assertThat(data.find()).as(out).isTrue();
        Path dataDirectory = Path.of(data.group(1));
        assertThat(Files.exists(dataDirectory)).as("data directory left behind").isFalse();
        assertThat(QuickstartEmbeddedIT.postmasters(dataDirectory)).as("server still running").isEmpty();
    }

    @Test
    void ctrlCWhileTheEmbeddedPostgresStartsLeavesNothingBehind() throws Exception {
        Process child = ChildCli.command(List.of("quickstart", "--embedded", "--transactions", ENDLESS,
                "--timeout", "10m")).start();
        ChildOutput output = ChildOutput.of(child);
        Path dataDirectory;
        try {
            assertThat(output.await(line -> line.contains("starting an embedded PostgreSQL"), 60))
                    .as("no start line:\n" + output).isTrue();
            Matcher data = Pattern.compile("starting an embedded PostgreSQL \\(data in (\\S+)\\)").matcher(output.toString());
            assertThat(data.find()).as(output.toString()).isTrue();
            dataDirectory = Path.of(data.group(1));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!(Files.exists(dataDirectory.resolve("PG_VERSION"))
                    && !QuickstartEmbeddedIT.postmasters(dataDirectory).isEmpty()) && System.nanoTime() < deadline) {
                Thread.sleep(20); // until initdb runs on the data directory, past its first files
            }
            assertThat(QuickstartEmbeddedIT.postmasters(dataDirectory)).as("initdb never ran:\n" + output).isNotEmpty();
            signal("INT", child);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("still running after SIGINT:\n" + output).isTrue();
        } finally {
            child.destroyForcibly();
            output.join(10_000);
        }
        String out = output.toString();
        assertThat(child.exitValue()).as(out).isEqualTo(130);
        assertThat(out).contains("quickstart stopped by SIGINT; nothing was checked").doesNotContain("sent ");
        Thread.sleep(1000); // an initdb left running would still be writing the directory
        assertThat(Files.exists(dataDirectory)).as("data directory left behind").isFalse();
        assertThat(QuickstartEmbeddedIT.postmasters(dataDirectory)).as("initdb or server still running").isEmpty();
    }

    /** Sends SIGINT or SIGTERM ({@code Process#destroy} only sends SIGTERM). */
    static void signal(String name, Process child) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(child.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0).as("kill -" + name).isTrue();
    }

    /** The quickstart's schema and its staging schema, those that exist. */
    static List<List<String>> schemas(Connection pg, String schema) throws Exception {
        return TestDatabases.rows(pg, "SELECT nspname FROM pg_namespace WHERE nspname IN ('" + schema + "', '"
                + schema + "_staging') ORDER BY 1");
    }
}
