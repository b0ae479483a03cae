package dev.failback.core.internal.ingress;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Reads a webhook request body into memory, undoing its {@code Content-Encoding} and enforcing a size
 * limit and a {@link MemoryBudget}. Stateless and thread-safe.
 *
 * <p>Supported encodings: none ({@code identity}), {@code gzip} ({@code x-gzip}) and {@code zstd}
 * (what CockroachDB sends with {@code compression='gzip'} or {@code 'zstd'}), also stacked
 * ({@code gzip, identity}). The limit applies to the compressed input and to the decoded size, so a
 * gzip or zstd bomb stops at the limit; zstd decoding holds at most one window (8 MiB) besides the
 * output. Anything else answers 415. The stream is never closed: the caller owns it.
 *
 * <p>Memory: nothing is allocated in proportion to what the client declares or sends before the
 * reservation has grown by it. The body is read into chunks of growing size (at most
 * {@value #MAX_CHUNK} bytes) and joined at the end; each chunk reserves {@link #COST_PER_BYTE} bytes
 * per byte: itself, plus what the body will cost once decoded ({@link WebhookDecoder#HEAP_PER_BODY_BYTE}),
 * which also covers the joined copy. A decoder reserves its buffers and window while it runs. At
 * return the reservation holds {@code COST_PER_BYTE} times the body length more than before.
 */
public final class BodyReader {

    /** The largest array the JVM reliably allocates. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /**
     * Heap bytes reserved per body byte: the body itself plus {@link WebhookDecoder#HEAP_PER_BODY_BYTE}
     * for what decoding it creates, held until the request is answered.
     */
    public static final int COST_PER_BYTE = 1 + WebhookDecoder.HEAP_PER_BODY_BYTE;

    /** The largest chunk allocated at once. */
    static final int MAX_CHUNK = 1 << 20;

    private static final int CHUNK = 8192;
    private static final int GZIP_BUFFER = 8192;
    /** A gzip decoder: its input buffer, the inflater's native state and 32 KiB window, rounded up. */
    static final long GZIP_COST = 64 * 1024;
    /** A zstd decoder before it has produced anything: its tables, input buffer and a first window. */
    static final long ZSTD_BASE_COST = 1 << 20;
    /**
     * The most a zstd decoder holds: an 8 MiB window plus a block, while growing also the old window,
     * and its input buffer. Between the base and this, it reserves 4 bytes per byte it has produced
     * (its window grows with its output, at most doubling while the old one is still held).
     */
    static final long ZSTD_MAX_COST = 20L << 20;

    private BodyReader() {
    }

    /**
     * Reads and decodes a body without a memory budget (tools and tests; a pipeline passes its
     * reservation to {@link #read(InputStream, long, String, long, MemoryBudget.Reservation)}).
     *
     * @param in              the raw request body, never null; read at most to {@code maxBytes + 1} bytes, not closed
     * @param declaredLength  the {@code Content-Length}, or -1 when unknown
     * @param contentEncoding the {@code Content-Encoding} header value, may be null
     * @param maxBytes        the largest body accepted, in bytes after decoding, {@code >= 0}
     * @return the decoded body, never null
     * @throws WebhookException as {@link #read(InputStream, long, String, long, MemoryBudget.Reservation)}
     * @throws IOException      when reading {@code in} fails (the client went away)
     */
    public static byte[] read(InputStream in, long declaredLength, String contentEncoding, long maxBytes)
            throws IOException {
        try (MemoryBudget.Reservation memory = MemoryBudget.unlimited().open()) {
            return read(in, declaredLength, contentEncoding, maxBytes, memory);
        }
    }

    /**
     * Reads and decodes a body, growing {@code memory} before each allocation.
     *
     * @param in              the raw request body, never null; read at most to {@code maxBytes + 1} bytes, not closed
     * @param declaredLength  the {@code Content-Length}, or -1 when unknown
     * @param contentEncoding the {@code Content-Encoding} header value, may be null
     * @param maxBytes        the largest body accepted, in bytes after decoding (values above
     *                        {@code Integer.MAX_VALUE - 8} are treated as that), {@code >= 0}
     * @param memory          the request's reservation, never null; on return it holds
     *                        {@link #COST_PER_BYTE} bytes per body byte more, on failure what it held before
     *                        or more (the caller closes it)
     * @return the decoded body, never null
     * @throws WebhookException 413 when the body (raw or decoded) is larger than {@code maxBytes}, or
     *                          would take the reservation alone over the budget; 415 for an unsupported
     *                          encoding; 400 for a corrupt gzip or zstd body, naming the coding
     * @throws MemoryBudget.ExhaustedException (503) when the budget is taken by other requests
     * @throws IOException      when reading {@code in} fails (the client went away)
     */
    public static byte[] read(InputStream in, long declaredLength, String contentEncoding, long maxBytes,
            MemoryBudget.Reservation memory) throws IOException {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(memory, "memory");
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must be >= 0, but was " + maxBytes);
        }
        int limit = (int) Math.min(maxBytes, MAX_ARRAY);
        if (declaredLength > limit) {
            throw WebhookException.tooLarge("body is " + declaredLength
                    + " bytes (Content-Length), more than the limit of " + limit + " bytes");
        }
        List<String> encodings = parseEncodings(contentEncoding);
        if (encodings.isEmpty()) {
            if (declaredLength > 0) {
                memory.requireFits(declaredLength * COST_PER_BYTE); // refused before reading what never fits
            }
            int initial = declaredLength >= 0 ? (int) Math.min(declaredLength, MAX_CHUNK) : CHUNK;
            return readLimited(in, initial, limit, "body", memory);
        }
        // Content-Encoding lists codings in the order they were applied: undo them last to first.
        LimitedSource raw = new LimitedSource(in, limit);
        InputStream decoded = raw;
        List<Decoder> decoders = new ArrayList<>(encodings.size());
        try {
            for (int i = encodings.size() - 1; i >= 0; i--) {
                Decoder d = new Decoder(encodings.get(i), decoded, memory);
                decoders.add(d);
                decoded = d;
            }
            long guess = declaredLength >= 0 ? declaredLength * 4 : CHUNK;
            int initial = (int) Math.min(MAX_CHUNK, Math.max(CHUNK, guess));
            return readLimited(decoded, initial, limit, "decompressed body", memory);
        } catch (SourceException e) {
            throw e.getCause();
        } catch (DecodeException e) {
            throw WebhookException.badRequest("body is not valid " + e.coding + ": " + oneLine(e.getCause()), e.getCause());
        } finally {
            closeQuietly(decoded); // frees the inflaters; the source itself is not closed
            for (Decoder d : decoders) {
                memory.release(d.reserved);
            }
        }
    }

    /**
     * Parses the header into the list of codings to undo ({@code gzip}, {@code zstd}; {@code identity} dropped).
     */
    private static List<String> parseEncodings(String header) {
        if (header == null || header.isBlank()) {
            return List.of();
        }
        List<String> result = new ArrayList<>(2);
        for (String part : header.split(",")) {
            String coding = part.trim().toLowerCase(Locale.ROOT);
            switch (coding) {
                case "", "identity" -> {
                }
                case "gzip", "x-gzip" -> result.add("gzip");
                case "zstd" -> result.add("zstd");
                default -> throw WebhookException.unsupportedMediaType("Content-Encoding \""
                        + abbreviate(part.trim()) + "\" is not supported; use gzip, zstd or none");
            }
        }
        return result;
    }

    /**
     * Reads {@code in} to its end into chunks reserved before they are allocated, failing with 413 as
     * soon as more than {@code limit} bytes arrive; joins them (one copy, paid for by the decoding
     * share of the chunks) and gives back the reservation of the unused capacity.
     */
    private static byte[] readLimited(InputStream in, int initial, int limit, String what,
            MemoryBudget.Reservation memory) throws IOException {
        List<byte[]> full = new ArrayList<>();
        byte[] chunk = chunk(Math.min(initial, limit), memory);
        long capacity = chunk.length;
        int pos = 0;
        int n = 0;
        while (true) {
            if (pos == chunk.length) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                if (n >= limit) {
                    throw WebhookException.tooLarge(what + " is larger than the limit of " + limit + " bytes");
                }
                full.add(chunk);
                chunk = chunk((int) Math.min(limit - n, Math.min(MAX_CHUNK, Math.max(CHUNK, n))), memory);
                capacity += chunk.length;
                chunk[0] = (byte) b;
                pos = 1;
                n++;
                continue;
            }
            int r = in.read(chunk, pos, chunk.length - pos);
            if (r < 0) {
                break;
            }
            pos += r;
            n += r;
        }
        byte[] body;
        if (full.isEmpty() && pos == chunk.length) {
            body = chunk;
        } else {
            body = new byte[n];
            int at = 0;
            for (byte[] c : full) {
                System.arraycopy(c, 0, body, at, c.length);
                at += c.length;
            }
            System.arraycopy(chunk, 0, body, at, pos);
        }
        memory.release((capacity - n) * COST_PER_BYTE);
        return body;
    }

    private static byte[] chunk(int size, MemoryBudget.Reservation memory) {
        memory.reserve((long) size * COST_PER_BYTE);
        return new byte[size];
    }

    private static void closeQuietly(InputStream decoded) {
        try {
            decoded.close();
        } catch (IOException | RuntimeException e) {
            // nothing to release beyond what close() already did
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? "unexpected end of input" : e.getMessage();
        return abbreviate(m.replaceAll("\\s+", " "));
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 61) + "...";
    }

    /** An I/O failure of the caller's stream, told apart from gzip format errors. */
    private static final class SourceException extends IOException {
        private static final long serialVersionUID = 1L;

        SourceException(IOException cause) {
            super(cause);
        }

        @Override
        public synchronized IOException getCause() {
            return (IOException) super.getCause();
        }
    }

    /** A failure of one decoder on its input: the body is not valid in that coding. */
    private static final class DecodeException extends IOException {
        private static final long serialVersionUID = 1L;
        final String coding;

        DecodeException(String coding, Throwable cause) {
            super(cause);
            this.coding = coding;
        }
    }

    /**
     * One coding undone, opened on first read (a gzip header is read by its constructor). Marks the
     * decoder's own failures, including the runtime exceptions the zstd decoder throws on corrupt
     * input, as {@link DecodeException}; lets failures of the source and size limits pass unchanged.
     * Reserves its buffers before creating the decoder, and a zstd window as its output grows;
     * {@link #reserved} is given back by the caller after {@link #close()}.
     */
    private static final class Decoder extends InputStream {
        private final String coding;
        private final InputStream source;
        private final MemoryBudget.Reservation memory;
        private InputStream decoder;
        private long produced;
        long reserved;

        Decoder(String coding, InputStream source, MemoryBudget.Reservation memory) {
            this.coding = coding;
            this.source = source;
            this.memory = memory;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int r;
            do {
                r = read(one, 0, 1);
            } while (r == 0);
            return r < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (decoder == null) {
                boolean zstd = coding.equals("zstd");
                reserveUpTo(zstd ? ZSTD_BASE_COST : GZIP_COST);
            }
            int r;
            try {
                if (decoder == null) {
                    decoder = coding.equals("zstd") ? new ZstdInputStream(source) : new GZIPInputStream(source, GZIP_BUFFER);
                }
                r = decoder.read(b, off, len);
            } catch (SourceException | DecodeException | WebhookException | MemoryBudget.ExhaustedException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new DecodeException(coding, e);
            }
            if (r > 0 && coding.equals("zstd")) {
                produced += r;
                reserveUpTo(Math.min(ZSTD_MAX_COST, ZSTD_BASE_COST + 4 * produced));
            }
            return r;
        }

        private void reserveUpTo(long total) {
            if (total > reserved) {
                memory.reserve(total - reserved);
                reserved = total;
            }
        }

        @Override
        public int available() throws IOException {
            try {
                return decoder == null ? source.available() : decoder.available();
            } catch (SourceException | DecodeException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new DecodeException(coding, e);
            }
        }

        @Override
        public void close() throws IOException {
            if (decoder != null) {
                decoder.close(); // ends the inflater; closes the inner decoder, never the caller's stream
            }
        }
    }

    /**
     * The raw stream under a decoder: reads at most {@code limit + 1} bytes (413 beyond the limit, so
     * endless empty gzip members cannot spin forever), marks source failures, never closes the source.
     */
    private static final class LimitedSource extends InputStream {
        private final InputStream in;
        private final long limit;
        private long count;

        LimitedSource(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int r = read(one, 0, 1);
            return r < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            int want = (int) Math.min(len, limit + 1 - count);
            int r;
            try {
                r = in.read(b, off, Math.max(want, 1));
            } catch (IOException e) {
                throw new SourceException(e);
            }
            if (r > 0) {
                count += r;
                if (count > limit) {
                    throw WebhookException.tooLarge("compressed body is larger than the limit of " + limit + " bytes");
                }
            }
            return r;
        }

        @Override
        public int available() throws IOException {
            try {
                return in.available();
            } catch (IOException e) {
                throw new SourceException(e);
            }
        }

        @Override
        public void close() {
            // the caller owns the source
        }
    }
}
