package io.vermilion.net.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKey;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * PEM files as OpenSSL (and so Redis) reads them: certificate chains, and private keys in every
 * form OpenSSL's PEM_read_PrivateKey accepts for the usual key types: PKCS#8
 * ({@code PRIVATE KEY}), encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}, PBES2/PBKDF2 as
 * {@code openssl pkcs8 -topk8} writes it), PKCS#1 RSA ({@code RSA PRIVATE KEY}) and SEC1 EC
 * ({@code EC PRIVATE KEY}), the last two also in the legacy encrypted form ({@code Proc-Type:
 * 4,ENCRYPTED} with a {@code DEK-Info} header, as {@code openssl genrsa -aes256 -traditional}
 * writes them). Netty's own reader takes PKCS#8 only, hence this class: everything is turned
 * into a JDK {@link PrivateKey} that either TLS provider accepts.
 *
 * <p>Every failure is a {@link TlsException} with a short reason (the node logs it); no input
 * makes this throw anything else.
 */
public final class Pem {
    private Pem() {}

    /** One PEM block: its label ("CERTIFICATE", "RSA PRIVATE KEY"...), headers and decoded bytes. */
    record Block(String label, List<String> headers, byte[] der) {}

    /** The certificate chain of a file (leaf first, as in the file). */
    public static X509Certificate[] certificates(Path file) throws TlsException {
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Block b : blocks(read(file))) {
                if (!b.label.equals("CERTIFICATE") && !b.label.equals("X509 CERTIFICATE")
                        && !b.label.equals("TRUSTED CERTIFICATE")) continue;
                out.add((X509Certificate) cf.generateCertificate(new ByteArrayInputStream(b.der)));
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new TlsException("bad certificate: " + e.getMessage());
        }
        if (out.isEmpty()) throw new TlsException("no certificate found (expected a PEM CERTIFICATE block)");
        return out.toArray(new X509Certificate[0]);
    }

    /** The certificates of a CA directory (every readable PEM file in it, as hashed links or not). */
    public static List<X509Certificate> certificatesInDir(Path dir) throws TlsException {
        if (!Files.isDirectory(dir)) throw new TlsException(dir + ": not a directory");
        List<X509Certificate> out = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                if (!Files.isRegularFile(f)) continue;
                try {
                    for (X509Certificate c : certificates(f)) out.add(c);
                } catch (TlsException e) {
                    // OpenSSL only looks up hashed names; files that are not certificates are ignored.
                }
            }
        } catch (IOException e) {
            throw new TlsException(dir + ": " + e.getMessage());
        }
        return out;
    }

    /** The first private key of a file; {@code password} (may be null) decrypts an encrypted one. */
    public static PrivateKey privateKey(Path file, String password) throws TlsException {
        for (Block b : blocks(read(file))) {
            try {
                switch (b.label) {
                    case "PRIVATE KEY":
                        return pkcs8(b.der);
                    case "ENCRYPTED PRIVATE KEY":
                        return encryptedPkcs8(b.der, password);
                    case "RSA PRIVATE KEY":
                        return pkcs8(wrapRsa(legacyDecrypt(b, password)));
                    case "EC PRIVATE KEY":
                        return pkcs8(wrapEc(legacyDecrypt(b, password)));
                    default:
                        break;
                }
            } catch (TlsException e) {
                throw e;
            } catch (GeneralSecurityException | RuntimeException e) {
                throw new TlsException("bad " + b.label + ": " + e);
            }
        }
        throw new TlsException("no private key found (expected a PEM PRIVATE KEY block)");
    }

    // ------------------------------------------------------------------ PEM framing

    private static String read(Path file) throws TlsException {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new TlsException(file + ": " + (e instanceof java.nio.file.NoSuchFileException
                    ? "No such file or directory" : e.getMessage()));
        }
    }

    static List<Block> blocks(String text) throws TlsException {
        List<Block> out = new ArrayList<>();
        int at = 0;
        while (true) {
            int begin = text.indexOf("-----BEGIN ", at);
            if (begin < 0) return out;
            int labelEnd = text.indexOf("-----", begin + 11);
            if (labelEnd < 0) return out;
            String label = text.substring(begin + 11, labelEnd).trim();
            String endMarker = "-----END " + label + "-----";
            int end = text.indexOf(endMarker, labelEnd + 5);
            if (end < 0) throw new TlsException("PEM block " + label + " has no END line");
            String body = text.substring(labelEnd + 5, end);
            List<String> headers = new ArrayList<>();
            StringBuilder b64 = new StringBuilder();
            for (String line : body.split("\r?\n")) {
                String l = line.trim();
                if (l.isEmpty()) continue;
                if (l.indexOf(':') > 0) headers.add(l);
                else b64.append(l);
            }
            try {
                out.add(new Block(label, headers, Base64.getMimeDecoder().decode(b64.toString())));
            } catch (IllegalArgumentException e) {
                throw new TlsException("bad base64 in PEM block " + label);
            }
            at = end + endMarker.length();
        }
    }

    // ------------------------------------------------------------------ key forms

    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "RSASSA-PSS", "EdDSA", "DSA", "XDH"};

    private static PrivateKey pkcs8(byte[] der) throws TlsException {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException | RuntimeException e) {
                // try the next algorithm
            }
        }
        throw new TlsException("unsupported or corrupt private key");
    }

    private static PrivateKey encryptedPkcs8(byte[] der, String password) throws GeneralSecurityException, TlsException {
        if (password == null) throw new TlsException("the key is encrypted and no password is configured");
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            // For PBES2 the JDK names the real scheme (e.g. PBEWithHmacSHA256AndAES_256) in the parameters.
            String alg = info.getAlgName();
            if (alg.equals("PBES2") || alg.equals("1.2.840.113549.1.5.13")) alg = info.getAlgParameters().toString();
            SecretKey key = SecretKeyFactory.getInstance(alg).generateSecret(new PBEKeySpec(password.toCharArray()));
            Cipher cipher = Cipher.getInstance(alg);
            cipher.init(Cipher.DECRYPT_MODE, key, info.getAlgParameters());
            return pkcs8(info.getKeySpec(cipher).getEncoded());
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsException("cannot decrypt the private key (bad password?): " + e.getMessage());
        }
    }

    /** The legacy "Proc-Type: 4,ENCRYPTED" form: OpenSSL's EVP_BytesToKey(MD5) key, cipher named by DEK-Info. */
    private static byte[] legacyDecrypt(Block b, String password) throws TlsException {
        String dek = null;
        boolean encrypted = false;
        for (String h : b.headers) {
            String l = h.toLowerCase(Locale.ROOT);
            if (l.startsWith("proc-type:") && l.contains("encrypted")) encrypted = true;
            if (l.startsWith("dek-info:")) dek = h.substring(h.indexOf(':') + 1).trim();
        }
        if (!encrypted) return b.der;
        if (password == null) throw new TlsException("the key is encrypted and no password is configured");
        if (dek == null || dek.indexOf(',') < 0) throw new TlsException("encrypted key without DEK-Info");
        String cipherName = dek.substring(0, dek.indexOf(',')).trim().toUpperCase(Locale.ROOT);
        byte[] iv = hex(dek.substring(dek.indexOf(',') + 1).trim());
        String jce;
        int keyLen;
        switch (cipherName) {
            case "AES-128-CBC": jce = "AES/CBC/PKCS5Padding"; keyLen = 16; break;
            case "AES-192-CBC": jce = "AES/CBC/PKCS5Padding"; keyLen = 24; break;
            case "AES-256-CBC": jce = "AES/CBC/PKCS5Padding"; keyLen = 32; break;
            case "DES-EDE3-CBC": jce = "DESede/CBC/PKCS5Padding"; keyLen = 24; break;
            default: throw new TlsException("unsupported key encryption " + cipherName);
        }
        if (iv == null || iv.length < 8) throw new TlsException("bad DEK-Info IV");
        try {
            byte[] key = bytesToKey(password.getBytes(StandardCharsets.ISO_8859_1), java.util.Arrays.copyOf(iv, 8), keyLen);
            Cipher c = Cipher.getInstance(jce);
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, jce.substring(0, jce.indexOf('/'))), new IvParameterSpec(iv));
            return c.doFinal(b.der);
        } catch (GeneralSecurityException e) {
            throw new TlsException("cannot decrypt the private key (bad password?)");
        }
    }

    private static byte[] bytesToKey(byte[] pass, byte[] salt, int len) throws GeneralSecurityException {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] prev = new byte[0];
        while (out.size() < len) {
            md5.update(prev);
            md5.update(pass);
            md5.update(salt);
            prev = md5.digest();
            out.write(prev, 0, prev.length);
        }
        return java.util.Arrays.copyOf(out.toByteArray(), len);
    }

    private static byte[] hex(String s) {
        if (s.length() % 2 != 0) return null;
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) return null;
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    // rsaEncryption, with NULL parameters
    private static final byte[] RSA_ALG = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7,
        0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    // id-ecPublicKey
    private static final byte[] EC_OID = {0x06, 0x07, 0x2a, (byte) 0x86, 0x48, (byte) 0xce, 0x3d, 0x02, 0x01};

    /** PKCS#1 RSAPrivateKey to PKCS#8 PrivateKeyInfo. */
    static byte[] wrapRsa(byte[] pkcs1) {
        return privateKeyInfo(RSA_ALG, pkcs1);
    }

    /** SEC1 ECPrivateKey to PKCS#8: the curve OID comes from the key's [0] parameters. */
    static byte[] wrapEc(byte[] sec1) throws TlsException {
        Der seq = new Der(sec1, 0);
        if (seq.tag != 0x30) throw new TlsException("EC key is not a SEQUENCE");
        byte[] curve = null;
        int p = seq.valueStart;
        while (p < seq.end) {
            Der item = new Der(sec1, p);
            if (item.tag == 0xa0) {
                Der oid = new Der(sec1, item.valueStart);
                if (oid.tag != 0x06) throw new TlsException("EC key parameters are not a named curve");
                curve = java.util.Arrays.copyOfRange(sec1, item.valueStart, oid.end);
            }
            p = item.end;
        }
        if (curve == null) throw new TlsException("EC key without curve parameters");
        byte[] alg = tlv(0x30, concat(EC_OID, curve));
        return privateKeyInfo(alg, sec1);
    }

    private static byte[] privateKeyInfo(byte[] algorithm, byte[] key) {
        byte[] version = {0x02, 0x01, 0x00};
        return tlv(0x30, concat(concat(version, algorithm), tlv(0x04, key)));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n > 0xffffff ? 4 : n > 0xffff ? 3 : n > 0xff ? 2 : 1;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) out.write(n >>> (8 * i));
        }
        out.write(value, 0, n);
        return out.toByteArray();
    }

    /** One DER element header, bounds-checked against its buffer. */
    private static final class Der {
        final int tag;
        final int valueStart;
        final int end;

        Der(byte[] b, int at) throws TlsException {
            if (at + 2 > b.length) throw new TlsException("truncated DER");
            tag = b[at] & 0xff;
            int len = b[at + 1] & 0xff;
            int p = at + 2;
            if (len >= 0x80) {
                int n = len & 0x7f;
                if (n == 0 || n > 3 || p + n > b.length) throw new TlsException("bad DER length");
                len = 0;
                for (int i = 0; i < n; i++) len = len << 8 | (b[p++] & 0xff);
            }
            if (p + len > b.length) throw new TlsException("truncated DER");
            valueStart = p;
            end = p + len;
        }
    }
}
