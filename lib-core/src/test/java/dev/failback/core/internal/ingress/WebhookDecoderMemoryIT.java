package dev.failback.core.internal.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Measures what a body costs in heap, per body byte, beyond the body itself: everything decoding
 * allocates (an upper bound of its transient peak; what the rows keep is part of it). This is where
 * {@link WebhookDecoder#HEAP_PER_BODY_BYTE} comes from: the worst shape must stay under it. Also
 * measures what {@link BodyReader} allocates per body byte (chunks and the joined copy), which must
 * stay under its {@link BodyReader#COST_PER_BYTE}. Prints the figures.
 */
class WebhookDecoderMemoryIT {
    private static final int MIB = 1 << 20;
    private static final String UPDATED = "1759246931287415902.0000000000";

    private final WebhookDecoder decoder = new WebhookDecoder(64, WebhookDecoder.MAX_TEXT_LENGTH);

    @Test
    void decodingCostsAtMostTheReservedBytesPerBodyByte() throws IOException {
        Map<String, byte[]> shapes = new LinkedHashMap<>();
        shapes.put("one ASCII string value", bigValue("a".repeat(8 * MIB)));
        shapes.put("one Latin-1 string value", bigValue("é".repeat(4 * MIB)));
        shapes.put("one string value with a char beyond Latin-1", bigValue("a".repeat(8 * MIB) + "ā"));
        shapes.put("one value of 3-byte chars", bigValue("€".repeat(3 * MIB)));
        shapes.put("after and before both large", afterAndBefore("a".repeat(4 * MIB) + "ā"));
        shapes.put("bare envelope, one large column", bare("a".repeat(8 * MIB) + "ā"));
        shapes.put("many small messages", manyMessages(60_000, 1));
        shapes.put("many one-column messages, tiny values", tinyMessages(120_000));
        shapes.put("many messages of 40 columns", manyMessages(3_000, 40));
        shapes.put("long distinct key names in a JSON value", longNames(4_000, 2_000));
        shapes.put("many distinct short names in a JSON value", longNames(200_000, 8));
        shapes.put("long key arrays", longKeys(20_000));

        double worstSlice = 0;
        double worstRead = 0;
        long worstPerMessage = 0;
        StringBuilder table = new StringBuilder(String.format("%-48s %12s %9s %11s %9s %9s %9s%n", "shape",
                "body bytes", "read/byte", "decode/byte", "kept/byte", "messages", "kept/msg"));
        for (Map.Entry<String, byte[]> e : shapes.entrySet()) {
            byte[] body = e.getValue();
            assertThat(decoder.decode(body)).isInstanceOf(DecodedBody.Rows.class); // warm up, and check it is valid
            long r0 = allocated();
            byte[] read = BodyReader.read(new ByteArrayInputStream(body), -1, null, Integer.MAX_VALUE);
            long r1 = allocated();
            long live0 = live();
            DecodedBody decoded = decoder.decode(read);
            long r2 = allocated();
            long kept = live() - live0;
            int messages = ((DecodedBody.Rows) decoded).messages().size();
            double readPerByte = (double) (r1 - r0) / body.length;
            double decodePerByte = (double) (r2 - r1) / body.length;
            table.append(String.format("%-48s %,12d %9.2f %11.2f %9.2f %9d %,9d%n", e.getKey(), body.length,
                    readPerByte, decodePerByte, (double) kept / body.length, messages, kept / messages));
            worstRead = Math.max(worstRead, readPerByte);
            if (e.getKey().startsWith("one ") || e.getKey().startsWith("after ") || e.getKey().startsWith("bare ")) {
                // one large slice: nearly everything allocated may be alive at once
                worstSlice = Math.max(worstSlice, decodePerByte);
            } else {
                // many small strings: most of what is allocated is garbage at once; what they keep counts
                if (messages > 1) {
                    worstPerMessage = Math.max(worstPerMessage, kept / messages);
                }
                assertThat(kept).as(e.getKey()).isLessThanOrEqualTo(
                        (long) WebhookDecoder.HEAP_PER_BODY_BYTE * body.length + (long) WebhookDecoder.HEAP_PER_MESSAGE * messages);
            }
        }
        table.append(String.format("worst: reading %.2f, decoding one large slice %.2f bytes per body byte; %d bytes"
                + " kept per message (reserved: %d per byte, body included, and %d per message)%n", worstRead,
                worstSlice, worstPerMessage, BodyReader.COST_PER_BYTE, WebhookDecoder.HEAP_PER_MESSAGE));
        System.out.print(table);
        // String's constructor first fills a Latin-1 array of the full length, garbage once it turns to
        // UTF-16: allocated, not alive with the rest (decoding a 32 MiB body of one such string, as "after"
        // or bare, in a JVM with a tight heap needs about 5 times the body besides the body, not 6)
        assertThat(worstSlice).isLessThanOrEqualTo(WebhookDecoder.HEAP_PER_BODY_BYTE + 1.01);
        // the chunks and the joined copy are covered by the reservation per byte
        assertThat(worstRead).isLessThanOrEqualTo(BodyReader.COST_PER_BYTE);
    }

    /** The heap in use after collecting garbage. */
    private static long live() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** What this thread allocated so far (HotSpot). */
    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bigValue(String v) {
        return utf8("{\"payload\":[{\"after\": {\"id\": 1, \"v\": \"" + v + "\"}, \"key\": [1], \"topic\": \"kv\","
                + " \"updated\": \"" + UPDATED + "\"}],\"length\":1}");
    }

    private static byte[] afterAndBefore(String v) {
        return utf8("{\"payload\":[{\"after\": {\"id\": 1, \"v\": \"" + v + "\"}, \"before\": {\"id\": 1, \"v\": \""
                + v + "\"}, \"key\": [1], \"topic\": \"kv\", \"updated\": \"" + UPDATED + "\"}],\"length\":1}");
    }

    private static byte[] bare(String v) {
        return utf8("{\"payload\":[{\"id\": 1, \"v\": \"" + v + "\", \"__crdb__\": {\"key\": [1], \"topic\": \"kv\","
                + " \"updated\": \"" + UPDATED + "\"}}],\"length\":1}");
    }

    private static byte[] manyMessages(int messages, int columns) {
        StringBuilder b = new StringBuilder("{\"payload\":[");
        for (int i = 0; i < messages; i++) {
            b.append(i == 0 ? "" : ",").append("{\"after\": {\"id\": ").append(i);
            for (int c = 0; c < columns; c++) {
                b.append(", \"column_").append(c).append("\": \"value ").append(c).append('"');
            }
            b.append("}, \"before\": null, \"key\": [").append(i).append("], \"mvcc_timestamp\": \"").append(UPDATED)
                    .append("\", \"topic\": \"employees\", \"updated\": \"").append(UPDATED).append("\"}");
        }
        return utf8(b.append("],\"length\":").append(messages).append('}').toString());
    }

    private static byte[] tinyMessages(int messages) {
        StringBuilder b = new StringBuilder("{\"payload\":[");
        for (int i = 0; i < messages; i++) {
            b.append(i == 0 ? "" : ",").append("{\"after\":{\"i\":").append(i % 10).append("},\"key\":[")
                    .append(i % 10).append("],\"topic\":\"t\",\"updated\":\"1.0\"}");
        }
        return utf8(b.append("]}").toString());
    }

    private static byte[] longNames(int names, int length) {
        StringBuilder b = new StringBuilder("{\"payload\":[{\"after\": {\"id\": 1, \"doc\": {");
        for (int i = 0; i < names; i++) {
            String n = Integer.toString(i);
            b.append(i == 0 ? "" : ",").append('"').append("k".repeat(Math.max(0, length - n.length()))).append(n)
                    .append("\":1");
        }
        return utf8(b.append("}}, \"key\": [1], \"topic\": \"kv\", \"updated\": \"").append(UPDATED)
                .append("\"}],\"length\":1}").toString());
    }

    private static byte[] longKeys(int messages) {
        StringBuilder b = new StringBuilder("{\"payload\":[");
        for (int i = 0; i < messages; i++) {
            b.append(i == 0 ? "" : ",").append("{\"after\": null, \"key\": [").append(i)
                    .append(", \"a somewhat long text key part\", 12345.678, true], \"topic\": \"kv\", \"updated\": \"")
                    .append(UPDATED).append("\"}");
        }
        return utf8(b.append("]}").toString());
    }
}
