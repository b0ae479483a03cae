package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.State;
import dev.failback.jetty.JettySink;
import dev.failback.testing.PostgresSchema;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A process started while its target database does not answer (MOLT Replicator #902): it starts, answers
 * the changefeed 503 (so it retries) instead of exiting, and replicates once the target answers.
 */
class TargetDownAtStartIT {
    private static final long T = 1_759_246_900_000_000_000L;

    @Test
    void startsAnswers503AndAppliesOnceTheTargetAnswers() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("tdown"); TcpProxy proxy = OutageIT.upstreamProxy()) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            proxy.cut();
            HikariDataSource target = OutageIT.pool("target-down", proxy);
            JettySink sink = JettySink.bind("127.0.0.1", 0);
            try (target; Failback failback = Failback.builder().disableAuthentication().name("tdown").target(target)
                    .staging(db.dataSource()).stagingSchema(db.name() + "_staging").createStagingSchema(true)
                    .sink(sink).start()) {
                assertThat(failback.state()).isEqualTo(State.RUNNING);
                Http http = new Http("http://127.0.0.1:" + sink.port());
                Http.Answer refused = http.post(db.path(), batch(upsert("kv", 1, "a", hlc(T + 1))));
                assertThat(refused.status()).as(refused.body()).isEqualTo(503);
                assertThat(refused.body()).contains("waiting for its databases");

                proxy.restore();
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                int status;
                do {
                    Thread.sleep(200);
                    status = http.post(db.path(), batch(upsert("kv", 1, "a", hlc(T + 1)))).status();
                } while (status != 200 && System.nanoTime() < deadline);
                assertThat(status).as("accepted once the target answers").isEqualTo(200);
                assertThat(http.post(db.path(), resolved(hlc(T + 1))).status()).isEqualTo(200);
                assertThat(failback.awaitApplied(new Hlc(T + 1, 0), Duration.ofSeconds(20))).isTrue();
                assertThat(db.one("SELECT v FROM $S.kv WHERE id = 1")).isEqualTo("a");
            }
        }
    }
}
