package dev.failback.examples.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.jetty.testing.TestCertificates;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The failback runbook's own {@code replicator start} command lines, verbatim but for the program's
 * name ({@code migrate-failback-replicator.md}: {@code --stagingSchema _replicator};
 * {@code migration-approach-phased-delta-failback.md}: {@code --stagingSchema defaultdb._replicator}), with
 * {@code $TARGET} and {@code $STAGING} in the environment as the runbook has them, against a PostgreSQL
 * target and a PostgreSQL staging database {@code defaultdb} whose {@code _replicator} schema forward
 * replication created: it starts, serves TLS on :30004, and with no authentication flag it does what
 * MOLT does, JWTs from {@code _replicator.jwt_public_keys}, so a request without a token gets 401.
 */
class RunbookCommandIT {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"_replicator", "defaultdb._replicator"})
    void theRunbooksStartCommandStartsAndRefusesARequestWithoutAToken(String stagingSchema) throws Exception {
        try (PostgresSchema target = PostgresSchema.create("runbook")) {
            target.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            String stagingUrl = stagingDatabase();
            TestCertificates pki = TestCertificates.create(Files.createDirectories(dir.resolve("pki")));
            Files.createDirectories(dir.resolve("certs"));
            Files.copy(pki.server.certificateFile(), dir.resolve("certs/server.crt"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(pki.server.keyFile(), dir.resolve("certs/server.key"), StandardCopyOption.REPLACE_EXISTING);

            List<String> command = new ArrayList<>();
            // the runbook's lines after "replicator", word for word
            command.addAll(List.of("start", "--targetConn", "$TARGET", "--stagingConn", "$STAGING", "--stagingSchema",
                    stagingSchema, "--metricsAddr", ":30005", "--bindAddr", ":30004", "--tlsCertificate",
                    "./certs/server.crt", "--tlsPrivateKey", "./certs/server.key", "-v"));
            // the shell would expand $TARGET and $STAGING; the test does what it would
            command.set(command.indexOf("$TARGET"), "postgres://postgres@127.0.0.1:5432/" + target.database());
            command.set(command.indexOf("$STAGING"), stagingUrl);
            ProcessBuilder pb = ChildCli.command(command).directory(dir.toFile());
            Process child = pb.start();
            ChildOutput output = ChildOutput.of(child);
            String log;
            try {
                assertThat(output.awaitReady(60)).as("the runbook's command did not start:\n" + output).isTrue();
                HttpClient https = HttpClient.newBuilder().sslContext(TestCertificates.trustingContext(null,
                        pki.ca.certificate())).connectTimeout(Duration.ofSeconds(10)).build();
                HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://localhost:30004"
                        + target.path())).POST(HttpRequest.BodyPublishers.ofString("{\"payload\":[],\"length\":0}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
                HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:30005/_/varz")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(metrics.statusCode()).as("--metricsAddr :30005 serves the metrics").isEqualTo(200);
            } finally {
                child.toHandle().destroy();
                assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
                output.join(10_000);
                log = output.toString();
            }
            assertThat(child.exitValue()).as(log).isZero();
            assertThat(log).contains("no authentication flag: as MOLT Replicator does, accepting JWTs signed by a key in"
                    + " _replicator.jwt_public_keys").contains("failback make-jwt").contains("INSERT INTO _replicator.jwt_public_keys");
            assertThat(log).contains("staging postgres://postgres@127.0.0.1:5432/defaultdb, schema _replicator");
            if (stagingSchema.contains(".")) {
                assertThat(log).contains("--stagingSchema defaultdb._replicator: schema _replicator of the staging database"
                        + " defaultdb");
            }
            assertThat(log).contains("-> 401");
        }
    }

    /** The runbook's staging database: {@code defaultdb}, whose {@code _replicator} schema forward replication made. */
    private static String stagingDatabase() throws Exception {
        TestDatabases.postgres().close();
        String admin = TestDatabases.postgresUrl();
        try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = 'defaultdb'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE defaultdb");
                }
            }
        }
        String url = admin.replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1defaultdb");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute("DROP SCHEMA IF EXISTS _replicator CASCADE");
            s.execute("CREATE SCHEMA _replicator");
        }
        return "postgres://postgres@127.0.0.1:5432/defaultdb";
    }
}
