package dev.failback.examples.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.examples.cli.FailbackCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * A database that cannot be connected to is named at start within seconds, with the cause: a staging
 * database given apart stops the start (exit 1); the message says staging, masks the password and gives
 * the driver's reason.
 */
class UnreachableDatabaseIT {
    @Test
    void anUnreachableStagingDatabaseIsNamedWithItsCauseWithinSeconds() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int code = FailbackCli.run(new PrintWriter(out, true), new PrintWriter(err, true), "start", "--targetConn",
                "postgres://postgres@127.0.0.1:5432/postgres", "--stagingConn", "postgres://postgres:secretpw@127.0.0.1:3/x",
                "--authToken", "t0ken-unreachable", "--bindAddr", "127.0.0.1:0");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(code).as(err.toString()).isEqualTo(1);
        assertThat(err.toString()).contains("cannot connect to the staging database postgres://postgres:****@127.0.0.1:3/x"
                + " within 2 s: ").contains("Connection refused").doesNotContain("secretpw");
        assertThat(seconds).as("named within seconds, not after the pool's 10-s timeout").isLessThan(8);
    }
}
