package dev.multimodal.usermanagement.audit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Ed25519 key that signs checkpoints, kept in a file outside Keycloak's database, and the signed-note format
 * (C2SP signed-note): the note's text, a blank line, and a line {@code — <name> <base64(key id || signature)>}, where
 * the key id is the first 4 bytes of SHA-256(name || "\n" || 0x01 || public key) and the signature covers the text.
 */
public final class AuditCheckpointKey {

    public static final String NAME = "user-management-audit";
    private static final byte ED25519 = 0x01;
    private static final String SIGNATURE_PREFIX = "\u2014 ";
    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final byte[] publicRaw;
    private final byte[] keyId;

    private AuditCheckpointKey(PrivateKey privateKey, PublicKey publicKey) throws GeneralSecurityException {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
        byte[] spki = publicKey.getEncoded();
        this.publicRaw = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((NAME + "\n").getBytes(StandardCharsets.UTF_8));
        sha.update(ED25519);
        sha.update(publicRaw);
        this.keyId = Arrays.copyOf(sha.digest(), 4);
        if (!verifies(sign("key check\n"))) {
            throw new GeneralSecurityException("the public key does not belong to the private key");
        }
    }

    /**
     * A PKCS#12 keystore ({@code .p12}/{@code .pfx}: the first key entry, its certificate's public key) or a PEM file
     * with an Ed25519 {@code PRIVATE KEY} (PKCS#8) and its {@code PUBLIC KEY}
     * ({@code openssl genpkey -algorithm ed25519 -out k.pem && openssl pkey -in k.pem -pubout >> k.pem}).
     */
    public static AuditCheckpointKey load(Path file, String password) throws IOException, GeneralSecurityException {
        String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        if (name.endsWith(".p12") || name.endsWith(".pfx")) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            char[] secret = password == null ? new char[0] : password.toCharArray();
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, secret);
            }
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    return new AuditCheckpointKey(
                            (PrivateKey) store.getKey(alias, secret),
                            store.getCertificate(alias).getPublicKey());
                }
            }
            throw new GeneralSecurityException("no key entry in " + file);
        }
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        PrivateKey privateKey = null;
        PublicKey publicKey = null;
        KeyFactory keys = KeyFactory.getInstance("Ed25519");
        Matcher block = PEM.matcher(pem);
        while (block.find()) {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            if (block.group(1).equals("PRIVATE KEY")) {
                privateKey = keys.generatePrivate(new PKCS8EncodedKeySpec(der));
            } else if (block.group(1).equals("PUBLIC KEY")) {
                publicKey = keys.generatePublic(new X509EncodedKeySpec(der));
            }
        }
        if (privateKey == null || publicKey == null) {
            throw new GeneralSecurityException(file + " needs an Ed25519 PRIVATE KEY and its PUBLIC KEY block");
        }
        return new AuditCheckpointKey(privateKey, publicKey);
    }

    /** A new key, written to {@code file} (readable by its owner only) in the PEM form {@link #load} reads. */
    public static AuditCheckpointKey generate(Path file) throws IOException, GeneralSecurityException {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path folder = file.toAbsolutePath().getParent();
        if (folder != null) { // null only for a file system root
            Files.createDirectories(folder);
        }
        String pem = pem("PRIVATE KEY", pair.getPrivate().getEncoded())
                + pem("PUBLIC KEY", pair.getPublic().getEncoded());
        Files.writeString(file, "", StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the data folder's own permissions apply
        }
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
        return new AuditCheckpointKey(pair.getPrivate(), pair.getPublic());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** The signed note of {@code text} (which ends with a newline). */
    public String sign(String text) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(privateKey);
            signer.update(text.getBytes(StandardCharsets.UTF_8));
            byte[] signature = signer.sign();
            byte[] line = new byte[4 + signature.length];
            System.arraycopy(keyId, 0, line, 0, 4);
            System.arraycopy(signature, 0, line, 4, signature.length);
            return text + "\n" + SIGNATURE_PREFIX + NAME + " "
                    + Base64.getEncoder().encodeToString(line) + "\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    /** Whether the note carries a valid signature of this key. */
    public boolean verifies(String note) {
        return text(note) != null;
    }

    /** The text of a note this key signed, or null when it has no valid signature of this key. */
    public String text(String note) {
        int end = note == null ? -1 : note.lastIndexOf("\n\n");
        if (end < 0) {
            return null;
        }
        String text = note.substring(0, end + 1);
        for (String line : note.substring(end + 2).split("\n")) {
            String prefix = SIGNATURE_PREFIX + NAME + " ";
            if (!line.startsWith(prefix)) {
                continue;
            }
            try {
                byte[] raw = Base64.getDecoder().decode(line.substring(prefix.length()));
                if (raw.length != 68 || !Arrays.equals(Arrays.copyOf(raw, 4), keyId)) {
                    continue;
                }
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(publicKey);
                verifier.update(text.getBytes(StandardCharsets.UTF_8));
                if (verifier.verify(Arrays.copyOfRange(raw, 4, raw.length))) {
                    return text;
                }
            } catch (IllegalArgumentException | GeneralSecurityException e) {
                // not a signature of ours
            }
        }
        return null;
    }

    /** The verifier key in signed-note form: {@code <name>+<key id hex>+<base64(0x01 || public key)>}. */
    public String verifierKey() {
        byte[] typed = new byte[33];
        typed[0] = ED25519;
        System.arraycopy(publicRaw, 0, typed, 1, 32);
        return NAME + "+" + HexFormat.of().formatHex(keyId) + "+"
                + Base64.getEncoder().encodeToString(typed);
    }
}
