package dev.realtimeharness.client;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** The client TLS context for {@code wss://} targets. */
public final class TlsContexts {

    private TlsContexts() {
    }

    /**
     * Verifies the server's certificate chain and host name. {@code caCert} (a PEM file) replaces the default trust
     * store when given. {@code insecure} trusts any certificate and skips the host-name check: only for explicit
     * opt-in, the caller warns.
     */
    public static SslContext client(Path caCert, boolean insecure) throws IOException {
        SslContextBuilder b = SslContextBuilder.forClient();
        if (insecure) {
            // No endpoint identification either: the JDK would still check the name against the (untrusted) cert.
            b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        } else {
            b.endpointIdentificationAlgorithm("HTTPS");
            if (caCert != null) {
                try (InputStream in = Files.newInputStream(caCert)) {
                    b.trustManager(in);
                }
            }
        }
        return b.build();
    }
}
