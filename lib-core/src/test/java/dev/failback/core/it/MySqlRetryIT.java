package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.WebhookRequest;
import dev.failback.WebhookResponse;
import dev.failback.testing.TestDatabases;
import dev.failback.testing.TestSchema;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Transient MySQL/MariaDB errors are retried, not surfaced: a real deadlock (error 1213) provoked by a
 * second connection that locks the rows in the opposite order, and a lock wait timeout (error 1205).
 * MOLT Replicator's MySQL retry check never matches these; ours must.
 */
class MySqlRetryIT {
    private static final long T = 1_759_246_900_000_000_000L;

    private static void ok(Failback f, String path, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        WebhookResponse r = f.webhookHandler().handle(new WebhookRequest("POST", path, null, Map.of(),
                new ByteArrayInputStream(bytes), bytes.length));
        assertThat(r.status()).as(r.message()).isEqualTo(200);
    }

    private static boolean pipelineIsWaitingForALock(Connection observer, String database) throws SQLException {
        try (Statement s = observer.createStatement();
                var rs = s.executeQuery("SELECT count(*) FROM information_schema.processlist"
                        + " WHERE info LIKE 'INSERT INTO `" + database + "`.`kv`%'")) {
            rs.next();
            return rs.getInt(1) > 0;
        }
    }

    @Test
    void aRealDeadlockIsRetriedAndTheWindowApplies() throws Exception {
        try (TestSchema db = TestSchema.Kind.MARIADB.create("deadlock")) {
            db.execute("CREATE TABLE $S.kv (id BIGINT PRIMARY KEY, v TEXT NOT NULL)");
            db.execute("CREATE TABLE $S.heavy (id BIGINT PRIMARY KEY AUTO_INCREMENT, pad TEXT)");
            db.execute("INSERT INTO $S.kv VALUES (1, 'old'), (2, 'old')");
            try (Failback f = Failback.builder().disableAuthentication().name("deadlock").target(db.dataSource())
                    .stagingSchema(db.stagingSchema()).createStagingSchema(true).start();
                    Connection other = db.dataSource().getConnection();
                    Connection observer = db.dataSource().getConnection();
                    Statement s = other.createStatement()) {
                ok(f, db.path(), batch(upsert("kv", 1, "failback", hlc(T + 1)), upsert("kv", 2, "failback", hlc(T + 1))));
                other.setAutoCommit(false);
                // Make the other transaction the heavier one, so InnoDB picks Failback's as the victim.
                s.execute("INSERT INTO `" + db.name() + "`.heavy (pad) SELECT REPEAT('x', 10) FROM seq_1_to_2000");
                s.execute("UPDATE `" + db.name() + "`.kv SET v = 'other' WHERE id = 1");
                ok(f, db.path(), resolved(hlc(T + 1)));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (!pipelineIsWaitingForALock(observer, db.name())) {
                    assertThat(System.nanoTime()).as("Failback never waited for the lock").isLessThan(deadline);
                    Thread.sleep(20);
                }
                // Failback holds one row and waits for the other; taking the first one closes the cycle: 1213.
                s.execute("UPDATE `" + db.name() + "`.kv SET v = 'other' WHERE id = 2");
                other.commit();
                assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(30))).isTrue();
                assertThat(db.query("SELECT id, v FROM $S.kv ORDER BY id"))
                        .containsExactly(java.util.List.of("1", "failback"), java.util.List.of("2", "failback"));
                assertThat(f.status().counters().retries()).as("the deadlock was retried").isGreaterThanOrEqualTo(1);
                assertThat(f.status().lastError()).isNull();
            }
        }
    }

    @Test
    void aLockWaitTimeoutIsRetriedAndTheWindowApplies() throws Exception {
        try (TestSchema db = TestSchema.Kind.MARIADB.create("lockwait")) {
            db.execute("CREATE TABLE $S.kv (id BIGINT PRIMARY KEY, v TEXT NOT NULL)");
            db.execute("INSERT INTO $S.kv VALUES (1, 'old')");
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(TestDatabases.mysqlUrl());
            cfg.setMaximumPoolSize(4);
            cfg.addDataSourceProperty("sessionVariables", "innodb_lock_wait_timeout=1,time_zone='+00:00'");
            try (HikariDataSource impatient = new HikariDataSource(cfg);
                    Failback f = Failback.builder().disableAuthentication().name("lockwait").target(impatient)
                            .staging(db.dataSource()).stagingSchema(db.stagingSchema()).createStagingSchema(true).start();
                    Connection other = db.dataSource().getConnection();
                    Statement s = other.createStatement()) {
                ok(f, db.path(), batch(upsert("kv", 1, "failback", hlc(T + 1))));
                other.setAutoCommit(false);
                s.execute("UPDATE `" + db.name() + "`.kv SET v = 'other' WHERE id = 1");
                ok(f, db.path(), resolved(hlc(T + 1)));
                // held until Failback's statement has timed out (1205) and been retried at least once
                long heldUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (f.status().counters().retries() < 1 && System.nanoTime() < heldUntil) {
                    Thread.sleep(20);
                }
                other.commit();
                assertThat(f.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(30))).isTrue();
                assertThat(db.one("SELECT v FROM $S.kv WHERE id = 1")).isEqualTo("failback");
                assertThat(f.status().counters().retries()).as("the lock wait timeout was retried").isGreaterThanOrEqualTo(1);
            }
        }
    }
}
