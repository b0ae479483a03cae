package dev.failback.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.testing.TestDatabases;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * Keeps the benchmark programs working as Failback changes: each runs on a small stream against the
 * real databases. Every phase checks its target against the limit's checksum and throws otherwise, so
 * a wrong apply fails here; the summary lines must keep the form scripts read.
 */
class BenchmarksIT {

    private static ReplicationBenchmark.Options small() {
        ReplicationBenchmark.Options o = new ReplicationBenchmark.Options();
        o.rows = 3_000;
        o.lagSeconds = 2;
        o.senders = 4;
        o.batch = 50;
        o.warmup = 1_000;
        o.pgUrl = TestDatabases.postgresUrl();
        o.mysqlUrl = TestDatabases.mysqlUrl();
        return o;
    }

    @Test
    void replicationBenchmarkOnPostgresql() throws Exception {
        try (Connection probe = TestDatabases.postgres()) {
            ReplicationBenchmark.Options o = small();
            String summary = ReplicationBenchmark.runDb(BenchDb.Postgres.open(o.pgUrl, o.pgDatabase), o);
            assertThat(summary).matches("summary db=postgresql consistent/limit=\\d+\\.\\d\\d immediate/limit=\\d+\\.\\d\\d"
                    + " failback/debezium=\\d+\\.\\d\\d");
        }
    }

    @Test
    void replicationBenchmarkOnMariadb() throws Exception {
        try (Connection probe = TestDatabases.mysql()) {
            ReplicationBenchmark.Options o = small();
            String summary = ReplicationBenchmark.runDb(new BenchDb.MariaDb(o.mysqlUrl), o);
            assertThat(summary).matches("summary db=mariadb consistent/limit=\\d+\\.\\d\\d immediate/limit=\\d+\\.\\d\\d"
                    + " failback/debezium=\\d+\\.\\d\\d");
        }
    }

    @Test
    void backlogDrainsInAChildJvm() throws Exception {
        try (Connection probe = TestDatabases.postgres()) {
            String summary = BacklogDrainBenchmark.run(20_000, "256m", TestDatabases.postgresUrl());
            assertThat(summary).matches("summary drain rows=20000 seconds=\\d+\\.\\d\\d peakHeapMiB=\\d+ xmx=256m");
        }
    }
}
