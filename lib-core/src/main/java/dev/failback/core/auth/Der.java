package dev.failback.core.auth;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Just enough DER to read SEC1/PKCS#1 private keys and wrap them in PKCS#8. Stateless. */
final class Der {
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int OID = 0x06;
    static final int SEQUENCE = 0x30;

    /** One TLV element. */
    record Element(int tag, byte[] content) {
        List<Element> children() {
            return parseAll(content);
        }
    }

    private Der() {
    }

    static Element parse(byte[] der) {
        List<Element> all = parseAll(der);
        if (all.size() != 1) {
            throw new IllegalArgumentException("not a single DER element");
        }
        return all.get(0);
    }

    static List<Element> parseAll(byte[] der) {
        List<Element> out = new ArrayList<>();
        int i = 0;
        while (i < der.length) {
            int tag = der[i++] & 0xff;
            if (i >= der.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            int len = der[i++] & 0xff;
            if (len >= 0x80) {
                int n = len & 0x7f;
                if (n == 0 || n > 3 || i + n > der.length) {
                    throw new IllegalArgumentException("unsupported DER length");
                }
                len = 0;
                for (int k = 0; k < n; k++) {
                    len = (len << 8) | (der[i++] & 0xff);
                }
            }
            if (len < 0 || i + len > der.length) {
                throw new IllegalArgumentException("truncated DER");
            }
            out.add(new Element(tag, Arrays.copyOfRange(der, i, i + len)));
            i += len;
        }
        return out;
    }

    static byte[] encode(int tag, byte[]... contents) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] c : contents) {
            body.writeBytes(c);
        }
        int n = body.size();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else if (n < 0x10000) {
            out.write(0x82);
            out.write(n >> 8);
            out.write(n);
        } else {
            out.write(0x83);
            out.write(n >> 16);
            out.write(n >> 8);
            out.write(n);
        }
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    static byte[] tlv(Element e) {
        return encode(e.tag(), e.content());
    }
}
