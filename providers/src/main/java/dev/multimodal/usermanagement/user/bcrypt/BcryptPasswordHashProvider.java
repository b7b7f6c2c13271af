package dev.multimodal.usermanagement.user.bcrypt;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.jboss.logging.Logger;
import org.keycloak.common.util.Time;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.credential.PasswordCredentialModel;

/**
 * Verifies bcrypt hashes ({@code $2a$}, {@code $2b$}, {@code $2y$}) carried over from the old service. Unless a
 * realm chose bcrypt as its algorithm, {@link #policyCheck} is false, so Keycloak re-hashes the password with the
 * realm's own algorithm at the first successful login.
 *
 * <p>Each bcrypt cost step doubles the work: a cost-31 hash takes days of CPU to check. Costs above the cap
 * ({@code --spi-password-hashing--bcrypt--max-cost}, default {@value #DEFAULT_MAX_COST}) are refused on import,
 * never verified (however such a hash got stored) and never produced.
 */
public final class BcryptPasswordHashProvider implements PasswordHashProvider {

    public static final String ID = "bcrypt";
    public static final int DEFAULT_COST = 12;
    public static final int DEFAULT_MAX_COST = 12;
    /** bcrypt's own bounds for the cost. */
    public static final int MIN_COST = 4;

    public static final int MAX_COST = 31;
    private static final Logger LOG = Logger.getLogger(BcryptPasswordHashProvider.class);
    private static final Pattern HASH = Pattern.compile("^\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final int maxCost;
    private final AtomicBoolean refusalLogged = new AtomicBoolean();

    public BcryptPasswordHashProvider() {
        this(DEFAULT_MAX_COST);
    }

    public BcryptPasswordHashProvider(int maxCost) {
        if (maxCost < MIN_COST || maxCost > MAX_COST) {
            throw new IllegalArgumentException("the bcrypt cost cap must be from " + MIN_COST + " to " + MAX_COST);
        }
        this.maxCost = maxCost;
    }

    /** This server's bcrypt provider: the one place that knows the cost cap. */
    public static BcryptPasswordHashProvider of(KeycloakSession session) {
        return (BcryptPasswordHashProvider) session.getProvider(PasswordHashProvider.class, ID);
    }

    public static boolean isBcryptHash(String hash) {
        return hash != null && HASH.matcher(hash).matches();
    }

    /** The cost of a hash that {@link #isBcryptHash} accepted. */
    public static int costOf(String hash) {
        return Integer.parseInt(hash.substring(4, 6));
    }

    public int maxCost() {
        return maxCost;
    }

    /** The stored form of an imported hash; its age counts from now for the password-expiry policy. */
    public static PasswordCredentialModel credentialOf(String hash) {
        PasswordCredentialModel credential =
                PasswordCredentialModel.createFromValues(ID, new byte[0], costOf(hash), hash);
        credential.setCreatedDate(Time.currentTimeMillis());
        return credential;
    }

    /** The cost a new hash gets for a policy's iterations: the default when unset, within bcrypt's bounds and the cap. */
    private int costFor(int iterations) {
        int cost = iterations > 0 ? iterations : DEFAULT_COST;
        return Math.max(MIN_COST, Math.min(cost, maxCost));
    }

    @Override
    public boolean policyCheck(PasswordPolicy policy, PasswordCredentialModel credential) {
        return ID.equals(policy.getHashAlgorithm())
                && credential.getPasswordCredentialData().getHashIterations() == costFor(policy.getHashIterations());
    }

    @Override
    public PasswordCredentialModel encodedCredential(String rawPassword, int iterations) {
        int cost = costFor(iterations);
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        String hash = OpenBSDBCrypt.generate("2b", rawPassword.getBytes(StandardCharsets.UTF_8), salt, cost);
        PasswordCredentialModel credential = PasswordCredentialModel.createFromValues(ID, new byte[0], cost, hash);
        credential.setCreatedDate(Time.currentTimeMillis());
        return credential;
    }

    @Override
    public boolean verify(String rawPassword, PasswordCredentialModel credential) {
        String hash = credential.getPasswordSecretData().getValue();
        if (!isBcryptHash(hash) || rawPassword.getBytes(StandardCharsets.UTF_8).length > 72) {
            return false; // bcrypt ignores bytes past 72: refuse rather than accept a longer password's prefix
        }
        int cost = costOf(hash);
        if (cost > maxCost) {
            if (refusalLogged.compareAndSet(false, true)) {
                // once: each login of such a user would repeat it; never the hash itself
                LOG.warnf(
                        "A stored bcrypt hash of cost %d is above the cap of %d (--spi-password-hashing--bcrypt--max-cost): "
                                + "it is not verified and the login fails; reset the password of users with such hashes. "
                                + "Logged once.",
                        cost, maxCost);
            }
            return false;
        }
        try {
            return OpenBSDBCrypt.checkPassword(hash, rawPassword.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void close() {}
}
