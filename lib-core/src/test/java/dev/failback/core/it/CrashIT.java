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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;

/**
 * The pipeline runs in a child JVM that is killed with SIGKILL (kill -9) after staging and before the
 * resolved timestamp, after applying, and at random moments while a changefeed-like sender keeps
 * posting (retrying every batch until it gets a 2xx, as CockroachDB does). After each restart on the
 * same staging, the final target equals the source model.
 */
class CrashIT {
    private static final long T = 1_759_246_900_000_000_000L;

    private TestSchema db;
    private TestSchema.Kind kind;
    private int port;
    private Process child;
    private Mode mode;

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> targetsAndModes() {
        return java.util.Arrays.stream(TestSchema.Kind.values()).flatMap(k -> java.util.Arrays.stream(Mode.values())
                .map(m -> org.junit.jupiter.params.provider.Arguments.of(k, m)));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("targetsAndModes")
    void killNineAtEveryStageLosesNothing(TestSchema.Kind kind, Mode mode) throws Exception {
        this.mode = mode;
        this.kind = kind;
        db = kind.create("crash");
        try {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            port = freePort();
            Http http = new Http("http://127.0.0.1:" + port);
            Map<Long, String> model = new TreeMap<>();
            long ts = T;

            // 1. Staged, not yet resolved: killed before apply.
            spawn();
            List<String> msgs = new ArrayList<>();
            for (long id = 1; id <= 50; id++) {
                msgs.add(upsert("kv", id, "a" + id, hlc(++ts)));
                model.put(id, "a" + id);
            }
            assertThat(http.post(db.path(), batch(msgs)).status()).isEqualTo(200);
            kill();
            spawn();
            assertThat(http.post(db.path(), resolved(hlc(ts))).status()).isEqualTo(200);
            awaitTarget(model);

            // 2. Applied, then killed; the changefeed re-sends older batches after the restart.
            List<String> second = new ArrayList<>();
            for (long id = 1; id <= 20; id++) {
                second.add(upsert("kv", id, "b" + id, hlc(++ts)));
                model.put(id, "b" + id);
            }
            second.add(delete("kv", 50, hlc(++ts)));
            model.remove(50L);
            String secondBody = batch(second);
            assertThat(http.post(db.path(), secondBody).status()).isEqualTo(200);
            assertThat(http.post(db.path(), resolved(hlc(ts))).status()).isEqualTo(200);
            awaitTarget(model);
            kill();
            spawn();
            assertThat(http.post(db.path(), batch(msgs)).status()).isEqualTo(200); // re-emitted, older
            assertThat(http.post(db.path(), secondBody).status()).isEqualTo(200);
            assertThat(http.post(db.path(), resolved(hlc(ts))).status()).isEqualTo(200);
            assertThat(target()).isEqualTo(model);

            // 3. Killed at random moments while a sender posts transactions and resolved timestamps:
            // one kill in each sixth of the stream, at a random transaction and a random delay after its
            // POST (so some land while a window is being applied). Counted in transactions, not in wall
            // time: a fast machine once finished the stream before a timer fired the third kill.
            Random random = new Random(42);
            int kills = 0;
            int nextKill = random.nextInt(100);
            for (int tx = 0; tx < 600; tx++) {
                List<String> txMsgs = new ArrayList<>();
                long at = ++ts;
                int n = 1 + random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    long id = 1 + random.nextInt(80);
                    if (random.nextInt(5) == 0) {
                        txMsgs.add(delete("kv", id, hlc(at)));
                        model.remove(id);
                    } else {
                        String v = "t" + tx + "_" + i;
                        txMsgs.add(upsert("kv", id, v, hlc(at)));
                        model.put(id, v);
                    }
                }
                sendUntilAccepted(http, batch(dedupe(txMsgs)));
                if (tx % 10 == 9) {
                    sendUntilAccepted(http, resolved(hlc(ts)));
                }
                if (tx == nextKill) {
                    Thread.sleep(random.nextInt(40));
                    kill();
                    kills++;
                    spawn();
                    nextKill = 100 * kills + random.nextInt(100);
                }
            }
            sendUntilAccepted(http, resolved(hlc(++ts)));
            awaitTarget(model);
            assertThat(kills).isEqualTo(6);
        } finally {
            if (child != null) {
                child.destroyForcibly().waitFor();
            }
            db.close();
        }
    }

    /** Keeps the last message per key: one source transaction writes a row once. */
    private static List<String> dedupe(List<String> msgs) {
        Map<String, String> byKey = new java.util.LinkedHashMap<>();
        for (String m : msgs) {
            String key = m.substring(m.indexOf("\"key\": ["), m.indexOf(']', m.indexOf("\"key\": [")));
            byKey.remove(key);
            byKey.put(key, m);
        }
        return new ArrayList<>(byKey.values());
    }

    private void sendUntilAccepted(Http http, String body) throws InterruptedException {
        for (int attempt = 0; attempt < 600; attempt++) {
            try {
                if (http.post(db.path(), body).status() == 200) {
                    return;
                }
            } catch (UncheckedIOException e) {
                // the child is down: retry like a changefeed
            }
            Thread.sleep(50);
        }
        throw new AssertionError("never accepted: " + body);
    }

    private void awaitTarget(Map<Long, String> model) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<Long, String> actual = target();
        while (!actual.equals(model) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            actual = target();
        }
        assertThat(actual).isEqualTo(model);
    }

    private Map<Long, String> target() throws Exception {
        Map<Long, String> m = new TreeMap<>();
        for (List<String> row : db.query("SELECT id, v FROM $S.kv")) {
            m.put(Long.parseLong(row.get(0)), row.get(1));
        }
        return m;
    }

    private void spawn() throws Exception {
        child = CrashChild.launch(kind, db.stagingSchema(), port, mode, 7);
    }

    private void kill() throws InterruptedException {
        CrashChild.killNine(child);
        child = null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
