package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.delete;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Mode;
import dev.failback.testing.TestSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A routing userscript under kill -9: the pipeline runs in a child JVM with {@code userscripts/route-kv.ts},
 * which sends each row of the source table {@code kv} to {@code kv_low} or {@code kv_high} by key and fans it
 * out to {@code kv_all}; the child is killed at random moments while a changefeed-like sender keeps
 * posting (retrying until a 2xx). Meanwhile a reader samples the target in single statements: the routed
 * tables always hold exactly what {@code kv_all} holds (a fanned-out row is in its source row's
 * transaction: no torn window); at the end both equal the source.
 */
class UserscriptCrashIT {
    private static final long T = 1_759_246_900_000_000_000L;

    @ParameterizedTest
    @EnumSource(TestSchema.Kind.class)
    void killNineWithARoutingUserscriptLosesNothingAndTearsNoWindow(TestSchema.Kind kind) throws Exception {
        try (TestSchema db = kind.create("script_crash")) {
            String text = kind == TestSchema.Kind.POSTGRESQL ? "text" : "varchar(100)";
            for (String t : List.of("kv_low", "kv_high", "kv_all")) {
                db.execute("CREATE TABLE $S." + t + " (id bigint PRIMARY KEY, v " + text + " NOT NULL)");
            }
            Path dir = Files.createTempDirectory("userscript");
            Path script = dir.resolve("route-kv.ts");
            Files.writeString(script, TestSchema.resource("userscripts/route-kv.ts")
                    .replace("__SCHEMA__", TransformIT.moltName(db)));
            int port = freePort();
            Http http = new Http("http://127.0.0.1:" + port);
            Map<Long, String> model = new TreeMap<>();
            AtomicReference<String> torn = new AtomicReference<>();
            AtomicInteger samples = new AtomicInteger();
            Thread reader = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted() && torn.get() == null) {
                    try {
                        List<List<String>> rows;
                        try (java.sql.Connection c = db.dataSource().getConnection()) {
                            // one statement, one snapshot
                            rows = dev.failback.testing.TestDatabases.rows(c, ("SELECT 'all', id, v FROM $S.kv_all"
                                    + " UNION ALL SELECT 'split', id, v FROM $S.kv_low UNION ALL SELECT 'split', id, v"
                                    + " FROM $S.kv_high").replace("$S", db.quotedName()));
                        }
                        Map<String, String> all = new TreeMap<>();
                        Map<String, String> split = new TreeMap<>();
                        for (List<String> r : rows) {
                            (r.get(0).equals("all") ? all : split).put(r.get(1), r.get(2));
                        }
                        if (!all.equals(split)) {
                            torn.set("kv_all " + all + " but kv_low + kv_high " + split);
                        }
                        samples.incrementAndGet();
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        // the target is busy: sample again
                    }
                }
            });
            reader.setDaemon(true);
            reader.start();
            Process child = CrashChild.launch(kind, db.stagingSchema(), port, Mode.CONSISTENT, 7,
                    List.of(script.toString()));
            try {
                Random random = new Random(11);
                long ts = T;
                int kills = 0;
                // one kill in each quarter of the stream, counted in transactions (not wall time, which a
                // fast machine outruns), a random 0-40 ms after that transaction's POST
                int nextKill = random.nextInt(75);
                for (int tx = 0; tx < 300; tx++) {
                    Map<Long, String> txRows = new LinkedHashMap<>();
                    long at = ++ts;
                    for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
                        long id = 1 + random.nextInt(80);
                        txRows.put(id, random.nextInt(5) == 0 ? null : "t" + tx + "_" + i);
                    }
                    List<String> msgs = new ArrayList<>();
                    txRows.forEach((id, v) -> {
                        msgs.add(v == null ? delete("kv", id, hlc(at)) : upsert("kv", id, v, hlc(at)));
                        if (v == null) {
                            model.remove(id);
                        } else {
                            model.put(id, v);
                        }
                    });
                    sendUntilAccepted(http, db.path(), batch(msgs));
                    if (tx % 10 == 9) {
                        sendUntilAccepted(http, db.path(), resolved(hlc(ts)));
                    }
                    if (tx == nextKill) {
                        Thread.sleep(random.nextInt(40));
                        CrashChild.killNine(child);
                        kills++;
                        child = CrashChild.launch(kind, db.stagingSchema(), port, Mode.CONSISTENT, 7,
                                List.of(script.toString()));
                        nextKill = 75 * kills + random.nextInt(75);
                    }
                }
                sendUntilAccepted(http, db.path(), resolved(hlc(++ts)));
                Map<Long, String> expected = model;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!table(db, "kv_all").equals(expected) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                reader.interrupt();
                reader.join(5_000);
                assertThat(table(db, "kv_all")).as("nothing lost").isEqualTo(expected);
                Map<Long, String> split = new TreeMap<>(table(db, "kv_low"));
                split.putAll(table(db, "kv_high"));
                assertThat(split).isEqualTo(expected);
                assertThat(table(db, "kv_low").keySet()).allMatch(id -> id <= 40);
                assertThat(table(db, "kv_high").keySet()).allMatch(id -> id > 40);
                assertThat(torn.get()).as("a reader never sees a fanned-out row without its source row").isNull();
                assertThat(kills).isEqualTo(4);
                assertThat(samples.get()).isGreaterThan(50);
                System.out.printf("%s: %d kills, %d rows, %d consistent samples of the target%n", kind, kills,
                        expected.size(), samples.get());
            } finally {
                reader.interrupt();
                child.destroyForcibly().waitFor();
            }
        }
    }

    private static Map<Long, String> table(TestSchema db, String table) throws Exception {
        Map<Long, String> m = new TreeMap<>();
        for (List<String> row : db.query("SELECT id, v FROM $S." + table)) {
            m.put(Long.parseLong(row.get(0)), row.get(1));
        }
        return m;
    }

    private static void sendUntilAccepted(Http http, String path, String body) throws InterruptedException {
        for (int attempt = 0; attempt < 600; attempt++) {
            try {
                if (http.post(path, body).status() == 200) {
                    return;
                }
            } catch (UncheckedIOException e) {
                // the child is down: retry like a changefeed
            }
            Thread.sleep(50);
        }
        throw new AssertionError("never accepted: " + body);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
