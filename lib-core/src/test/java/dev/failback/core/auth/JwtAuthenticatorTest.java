package dev.failback.core.auth;

import static dev.failback.core.auth.BearerTokenAuthenticatorTest.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.junit.jupiter.api.Test;

class JwtAuthenticatorTest {
    private static final List<String> PATH = List.of("db", "public");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final String NS = "https://github.com/cockroachdb/replicator";

    static KeyPair ec(String curve) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec(curve));
        return g.generateKeyPair();
    }

    static KeyPair rsa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static String b64(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String refusal(JwtAuthenticator auth, String token, List<String> path) {
        assertThat(auth.authenticate(request("Bearer " + token, null), path).allowed()).isFalse();
        try {
            auth.verify(token, path);
        } catch (InvalidJwtException e) {
            assertThat(e.getMessage()).doesNotContain(token);
            return e.getMessage();
        }
        throw new AssertionError("accepted");
    }

    @Test
    void acceptsMintedTokensForEveryMoltAlgorithm() throws Exception {
        for (KeyPair kp : List.of(ec("secp256r1"), ec("secp384r1"), ec("secp521r1"), rsa())) {
            JwtAuthenticator auth = JwtAuthenticator.builder().publicKeyPem(PemKeys.pem(kp.getPublic())).build();
            String token = Jwts.mint(kp.getPrivate(), List.of(List.of("db", "public")), Duration.ofHours(1));
            assertThat(auth.authenticate(request("Bearer " + token, null), PATH).allowed()).isTrue();
            assertThat(auth.authenticate(request(null, "access_token=" + token), PATH).allowed()).isTrue();
            JwtClaims claims = auth.verify(token, PATH);
            assertThat(claims.schemas()).containsExactly(List.of("db", "public"));
            assertThat(claims.issuer()).contains("replicator");
            assertThat(claims.expiresAt()).isPresent();
            assertThat(claims.id()).matches("[0-9a-f-]{36}");
        }
        assertThat(Jwts.algorithm(ec("secp384r1").getPrivate())).isEqualTo("ES384");
        assertThat(Jwts.algorithm(ec("secp521r1").getPrivate())).isEqualTo("ES512");
        assertThat(Jwts.algorithm(rsa().getPrivate())).isEqualTo("RS256");
    }

    @Test
    void refusesSignaturesNoTrustedKeyMakes() throws Exception {
        KeyPair trusted = ec("secp256r1");
        KeyPair other = ec("secp256r1");
        JwtAuthenticator auth = JwtAuthenticator.builder().publicKey(trusted.getPublic()).build();
        String forged = Jwts.mint(other.getPrivate(), List.of(PATH), null);
        assertThat(refusal(auth, forged, PATH)).contains("does not verify");
        String good = Jwts.mint(trusted.getPrivate(), List.of(PATH), null);
        String[] p = good.split("\\.");
        String tampered = p[0] + "." + b64("{\"jti\":\"x\",\"" + NS + "\":{\"schemas\":[[\"*\",\"*\"]]}}") + "." + p[2];
        assertThat(refusal(auth, tampered, PATH)).contains("does not verify");
        byte[] sig = Base64.getUrlDecoder().decode(p[2]);
        sig[5] ^= 1;
        assertThat(refusal(auth, p[0] + "." + p[1] + "." + B64.encodeToString(sig), PATH)).contains("does not verify");
        // An RSA token against an EC key, and a P-384 key for an ES256 token.
        assertThat(refusal(auth, Jwts.mint(rsa().getPrivate(), List.of(PATH), null), PATH)).contains("no trusted public key");
        KeyPair p384 = ec("secp384r1");
        JwtAuthenticator only384 = JwtAuthenticator.builder().publicKey(p384.getPublic()).build();
        assertThat(refusal(only384, good, PATH)).contains("no trusted public key");
    }

    @Test
    void refusesHmacNoneAndMalformedTokens() throws Exception {
        KeyPair kp = ec("secp256r1");
        JwtAuthenticator auth = JwtAuthenticator.builder().publicKey(kp.getPublic()).build();
        String claims = b64("{\"jti\":\"j1\",\"" + NS + "\":{\"schemas\":[[\"db\",\"public\"]]}}");
        // HS256 keyed with the public key's bytes: the classic algorithm-confusion attack.
        String hsInput = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + claims;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(PemKeys.pem(kp.getPublic()).getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        String hs = hsInput + "." + B64.encodeToString(mac.doFinal(hsInput.getBytes(StandardCharsets.US_ASCII)));
        assertThat(refusal(auth, hs, PATH)).contains("HS256", "not accepted");
        assertThat(refusal(auth, b64("{\"alg\":\"none\"}") + "." + claims + ".", PATH)).contains("\"none\"");
        assertThat(refusal(auth, b64("{\"alg\":\"none\"}") + "." + claims, PATH)).contains("3");
        assertThat(refusal(auth, b64("{\"alg\":\"PS256\"}") + "." + claims + ".AAAA", PATH)).contains("PS256");
        assertThat(refusal(auth, b64("{\"typ\":\"JWT\"}") + "." + claims + ".AAAA", PATH)).contains("no alg");
        assertThat(refusal(auth, "not-a-jwt", PATH)).contains("1 dot-separated");
        assertThat(refusal(auth, "a.b.c.d.e", PATH)).contains("5");
        assertThat(refusal(auth, "%%%.b.c", PATH)).contains("base64");
        assertThat(refusal(auth, b64("[1]") + "." + claims + ".AAAA", PATH)).contains("not a JSON object");
        assertThat(refusal(auth, b64("{\"alg\":") + "." + claims + ".AAAA", PATH)).contains("not valid JSON");
        assertThat(refusal(auth, b64("{\"alg\":\"ES256\",\"alg\":\"none\"}") + "." + claims + ".AAAA", PATH))
                .contains("not valid JSON");
        assertThat(refusal(auth, "x".repeat(JwtAuthenticator.MAX_TOKEN_LENGTH + 1), PATH)).contains("longer");
        assertThat(auth.authenticate(request(null, null), PATH).allowed()).isFalse();
        assertThat(auth.authenticate(request("Basic abc", null), PATH).allowed()).isFalse();
    }

    /** What the JOSE library is held to: no crit, one spelling per token (its own base64url decoding skips stray characters). */
    @Test
    void refusesCriticalHeadersAndOtherSpellingsOfASignedToken() throws Exception {
        KeyPair kp = ec("secp256r1");
        JwtAuthenticator auth = JwtAuthenticator.builder().publicKey(kp.getPublic()).build();
        String input = b64("{\"alg\":\"ES256\",\"crit\":[\"exp\"],\"exp\":1}") + "."
                + b64("{\"jti\":\"c\",\"" + NS + "\":{\"schemas\":[[\"db\",\"public\"]]}}");
        Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
        s.initSign(kp.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        assertThat(refusal(auth, input + "." + B64.encodeToString(s.sign()), PATH)).contains("crit");
        String[] p = Jwts.mint(kp.getPrivate(), List.of(PATH), null).split("\\.");
        assertThat(auth.verify(p[0] + "." + p[1] + "." + p[2], PATH)).isNotNull();
        assertThat(refusal(auth, p[0] + "." + p[1] + "." + p[2].substring(0, 10) + "!" + p[2].substring(10), PATH))
                .contains("not base64url");
        assertThat(refusal(auth, p[0] + "!." + p[1] + "." + p[2], PATH)).contains("not base64url");
        assertThat(refusal(auth, p[0] + "." + p[1] + "." + p[2] + "==", PATH)).contains("padded");
        assertThat(refusal(auth, p[0] + "." + p[1] + "." + p[2].substring(0, 40), PATH)).contains("30 bytes instead of 64");
    }

    @Test
    void requiresJtiAndSchemasAndRefusesRevokedIds() throws Exception {
        KeyPair kp = ec("secp256r1");
        JwtAuthenticator auth = JwtAuthenticator.builder().publicKey(kp.getPublic()).revokedIds(List.of("bad-id")).build();
        String schemas = "\"" + NS + "\":{\"schemas\":[[\"db\",\"public\"]]}";
        assertThat(refusal(auth, Jwts.sign(kp.getPrivate(), "{" + schemas + "}"), PATH)).contains("no jti");
        assertThat(refusal(auth, Jwts.sign(kp.getPrivate(), "{\"jti\":\"\"," + schemas + "}"), PATH)).contains("no jti");
        assertThat(refusal(auth, Jwts.sign(kp.getPrivate(), "{\"jti\":7," + schemas + "}"), PATH)).contains("jti");
        assertThat(refusal(auth, Jwts.sign(kp.getPrivate(), "{\"jti\":\"ok\"}"), PATH)).contains("allows no schema");
        assertThat(refusal(auth, Jwts.sign(kp.getPrivate(), "{\"jti\":\"bad-id\"," + schemas + "}"), PATH)).contains("revoked");
        assertThat(auth.verify(Jwts.sign(kp.getPrivate(), "{\"jti\":\"ok\"," + schemas + "}"), PATH).id()).isEqualTo("ok");
    }

    @Test
    void checksExpNbfAndIatWithClockSkew() throws Exception {
        KeyPair kp = rsa();
        Instant now = Instant.parse("2025-10-01T12:00:00Z");
        JwtAuthenticator auth = JwtAuthenticator.builder().publicKey(kp.getPublic())
                .clock(Clock.fixed(now, ZoneOffset.UTC)).clockSkew(Duration.ofSeconds(30)).build();
        long t = now.getEpochSecond();
        String ns = ",\"" + NS + "\":{\"schemas\":[[\"db\",\"public\"]]}";
        assertThat(refusal(auth, Jwts.sign(kp.getPrivate(), "{\"jti\":\"a\",\"exp\":" + (t - 31) + ns + "}"), PATH))
                .contains("expired");
        assertThat(refusal(auth, Jwts.sign(kp.getPrivate(), "{\"jti\":\"a\",\"exp\":0" + ns + "}"), PATH)).contains("expired");
        assertThat(refusal(auth, Jwts.sign(kp.getPrivate(), "{\"jti\":\"a\",\"nbf\":" + (t + 60) + ns + "}"), PATH))
                .contains("not valid before");
        assertThat(refusal(auth, Jwts.sign(kp.getPrivate(), "{\"jti\":\"a\",\"iat\":" + (t + 60) + ns + "}"), PATH))
                .contains("future");
        assertThat(refusal(auth, Jwts.sign(kp.getPrivate(), "{\"jti\":\"a\",\"exp\":\"soon\"" + ns + "}"), PATH))
                .contains("exp is not a number");
        // Within the skew, and fractional NumericDates.
        auth.verify(Jwts.sign(kp.getPrivate(), "{\"jti\":\"a\",\"exp\":" + (t - 10) + ".5,\"nbf\":" + (t + 10)
                + ",\"iat\":" + (t + 10) + ns + "}"), PATH);
        String minted = Jwts.mint(kp.getPrivate(), List.of(PATH), Duration.ofMinutes(5), Clock.fixed(now, ZoneOffset.UTC));
        assertThat(auth.verify(minted).expiresAt()).contains(now.plusSeconds(300));
        JwtAuthenticator later = JwtAuthenticator.builder().publicKey(kp.getPublic())
                .clock(Clock.fixed(now.plusSeconds(331), ZoneOffset.UTC)).build();
        assertThat(refusal(later, minted, PATH)).contains("expired");
    }

    @Test
    void matchesSchemasPartByPartWithWildcardsAndEqualCounts() throws Exception {
        KeyPair kp = ec("secp256r1");
        JwtAuthenticator auth = JwtAuthenticator.builder().publicKey(kp.getPublic()).build();
        String exact = Jwts.mint(kp.getPrivate(), List.of(List.of("db", "public")), null);
        assertThat(auth.verify(exact, List.of("db", "public"))).isNotNull();
        assertThat(auth.verify(exact, List.of("DB", "Public"))).isNotNull(); // MOLT compares identifiers ignoring case
        assertThat(refusal(auth, exact, List.of("db", "other"))).contains("does not allow schema db.other");
        assertThat(refusal(auth, exact, List.of("other", "public"))).contains("does not allow");
        assertThat(refusal(auth, exact, List.of("db"))).contains("does not allow");
        assertThat(refusal(auth, exact, List.of("db", "public", "x"))).contains("does not allow");
        String dbAny = Jwts.mint(kp.getPrivate(), List.of(List.of("db", "*")), null);
        assertThat(auth.verify(dbAny, List.of("db", "anything"))).isNotNull();
        assertThat(refusal(auth, dbAny, List.of("other", "public"))).contains("does not allow");
        String world = Jwts.mint(kp.getPrivate(), List.of(List.of("*", "*")), null);
        assertThat(auth.verify(world, List.of("x", "y"))).isNotNull();
        assertThat(refusal(auth, world, List.of("x"))).contains("does not allow"); // part counts differ
        String oneLevel = Jwts.mint(kp.getPrivate(), List.of(List.of("HR"), List.of("*", "public")), null);
        assertThat(auth.verify(oneLevel, List.of("hr"))).isNotNull();
        assertThat(auth.verify(oneLevel, List.of("any", "public"))).isNotNull();
        assertThat(refusal(auth, oneLevel, List.of("*"))).contains("does not allow"); // a literal * path is not a wildcard
    }

    @Test
    void matchesResolvedSchemasByTheTargetsRulesNeverIgnoringCase() throws Exception {
        KeyPair kp = ec("secp256r1");
        JwtAuthenticator auth = JwtAuthenticator.builder().publicKey(kp.getPublic()).build();
        java.util.function.UnaryOperator<String> lower = s -> s.toLowerCase(java.util.Locale.ROOT);
        java.util.function.UnaryOperator<String> upper = s -> s.toUpperCase(java.util.Locale.ROOT);
        java.util.function.UnaryOperator<String> same = s -> s;
        String other = Jwts.mint(kp.getPrivate(), List.of(List.of("db", "other")), null);
        // the filter lets a case variant through; the resolved check does not open the distinct "Other"
        assertThat(auth.verify(other, List.of("db", "Other"))).isNotNull();
        assertThat(auth.verify(other, List.of("db", "other"), lower)).isNotNull();
        assertThatThrownBy(() -> auth.verify(other, List.of("db", "Other"), lower))
                .isInstanceOf(InvalidJwtException.class).hasMessageContaining("does not allow schema db.Other");
        assertThatThrownBy(() -> auth.verify(other, List.of("db", "Other"), same)).isInstanceOf(InvalidJwtException.class);
        assertThat(auth.verify(other, List.of("DB", "OTHER"), upper)).isNotNull(); // Oracle folds to upper case
        String upperScope = Jwts.mint(kp.getPrivate(), List.of(List.of("DB", "OTHER")), null);
        assertThat(auth.verify(upperScope, List.of("db", "other"), lower)).isNotNull(); // unquoted: folded
        String quoted = Jwts.mint(kp.getPrivate(), List.of(List.of("db", "\"Other\"")), null);
        assertThat(auth.verify(quoted, List.of("db", "Other"), lower)).isNotNull();
        assertThatThrownBy(() -> auth.verify(quoted, List.of("db", "other"), lower)).isInstanceOf(InvalidJwtException.class);
        assertThat(auth.authenticate(request("Bearer " + other, null), List.of("db", "Other"), lower).allowed()).isFalse();
        assertThat(auth.authenticate(request("Bearer " + other, null), List.of("db", "other"), lower).allowed()).isTrue();
    }

    @Test
    void acceptsTheLegacyCdcSinkNamespace() throws Exception {
        KeyPair kp = ec("secp256r1");
        JwtAuthenticator auth = JwtAuthenticator.builder().publicKey(kp.getPublic()).build();
        String legacy = Jwts.sign(kp.getPrivate(),
                "{\"jti\":\"legacy\",\"https://github.com/cockroachdb/cdc-sink\":{\"schemas\":[[\"db\",\"public\"]]}}");
        assertThat(auth.verify(legacy, PATH).schemas()).containsExactly(List.of("db", "public"));
    }

    /**
     * A token built by hand exactly as MOLT's {@code make-jwt} writes one (golang-jwt: base64url without
     * padding, ES256 signature as raw R||S of 32 bytes each), with the JDK's DER ECDSA converted by hand.
     */
    @Test
    void verifiesAHandBuiltMoltFormatToken() throws Exception {
        KeyPair kp = ec("secp256r1");
        String header = "{\"alg\":\"ES256\",\"typ\":\"JWT\"}";
        String claims = "{\"iss\":\"replicator\",\"jti\":\"a25dac04-9f3e-49c1-a068-ee0a2abbd7df\","
                + "\"https://github.com/cockroachdb/replicator\":{\"schemas\":[[\"database\",\"schema\"],[\"another_database\",\"*\"]]}}";
        String input = b64(header) + "." + b64(claims);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(kp.getPrivate());
        s.update(input.getBytes(StandardCharsets.US_ASCII));
        String token = input + "." + B64.encodeToString(derToRaw(s.sign(), 32));
        JwtAuthenticator auth = JwtAuthenticator.builder().publicKeyPem(PemKeys.pem(kp.getPublic())).build();
        JwtClaims verified = auth.verify(token, List.of("database", "schema"));
        assertThat(verified.id()).isEqualTo("a25dac04-9f3e-49c1-a068-ee0a2abbd7df");
        assertThat(verified.json()).isEqualTo(claims);
        assertThat(auth.verify(token, List.of("another_database", "public"))).isNotNull();
        // And Failback's minted header and claims have MOLT's shape.
        String minted = Jwts.mint(kp.getPrivate(), List.of(List.of("database", "schema")), null);
        String[] p = minted.split("\\.");
        assertThat(new String(Base64.getUrlDecoder().decode(p[0]), StandardCharsets.UTF_8)).isEqualTo(header);
        assertThat(new String(Base64.getUrlDecoder().decode(p[1]), StandardCharsets.UTF_8))
                .matches("\\{\"iss\":\"replicator\",\"iat\":\\d+,\"jti\":\"[0-9a-f-]{36}\","
                        + "\"https://github.com/cockroachdb/replicator\":\\{\"schemas\":\\[\\[\"database\",\"schema\"]]}}");
        assertThat(Base64.getUrlDecoder().decode(p[2])).hasSize(64);
        assertThat(minted).doesNotContain("=");
    }

    /** DER SEQUENCE { INTEGER r, INTEGER s } to r||s, each left-padded to n bytes. */
    static byte[] derToRaw(byte[] der, int n) {
        int i = 2 + ((der[1] & 0x80) != 0 ? (der[1] & 0x7f) : 0);
        byte[] out = new byte[2 * n];
        for (int k = 0; k < 2; k++) {
            int len = der[i + 1] & 0xff;
            byte[] v = new BigInteger(1, Arrays.copyOfRange(der, i + 2, i + 2 + len)).toByteArray();
            int off = v.length > n ? v.length - n : 0;
            System.arraycopy(v, off, out, k * n + n - (v.length - off), v.length - off);
            i += 2 + len;
        }
        return out;
    }

    @Test
    void keysAndRevocationsFromAStoreApplyOnRefresh() throws Exception {
        KeyPair kp = ec("secp256r1");
        Map<String, String> keys = new HashMap<>();
        Set<String> revoked = new HashSet<>();
        JwtKeyStore store = () -> new JwtKeyStore.Contents(keys, revoked);
        try (JwtAuthenticator auth = JwtAuthenticator.builder().keyStore(store).refreshInterval(Duration.ZERO).build()) {
            String token = Jwts.mint(kp.getPrivate(), List.of(PATH), null);
            assertThat(refusal(auth, token, PATH)).contains("no trusted public key");
            keys.put("k1", PemKeys.pem(kp.getPublic()));
            keys.put("broken", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
            keys.put("not-base64", "-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n");
            auth.refresh();
            assertThat(auth.publicKeyCount()).isEqualTo(1);
            assertThat(auth.lastRefresh()).isNotNull();
            JwtClaims claims = auth.verify(token, PATH);
            revoked.add(claims.id());
            auth.refresh();
            assertThat(refusal(auth, token, PATH)).contains("revoked");
            revoked.clear();
            keys.clear();
            auth.refresh();
            assertThat(refusal(auth, token, PATH)).contains("no trusted public key"); // cached claims are dropped
            assertThat(auth.toString()).contains("0 keys");
        }
    }

    @Test
    void backgroundRefreshLoadsTheStore() throws Exception {
        KeyPair kp = rsa();
        JwtKeyStore store = () -> new JwtKeyStore.Contents(Map.of("k", PemKeys.pem(kp.getPublic())), Set.of());
        try (JwtAuthenticator auth = JwtAuthenticator.builder().keyStore(store).refreshInterval(Duration.ofMillis(50)).build()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (auth.lastRefresh() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(auth.verify(Jwts.mint(kp.getPrivate(), List.of(PATH), null), PATH)).isNotNull();
        }
    }

    @Test
    void builderAndMinterValidate() throws Exception {
        assertThatThrownBy(() -> JwtAuthenticator.builder().build()).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> JwtAuthenticator.builder().publicKeyPem("nothing")).hasMessageContaining("no PEM public key");
        KeyPair kp = ec("secp256r1");
        assertThatThrownBy(() -> Jwts.mint(kp.getPrivate(), List.of(), null)).hasMessageContaining("at least one schema");
        assertThatThrownBy(() -> Jwts.mint(kp.getPrivate(), List.of(PATH), Duration.ZERO)).hasMessageContaining("ttl");
    }

    @Test
    void claimIsMoltsUnsignedClaim() {
        String claim = Jwts.claim(List.of(List.of("db", "public"), List.of("*", "*")));
        assertThat(claim).contains("\"iss\" : \"replicator\"", "\"jti\" : \"", NS, "\"schemas\"", "\"*\"")
                .doesNotContain("\"exp\"", "\"iat\"");
        assertThat(MoltClaims.parse(claim).schemas()).containsExactly(List.of("db", "public"), List.of("*", "*"));
    }

    @Test
    void readsSec1AndPkcs1PrivateKeysAsOpensslWritesThem() throws Exception {
        KeyPair kp = ec("secp256r1");
        byte[] sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, ((ECPrivateKey) kp.getPrivate()).getS(),
                SECObjectIdentifiers.secp256r1).getEncoded(); // SEC1 {1, d, [0] prime256v1}, as openssl writes it
        String pem = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + "-----BEGIN EC PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(sec1)
                + "\n-----END EC PRIVATE KEY-----\n";
        String token = Jwts.mint(PemKeys.privateKey(pem), List.of(PATH), null);
        assertThat(JwtAuthenticator.builder().publicKey(kp.getPublic()).build().verify(token, PATH)).isNotNull();

        KeyPair r = rsa();
        byte[] pkcs1 = PrivateKeyInfo.getInstance(r.getPrivate().getEncoded()).parsePrivateKey().toASN1Primitive().getEncoded();
        String rsaPem = "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs1)
                + "\n-----END RSA PRIVATE KEY-----\n";
        String rsaToken = Jwts.mint(PemKeys.privateKey(rsaPem), List.of(PATH), null);
        assertThat(JwtAuthenticator.builder().publicKey(r.getPublic()).build().verify(rsaToken, PATH)).isNotNull();
        String pkcs8 = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(kp.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        assertThat(PemKeys.privateKey(pkcs8).getAlgorithm()).isEqualTo("EC");
        assertThatThrownBy(() -> PemKeys.privateKey("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----"))
                .hasMessageContaining("encrypted");
    }
}
