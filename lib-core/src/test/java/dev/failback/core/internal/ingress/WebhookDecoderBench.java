package dev.failback.core.internal.ingress;

import java.nio.charset.StandardCharsets;

/**
 * Sanity microbenchmark, not a test: decodes a 500-message batch (fixture 02's rows repeated) in a loop
 * and prints throughput. Run from an IDE, or with
 * {@code java -cp lib-core/target/test-classes:lib-core/target/classes:<jackson-core>:<failback-api> …WebhookDecoderBench}.
 */
public final class WebhookDecoderBench {

    private WebhookDecoderBench() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args optional: number of messages per batch (default 500) and seconds to run (default 5)
     */
    public static void main(String[] args) {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        String one = "{\"after\": {\"active\": true, \"department\": \"Research\", \"email\": \"alan@example.com\", "
                + "\"hired_at\": \"2025-09-30T15:42:11.287416Z\", \"id\": %d, \"manager_id\": 1, "
                + "\"name\": \"Alan Turing\", \"salary\": 160000.00}, \"before\": null, \"key\": [%d], "
                + "\"mvcc_timestamp\": \"1759246931287415902.0000000000\", \"topic\": \"employees\", "
                + "\"updated\": \"1759246931287415902.0000000000\"}";
        StringBuilder sb = new StringBuilder("{\"payload\":[");
        for (int i = 0; i < messages; i++) {
            sb.append(i == 0 ? "" : ",").append(String.format(one, i, i));
        }
        byte[] body = sb.append("],\"length\":").append(messages).append('}').toString()
                .getBytes(StandardCharsets.UTF_8);
        WebhookDecoder decoder = new WebhookDecoder(64, 1 << 20);
        for (int i = 0; i < 2_000; i++) {
            decoder.decode(body); // warm-up
        }
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long start = System.nanoTime();
        long batches = 0;
        while (System.nanoTime() < deadline) {
            if (!(decoder.decode(body) instanceof DecodedBody.Rows)) {
                throw new IllegalStateException();
            }
            batches++;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("body %,d bytes, %d messages: %,.0f batches/s, %,.0f messages/s, %,.1f MB/s%n",
                body.length, messages, batches / secs, batches * messages / secs, batches * body.length / secs / 1e6);
    }
}
