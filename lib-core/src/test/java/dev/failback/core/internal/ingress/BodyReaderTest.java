package dev.failback.core.internal.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class BodyReaderTest {

    private static final byte[] BODY = WebhookDecoderTest.fixture("02-insert-employees-batch.json");

    @Test
    void identityBodiesAreReturnedAsSent() throws IOException {
        for (String encoding : new String[] {null, "", " ", "identity", "IDENTITY", " identity , identity"}) {
            assertThat(BodyReader.read(new ByteArrayInputStream(BODY), BODY.length, encoding, 1 << 20))
                    .as(String.valueOf(encoding)).isEqualTo(BODY);
            assertThat(BodyReader.read(new ByteArrayInputStream(BODY), -1, encoding, 1 << 20))
                    .as(String.valueOf(encoding)).isEqualTo(BODY);
        }
        assertThat(BodyReader.read(new ByteArrayInputStream(new byte[0]), 0, null, 10)).isEmpty();
        assertThat(BodyReader.read(new ByteArrayInputStream(new byte[0]), -1, null, 0)).isEmpty();
    }

    @Test
    void bodyOfExactlyTheLimitIsAccepted() throws IOException {
        assertThat(BodyReader.read(new ByteArrayInputStream(BODY), BODY.length, null, BODY.length)).isEqualTo(BODY);
        assertThat(BodyReader.read(new ByteArrayInputStream(BODY), -1, null, BODY.length)).isEqualTo(BODY);
    }

    @Test
    void bodyLongerThanDeclaredIsStillReadWhole() throws IOException {
        assertThat(BodyReader.read(new ByteArrayInputStream(BODY), 10, null, 1 << 20)).isEqualTo(BODY);
    }

    @Test
    void declaredLengthOverTheLimitIsRejectedWithoutReading() {
        InputStream unreadable = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("must not read");
            }
        };
        WebhookException e = rejected(() -> BodyReader.read(unreadable, 1001, null, 1000));
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.getMessage()).isEqualTo("body is 1001 bytes (Content-Length), more than the limit of 1000 bytes");
    }

    @Test
    void oversizePlainBodyStopsOneByteAfterTheLimit() {
        CountingStream endless = new CountingStream(endless());
        WebhookException e = rejected(() -> BodyReader.read(endless, -1, null, 100_000));
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.getMessage()).isEqualTo("body is larger than the limit of 100000 bytes");
        assertThat(endless.count).isEqualTo(100_001);

        WebhookException lying = rejected(
                () -> BodyReader.read(new ByteArrayInputStream(BODY), 10, null, BODY.length - 1));
        assertThat(lying.status()).isEqualTo(413);
    }

    @Test
    void gzipRoundTrip() throws IOException {
        byte[] gz = gzip(BODY);
        for (String encoding : new String[] {"gzip", "GZIP", "x-gzip", "gzip, identity", "identity,gzip"}) {
            assertThat(BodyReader.read(new ByteArrayInputStream(gz), gz.length, encoding, 1 << 20)).as(encoding)
                    .isEqualTo(BODY);
        }
        assertThat(BodyReader.read(new ByteArrayInputStream(gz), -1, "gzip", BODY.length)).isEqualTo(BODY);
        byte[] twice = gzip(gz);
        assertThat(BodyReader.read(new ByteArrayInputStream(twice), twice.length, "gzip, gzip", 1 << 20)).isEqualTo(BODY);
        assertThat(new WebhookDecoder(64, 1 << 20).decode(
                BodyReader.read(new ByteArrayInputStream(gz), gz.length, "gzip", 1 << 20)))
                .isInstanceOf(DecodedBody.Rows.class);
    }

    @Test
    void gzipBombIsCutAtTheDecompressedLimit() throws IOException {
        byte[] bomb = gzip(new byte[64 << 20]); // 64 MiB of zeros, ~64 KiB compressed
        assertThat(bomb.length).isLessThan(1 << 20);
        WebhookException e = rejected(
                () -> BodyReader.read(new ByteArrayInputStream(bomb), bomb.length, "gzip", 1 << 20));
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.getMessage()).isEqualTo("decompressed body is larger than the limit of 1048576 bytes");
        byte[] exact = gzip(new byte[1 << 20]);
        assertThat(BodyReader.read(new ByteArrayInputStream(exact), exact.length, "gzip", 1 << 20)).hasSize(1 << 20);
    }

    @Test
    void compressedInputIsLimitedToo() throws IOException {
        byte[] random = new byte[300_000];
        new Random(1).nextBytes(random);
        byte[] gz = gzip(random);
        WebhookException e = rejected(
                () -> BodyReader.read(new ByteArrayInputStream(gz), -1, "gzip", 200_000));
        assertThat(e.status()).isEqualTo(413);
        // endless stream of empty gzip members: no output, but the raw input is bounded
        byte[] empty = gzip(new byte[0]);
        InputStream members = new InputStream() {
            private int i;

            @Override
            public int read() {
                return empty[i++ % empty.length] & 0xff;
            }

            @Override
            public int available() {
                return 1; // GZIPInputStream only looks for another member when input seems to remain
            }
        };
        WebhookException endless = rejected(() -> BodyReader.read(members, -1, "gzip", 100_000));
        assertThat(endless.status()).isEqualTo(413);
        assertThat(endless.getMessage()).isEqualTo("compressed body is larger than the limit of 100000 bytes");
    }

    @Test
    void corruptGzipIsBadRequest() throws IOException {
        WebhookException notGzip = rejected(
                () -> BodyReader.read(new ByteArrayInputStream(BODY), BODY.length, "gzip", 1 << 20));
        assertThat(notGzip.status()).isEqualTo(400);
        assertThat(notGzip.getMessage()).isEqualTo("body is not valid gzip: Not in GZIP format");

        byte[] gz = gzip(BODY);
        byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
        WebhookException cut = rejected(
                () -> BodyReader.read(new ByteArrayInputStream(truncated), truncated.length, "gzip", 1 << 20));
        assertThat(cut.status()).isEqualTo(400);
        assertThat(cut.getMessage()).startsWith("body is not valid gzip: ");

        byte[] flipped = gz.clone();
        flipped[gz.length / 2] ^= 0x55;
        flipped[gz.length / 2 + 1] ^= 0x55;
        WebhookException bad = rejected(
                () -> BodyReader.read(new ByteArrayInputStream(flipped), flipped.length, "gzip", 1 << 20));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.getMessage()).startsWith("body is not valid gzip: ");

        WebhookException empty = rejected(
                () -> BodyReader.read(new ByteArrayInputStream(new byte[0]), 0, "gzip", 1 << 20));
        assertThat(empty.getMessage()).isEqualTo("body is not valid gzip: unexpected end of input");
    }

    @Test
    void zstdRoundTrip() throws IOException {
        byte[] zst = zstd(BODY);
        for (String encoding : new String[] {"zstd", "ZSTD", " zstd ", "zstd, identity", "identity,zstd"}) {
            assertThat(BodyReader.read(new ByteArrayInputStream(zst), zst.length, encoding, 1 << 20)).as(encoding)
                    .isEqualTo(BODY);
        }
        assertThat(BodyReader.read(new ByteArrayInputStream(zst), -1, "zstd", BODY.length)).isEqualTo(BODY);
        assertThat(BodyReader.read(new ByteArrayInputStream(zstd(new byte[0])), -1, "zstd", 100)).isEmpty();
        byte[] stacked = zstd(gzip(BODY)); // gzip applied first, then zstd
        assertThat(BodyReader.read(new ByteArrayInputStream(stacked), stacked.length, "gzip, zstd", 1 << 20))
                .isEqualTo(BODY);
        byte[] big = new byte[3 << 20]; // several blocks and a window refill
        new Random(2).nextBytes(big);
        Arrays.fill(big, 1 << 20, 2 << 20, (byte) 'a');
        byte[] bigZst = zstd(big);
        assertThat(BodyReader.read(new ByteArrayInputStream(bigZst), bigZst.length, "zstd", 4 << 20)).isEqualTo(big);
    }

    @Test
    void zstdFromTheReferenceEncoderIsRead() throws IOException {
        // written by the zstd CLI 1.5.4: "zstd -1 --check", and two frames (-3, -19) back to back
        byte[] one = resource("/fixtures/encoded/02-insert-employees-batch.json.zst");
        assertThat(BodyReader.read(new ByteArrayInputStream(one), one.length, "zstd", 1 << 20)).isEqualTo(BODY);
        byte[] two = resource("/fixtures/encoded/02-insert-employees-batch-twice.json.zst");
        byte[] both = new byte[BODY.length * 2];
        System.arraycopy(BODY, 0, both, 0, BODY.length);
        System.arraycopy(BODY, 0, both, BODY.length, BODY.length);
        assertThat(BodyReader.read(new ByteArrayInputStream(two), -1, "zstd", 1 << 20)).isEqualTo(both);
    }

    @Test
    void zstdBombIsCutAtTheDecompressedLimit() throws IOException {
        byte[] bomb = zstd(new byte[64 << 20]); // 64 MiB of zeros, a few KiB compressed
        assertThat(bomb.length).isLessThan(1 << 20);
        CountingStream counted = new CountingStream(new ByteArrayInputStream(bomb));
        WebhookException e = rejected(() -> BodyReader.read(counted, bomb.length, "zstd", 1 << 20));
        assertThat(e.status()).isEqualTo(413);
        assertThat(e.getMessage()).isEqualTo("decompressed body is larger than the limit of 1048576 bytes");
        assertThat(counted.count).isLessThan(bomb.length); // stopped early, not after inflating everything
        byte[] exact = zstd(new byte[1 << 20]);
        assertThat(BodyReader.read(new ByteArrayInputStream(exact), exact.length, "zstd", 1 << 20)).hasSize(1 << 20);

        byte[] random = new byte[300_000];
        new Random(1).nextBytes(random);
        byte[] incompressible = zstd(random);
        WebhookException raw = rejected(
                () -> BodyReader.read(new ByteArrayInputStream(incompressible), -1, "zstd", 200_000));
        assertThat(raw.status()).isEqualTo(413);
    }

    @Test
    void corruptZstdIsBadRequest() throws IOException {
        WebhookException notZstd = rejected(
                () -> BodyReader.read(new ByteArrayInputStream(BODY), BODY.length, "zstd", 1 << 20));
        assertThat(notZstd.status()).isEqualTo(400);
        assertThat(notZstd.getMessage()).startsWith("body is not valid zstd: ").contains("magic");

        byte[] zst = zstd(BODY);
        byte[] truncated = Arrays.copyOf(zst, zst.length / 2);
        WebhookException cut = rejected(
                () -> BodyReader.read(new ByteArrayInputStream(truncated), truncated.length, "zstd", 1 << 20));
        assertThat(cut.status()).isEqualTo(400);
        assertThat(cut.getMessage()).isEqualTo("body is not valid zstd: Not enough input bytes");

        byte[] checked = resource("/fixtures/encoded/02-insert-employees-batch.json.zst");
        int refused = 0;
        for (int i = 0; i < checked.length; i++) { // every single flipped byte: a 4xx or a harmless header change
            byte[] flipped = checked.clone();
            flipped[i] ^= 0x55;
            Throwable t = catchThrowable(() -> BodyReader.read(new ByteArrayInputStream(flipped), flipped.length,
                    "zstd", 1 << 20));
            if (t == null) {
                continue;
            }
            refused++;
            assertThat(t).as("byte " + i).isInstanceOf(WebhookException.class);
            WebhookException bad = (WebhookException) t;
            assertThat(bad.status()).as("byte " + i).isIn(400, 413);
            if (bad.status() == 400) {
                assertThat(bad.getMessage()).as("byte " + i).startsWith("body is not valid zstd: ");
            }
        }
        assertThat(refused).isGreaterThan(checked.length * 3 / 4); // the checksum catches changed content

        WebhookException empty = rejected(
                () -> BodyReader.read(new ByteArrayInputStream(new byte[0]), 0, "zstd", 1 << 20));
        assertThat(empty.getMessage()).isEqualTo("body is not valid zstd: Not enough input bytes");

        byte[] gzipInsideZstd = zstd(BODY); // says gzip inside, but is not
        WebhookException inner = rejected(() -> BodyReader.read(new ByteArrayInputStream(zstd(gzipInsideZstd)), -1,
                "zstd, zstd, gzip", 1 << 20));
        assertThat(inner.getMessage()).isEqualTo("body is not valid gzip: Not in GZIP format");
    }

    @Test
    void unsupportedEncodings() {
        WebhookException br = rejected(
                () -> BodyReader.read(new ByteArrayInputStream(BODY), BODY.length, "br", 1 << 20));
        assertThat(br.status()).isEqualTo(415);
        assertThat(br.getMessage()).isEqualTo("Content-Encoding \"br\" is not supported; use gzip, zstd or none");
        WebhookException mixed = rejected(
                () -> BodyReader.read(new ByteArrayInputStream(BODY), BODY.length, "gzip, deflate", 1 << 20));
        assertThat(mixed.status()).isEqualTo(415);
        assertThat(mixed.getMessage()).contains("\"deflate\"");
    }

    @Test
    void sourceFailuresStayIoExceptions() throws IOException {
        byte[] gz = gzip(BODY);
        InputStream failing = new InputStream() {
            private int i;

            @Override
            public int read() throws IOException {
                if (i == 20) {
                    throw new IOException("connection reset");
                }
                return gz[i++] & 0xff;
            }
        };
        assertThatThrownBy(() -> BodyReader.read(failing, -1, "gzip", 1 << 20))
                .isExactlyInstanceOf(IOException.class).hasMessage("connection reset");
    }

    @Test
    void sourceIsNotClosed() throws IOException {
        boolean[] closed = {false};
        byte[] gz = gzip(BODY);
        InputStream in = new ByteArrayInputStream(gz) {
            @Override
            public void close() {
                closed[0] = true;
            }
        };
        BodyReader.read(in, gz.length, "gzip", 1 << 20);
        assertThat(closed[0]).isFalse();
    }

    @Test
    void argumentsAreChecked() {
        assertThatThrownBy(() -> BodyReader.read(null, 0, null, 10)).isInstanceOf(NullPointerException.class)
                .hasMessage("in");
        assertThatThrownBy(() -> BodyReader.read(new ByteArrayInputStream(BODY), 0, null, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBytes must be >= 0, but was -1");
    }

    @Test
    void aBodyReadHoldsItsCostPerByteAndTheDecodersGiveTheirsBack() throws IOException {
        byte[] big = new byte[3 << 20]; // several chunks
        new Random(3).nextBytes(big);
        Arrays.fill(big, 1 << 20, 2 << 20, (byte) 'a');
        byte[][] bodies = {BODY, big, new byte[0]};
        for (byte[] body : bodies) {
            for (String encoding : new String[] {null, "gzip", "zstd", "gzip, zstd"}) {
                byte[] sent = encoding == null ? body : encoding.equals("gzip") ? gzip(body)
                        : encoding.equals("zstd") ? zstd(body) : zstd(gzip(body));
                for (long declared : new long[] {sent.length, -1}) {
                    MemoryBudget budget = new MemoryBudget(64L << 20);
                    try (MemoryBudget.Reservation memory = budget.open()) {
                        byte[] read = BodyReader.read(new ByteArrayInputStream(sent), declared, encoding, 8 << 20, memory);
                        assertThat(read).isEqualTo(body);
                        String what = encoding + ", " + body.length + " bytes, declared " + declared;
                        assertThat(memory.held()).as(what).isEqualTo((long) BodyReader.COST_PER_BYTE * body.length);
                        assertThat(budget.used()).as(what).isEqualTo(memory.held());
                    }
                    assertThat(budget.used()).isZero();
                }
            }
        }
    }

    @Test
    void aBombIsCutByTheBudgetBeforeItsSizeLimit() throws IOException {
        byte[] bomb = gzip(new byte[64 << 20]);
        for (String encoding : new String[] {"gzip", "zstd"}) {
            byte[] sent = encoding.equals("gzip") ? bomb : zstd(new byte[64 << 20]);
            // alone over the budget: can never fit
            MemoryBudget budget = new MemoryBudget(4L << 20);
            MemoryBudget.Reservation memory = budget.open();
            WebhookException e = rejected(() -> BodyReader.read(new ByteArrayInputStream(sent), sent.length, encoding,
                    128 << 20, memory));
            assertThat(e.status()).as(encoding).isEqualTo(413);
            assertThat(e.getMessage()).startsWith("body needs more than 4194304 bytes of memory");
            assertThat(budget.used()).isLessThanOrEqualTo(budget.limit());
            memory.close();
            assertThat(budget.used()).isZero();

            // beside others: refused for now
            MemoryBudget shared = new MemoryBudget(64L << 20);
            MemoryBudget.Reservation others = shared.open();
            others.reserve(60L << 20);
            MemoryBudget.Reservation mine = shared.open();
            assertThatThrownBy(() -> BodyReader.read(new ByteArrayInputStream(sent), sent.length, encoding, 128 << 20,
                    mine)).isInstanceOf(MemoryBudget.ExhaustedException.class)
                    .hasMessageEndingWith("(limit 67108864); the changefeed will retry");
            assertThat(shared.used()).isLessThanOrEqualTo(shared.limit());
            mine.close();
            assertThat(shared.used()).isEqualTo(60L << 20);
        }
    }

    @Test
    void aDeclaredLengthThatCanNeverFitIsRefusedWithoutReading() {
        InputStream unreadable = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("must not read");
            }
        };
        MemoryBudget budget = new MemoryBudget(1L << 20);
        long tooMany = (1L << 20) / BodyReader.COST_PER_BYTE + 1;
        WebhookException e = rejected(() -> BodyReader.read(unreadable, tooMany, null, 1 << 30, budget.open()));
        assertThat(e.status()).isEqualTo(413);
        assertThat(budget.used()).isZero();
    }

    @Test
    void nothingIsAllocatedForAClaimedLengthBeforeItArrives() throws IOException {
        // a lying Content-Length of 100 MiB: the first chunk is bounded, and so is the reservation
        MemoryBudget budget = new MemoryBudget(1L << 30);
        try (MemoryBudget.Reservation memory = budget.open()) {
            InputStream watching = new ByteArrayInputStream(BODY) {
                @Override
                public synchronized int read(byte[] b, int off, int len) {
                    assertThat(memory.held()).isLessThanOrEqualTo((long) BodyReader.COST_PER_BYTE * BodyReader.MAX_CHUNK);
                    return super.read(b, off, len);
                }
            };
            assertThat(BodyReader.read(watching, 100L << 20, null, 128L << 20, memory)).isEqualTo(BODY);
            assertThat(memory.held()).isEqualTo((long) BodyReader.COST_PER_BYTE * BODY.length);
        }
    }

    private static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] zstd(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZstdOutputStream zst = new ZstdOutputStream(out)) {
            zst.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = BodyReaderTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return in.readAllBytes();
        }
    }

    private static InputStream endless() {
        return new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 'x');
                return len;
            }
        };
    }

    private static final class CountingStream extends InputStream {
        private final InputStream in;
        long count;

        CountingStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = in.read(b, off, len);
            if (r > 0) {
                count += r;
            }
            return r;
        }
    }

    private static WebhookException rejected(ThrowingCallable call) {
        Throwable thrown = catchThrowable(call);
        assertThat(thrown).isInstanceOf(WebhookException.class);
        return (WebhookException) thrown;
    }
}
