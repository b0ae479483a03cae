package dev.failback.core.auth;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * MOLT Replicator's claim rules, the part of a JWT that is ours rather than JOSE's: a {@code jti} is
 * required (revocation names it); {@code iat}, {@code nbf} and {@code exp} are NumericDates (fractions
 * allowed) that hold at the current time give or take a clock skew; the schemas a token may write to
 * are in the {@code schemas} claim under {@link #NAMESPACE} or {@link #LEGACY_NAMESPACE}. Claims are
 * read and written with Jackson's streaming API, strict about duplicate names. Stateless.
 */
final class MoltClaims {
    static final String NAMESPACE = "https://github.com/cockroachdb/replicator";
    static final String LEGACY_NAMESPACE = "https://github.com/cockroachdb/cdc-sink";
    /** Strict about duplicate names; never quotes the input in error messages. */
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private MoltClaims() {
    }

    /**
     * Reads the claims of a token whose signature verified.
     *
     * @throws InvalidJwtException when they are not MOLT's: no {@code jti}, no schemas, wrong types
     */
    static JwtClaims parse(String json) throws InvalidJwtException {
        String jti = null;
        String iss = null;
        Instant iat = null;
        Instant nbf = null;
        Instant exp = null;
        List<List<String>> schemas = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, "the claims are not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "jti" -> {
                        expect(t == JsonToken.VALUE_STRING, "jti is not a string");
                        jti = p.getText();
                    }
                    case "iss" -> {
                        expect(t == JsonToken.VALUE_STRING, "iss is not a string");
                        iss = p.getText();
                    }
                    case "iat" -> iat = numericDate(p, t, name);
                    case "nbf" -> nbf = numericDate(p, t, name);
                    case "exp" -> exp = numericDate(p, t, name);
                    case NAMESPACE, LEGACY_NAMESPACE -> namespace(p, t, name, schemas);
                    default -> p.skipChildren();
                }
            }
            expect(p.nextToken() == null, "the claims have content after their JSON object");
        } catch (JsonProcessingException e) {
            throw new InvalidJwtException("the claims are not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        expect(jti != null && !jti.isEmpty(), "the token has no jti (id), which MOLT requires for revocation");
        expect(!schemas.isEmpty(), "the token allows no schema (no " + NAMESPACE + " schemas claim)");
        return new JwtClaims(jti, iss, iat, nbf, exp, schemas, json);
    }

    /**
     * Refuses a revoked token, and one whose {@code exp}, {@code nbf} or {@code iat} does not hold at
     * {@code now} give or take {@code skew}.
     *
     * @throws InvalidJwtException naming the token id and the rule
     */
    static void check(JwtClaims claims, Set<String> revoked, Instant now, Duration skew) throws InvalidJwtException {
        if (revoked.contains(claims.id())) {
            throw new InvalidJwtException("token " + claims.id() + " is revoked");
        }
        if (claims.expiresAt().isPresent() && !now.isBefore(claims.expiresAt().get().plus(skew))) {
            throw new InvalidJwtException("token " + claims.id() + " expired at " + claims.expiresAt().get());
        }
        if (claims.notBefore().isPresent() && now.plus(skew).isBefore(claims.notBefore().get())) {
            throw new InvalidJwtException("token " + claims.id() + " is not valid before " + claims.notBefore().get());
        }
        if (claims.issuedAt().isPresent() && now.plus(skew).isBefore(claims.issuedAt().get())) {
            throw new InvalidJwtException("token " + claims.id() + " is issued in the future, at " + claims.issuedAt().get());
        }
    }

    private static Instant numericDate(JsonParser p, JsonToken t, String name) throws IOException, InvalidJwtException {
        expect(t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT, name + " is not a number");
        BigDecimal seconds = p.getDecimalValue();
        expect(seconds.abs().compareTo(BigDecimal.valueOf(Instant.MAX.getEpochSecond())) < 0, name + " is out of range");
        long whole = seconds.longValue();
        long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
        return Instant.ofEpochSecond(whole, nanos);
    }

    /** {@code {"schemas": [["db", "schema"], ["*", "*"]]}}; other fields are ignored, as MOLT does. */
    private static void namespace(JsonParser p, JsonToken t, String name, List<List<String>> schemas)
            throws IOException, InvalidJwtException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        expect(t == JsonToken.START_OBJECT, name + " is not an object");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (!field.equals("schemas") || v == JsonToken.VALUE_NULL) {
                p.skipChildren();
                continue;
            }
            expect(v == JsonToken.START_ARRAY, name + ".schemas is not an array");
            while (p.nextToken() == JsonToken.START_ARRAY) {
                List<String> parts = new ArrayList<>();
                JsonToken e;
                while ((e = p.nextToken()) == JsonToken.VALUE_STRING) {
                    parts.add(p.getText());
                }
                expect(e == JsonToken.END_ARRAY, name + ".schemas holds a schema that is not an array of strings");
                expect(!parts.isEmpty(), name + ".schemas holds an empty schema");
                schemas.add(parts);
            }
            expect(p.currentToken() == JsonToken.END_ARRAY, name + ".schemas holds something other than arrays");
        }
    }

    private static void expect(boolean condition, String problem) throws InvalidJwtException {
        if (!condition) {
            throw new InvalidJwtException(problem);
        }
    }

    /** MOLT's claim: iss, exp, iat, jti in Go's field order, then the namespace. */
    static String write(String id, Instant issuedAt, Instant expiresAt, List<List<String>> schemas, boolean pretty) {
        return generate(g -> {
            g.writeStartObject();
            g.writeStringField("iss", "replicator");
            if (expiresAt != null) {
                g.writeNumberField("exp", expiresAt.getEpochSecond());
            }
            if (issuedAt != null) {
                g.writeNumberField("iat", issuedAt.getEpochSecond());
            }
            g.writeStringField("jti", id);
            g.writeObjectFieldStart(NAMESPACE);
            g.writeArrayFieldStart("schemas");
            for (List<String> schema : schemas) {
                g.writeStartArray();
                for (String part : schema) {
                    g.writeString(part);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        }, pretty);
    }

    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private static String generate(Writer w, boolean pretty) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            if (pretty) {
                g.useDefaultPrettyPrinter();
            }
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
