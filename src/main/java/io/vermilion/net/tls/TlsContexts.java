package io.vermilion.net.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.vermilion.config.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * One consistent set of TLS contexts built from the tls-* directives, as Redis's tlsConfigure
 * builds its SSL_CTX pair: a server side (one context per client-certificate policy, since
 * Netty fixes the policy per context while Redis sets it per accepted connection) and a client
 * side for the connections the node opens (cluster bus links, replication). The client side
 * presents tls-client-cert-file/tls-client-key-file when both are set, else the server
 * certificate, and verifies the peer's chain against the CA (no host name check, as Redis).
 *
 * <p>Immutable once built: a CONFIG SET builds a new instance and swaps it in only when it is
 * complete, so a bad certificate leaves the old contexts serving (Redis's atomic reconfigure).
 */
public final class TlsContexts {
    /** The provider every context uses: BoringSSL through netty-tcnative where it loads, else the JDK. */
    public static final SslProvider PROVIDER = chooseProvider();

    private final SslContext serverNoAuth;
    private final SslContext serverOptional;
    private final SslContext serverRequire;
    private final SslContext client;
    private final boolean preferServerCiphers;

    private static SslProvider chooseProvider() {
        String forced = System.getProperty("vermilion.tls.provider", "");
        if (forced.equalsIgnoreCase("jdk")) return SslProvider.JDK;
        try {
            if (OpenSsl.isAvailable()) return SslProvider.OPENSSL;
        } catch (Throwable e) {
            // no native library for this platform
        }
        return SslProvider.JDK;
    }

    /** Human-readable name of the provider (INFO, the startup log). */
    public static String providerName() {
        if (PROVIDER == SslProvider.OPENSSL) {
            return "openssl (netty-tcnative " + OpenSsl.versionString() + ")";
        }
        return "jdk (" + System.getProperty("java.vendor") + " " + System.getProperty("java.version") + ")";
    }

    private TlsContexts(SslContext none, SslContext optional, SslContext require, SslContext client, boolean prefer) {
        this.serverNoAuth = none;
        this.serverOptional = optional;
        this.serverRequire = require;
        this.client = client;
        this.preferServerCiphers = prefer;
    }

    /**
     * Builds the contexts from the configuration, with Redis's checks and in its order; the
     * exception's message is what Redis would log.
     */
    public static TlsContexts build(Config config) throws TlsException {
        String certFile = config.get("tls-cert-file");
        String keyFile = config.get("tls-key-file");
        if (certFile.isEmpty()) throw new TlsException("No tls-cert-file configured!");
        if (keyFile.isEmpty()) throw new TlsException("No tls-key-file configured!");
        String caFile = config.get("tls-ca-cert-file");
        String caDir = config.get("tls-ca-cert-dir");
        boolean needCa = !config.get("tls-auth-clients").equals("no") || config.getBool("tls-cluster")
                || config.getBool("tls-replication");
        if (needCa && caFile.isEmpty() && caDir.isEmpty()) {
            throw new TlsException("Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, "
                    + "tls-replication or tls-auth-clients are enabled!");
        }
        List<String> protocols = protocols(config.get("tls-protocols"));

        X509Certificate[] chain = load("certificate", certFile, () -> Pem.certificates(path(config, certFile)));
        PrivateKey key = load("private key", keyFile,
                () -> Pem.privateKey(path(config, keyFile), nullIfEmpty(config.get("tls-key-file-pass"))));
        X509Certificate[] trust = null;
        if (!caFile.isEmpty() || !caDir.isEmpty()) {
            List<X509Certificate> cas = new ArrayList<>();
            try {
                if (!caFile.isEmpty()) cas.addAll(List.of(Pem.certificates(path(config, caFile))));
                if (!caDir.isEmpty()) cas.addAll(Pem.certificatesInDir(path(config, caDir)));
            } catch (TlsException e) {
                throw new TlsException("Failed to configure CA certificate(s) file/directory: " + e.getMessage());
            }
            if (cas.isEmpty()) throw new TlsException("Failed to configure CA certificate(s) file/directory: no certificate");
            trust = cas.toArray(new X509Certificate[0]);
        }
        String dh = config.get("tls-dh-params-file");
        if (!dh.isEmpty()) checkDhParams(path(config, dh), dh);

        List<String> ciphers = ciphers(config.get("tls-ciphers"), config.get("tls-ciphersuites"));
        int cacheSize = config.getBool("tls-session-caching") ? config.getInt("tls-session-cache-size") : -1;
        int cacheTimeout = config.getInt("tls-session-cache-timeout");

        X509Certificate[] clientChain = chain;
        PrivateKey clientKey = key;
        String cc = config.get("tls-client-cert-file");
        String ck = config.get("tls-client-key-file");
        if (!cc.isEmpty() && !ck.isEmpty()) {
            clientChain = load("certificate", cc, () -> Pem.certificates(path(config, cc)));
            clientKey = load("private key", ck,
                    () -> Pem.privateKey(path(config, ck), nullIfEmpty(config.get("tls-client-key-file-pass"))));
        }
        try {
            SslContext none = server(chain, key, trust, ClientAuth.NONE, protocols, ciphers, cacheSize, cacheTimeout);
            SslContext optional = trust == null ? none
                    : server(chain, key, trust, ClientAuth.OPTIONAL, protocols, ciphers, cacheSize, cacheTimeout);
            SslContext require = trust == null ? none
                    : server(chain, key, trust, ClientAuth.REQUIRE, protocols, ciphers, cacheSize, cacheTimeout);
            SslContextBuilder cb = SslContextBuilder.forClient().sslProvider(PROVIDER).keyManager(clientKey, clientChain)
                    .protocols(protocols);
            if (trust != null) cb.trustManager(trust);
            if (ciphers != null) cb.ciphers(ciphers, IdentityCipherSuiteFilter.INSTANCE);
            return new TlsContexts(none, optional, require, cb.build(), config.getBool("tls-prefer-server-ciphers"));
        } catch (SSLException | RuntimeException e) {
            String msg = String.valueOf(e.getMessage());
            if (ciphers != null && msg.contains("cipher")) {
                throw new TlsException("Failed to configure ciphers: " + config.get("tls-ciphers") + " "
                        + config.get("tls-ciphersuites") + " (" + msg + ")");
            }
            throw new TlsException("Failed to create the TLS context: " + msg);
        }
    }

    private static SslContext server(X509Certificate[] chain, PrivateKey key, X509Certificate[] trust, ClientAuth auth,
            List<String> protocols, List<String> ciphers, int cacheSize, int cacheTimeout) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forServer(key, chain).sslProvider(PROVIDER).clientAuth(auth)
                .protocols(protocols);
        if (trust != null) b.trustManager(trust);
        if (ciphers != null) b.ciphers(ciphers, IdentityCipherSuiteFilter.INSTANCE);
        if (cacheSize >= 0) {
            b.sessionCacheSize(cacheSize).sessionTimeout(cacheTimeout);
        }
        SslContext ctx = b.build();
        if (cacheSize < 0 && ctx.sessionContext() instanceof OpenSslSessionContext s) {
            s.setSessionCacheEnabled(false);
        }
        return ctx;
    }

    /** The server-side handler of an accepted connection for a tls-auth-clients value (no, yes, optional). */
    public SslHandler acceptHandler(ByteBufAllocator alloc, String authClients) {
        SslContext ctx = switch (authClients) {
            case "no" -> serverNoAuth;
            case "optional" -> serverOptional;
            default -> serverRequire;
        };
        SslHandler h = ctx.newHandler(alloc);
        if (preferServerCiphers) {
            SSLEngine e = h.engine();
            SSLParameters p = e.getSSLParameters();
            p.setUseCipherSuitesOrder(true);
            e.setSSLParameters(p);
        }
        return h;
    }

    /** The client-side handler of a connection this node opens to {@code host:port}. */
    public SslHandler connectHandler(ByteBufAllocator alloc, String host, int port) {
        return client.newHandler(alloc, host, port);
    }

    /** The client-side context itself (for code that builds its own pipeline, e.g. replication). */
    public SslContext clientContext() {
        return client;
    }

    // ------------------------------------------------------------------ directive values

    private interface Loader<T> {
        T load() throws TlsException;
    }

    private static <T> T load(String what, String file, Loader<T> l) throws TlsException {
        try {
            return l.load();
        } catch (TlsException e) {
            throw new TlsException("Failed to load " + what + ": " + file + ": " + e.getMessage());
        }
    }

    private static Path path(Config config, String file) {
        return config.resolve(file);
    }

    private static String nullIfEmpty(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** tls-protocols: Redis's parser (space separated, case-insensitive); empty means TLSv1.2 and TLSv1.3. */
    static List<String> protocols(String value) throws TlsException {
        if (value == null || value.isEmpty()) return List.of("TLSv1.2", "TLSv1.3");
        Set<String> out = new LinkedHashSet<>();
        for (String t : value.split(" ", -1)) {
            switch (t.toLowerCase(Locale.ROOT)) {
                case "tlsv1" -> out.add("TLSv1");
                case "tlsv1.1" -> out.add("TLSv1.1");
                case "tlsv1.2" -> out.add("TLSv1.2");
                case "tlsv1.3" -> out.add("TLSv1.3");
                default -> throw new TlsException("Invalid tls-protocols specified. "
                        + "Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and 'TLSv1.3'.");
            }
        }
        return List.copyOf(out);
    }

    /**
     * tls-ciphers (TLS 1.2 and older) and tls-ciphersuites (TLS 1.3) as one list, or null for the
     * provider's defaults. Each is a colon-separated list of suite names (OpenSSL or IANA
     * names); OpenSSL's cipher-string keywords (HIGH, !aNULL, ...) are not understood. As in
     * OpenSSL, setting one of the two leaves the other family at its default.
     */
    static List<String> ciphers(String tls12, String tls13) throws TlsException {
        if (tls12.isEmpty() && tls13.isEmpty()) return null;
        List<String> defaults = defaultCiphers();
        List<String> out = new ArrayList<>();
        if (tls12.isEmpty()) {
            for (String c : defaults) if (!isTls13(c)) out.add(c);
        } else {
            for (String c : tls12.split("[:, ]+")) {
                if (c.isEmpty()) continue;
                if (c.startsWith("!") || c.startsWith("-") || c.startsWith("+") || c.equals(c.toUpperCase(Locale.ROOT))
                        && !c.contains("-") && !c.contains("_")) {
                    throw new TlsException("Failed to configure ciphers: " + tls12
                            + " (only explicit cipher names are supported, not cipher-string keywords)");
                }
                out.add(c);
            }
        }
        if (tls13.isEmpty()) {
            for (String c : defaults) if (isTls13(c)) out.add(c);
        } else {
            for (String c : tls13.split("[:, ]+")) if (!c.isEmpty()) out.add(c);
        }
        return out;
    }

    private static boolean isTls13(String suite) {
        return suite.startsWith("TLS_AES_") || suite.startsWith("TLS_CHACHA20_");
    }

    private static List<String> defaultCiphers() throws TlsException {
        try {
            return SslContextBuilder.forClient().sslProvider(PROVIDER).build().cipherSuites();
        } catch (SSLException e) {
            throw new TlsException("cannot read the provider's default ciphers: " + e.getMessage());
        }
    }

    /** Redis refuses a DH parameter file it cannot read; the providers choose their own groups (docs/tls.md). */
    private static void checkDhParams(Path p, String name) throws TlsException {
        try {
            String s = Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1);
            if (!s.contains("-----BEGIN DH PARAMETERS-----") && !s.contains("-----BEGIN X9.42 DH PARAMETERS-----")) {
                throw new TlsException(name + ": failed to read DH params.");
            }
        } catch (java.io.IOException e) {
            throw new TlsException("Failed to load " + name + ": No such file or directory");
        }
    }
}
