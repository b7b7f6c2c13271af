package dev.multimodal.usermanagement.user;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.keycloak.credential.hash.PasswordHashProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.PasswordPolicy;

/**
 * Which password policies a tenant may save: with every one of them a password can still be chosen, hashed and
 * verified, at a cost the server can afford. Keycloak checks a policy's syntax and its rule names, not its numbers:
 * {@code hashIterations(0)} breaks every password hash (500s at register and login), {@code hashIterations(31)} or
 * bcrypt at cost 16 makes every login of the tenant, unknown users' included, hold a core for seconds or longer.
 */
public final class PasswordPolicyLimits {

    /**
     * The algorithms Keycloak 26.7.3 ships ({@code keycloak-crypto-default}: argon2; {@code keycloak-services}: the
     * three pbkdf2) and the hash iterations a tenant may choose for each. Keycloak's defaults are OWASP's Password
     * Storage Cheat Sheet figures (argon2id 7 MiB t=5; PBKDF2-HMAC-SHA512 210,000, -SHA256 600,000, -SHA1 1,300,000);
     * the upper bound is twice that, since all tenants share the CPU and a login costs one hash at the tenant's
     * setting. The lower bound keeps a hash a hash: argon2's least is 1 (its cost lies mostly in its memory, a server
     * option), pbkdf2's 1,000 (NIST SP 800-132's floor). Our {@code bcrypt} is for imported hashes only.
     */
    public static final Map<String, Range> HASH_ITERATIONS = Map.of(
            "argon2", new Range(1, 10),
            "pbkdf2-sha512", new Range(1_000, 420_000),
            "pbkdf2-sha256", new Range(1_000, 1_200_000),
            "pbkdf2", new Range(1_000, 2_600_000));

    /** The longest password the API takes ({@code password} fields are at most 256 characters). */
    static final int MAX_PASSWORD_LENGTH = 256;

    /**
     * Bounds of Keycloak's other numeric rules: none negative; {@code passwordHistory} is one more hash per password
     * change for each remembered password, so it stays small (24 is the most Windows and Active Directory remember).
     */
    private static final Map<String, Range> RULES = Map.of(
            PasswordPolicy.PASSWORD_HISTORY_ID,
            new Range(0, 24),
            PasswordPolicy.PASSWORD_AGE,
            new Range(0, 3650),
            PasswordPolicy.FORCE_EXPIRED_ID,
            new Range(1, 3650),
            PasswordPolicy.MAX_AUTH_AGE_ID,
            new Range(0, 86_400),
            "length",
            new Range(0, MAX_PASSWORD_LENGTH),
            "maxLength",
            new Range(1, MAX_PASSWORD_LENGTH),
            "digits",
            new Range(0, MAX_PASSWORD_LENGTH),
            "lowerCase",
            new Range(0, MAX_PASSWORD_LENGTH),
            "upperCase",
            new Range(0, MAX_PASSWORD_LENGTH),
            "specialChars",
            new Range(0, MAX_PASSWORD_LENGTH));

    public record Range(int min, int max) {

        boolean contains(int value) {
            return value >= min && value <= max;
        }
    }

    private PasswordPolicyLimits() {}

    /** What is wrong with a policy Keycloak parsed, in words for the API's answer; empty when it may be saved. */
    public static List<String> problems(KeycloakSession session, PasswordPolicy policy) {
        List<String> problems = new ArrayList<>();
        String explicit = policy.getHashAlgorithm();
        String algorithm = explicit != null
                ? explicit
                : session.getKeycloakSessionFactory()
                        .getProviderFactory(PasswordHashProvider.class)
                        .getId();
        Range iterations = HASH_ITERATIONS.get(algorithm);
        if (explicit != null
                && (iterations == null || session.getProvider(PasswordHashProvider.class, explicit) == null)) {
            problems.add("hashAlgorithm must be one of "
                    + String.join(
                            ", ", HASH_ITERATIONS.keySet().stream().sorted().toList())
                    + " (bcrypt is for imported hashes only), not " + explicit);
        } else if (policy.getPolicies().contains(PasswordPolicy.HASH_ITERATIONS_ID)) {
            int value = policy.getHashIterations();
            if (iterations == null) {
                problems.add("hashIterations cannot be set for this server's default algorithm " + algorithm);
            } else if (value != -1
                    && !iterations.contains(value)) { // -1: the algorithm's default (the console's preset)
                problems.add("hashIterations for " + algorithm + " must be from " + iterations.min() + " to "
                        + iterations.max() + ", not " + value);
            }
        }
        for (Map.Entry<String, Range> rule : RULES.entrySet()) {
            if (policy.getPolicies().contains(rule.getKey())
                    && policy.getPolicyConfig(rule.getKey()) instanceof Integer value
                    && !rule.getValue().contains(value)) {
                problems.add(rule.getKey() + " must be from " + rule.getValue().min() + " to "
                        + rule.getValue().max() + ", not " + value);
            }
        }
        int longest = Math.min(MAX_PASSWORD_LENGTH, number(policy, "maxLength", MAX_PASSWORD_LENGTH));
        int shortest = Math.max(
                number(policy, "length", 0),
                number(policy, "digits", 0)
                        + number(policy, "lowerCase", 0)
                        + number(policy, "upperCase", 0)
                        + number(policy, "specialChars", 0));
        if (problems.isEmpty() && shortest > longest) {
            problems.add("no password can satisfy it: it needs at least " + shortest + " characters and allows at most "
                    + longest);
        }
        return problems;
    }

    private static int number(PasswordPolicy policy, String id, int absent) {
        return policy.getPolicies().contains(id) && policy.getPolicyConfig(id) instanceof Integer value
                ? value
                : absent;
    }
}
