package dev.failback.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/**
 * {@link FailbackExtension} run through the JUnit engine: a test method gets a fresh schema or database
 * that exists during the test (and its {@code @AfterEach}) and is gone afterwards, and an unreachable
 * database is a named skip.
 */
class FailbackExtensionIT {
    static final List<String> SEEN = new ArrayList<>();

    /** The tests the engine runs; not run directly (no @Test in this file's top-level class picks them up). */
    @ExtendWith(FailbackExtension.class)
    static class Sample {
        static PostgresSchema duringAfterEach;

        @Test
        void postgres(PostgresSchema schema) throws Exception {
            schema.execute("CREATE TABLE $S.t (id INT PRIMARY KEY)", "INSERT INTO $S.t VALUES (1)");
            assertThat(schema.one("SELECT count(*) FROM t")).as("search path is the schema").isEqualTo("1");
            assertThat(schema.path()).isEqualTo("/" + schema.database() + "/" + schema.name());
            assertThat(schema.name()).startsWith("sample_");
            SEEN.add("pg:" + schema.name());
            duringAfterEach = schema;
        }

        @Test
        void mariadb(MariaDbDatabase db) throws Exception {
            db.execute("CREATE TABLE $S.t (id INT PRIMARY KEY)", "INSERT INTO t VALUES (1)");
            assertThat(db.one("SELECT count(*) FROM $S.t")).isEqualTo("1");
            assertThat(db.path()).isEqualTo("/" + db.name());
            SEEN.add("my:" + db.name());
        }

        @Test
        void both(PostgresSchema pg, MariaDbDatabase my) {
            assertThat(pg.name()).isNotEqualTo(my.name());
            SEEN.add("pg:" + pg.name());
            SEEN.add("my:" + my.name());
        }

        @AfterEach
        void schemaStillThere() throws Exception {
            if (duringAfterEach != null) {
                assertThat(duringAfterEach.one("SELECT count(*) FROM $S.t")).isEqualTo("1");
                duringAfterEach = null;
            }
        }
    }

    /** A test whose PostgreSQL URL points nowhere. */
    @ExtendWith(FailbackExtension.class)
    static class Unreachable {
        @Test
        void neverRuns(PostgresSchema schema) {
            throw new AssertionError("ran without a database: " + schema);
        }
    }

    @Test
    void eachTestGetsAFreshSchemaDroppedAfterwards() throws Exception {
        TestDatabases.postgres().close();
        TestDatabases.mysql().close();
        SEEN.clear();
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Sample.class)).execute();
        results.testEvents().assertStatistics(stats -> stats.started(3).succeeded(3).failed(0).skipped(0).aborted(0));
        assertThat(SEEN).hasSize(4).doesNotHaveDuplicates();
        try (Connection pg = TestDatabases.postgres(); Connection my = TestDatabases.mysql()) {
            for (String seen : SEEN) {
                String name = seen.substring(3);
                if (seen.startsWith("pg:")) {
                    assertThat(TestDatabases.rows(pg, "SELECT count(*) FROM pg_namespace WHERE nspname IN ('"
                            + name + "', '" + name + "_staging')")).containsExactly(List.of("0"));
                } else {
                    assertThat(TestDatabases.rows(my, "SELECT count(*) FROM information_schema.schemata"
                            + " WHERE schema_name IN ('" + name + "', '" + name + "_staging')")).containsExactly(List.of("0"));
                }
            }
        }
    }

    @Test
    void anUnreachableDatabaseIsANamedSkipOutsideCiAndAFailureInCi() {
        String previous = System.getProperty("failback.test.pg.url");
        System.setProperty("failback.test.pg.url", "jdbc:postgresql://127.0.0.1:1/postgres?user=postgres&connectTimeout=2");
        try {
            EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                    .selectors(selectClass(Unreachable.class)).execute();
            if (TestDatabases.inCi()) {
                // CI has its databases: one that does not answer fails the test, never skips it
                results.testEvents().assertStatistics(stats -> stats.started(1).aborted(0).failed(1).succeeded(0));
                Throwable failure = results.testEvents().failed().list().get(0)
                        .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                        .getThrowable().orElseThrow();
                assertThat(failure).hasMessageStartingWith("CI requires PostgreSQL is not reachable at "
                        + "jdbc:postgresql://127.0.0.1:1/");
                return;
            }
            results.testEvents().assertStatistics(stats -> stats.started(1).aborted(1).failed(0).succeeded(0));
            Event aborted = results.testEvents().aborted().list().get(0);
            Throwable reason = aborted.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                    .getThrowable().orElseThrow();
            assertThat(reason).hasMessageStartingWith("SKIPPED (no database): PostgreSQL is not reachable at "
                    + "jdbc:postgresql://127.0.0.1:1/");
        } finally {
            if (previous == null) {
                System.clearProperty("failback.test.pg.url");
            } else {
                System.setProperty("failback.test.pg.url", previous);
            }
        }
    }

    @Test
    void prefixIsALowerCaseIdentifier() {
        assertThat(FailbackExtension.prefix(Sample.class)).isEqualTo("sample");
        assertThat(FailbackExtension.prefix(FailbackExtensionIT.class)).isEqualTo("failbackextensionit");
    }
}
