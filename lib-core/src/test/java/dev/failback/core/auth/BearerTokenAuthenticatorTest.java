package dev.failback.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.failback.WebhookRequest;
import dev.failback.spi.Authenticator.Decision;
import java.io.ByteArrayInputStream;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BearerTokenAuthenticatorTest {
    private static final List<String> PATH = List.of("db", "public");

    static WebhookRequest request(String authorization, String query) {
        Map<String, List<String>> headers = authorization == null ? Map.of()
                : Map.of("authorization", List.of(authorization));
        return new WebhookRequest("POST", "/db/public", query, headers, new ByteArrayInputStream(new byte[0]), 0);
    }

    private static boolean allows(BearerTokenAuthenticator a, String authorization, String query) {
        Decision d = a.authenticate(request(authorization, query), PATH);
        if (!d.allowed()) {
            assertThat(d.reason()).isEqualTo("missing or invalid access token");
        }
        return d.allowed();
    }

    @Test
    void acceptsTheRightTokenAsBearerRawHeaderOrQueryParameter() {
        BearerTokenAuthenticator a = BearerTokenAuthenticator.of("s3cret-token");
        assertThat(allows(a, "Bearer s3cret-token", null)).isTrue();
        assertThat(allows(a, "bearer s3cret-token", null)).isTrue();
        assertThat(allows(a, "s3cret-token", null)).isTrue(); // webhook_auth_header='s3cret-token'
        assertThat(allows(a, null, "access_token=s3cret-token")).isTrue();
        assertThat(allows(a, null, "x=1&access_token=s3cret%2Dtoken&y")).isTrue();
    }

    @Test
    void refusesWrongMissingAndNearMissTokens() {
        BearerTokenAuthenticator a = BearerTokenAuthenticator.of("s3cret-token");
        assertThat(allows(a, null, null)).isFalse();
        assertThat(allows(a, "", null)).isFalse();
        assertThat(allows(a, "Bearer wrong", null)).isFalse();
        assertThat(allows(a, "Bearer s3cret-toke", null)).isFalse();
        assertThat(allows(a, "Bearer s3cret-token2", null)).isFalse();
        assertThat(allows(a, "Basic s3cret-token", null)).isFalse();
        assertThat(allows(a, "Bearer ", null)).isFalse();
        assertThat(allows(a, null, "access_token=wrong")).isFalse();
        assertThat(allows(a, null, "access_token=%zz")).isFalse();
        // As MOLT: the query parameter counts only without an Authorization header.
        assertThat(allows(a, "Bearer wrong", "access_token=s3cret-token")).isFalse();
    }

    @Test
    void rotationAcceptsEveryConfiguredToken() {
        BearerTokenAuthenticator a = BearerTokenAuthenticator.of(List.of("old-token", "Bearer new-token"));
        assertThat(a.tokenCount()).isEqualTo(2);
        assertThat(allows(a, "Bearer old-token", null)).isTrue();
        assertThat(allows(a, "Bearer new-token", null)).isTrue();
        assertThat(allows(a, "Bearer other-token", null)).isFalse();
    }

    @Test
    void keepsOnlyDigestsAndNeverShowsTokens() throws Exception {
        BearerTokenAuthenticator a = BearerTokenAuthenticator.of("visible-if-leaked-1", "visible-if-leaked-2");
        assertThat(a.toString()).isEqualTo("BearerTokenAuthenticator[2 tokens]");
        for (Field f : BearerTokenAuthenticator.class.getDeclaredFields()) {
            f.setAccessible(true);
            assertThat(String.valueOf(f.get(a))).doesNotContain("visible-if-leaked");
            assertThat(f.getType()).isNotEqualTo(String.class);
        }
    }

    @Test
    void badConfigurationIsRefusedWithoutEchoingTheToken() {
        assertThatThrownBy(() -> BearerTokenAuthenticator.of(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BearerTokenAuthenticator.of("ok-token", "has space-in-it"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("#2").hasMessageNotContaining("space-in-it");
        assertThatThrownBy(() -> BearerTokenAuthenticator.of("Bearer ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anyOfAcceptsWhatOneAccepts() {
        var a = Authenticators.anyOf(BearerTokenAuthenticator.of("one-token"), BearerTokenAuthenticator.of("two-token"));
        assertThat(a.authenticate(request("Bearer two-token", null), PATH).allowed()).isTrue();
        Decision no = a.authenticate(request("Bearer three-token", null), PATH);
        assertThat(no.allowed()).isFalse();
        assertThat(no.reason()).isEqualTo(Authenticators.REFUSED);
        assertThat(a.toString()).doesNotContain("one-token");
    }

    @Test
    void aTokenFileHoldsOneTokenALineSkippingBlanksAndComments(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("tokens");
        java.nio.file.Files.writeString(file, "# rotated 2026-12\n\n  first-token  \nBearer second\n#old-token\n");
        assertThat(BearerTokenAuthenticator.readTokenFile(file)).containsExactly("first-token", "Bearer second");
        java.nio.file.Files.writeString(file, "# none yet\n\n");
        assertThat(BearerTokenAuthenticator.readTokenFile(file)).isEmpty();
        assertThatThrownBy(() -> BearerTokenAuthenticator.readTokenFile(dir.resolve("missing")))
                .isInstanceOf(java.io.IOException.class);
    }
}
