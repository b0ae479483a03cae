package dev.failback.core.internal.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Time-bounded fuzzing of {@link BodyReader} and {@link WebhookDecoder} with {@link FuzzInputs}: every
 * input decodes, or is rejected with a {@link WebhookException} of status 400, 413 or 415 — never
 * another exception, never a hang — and what decodes is consistent ({@code length} matches, every
 * {@code key}/{@code after}/{@code before} slice is valid JSON of the right shape).
 *
 * <p>{@code -Dfailback.fuzz.seed=N} replays a run; {@code -Dfailback.fuzz.seconds=S} (default 20) and
 * {@code -Dfailback.fuzz.maxInputs=N} (default 200000) bound it. A failure prints the seed and the input.
 */
class WebhookDecoderFuzzIT {

    private static final long MAX_BODY = 1 << 20;
    private static final long PER_INPUT_TIMEOUT_MS = 5_000;

    /** The production shape (depth 64, strings up to the body limit) and tight limits, alternately. */
    private final WebhookDecoder[] decoders = {
        new WebhookDecoder(64, (int) MAX_BODY), new WebhookDecoder(WebhookDecoder.MIN_NESTING_DEPTH + 2, 200),
    };

    @Test
    void everyInputDecodesOrIsRejectedWithA4xx() throws Exception {
        long seed = Long.getLong("failback.fuzz.seed", System.nanoTime());
        long seconds = Long.getLong("failback.fuzz.seconds", 20);
        long maxInputs = Long.getLong("failback.fuzz.maxInputs", 200_000);
        System.out.println("WebhookDecoderFuzzIT: seed " + seed + " (replay with -Dfailback.fuzz.seed=" + seed
                + "), " + seconds + " s or " + maxInputs + " inputs");
        FuzzInputs inputs = new FuzzInputs(seed, WebhookDecoderFuzzIT.class);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long executions = 0;
        long accepted = 0;
        int[] statuses = new int[600];
        ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "decoder-fuzz");
            t.setDaemon(true);
            return t;
        });
        try {
            while (executions < maxInputs && System.nanoTime() < deadline) {
                FuzzInputs.Input input = inputs.next();
                WebhookDecoder decoder = decoders[(int) (executions % decoders.length)];
                executions++;
                Future<Object> f = worker.submit(() -> run(decoder, input));
                Object outcome;
                try {
                    outcome = f.get(PER_INPUT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    f.cancel(true);
                    throw new AssertionError("decode took more than " + PER_INPUT_TIMEOUT_MS + " ms (seed " + seed
                            + ", input " + executions + "): " + input.describe());
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("seed " + seed + ", input " + executions + ": " + e.getCause()
                            + "\n" + input.describe(), e.getCause());
                }
                if (outcome instanceof Integer status) {
                    statuses[status]++;
                } else {
                    accepted++;
                }
            }
        } finally {
            worker.shutdownNow();
        }
        System.out.println("WebhookDecoderFuzzIT: " + executions + " executions, " + accepted + " accepted, "
                + statuses[400] + " x 400, " + statuses[413] + " x 413, " + statuses[415] + " x 415 (seed " + seed + ")");
        assertThat(executions).isPositive();
        assertThat(accepted).as("some inputs are accepted").isPositive();
        assertThat(statuses[400]).as("some inputs are rejected").isPositive();
    }

    /** Reads and decodes one input; returns the rejection status or the decoded body, checked. */
    private static Object run(WebhookDecoder decoder, FuzzInputs.Input input) {
        DecodedBody decoded;
        byte[] body;
        try {
            body = BodyReader.read(new ByteArrayInputStream(input.body()), input.body().length,
                    input.contentEncoding(), MAX_BODY);
            decoded = decoder.decode(body);
        } catch (WebhookException e) {
            assertThat(e.status()).as(e.getMessage()).isIn(400, 413, 415);
            assertThat(e.getMessage()).isNotBlank().doesNotContain("\n");
            return e.status();
        } catch (Throwable e) {
            throw new AssertionError("not a WebhookException: " + e, e);
        }
        check(body, decoded);
        return decoded;
    }

    @SuppressWarnings("unchecked")
    private static void check(byte[] body, DecodedBody decoded) {
        assertThat(decoded).isNotNull();
        if (!(decoded instanceof DecodedBody.Rows rows)) {
            assertThat(((DecodedBody.ResolvedBody) decoded).resolved()).isNotNull();
            return;
        }
        Object top = TestJson.parse(body);
        assertThat(top).isInstanceOf(Map.class);
        Object length = ((Map<String, Object>) top).get("length");
        if (length != null) {
            assertThat(((Number) length).longValue()).as("length").isEqualTo(rows.messages().size());
        }
        List<RowMessage> messages = rows.messages();
        for (int i = 0; i < messages.size(); i++) {
            RowMessage m = messages.get(i);
            assertThat(m.index()).isEqualTo(i);
            assertThat(m.topic()).isNotEmpty();
            assertThat(TestJson.parse(m.key())).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                    .hasSize(m.keyArity());
            if (m.after() != null) {
                Object after = TestJson.parse(m.after());
                assertThat(after).isInstanceOf(Map.class);
                assertThat(new HashSet<>(m.afterColumns())).isEqualTo(((Map<String, Object>) after).keySet());
            } else {
                assertThat(m.afterColumns()).isEmpty();
            }
            if (m.before() != null) {
                assertThat(TestJson.parse(m.before())).isInstanceOf(Map.class);
            }
        }
    }

    @Test
    void theGeneratorIsDeterministicForASeed() {
        FuzzInputs a = new FuzzInputs(42, WebhookDecoderFuzzIT.class);
        FuzzInputs b = new FuzzInputs(42, WebhookDecoderFuzzIT.class);
        for (int i = 0; i < 200; i++) {
            FuzzInputs.Input x = a.next();
            FuzzInputs.Input y = b.next();
            if (!java.util.Arrays.equals(x.body(), y.body())) {
                fail("input " + i + " differs");
            }
            assertThat(x.contentEncoding()).isEqualTo(y.contentEncoding());
        }
    }
}
