package dev.failback.core.it;

import static dev.failback.core.it.Bodies.batch;
import static dev.failback.core.it.Bodies.hlc;
import static dev.failback.core.it.Bodies.resolved;
import static dev.failback.core.it.Bodies.upsert;
import static org.assertj.core.api.Assertions.assertThat;

import dev.failback.Failback;
import dev.failback.testing.PostgresSchema;
import dev.failback.testing.TestDatabases;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Memory is bounded by configuration (maxBytesInFlight), not by what clients send: a pipeline in a
 * child JVM with a 256 MiB heap and default limits takes 60 concurrent uploads at once: gzip bombs
 * (a row holding one string of 64 MiB, about 64 KiB compressed), plain bodies too large for the budget
 * and plain bodies that fit it alone. The bombs are answered 413 or 503 with {@code Retry-After}, the
 * oversize plain bodies 413 from their {@code Content-Length} (unread; the connection may close before
 * the client reads the answer), the fitting ones 200 or 503; never 500, no {@link OutOfMemoryError}, the
 * heap alive after a collection stays bounded, and afterwards an ordinary request is staged and
 * applied. Prints the answers by status and the peak heap.
 */
class MemoryBudgetIT {
    private static final long T = 1_759_246_900_000_000_000L;
    private static final int MIB = 1 << 20;
    private static final int BOMBS = 48;
    private static final int OVERSIZE = 4;
    private static final int FITTING = 8;
    /** The status recorded when the connection closed before an answer. */
    private static final int CLOSED = 0;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private record Answer(String kind, int status, String retryAfter, String body) {
    }

    @Test
    void concurrentBombsAreRefusedWithinTheBudgetAndThePipelineCarriesOn() throws Exception {
        try (PostgresSchema db = PostgresSchema.create("membudget")) {
            db.execute("CREATE TABLE $S.kv (id bigint PRIMARY KEY, v text NOT NULL)");
            Child child = Child.start(db.name() + "_staging");
            try {
                String url = "http://127.0.0.1:" + child.port + db.path();
                byte[] bomb = gzipOfOneString(64 * MIB);
                byte[] oversize = plainOfOneString(2, 24 * MIB); // 24 MiB: more than the budget alone
                byte[] fitting = plainOfOneString(3, 3 * MIB);
                assertThat(bomb.length).isLessThan(256 * 1024);

                List<Callable<Answer>> uploads = new ArrayList<>();
                for (int i = 0; i < BOMBS; i++) {
                    uploads.add(() -> post(url, "bomb", bomb, "gzip"));
                }
                for (int i = 0; i < OVERSIZE; i++) {
                    uploads.add(() -> post(url, "oversize", oversize, null));
                }
                for (int i = 0; i < FITTING; i++) {
                    uploads.add(() -> post(url, "fitting", fitting, null));
                }
                Collections.shuffle(uploads, new Random(7));
                long start = System.nanoTime();
                List<Answer> answers = runAtOnce(uploads);
                long millis = (System.nanoTime() - start) / 1_000_000;

                Map<String, Map<Integer, Integer>> byKind = new TreeMap<>();
                for (Answer a : answers) {
                    byKind.computeIfAbsent(a.kind, k -> new TreeMap<>()).merge(a.status, 1, Integer::sum);
                }
                long[] heap = child.stats();
                long budget = Math.max(Failback.Builder.DEFAULT_MAX_BODY_BYTES, heap[0] / 4); // the default
                System.out.printf("MemoryBudgetIT: %d concurrent uploads in %d ms, answers by status %s;"
                        + " child heap max %d MiB, peak alive after a collection %d MiB, peak used %d MiB%n",
                        answers.size(), millis, byKind, heap[0] >> 20, heap[1] >> 20, heap[2] >> 20);

                for (Answer a : answers) {
                    String what = a.kind + " -> " + a.status + " " + a.body;
                    switch (a.kind) {
                        case "bomb" -> assertThat(a.status).as(what).isIn(413, 503, CLOSED);
                        case "oversize" -> assertThat(a.status).as(what).isIn(413, 503, CLOSED);
                        default -> assertThat(a.status).as(what).isIn(200, 503);
                    }
                    if (a.status == 503) {
                        assertThat(a.retryAfter).as(what).isEqualTo("1");
                        assertThat(a.body).as(what).contains("bytes of request bodies in flight")
                                .endsWith("(limit " + budget + "); the changefeed will retry");
                    }
                    if (a.status == 413) {
                        assertThat(a.body).as(what).containsAnyOf("bytes of memory", "Content-Length");
                    }
                }
                // the sink may cut a connection whose body is still arriving (its guard against slow senders),
                // and the client then sees no answer; rare, and never an answer of the pipeline
                assertThat(byKind.get("bomb").getOrDefault(CLOSED, 0)).as("bombs without an answer").isLessThan(BOMBS / 10);
                assertThat(child.output()).doesNotContain("OutOfMemoryError");
                // the default budget is half of this heap; what is alive stays well below the heap
                assertThat(heap[1]).as("peak heap alive after a collection").isLessThan(heap[0] * 3 / 4);

                // alone, with nothing else in flight, a bomb can never fit: 413
                Answer alone = post(url, "bomb", bomb, "gzip");
                assertThat(alone.status).as(alone.body).isEqualTo(413);
                assertThat(alone.body).startsWith("body needs more than " + budget + " bytes of memory");

                // the pipeline carries on: an ordinary request is staged and applied
                Answer ok = post(url, "ordinary", batch(upsert("kv", 1000, "after the storm", hlc(T + 1000))).getBytes(
                        StandardCharsets.UTF_8), null);
                assertThat(ok.status).as(ok.body).isEqualTo(200);
                Answer r = post(url, "resolved", resolved(hlc(T + 2000)).getBytes(StandardCharsets.UTF_8), null);
                assertThat(r.status).as(r.body).isEqualTo(200);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                String v = null;
                while (System.nanoTime() < deadline && (v = db.one("SELECT v FROM $S.kv WHERE id = 1000")) == null) {
                    Thread.sleep(100);
                }
                assertThat(v).isEqualTo("after the storm");
                assertThat(child.output()).doesNotContain("OutOfMemoryError");
            } catch (AssertionError | Exception e) {
                String out = child.output();
                System.out.println("MemoryBudgetIT: child output (last 20000 characters):\n"
                        + out.substring(Math.max(0, out.length() - 20_000)));
                throw e;
            } finally {
                child.close();
            }
        }
    }

    private static List<Answer> runAtOnce(List<Callable<Answer>> uploads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(uploads.size());
        try {
            CountDownLatch ready = new CountDownLatch(uploads.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Answer>> futures = new ArrayList<>();
            for (Callable<Answer> c : uploads) {
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return c.call();
                }));
            }
            ready.await();
            go.countDown();
            List<Answer> answers = new ArrayList<>();
            for (Future<Answer> f : futures) {
                answers.add(f.get(5, TimeUnit.MINUTES));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private Answer post(String url, String kind, byte[] body, String contentEncoding) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentEncoding != null) {
            b.header("Content-Encoding", contentEncoding);
        }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Answer(kind, r.statusCode(), r.headers().firstValue("Retry-After").orElse(null),
                    r.body().strip());
        } catch (IOException e) {
            // allowed for an oversize body only: refused from its Content-Length before it was read, the
            // server drains at most 4 MiB of it (as for a body over maxBodyBytes), then closes, and this
            // client may lose the answer
            return new Answer(kind, CLOSED, null, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A batch of one row whose {@code v} is {@code n} times 'a', gzip-compressed without holding it whole. */
    private static byte[] gzipOfOneString(int n) throws IOException {
        String[] parts = aroundString(1, "kv");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
            gz.write(parts[0].getBytes(StandardCharsets.UTF_8));
            byte[] chunk = new byte[MIB];
            Arrays.fill(chunk, (byte) 'a');
            for (int i = 0; i < n / MIB; i++) {
                gz.write(chunk);
            }
            gz.write(parts[1].getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    /** A plain batch of one row of {@code kv} whose {@code v} is {@code n} times 'b'. */
    private static byte[] plainOfOneString(long id, int n) {
        String[] parts = aroundString(id, "kv");
        byte[] head = parts[0].getBytes(StandardCharsets.UTF_8);
        byte[] tail = parts[1].getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + n + tail.length];
        System.arraycopy(head, 0, body, 0, head.length);
        Arrays.fill(body, head.length, head.length + n, (byte) 'b');
        System.arraycopy(tail, 0, body, head.length + n, tail.length);
        return body;
    }

    /** The text of a one-row batch before and after its {@code v} value. */
    private static String[] aroundString(long id, String table) {
        String whole = batch(upsert(table, id, "\u0000", hlc(T + id)));
        int at = whole.indexOf('\u0000');
        return new String[] {whole.substring(0, at), whole.substring(at + 1)};
    }

    /** The child JVM running {@link MemoryChild}. */
    private static final class Child implements AutoCloseable {
        private final Process process;
        private final BufferedReader out;
        private final StringBuilder output = new StringBuilder();
        private final int port;

        private Child(Process process) throws IOException {
            this.process = process;
            this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            int p = -1;
            while (p < 0 && (line = out.readLine()) != null) {
                record(line);
                if (line.startsWith("READY ")) {
                    p = Integer.parseInt(line.substring(6).trim());
                }
            }
            if (p < 0) {
                throw new IOException("child did not start:\n" + output());
            }
            this.port = p;
            Thread reader = new Thread(this::drain, "memory-child-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Child start(String stagingSchema) throws IOException {
            List<String> command = List.of(System.getProperty("java.home") + File.separator + "bin" + File.separator
                    + "java", "-Xmx256m", "-cp", System.getProperty("java.class.path"), MemoryChild.class.getName(),
                    TestDatabases.postgresUrl(), stagingSchema);
            return new Child(new ProcessBuilder(command).redirectErrorStream(true).start());
        }

        private synchronized void record(String line) {
            output.append(line).append('\n');
            notifyAll();
        }

        private void drain() {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    record(line);
                }
            } catch (IOException e) {
                // the child is gone
            }
        }

        synchronized String output() {
            return output.toString();
        }

        /** Max heap, peak alive after a collection, peak used (bytes). */
        long[] stats() throws IOException, InterruptedException {
            int from;
            synchronized (this) {
                from = output.length();
            }
            process.getOutputStream().write("STATS\n".getBytes(StandardCharsets.US_ASCII));
            process.getOutputStream().flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            synchronized (this) {
                while (true) {
                    int at = output.indexOf("STATS ", from);
                    int end = at < 0 ? -1 : output.indexOf("\n", at);
                    if (end > 0) {
                        String[] f = output.substring(at + 6, end).trim().split(" ");
                        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])};
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || !process.isAlive()) {
                        throw new IOException("no STATS from the child:\n" + output);
                    }
                    TimeUnit.NANOSECONDS.timedWait(this, left);
                }
            }
        }

        @Override
        public void close() throws InterruptedException {
            try {
                process.getOutputStream().close(); // stdin ends: the child closes the pipeline and exits
            } catch (IOException e) {
                // gone already
            }
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
