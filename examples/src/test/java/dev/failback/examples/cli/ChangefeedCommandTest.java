package dev.failback.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.testing.TestDatabases;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangefeedCommandTest {
    private static final String CURSOR = "1759246920563173000.0000000000";
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @TempDir
    Path dir;

    private int run(String... args) {
        return FailbackCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void printsThePostgresStatementWithoutADatabase() {
        int code = run("changefeed", "--table", "employees,orders", "--table", "payments",
                "--failbackUrl", "https://failback-host:30004", "--targetDialect", "postgresql",
                "--targetDatabase", "migration_db", "--cursor", CURSOR);
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).isEqualTo("""
                CREATE CHANGEFEED FOR TABLE employees, orders, payments
                  INTO 'webhook-https://failback-host:30004/migration_db/public'
                  WITH updated,
                       resolved = '250ms',
                       min_checkpoint_frequency = '250ms',
                       initial_scan = 'no',
                       cursor = '1759246920563173000.0000000000',
                       webhook_client_timeout = '30s',
                       webhook_sink_config = '{"Flush":{"Bytes":1048576,"Frequency":"1s"}}';
                """);
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void masksSecretsUnlessAsked() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "# comment\n\ns3cret-token\n");
        Path cert = Files.writeString(dir.resolve("c.crt"), "-----BEGIN CERTIFICATE-----\nAAA+/=\n-----END CERTIFICATE-----\n");
        Path key = Files.writeString(dir.resolve("c.key"), "-----BEGIN PRIVATE KEY-----\nBBB+/=\n-----END PRIVATE KEY-----\n");
        String[] args = {"changefeed", "--table", "EMPLOYEES", "--failbackUrl", "https://h:30004", "--targetDialect", "oracle",
            "--targetSchema", "MIGRATION_SCHEMA", "--cursor", CURSOR, "--authTokenFile", token.toString(),
            "--clientCert", cert.toString(), "--clientKey", key.toString(), "--resolved", "1s"};
        assertThat(run(args)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("'webhook-https://h:30004/MIGRATION_SCHEMA?client_cert=", "&client_key=****'",
                "webhook_auth_header = 'Bearer ****'", "resolved = '1s'", "min_checkpoint_frequency = '1s'")
                .doesNotContain("s3cret-token");
        assertThat(err.toString()).contains("--showSecrets");

        out.getBuffer().setLength(0);
        String[] shown = java.util.Arrays.copyOf(args, args.length + 1);
        shown[args.length] = "--showSecrets";
        assertThat(run(shown)).isZero();
        assertThat(out.toString()).contains("Bearer s3cret-token").doesNotContain("****");
    }

    @Test
    void showsHowToKeepTheTokenOffCommandLines() throws IOException {
        Path token = Files.writeString(dir.resolve("token"), "s3cret-token\n");
        String[] base = {"changefeed", "--table", "t", "--failbackUrl", "https://h:1", "--targetDialect", "mysql",
            "--targetDatabase", "app", "--cursor", CURSOR};
        String[] fromFile = java.util.Arrays.copyOf(base, base.length + 2);
        fromFile[base.length] = "--authToken";
        fromFile[base.length + 1] = "file:" + token;
        assertThat(run(fromFile)).as(err.toString()).isZero();
        assertThat(out.toString()).contains("webhook_auth_header = 'Bearer ****'").doesNotContain("s3cret-token");
        assertThat(err.toString()).contains("--showSecrets", "umask 077", "--run", "--authTokenFile FILE", "file:PATH",
                "FAILBACK_AUTH_TOKEN").doesNotContain("visible to other local users").doesNotContain("s3cret-token");

        err.getBuffer().setLength(0);
        fromFile[base.length + 1] = "s3cret-token";
        assertThat(run(fromFile)).isZero();
        assertThat(err.toString()).contains("visible to other local users").doesNotContain("s3cret-token");
    }

    @Test
    void printsClusterSettingsWithExplanations() {
        assertThat(run("changefeed", "--table", "t", "--failbackUrl", "https://h:1", "--targetDialect", "mysql",
                "--targetDatabase", "app", "--cursor", CURSOR, "--clusterSettings")).isZero();
        assertThat(out.toString()).contains("SET CLUSTER SETTING kv.rangefeed.enabled = true;\n",
                "SET CLUSTER SETTING kv.rangefeed.concurrent_catchup_iterators = 64;\n", "-- Optional:",
                "printed only", "INTO 'webhook-https://h:1/app'");
    }

    @Test
    void refusesWhatItCannotDo() {
        assertThat(run("changefeed", "--table", "t", "--failbackUrl", "https://h:1", "--targetDialect", "mysql",
                "--targetDatabase", "app")).isEqualTo(2);
        assertThat(err.toString()).contains("--cursor now needs --sourceConn");
        assertThat(run("changefeed", "--table", "t", "--failbackUrl", "https://h:1", "--targetDialect", "mysql",
                "--targetDatabase", "app", "--cursor", CURSOR, "--applyClusterSettings")).isEqualTo(2);
        assertThat(err.toString()).contains("--applyClusterSettings needs --run");
        assertThat(run("changefeed", "--table", "t", "--failbackUrl", "http://h:1", "--targetDialect", "mysql",
                "--targetDatabase", "app", "--cursor", CURSOR)).as(err.toString()).isEqualTo(2);
        assertThat(err.toString()).contains("failbackUrl must be https://host:port");
        assertThat(run("changefeed", "--table", "t", "--failbackUrl", "https://h:1", "--targetDialect", "db2",
                "--cursor", CURSOR)).isEqualTo(2);
        assertThat(err.toString()).contains("unknown target dialect \"db2\"");
        assertThat(run("changefeed", "--table", "t", "--failbackUrl", "https://h:1", "--targetDialect", "oracle",
                "--cursor", "yesterday")).isEqualTo(2);
        assertThat(err.toString()).contains("not an HLC timestamp");
    }

    @Test
    void cursorNowOnPostgresSaysItIsNotCockroach() throws Exception {
        try (var probe = TestDatabases.postgres()) {
            assertThat(probe.isValid(5)).isTrue();
        }
        int code = run("changefeed", "--table", "t", "--failbackUrl", "https://h:1", "--targetDialect", "postgresql",
                "--targetDatabase", "db", "--sourceConn", TestDatabases.postgresUrl());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).startsWith("failback changefeed: not a CockroachDB cluster: jdbc:postgresql://")
                .contains("PostgreSQL");
        System.out.println(err);
    }
}
