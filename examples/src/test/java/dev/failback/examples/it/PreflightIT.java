package dev.failback.examples.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.examples.cli.FailbackCli;
import dev.failback.testing.PostgresSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * {@code failback preflight} against a configuration that will work and one that will not: one line per
 * check, each failure named (which connection, which file, which port) and the exit status 1, the broken
 * connection given up within its 2-s bound.
 */
class PreflightIT {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return FailbackCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void aGoodConfigurationPassesEveryCheck() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("preflight")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            int code = run("preflight", "--targetConn", "postgres://postgres@127.0.0.1:5432/" + db.database(),
                    "--schemas", db.database() + "." + db.name(), "--stagingSchema", db.name() + "_staging",
                    "--stagingCreateSchema", "--bindAddr", "127.0.0.1:" + port, "--authToken", "t0ken-preflight");
            String report = out.toString();
            assertThat(code).as(report + err).isZero();
            assertThat(report).contains("ok    target: connected to postgres://postgres@127.0.0.1:5432/" + db.database()
                    + " (PostgreSQL ").contains("ok    target tables: " + db.database() + "." + db.name() + ": 1 table")
                    .contains("ok    target privileges: SELECT, INSERT, UPDATE and DELETE on every table")
                    .contains("ok    staging schema: " + db.name() + "_staging does not exist yet; --stagingCreateSchema"
                            + " will create it")
                    .contains("ok    bindAddr: port " + port + " is free").contains("ok    authentication: configured by flags")
                    .contains("ok    flags: valid").endsWith("preflight: ok" + System.lineSeparator())
                    .doesNotContain("FAIL").doesNotContain("t0ken-preflight");
        }
    }

    @Test
    void aUserThatMayOnlyReadTheTargetFailsThePrivilegeCheck() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("preflightro")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            String role = db.name() + "_ro";
            db.execute("CREATE ROLE " + role + " LOGIN");
            try {
                db.execute("GRANT USAGE ON SCHEMA $S TO " + role);
                db.execute("GRANT SELECT ON $S.kv TO " + role);
                int code = run("preflight", "--targetConn", "postgres://" + role + "@127.0.0.1:5432/" + db.database(),
                        "--schemas", db.database() + "." + db.name(), "--stagingSchema", db.name() + "_staging",
                        "--stagingCreateSchema", "--bindAddr", "127.0.0.1:0", "--authToken", "t0ken-preflight");
                String report = out.toString();
                assertThat(code).as(report).isEqualTo(1);
                assertThat(report).contains("FAIL  target privileges: missing USAGE on the schema or SELECT, INSERT,"
                        + " UPDATE or DELETE on 1 table of " + db.database() + "." + db.name() + ": kv");
            } finally {
                db.execute("DROP OWNED BY " + role);
                db.execute("DROP ROLE " + role);
            }
        }
    }

    @Test
    void aSchemaNamedLikeTheStagingSchemaUpToAWildcardIsNotTakenForIt() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("preflightlike")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            db.execute("CREATE SCHEMA " + db.name() + "xstaging"); // '_' in a JDBC metadata pattern matches the x
            try {
                int code = run("preflight", "--targetConn", "postgres://postgres@127.0.0.1:5432/" + db.database(),
                        "--schemas", db.database() + "." + db.name(), "--stagingSchema", db.name() + "_staging",
                        "--bindAddr", "127.0.0.1:0", "--authToken", "t0ken-preflight");
                String report = out.toString();
                assertThat(code).as(report).isEqualTo(1);
                assertThat(report).contains("FAIL  staging schema: " + db.name() + "_staging does not exist");
            } finally {
                db.execute("DROP SCHEMA " + db.name() + "xstaging");
            }
        }
    }

    @Test
    void aBrokenConfigurationNamesEachFailureAndExitsOne() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            long start = System.nanoTime();
            int code = run("preflight", "--targetConn", "postgres://postgres:secretpw@127.0.0.1:1/nowhere",
                    "--bindAddr", "127.0.0.1:" + taken.getLocalPort(), "--tlsCertificate", "/nonexistent/server.crt",
                    "--tlsPrivateKey", "/nonexistent/server.key", "--stagingSchema", "_replicator");
            double seconds = (System.nanoTime() - start) / 1e9;
            String report = out.toString();
            assertThat(code).as(report + err).isEqualTo(1);
            assertThat(report).contains("FAIL  tls: ").contains("/nonexistent/server.crt")
                    .contains("FAIL  bindAddr: cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("FAIL  target: cannot connect to postgres://postgres:****@127.0.0.1:1/nowhere within 2 s")
                    .endsWith("preflight: FAILED" + System.lineSeparator()).doesNotContain("secretpw");
            assertThat(seconds).as("the unreachable target is given up within its bound").isLessThan(15);
        }
    }
}
