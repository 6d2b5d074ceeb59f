package io.vermilion.it.support;

import io.vermilion.net.tls.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away CA and certificates made once per test JVM by bin/gen-test-certs (the openssl
 * CLI), plus the arguments that give a server or redis-cli TLS with them.
 */
public final class TlsCerts {
    private static Path dir;

    private TlsCerts() {}

    public static synchronized Path dir() throws Exception {
        if (dir != null) return dir;
        Path d = Files.createTempDirectory("vermilion-it-tls-");
        Path home = Path.of(System.getProperty("vermilion.home", "."));
        Process p = new ProcessBuilder(home.resolve("bin/gen-test-certs").toString(), d.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("bin/gen-test-certs failed: " + out);
        }
        dir = d;
        return d;
    }

    public static String file(String name) throws Exception {
        return dir().resolve(name).toString();
    }

    /** Server directives: TLS on {@code tlsPort} with the node certificate and the CA, plus {@code extra}. */
    public static List<String> serverArgs(int tlsPort, String... extra) throws Exception {
        List<String> a = new ArrayList<>(List.of("--tls-port", Integer.toString(tlsPort),
                "--tls-cert-file", file("redis.crt"), "--tls-key-file", file("redis.key"),
                "--tls-ca-cert-file", file("ca.crt")));
        a.addAll(List.of(extra));
        return a;
    }

    /** redis-cli arguments for TLS with the client certificate. */
    public static List<String> cliArgs() throws Exception {
        return List.of("--tls", "--cacert", file("ca.crt"), "--cert", file("client.crt"), "--key", file("client.key"));
    }

    /** A JDK SSLContext trusting the CA; with {@code clientCert} it presents client.crt. */
    public static SSLContext sslContext(boolean clientCert) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", Pem.certificates(dir().resolve("ca.crt"))[0]);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientCert) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", Pem.privateKey(dir().resolve("client.key"), null), new char[0],
                    Pem.certificates(dir().resolve("client.crt")));
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, new char[0]);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
