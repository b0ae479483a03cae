package dev.failback.examples.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.Hlc;
import dev.failback.core.it.Http;
import dev.failback.examples.cli.FailbackCli;
import dev.failback.jetty.JettySink;
import dev.failback.testing.TestSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code failback checkpoint show|reset} on PostgreSQL and MariaDB staging: a far-future resolved
 * timestamp (accepted as before --maxClockSkew) makes a later row look already applied; the reset is
 * refused while the pipeline holds the group's lease and for a target in the future, and once the
 * pipeline is stopped it moves the checkpoint back so that a new pipeline applies the later rows.
 */
class CheckpointResetIT {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int cli(String... args) {
        out.getBuffer().setLength(0);
        err.getBuffer().setLength(0);
        return FailbackCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void resetMovesAFarFutureCheckpointBackOnceTheInstancesStopped(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = kind.create("cpreset")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v varchar(20) NOT NULL)");
            String url = kind.jdbcUrl();
            String group = db.path().substring(1).replace('/', '.');
            List<String> staging = List.of("--stagingConn", url, "--stagingSchema", db.stagingSchema());
            long now = System.currentTimeMillis() * 1_000_000L;
            long far = now + Duration.ofDays(3650).toNanos();
            String back = hlc(now - Duration.ofSeconds(50).toNanos());
            String forced = hlc(now - Duration.ofSeconds(40).toNanos());

            JettySink sink = JettySink.bind("127.0.0.1", 0);
            try (Failback f = builder(db).maxClockSkew(Duration.ofDays(365L * 20)).sink(sink).start()) {
                Http http = new Http("http://127.0.0.1:" + sink.port());
                assertThat(http.post(db.path(), batch(upsert("kv", 1, "a", hlc(now - Duration.ofSeconds(60).toNanos()))))
                        .status()).isEqualTo(200);
                assertThat(http.post(db.path(), resolved(hlc(far))).status()).isEqualTo(200);
                assertThat(f.awaitApplied(new Hlc(far, 0), Duration.ofSeconds(30))).isTrue();
                Http.Answer late = http.post(db.path(), batch(upsert("kv", 2, "late", hlc(now - Duration.ofSeconds(30)
                        .toNanos()))));
                assertThat(late.status()).isEqualTo(200);
                assertThat(late.body()).contains("already applied");

                assertThat(cli(args("checkpoint", "show", staging))).as(err.toString()).isZero();
                assertThat(out.toString()).contains(group, "resolved " + hlc(far), "in the future", "held by");
                assertThat(cli(args("checkpoint", "reset", staging, "--group", group, "--to", back)))
                        .as(out.toString()).isEqualTo(1);
                assertThat(err.toString()).contains("holds the lease of " + group, "stop every Failback instance",
                        "--force");
                assertThat(cli(args("checkpoint", "reset", staging, "--group", group, "--to", forced, "--force")))
                        .as(err.toString()).isZero();
                assertThat(out.toString()).contains("reset " + group, "-> " + forced, "forced past the live lease");
            }
            assertThat(db.one("SELECT count(*) FROM $S.kv")).isEqualTo("1");

            assertThat(cli(args("checkpoint", "reset", staging, "--group", group, "--to", hlc(far)))).isEqualTo(2);
            assertThat(err.toString()).contains("is in the future");
            assertThat(cli(args("checkpoint", "reset", staging, "--group", "no.such", "--to", back))).isEqualTo(1);
            assertThat(err.toString()).contains("no checkpoint for group no.such", group);

            assertThat(cli(args("checkpoint", "reset", staging, "--group", group, "--to", back))).as(err.toString()).isZero();
            assertThat(out.toString()).contains("reset " + group, "resolved " + forced + " (", "-> " + back,
                    "starts over from this checkpoint");
            assertThat(cli(args("checkpoint", "show", staging, "--group", group))).isZero();
            assertThat(out.toString()).contains("resolved " + back, "applied  " + back, "expired").doesNotContain("future");

            JettySink again = JettySink.bind("127.0.0.1", 0);
            try (Failback f = builder(db).sink(again).start()) {
                Http http = new Http("http://127.0.0.1:" + again.port());
                Http.Answer staged = http.post(db.path(), batch(upsert("kv", 2, "late", hlc(now - Duration.ofSeconds(30)
                        .toNanos()))));
                assertThat(staged.status()).isEqualTo(200);
                assertThat(staged.body()).doesNotContain("already applied");
                String upTo = hlc(now - Duration.ofSeconds(10).toNanos());
                assertThat(http.post(db.path(), resolved(upTo)).status()).isEqualTo(200);
                assertThat(f.awaitApplied(Hlc.parse(upTo), Duration.ofSeconds(30))).isTrue();
            }
            assertThat(db.query("SELECT id, v FROM $S.kv ORDER BY id")).containsExactly(List.of("1", "a"), List.of("2", "late"));
        }
    }

    private static Failback.Builder builder(TestSchema db) {
        return Failback.builder().disableAuthentication().name("cpreset").target(db.dataSource())
                .stagingSchema(db.stagingSchema()).createStagingSchema(true);
    }

    private static String[] args(String command, String sub, List<String> staging, String... more) {
        List<String> all = new ArrayList<>(List.of(command, sub));
        all.addAll(staging);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
