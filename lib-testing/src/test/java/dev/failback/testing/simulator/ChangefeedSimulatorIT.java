package dev.failback.testing.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.failback.Hlc;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChangefeedSimulatorIT {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern RESOLVED = Pattern.compile("\\{\"resolved\":\"(\\d+\\.\\d{10})\"}");

    private HttpServer server;
    private ExecutorService executor;
    private Receiver receiver;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        executor = Executors.newFixedThreadPool(8);
        server.setExecutor(executor);
        receiver = new Receiver();
        server.createContext("/", receiver::handle);
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
        executor.shutdownNow();
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hr/public";
    }

    /** What was generated, in generation order: one entry per message. */
    private record Generated(String topic, String key, Hlc updated) {
    }

    private record Event(boolean resolved, Hlc at, String topic, String key) {
    }

    /** Checks every request as it arrives and records acknowledgements and resolved timestamps. */
    private static final class Receiver {
        final List<String> errors = Collections.synchronizedList(new ArrayList<>());
        final List<Event> events = new ArrayList<>();
        final Set<String> rejected = new HashSet<>();
        final Set<String> accepted = new HashSet<>();
        final Map<String, Hlc> lastPerKey = new HashMap<>();
        final Map<String, Map<String, String>> rebuilt = new HashMap<>();
        final Random random = new Random(7);
        volatile double failureRate;
        volatile String expectedAuthorization;
        volatile boolean expectBefore;
        int answered503;
        /** Restarts expected: duplicates allowed, per-key order only for first emissions. */
        volatile boolean restarts;
        final Map<String, String> firstAfter = new HashMap<>();
        final Map<String, Hlc> newestPerKey = new HashMap<>();
        final Map<String, Hlc> rebuiltAt = new HashMap<>();
        int reemissions;
        int olderReemissions;

        void handle(HttpExchange exchange) throws IOException {
            byte[] bytes = exchange.getRequestBody().readAllBytes();
            String body = new String(bytes, StandardCharsets.UTF_8);
            int status;
            synchronized (this) {
                status = process(exchange, body);
            }
            byte[] answer = (status == 200 ? "ok\n" : "try again\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        }

        private int process(HttpExchange exchange, String body) {
            check("POST".equals(exchange.getRequestMethod()), "method " + exchange.getRequestMethod());
            check("application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type")), "content type");
            check(java.util.Objects.equals(expectedAuthorization, exchange.getRequestHeaders().getFirst("Authorization")),
                    "authorization header");
            boolean isRetry = rejected.contains(body);
            if (!isRetry && random.nextDouble() < failureRate) {
                rejected.add(body);
                answered503++;
                return 503;
            }
            Matcher m = RESOLVED.matcher(body);
            if (m.matches()) {
                events.add(new Event(true, Hlc.parse(m.group(1)), null, null));
                accepted.add(body);
                return 200;
            }
            if (!accepted.add(body) && !restarts) {
                errors.add("a body was acknowledged twice: " + body);
            }
            for (Map<String, Object> msg : checkBatch(body)) {
                String topic = (String) msg.get("topic");
                String key = (String) msg.get("key");
                Hlc updated = Hlc.parse((String) msg.get("updated"));
                check(msg.get("mvcc_timestamp").equals(msg.get("updated")), "mvcc_timestamp");
                check(expectBefore == msg.containsKey("before"), "before present " + msg.containsKey("before"));
                String after = (String) msg.get("after");
                String id = topic + key + "@" + updated;
                String first = firstAfter.putIfAbsent(id, after);
                if (first == null) {
                    Hlc previous = lastPerKey.put(topic + key, updated);
                    if (previous != null && previous.compareTo(updated) >= 0) {
                        errors.add("key " + topic + key + " went from " + previous + " to " + updated);
                    }
                } else {
                    check(restarts, "re-emission without restarts: " + id);
                    check(first.equals(after), "re-emission differs: " + id);
                    check(updated.compareTo(lastPerKey.get(topic + key)) <= 0, "re-emission newer than sent: " + id);
                    reemissions++;
                    if (updated.compareTo(lastPerKey.get(topic + key)) < 0) {
                        olderReemissions++;
                    }
                }
                events.add(new Event(false, updated, topic, key));
                Hlc applied = rebuiltAt.get(topic + key);
                if (applied == null || applied.compareTo(updated) < 0) {
                    rebuiltAt.put(topic + key, updated);
                    Map<String, String> rows = rebuilt.computeIfAbsent(topic, t -> new HashMap<>());
                    if (after.equals("null")) {
                        rows.remove(key);
                    } else {
                        rows.put(key, after);
                    }
                }
            }
            return 200;
        }

        /** Checks the exact byte layout; returns each message's top-level fields as raw JSON text. */
        private List<Map<String, Object>> checkBatch(String body) {
            List<Map<String, Object>> messages = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            String prefix = "{\"payload\":[";
            if (!body.startsWith(prefix)) {
                errors.add("bad wrapper: " + body);
                return messages;
            }
            try (JsonParser p = JSON.createParser(body)) {
                p.nextToken(); // {
                p.nextToken(); // payload
                p.nextToken(); // [
                while (p.nextToken() == JsonToken.START_OBJECT) {
                    int start = (int) p.currentTokenLocation().getCharOffset();
                    Map<String, Object> fields = new HashMap<>();
                    List<String> order = new ArrayList<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        order.add(name);
                        p.nextToken();
                        int vs = (int) p.currentTokenLocation().getCharOffset();
                        p.skipChildren();
                        int ve = (int) p.currentLocation().getCharOffset();
                        String raw = body.substring(vs, ve);
                        fields.put(name, name.equals("topic") || name.equals("updated") || name.equals("mvcc_timestamp")
                                ? p.getText() : raw);
                    }
                    int end = (int) p.currentLocation().getCharOffset();
                    String text = body.substring(start, end);
                    texts.add(text);
                    List<String> sorted = new ArrayList<>(order);
                    sorted.sort(CrdbJson.BYTEWISE);
                    check(order.equals(sorted), "envelope keys not sorted: " + order);
                    check(reformat(text).equals(text), "not CockroachDB formatting: " + text + " vs " + reformat(text));
                    messages.add(fields);
                }
            } catch (IOException e) {
                errors.add("unparsable body " + e + ": " + body);
                return messages;
            }
            String expected = prefix + String.join(",", texts) + "],\"length\":" + texts.size() + "}";
            check(expected.equals(body), "wrapper layout: " + body);
            return messages;
        }

        private void check(boolean ok, String what) {
            if (!ok) {
                errors.add(what);
            }
        }
    }

    /** Re-writes JSON text with keys sorted bytewise and CockroachDB separators. */
    static String reformat(String json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            p.nextToken();
            return write(p);
        }
    }

    private static String write(JsonParser p) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                SortedMap<String, String> fields = CrdbJson.row();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    fields.put(name, write(p));
                }
                return CrdbJson.object(fields);
            }
            case START_ARRAY -> {
                List<String> values = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    values.add(write(p));
                }
                return CrdbJson.array(values);
            }
            case VALUE_STRING -> {
                return CrdbJson.string(p.getText());
            }
            default -> {
                return p.getText();
            }
        }
    }

    private ChangefeedSimulator.Builder simulator(List<Generated> generated, long seed) {
        return ChangefeedSimulator.builder().url(url()).workload(new HrWorkload()).seed(seed)
                .resolvedInterval(Duration.ofMillis(20)).retryBackoff(Duration.ofMillis(2)).maxBatch(8)
                .transactionListener(tx -> tx.changes().forEach(
                        c -> generated.add(new Generated(c.table(), c.key(), tx.updated()))));
    }

    @Test
    void deliversExactFormatInKeyOrderWithResolvedOnlyAfterAcknowledgement() throws Exception {
        receiver.failureRate = 0.2;
        receiver.expectedAuthorization = "Bearer s3cr3t";
        receiver.expectBefore = true;
        List<Generated> generated = Collections.synchronizedList(new ArrayList<>());
        Hlc end;
        ChangefeedSimulator.Stats stats;
        try (ChangefeedSimulator sim = simulator(generated, 42).authorization("Bearer s3cr3t").diff(true).build()) {
            sim.start();
            assertThat(sim.runTransactions(800)).isEqualTo(800);
            end = sim.finish(Duration.ofSeconds(60));
            stats = sim.stats();
            synchronized (receiver) {
                assertThat(receiver.errors).isEmpty();
                // Retries were byte-identical: every rejected body was later accepted unchanged.
                assertThat(receiver.accepted).containsAll(receiver.rejected);
                assertThat(stats.retries()).isEqualTo(receiver.answered503).isPositive();
                // The receiver's replay of acknowledged messages equals the source model.
                for (String table : sim.model().tables()) {
                    Map<String, String> expected = new HashMap<>();
                    sim.model().rows(table).forEach((k, row) -> expected.put(k, CrdbJson.object(row)));
                    assertThat(receiver.rebuilt.getOrDefault(table, Map.of())).as(table).isEqualTo(expected);
                }
            }
        }
        assertThat(stats.transactions()).isEqualTo(800);
        assertThat(stats.messages()).isEqualTo(generated.size());
        assertThat(stats.pending()).isZero();
        assertThat(stats.lastResolved()).isEqualTo(end);
        assertThat(stats.resolvedSent()).isGreaterThan(1);

        synchronized (receiver) {
            Map<String, Integer> firstAck = new HashMap<>();
            List<Hlc> resolved = new ArrayList<>();
            List<Integer> resolvedAt = new ArrayList<>();
            for (int i = 0; i < receiver.events.size(); i++) {
                Event e = receiver.events.get(i);
                if (e.resolved()) {
                    resolved.add(e.at());
                    resolvedAt.add(i);
                } else {
                    firstAck.putIfAbsent(e.topic() + e.key() + "@" + e.at(), i);
                }
            }
            assertThat(firstAck).hasSize(generated.size());
            for (int i = 1; i < resolved.size(); i++) {
                assertThat(resolved.get(i)).isGreaterThan(resolved.get(i - 1));
            }
            assertThat(resolved.get(resolved.size() - 1)).isEqualTo(end);
            for (Generated g : generated) {
                assertThat(g.updated()).isLessThan(end);
                assertThat(g.updated().wall()).isGreaterThan(1_700_000_000_000_000_000L);
                int ackIndex = firstAck.get(g.topic() + g.key() + "@" + g.updated());
                for (int r = 0; r < resolved.size(); r++) {
                    if (resolved.get(r).compareTo(g.updated()) >= 0 && resolvedAt.get(r) < ackIndex) {
                        fail("resolved " + resolved.get(r) + " was sent before " + g + " was acknowledged");
                    }
                }
            }
        }
    }

    @Test
    void transactionsAreSplitAcrossNodesAndShareOneTimestamp() throws Exception {
        Map<Hlc, Integer> rowsPerTimestamp = new HashMap<>();
        List<Generated> generated = Collections.synchronizedList(new ArrayList<>());
        try (ChangefeedSimulator sim = simulator(generated, 3).build()) {
            sim.runTransactions(300);
            sim.finish(Duration.ofSeconds(30));
        }
        for (Generated g : generated) {
            rowsPerTimestamp.merge(g.updated(), 1, Integer::sum);
        }
        assertThat(rowsPerTimestamp).hasSize(300);
        assertThat(rowsPerTimestamp.values()).anyMatch(n -> n > 1);
        assertThat(receiver.errors).isEmpty();
    }

    @Test
    void sameSeedGivesSameTransactions() throws Exception {
        List<List<RowChange>> first = new ArrayList<>();
        List<List<RowChange>> second = new ArrayList<>();
        List<List<RowChange>> other = new ArrayList<>();
        Map<String, Map<String, SortedMap<String, String>>> firstModel = run(11, first);
        Map<String, Map<String, SortedMap<String, String>>> secondModel = run(11, second);
        Map<String, Map<String, SortedMap<String, String>>> otherModel = run(12, other);
        assertThat(second).isEqualTo(first);
        assertThat(secondModel).isEqualTo(firstModel);
        assertThat(other).isNotEqualTo(first);
        assertThat(otherModel).isNotEqualTo(firstModel);
    }

    private Map<String, Map<String, SortedMap<String, String>>> run(long seed, List<List<RowChange>> into)
            throws Exception {
        try (ChangefeedSimulator sim = ChangefeedSimulator.builder().url(url()).workload(new HrWorkload()).seed(seed)
                .transactionListener(tx -> into.add(tx.changes())).build()) {
            sim.runTransactions(200);
            sim.finish(Duration.ofSeconds(30));
            return sim.model().snapshot();
        }
    }

    @Test
    void transferWorkloadKeepsTheTotal() throws Exception {
        TransferWorkload workload = new TransferWorkload(10, 500);
        try (ChangefeedSimulator sim = ChangefeedSimulator.builder().url(url()).workload(workload).seed(5)
                .resolvedInterval(Duration.ofMillis(20)).build()) {
            sim.runTransactions(500);
            sim.finish(Duration.ofSeconds(30));
            long total = 0;
            for (SortedMap<String, String> row : sim.model().rows("accounts").values()) {
                total += Long.parseLong(row.get("balance"));
            }
            assertThat(total).isEqualTo(workload.total()).isEqualTo(5000);
            assertThat(sim.model().size("accounts")).isEqualTo(10);
        }
        assertThat(receiver.errors).isEmpty();
    }

    @Test
    void restartsReEmitOlderMessagesAndKeepTheModel() throws Exception {
        receiver.restarts = true;
        receiver.failureRate = 0.05;
        List<Generated> generated = Collections.synchronizedList(new ArrayList<>());
        Hlc end;
        ChangefeedSimulator.Stats stats;
        Map<String, Map<String, SortedMap<String, String>>> model;
        try (ChangefeedSimulator sim = simulator(generated, 21).restartProbability(0.3).build()) {
            sim.start();
            for (int i = 0; i < 10; i++) {
                sim.runTransactions(20);
                Thread.sleep(15);
            }
            end = sim.finish(Duration.ofSeconds(60));
            stats = sim.stats();
            model = sim.model().snapshot();
            synchronized (receiver) {
                assertThat(receiver.errors).isEmpty();
                for (String table : sim.model().tables()) {
                    Map<String, String> expected = new HashMap<>();
                    sim.model().rows(table).forEach((k, row) -> expected.put(k, CrdbJson.object(row)));
                    assertThat(receiver.rebuilt.getOrDefault(table, Map.of())).as(table).isEqualTo(expected);
                }
            }
        }
        assertThat(stats.restarts()).isGreaterThan(2);
        assertThat(stats.reemitted()).isPositive();
        assertThat(stats.pending()).isZero();
        assertThat(stats.lastResolved()).isEqualTo(end);
        synchronized (receiver) {
            assertThat(receiver.reemissions).isPositive();
            assertThat(receiver.olderReemissions).isPositive();
            // Resolved timestamps strictly increase and come only after every message <= T was first acknowledged.
            Map<String, Integer> firstAck = new HashMap<>();
            List<Hlc> resolved = new ArrayList<>();
            List<Integer> resolvedAt = new ArrayList<>();
            for (int i = 0; i < receiver.events.size(); i++) {
                Event e = receiver.events.get(i);
                if (e.resolved()) {
                    resolved.add(e.at());
                    resolvedAt.add(i);
                } else {
                    firstAck.putIfAbsent(e.topic() + e.key() + "@" + e.at(), i);
                }
            }
            assertThat(firstAck.size()).isEqualTo(generated.size());
            for (int i = 1; i < resolved.size(); i++) {
                assertThat(resolved.get(i)).isGreaterThan(resolved.get(i - 1));
            }
            for (Generated g : generated) {
                int ackIndex = firstAck.get(g.topic() + g.key() + "@" + g.updated());
                for (int r = 0; r < resolved.size(); r++) {
                    if (resolved.get(r).compareTo(g.updated()) >= 0 && resolvedAt.get(r) < ackIndex) {
                        fail("resolved " + resolved.get(r) + " was sent before " + g + " was acknowledged");
                    }
                }
            }
        }
        // The same seed gives the same source, restarts or not.
        receiver.restarts = false;
        assertThat(run(21, new ArrayList<>())).isEqualTo(model);
        System.out.println("restarts " + stats.restarts() + ", re-queued " + stats.reemitted() + ", re-emissions received "
                + receiver.reemissions + " (" + receiver.olderReemissions + " older than the newest sent)");
    }

    @Test
    void severalUrlsSpreadEveryAttemptAndRetryElsewhere() throws Exception {
        // A second receiver that refuses everything: a retry must reach the first one to succeed.
        Set<String> refused = ConcurrentHashMap.newKeySet();
        AtomicInteger refusedAttempts = new AtomicInteger();
        HttpServer broken = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        ExecutorService brokenExecutor = Executors.newFixedThreadPool(4);
        broken.setExecutor(brokenExecutor);
        broken.createContext("/", exchange -> {
            refused.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            refusedAttempts.incrementAndGet();
            byte[] answer = "unavailable\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(503, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        broken.start();
        List<URI> urls = List.of(URI.create(url()),
                URI.create("http://127.0.0.1:" + broken.getAddress().getPort() + "/hr/public"));
        ChangefeedSimulator.Stats stats;
        try (ChangefeedSimulator sim = ChangefeedSimulator.builder().urls(urls).workload(new HrWorkload()).seed(9)
                .resolvedInterval(Duration.ofMillis(20)).retryBackoff(Duration.ofMillis(1)).maxBatch(8).build()) {
            assertThat(sim.urls()).isEqualTo(urls);
            assertThat(sim.url()).isEqualTo(urls.get(0));
            sim.runTransactions(300);
            sim.finish(Duration.ofSeconds(60));
            stats = sim.stats();
            synchronized (receiver) {
                assertThat(receiver.errors).isEmpty();
                // Every body the broken receiver refused was retried, byte-identical, to the other one.
                assertThat(receiver.accepted).containsAll(refused);
                for (String table : sim.model().tables()) {
                    Map<String, String> expected = new HashMap<>();
                    sim.model().rows(table).forEach((k, row) -> expected.put(k, CrdbJson.object(row)));
                    assertThat(receiver.rebuilt.getOrDefault(table, Map.of())).as(table).isEqualTo(expected);
                }
            }
        } finally {
            broken.stop(0);
            brokenExecutor.shutdownNow();
        }
        // Each failed attempt is one retry; about half of all attempts went to each receiver.
        assertThat(stats.retries()).isEqualTo(refusedAttempts.get());
        long attempts = stats.posts() + stats.resolvedSent() + refusedAttempts.get();
        assertThat((double) refusedAttempts.get() / attempts).isBetween(0.35, 0.65);
        assertThat(refused).anyMatch(b -> RESOLVED.matcher(b).matches()).anyMatch(b -> b.startsWith("{\"payload\""));
        assertThatThrownBy(() -> ChangefeedSimulator.builder().urls(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ChangefeedSimulator.builder().urls(List.of(URI.create("ftp://x/y"))))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void crdbJsonEscapesLikeCockroachDb() {
        assertThat(CrdbJson.string("a\"b\\c\nd\te\u0001<&>ü")).isEqualTo("\"a\\\"b\\\\c\\nd\\te\\u0001<&>ü\"");
        SortedMap<String, String> row = CrdbJson.row();
        row.put("b", "1");
        row.put("_x", "null");
        row.put("B", "true");
        assertThat(CrdbJson.object(row)).isEqualTo("{\"B\": true, \"_x\": null, \"b\": 1}");
        assertThat(CrdbJson.timestamptz(java.time.Instant.parse("2025-09-30T14:30:15.123400Z")))
                .isEqualTo("\"2025-09-30T14:30:15.1234Z\"");
        assertThat(CrdbJson.timestamptz(java.time.Instant.parse("2025-09-30T14:30:15Z")))
                .isEqualTo("\"2025-09-30T14:30:15Z\"");
    }
}
