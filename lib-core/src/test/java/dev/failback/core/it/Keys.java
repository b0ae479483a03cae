package dev.failback.core.it;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

/** Key pairs for the JWT tests; public for the CLI's AuthIT in the examples module. */
public final class Keys {
    private Keys() {
    }

    /** A new P-256 (ES256) key pair. */
    public static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }
}
