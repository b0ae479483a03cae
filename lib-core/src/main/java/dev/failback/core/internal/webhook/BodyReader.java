package dev.failback.core.internal.webhook;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Reads a webhook request body into memory, undoing its {@code Content-Encoding} and enforcing a size
 * limit. Stateless and thread-safe.
 *
 * <p>Supported encodings: none ({@code identity}), {@code gzip} ({@code x-gzip}) and {@code zstd}
 * (what CockroachDB sends with {@code compression='gzip'} or {@code 'zstd'}), also stacked
 * ({@code gzip, identity}). The limit applies to the compressed input and to the decoded size, so a
 * gzip or zstd bomb stops at the limit; zstd decoding holds at most one window (8 MiB) besides the
 * output. Anything else answers 415. The stream is never closed: the caller owns it.
 */
public final class BodyReader {

    /** The largest array the JVM reliably allocates. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private static final int CHUNK = 8192;
    private static final int GZIP_BUFFER = 8192;

    private BodyReader() {
    }

    /**
     * Reads and decodes a body.
     *
     * @param in              the raw request body, never null; read at most to {@code maxBytes + 1} bytes, not closed
     * @param declaredLength  the {@code Content-Length}, or -1 when unknown
     * @param contentEncoding the {@code Content-Encoding} header value, may be null
     * @param maxBytes        the largest body accepted, in bytes after decoding (values above
     *                        {@code Integer.MAX_VALUE - 8} are treated as that), {@code >= 0}
     * @return the decoded body, never null
     * @throws WebhookException 413 when the body (raw or decoded) is larger than {@code maxBytes}; 415
     *                          for an unsupported encoding; 400 for a corrupt gzip or zstd body, naming the coding
     * @throws IOException      when reading {@code in} fails (the client went away)
     */
    public static byte[] read(InputStream in, long declaredLength, String contentEncoding, long maxBytes)
            throws IOException {
        Objects.requireNonNull(in, "in");
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
            int initial = declaredLength >= 0 ? (int) declaredLength : Math.min(CHUNK, limit);
            return readLimited(in, initial, limit, "body");
        }
        // Content-Encoding lists codings in the order they were applied: undo them last to first.
        LimitedSource raw = new LimitedSource(in, limit);
        InputStream decoded = raw;
        for (int i = encodings.size() - 1; i >= 0; i--) {
            decoded = new Decoder(encodings.get(i), decoded);
        }
        try {
            long guess = declaredLength >= 0 ? declaredLength * 4 : CHUNK;
            int initial = (int) Math.min(limit, Math.max(CHUNK, guess));
            return readLimited(decoded, initial, limit, "decompressed body");
        } catch (SourceException e) {
            throw e.getCause();
        } catch (DecodeException e) {
            throw WebhookException.badRequest("body is not valid " + e.coding + ": " + oneLine(e.getCause()), e.getCause());
        } finally {
            closeQuietly(decoded); // frees the inflaters; the source itself is not closed
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

    /** Reads {@code in} to its end, failing with 413 as soon as more than {@code limit} bytes arrive. */
    private static byte[] readLimited(InputStream in, int initial, int limit, String what) throws IOException {
        byte[] buf = new byte[Math.min(initial, limit)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                int b = in.read();
                if (b < 0) {
                    return buf;
                }
                if (n >= limit) {
                    throw WebhookException.tooLarge(what + " is larger than the limit of " + limit + " bytes");
                }
                int capacity = (int) Math.min(limit, Math.max((long) n * 2, CHUNK));
                buf = Arrays.copyOf(buf, capacity);
                buf[n++] = (byte) b;
                continue;
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                return n == buf.length ? buf : Arrays.copyOf(buf, n);
            }
            n += r;
        }
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
     */
    private static final class Decoder extends InputStream {
        private final String coding;
        private final InputStream source;
        private InputStream decoder;

        Decoder(String coding, InputStream source) {
            this.coding = coding;
            this.source = source;
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
            try {
                if (decoder == null) {
                    decoder = coding.equals("zstd") ? new ZstdInputStream(source) : new GZIPInputStream(source, GZIP_BUFFER);
                }
                return decoder.read(b, off, len);
            } catch (SourceException | DecodeException | WebhookException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw new DecodeException(coding, e);
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
