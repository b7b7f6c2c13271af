package dev.multimodal.usermanagement.user.bcrypt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.credential.PasswordCredentialModel;

class BcryptPasswordHashProviderTest {

    private final BcryptPasswordHashProvider bcrypt = new BcryptPasswordHashProvider();

    @Test
    void verifiesTheOpenBsdTestVectorInEveryPrefix() {
        String hash = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
        for (String prefix : new String[] {"$2a$", "$2b$", "$2y$"}) {
            PasswordCredentialModel credential = BcryptPasswordHashProvider.credentialOf(prefix + hash.substring(4));
            assertTrue(bcrypt.verify("U*U", credential), prefix);
            assertFalse(bcrypt.verify("U*V", credential), prefix);
        }
    }

    @Test
    void encodesWhatItVerifies() {
        PasswordCredentialModel credential = bcrypt.encodedCredential("Secret-Pass123", 4);
        assertEquals("bcrypt", credential.getPasswordCredentialData().getAlgorithm());
        assertEquals(4, credential.getPasswordCredentialData().getHashIterations());
        assertNotNull(credential.getCreatedDate());
        assertTrue(bcrypt.verify("Secret-Pass123", credential));
        assertFalse(bcrypt.verify("secret-pass123", credential));
    }

    @Test
    void refusesMalformedHashesAndOverlongPasswords() {
        assertFalse(BcryptPasswordHashProvider.isBcryptHash("$1$abc"));
        assertFalse(BcryptPasswordHashProvider.isBcryptHash(
                "$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
        assertFalse(BcryptPasswordHashProvider.isBcryptHash("$2a$05$short"));
        PasswordCredentialModel credential = bcrypt.encodedCredential("a".repeat(72), 4);
        assertTrue(bcrypt.verify("a".repeat(72), credential));
        assertFalse(bcrypt.verify("a".repeat(73), credential), "bytes past 72 must not be ignored silently");
    }

    @Test
    void asksForARehashUnlessTheRealmUsesBcrypt() {
        PasswordCredentialModel credential = bcrypt.encodedCredential("Secret-Pass123", 4);
        assertFalse(bcrypt.policyCheck(PasswordPolicy.empty(), credential));
    }

    @Test
    void neverVerifiesNorProducesAHashAboveTheCostCap() {
        BcryptPasswordHashProvider capped = new BcryptPasswordHashProvider(5);
        PasswordCredentialModel cost6 = bcrypt.encodedCredential("Secret-Pass123", 6);
        assertTrue(bcrypt.verify("Secret-Pass123", cost6), "within the default cap of 12");
        long started = System.nanoTime();
        assertFalse(capped.verify("Secret-Pass123", cost6), "above the cap: refused even with the right password");
        assertFalse(
                capped.verify("Secret-Pass123", BcryptPasswordHashProvider.credentialOf("$2b$31$" + "A".repeat(53))));
        assertTrue(System.nanoTime() - started < 1_000_000_000L, "and without hashing");

        assertEquals(
                5,
                capped.encodedCredential("Secret-Pass123", 16)
                        .getPasswordCredentialData()
                        .getHashIterations(),
                "a realm policy asking for more gets the cap");
        assertEquals(
                4,
                capped.encodedCredential("Secret-Pass123", 1)
                        .getPasswordCredentialData()
                        .getHashIterations(),
                "and below bcrypt's minimum gets the minimum");
        assertEquals(
                12,
                bcrypt.encodedCredential("x", -1).getPasswordCredentialData().getHashIterations(),
                "unset: the default");
    }

    @Test
    void theCapIsWithinBcryptsBounds() {
        assertThrows(IllegalArgumentException.class, () -> new BcryptPasswordHashProvider(3));
        assertThrows(IllegalArgumentException.class, () -> new BcryptPasswordHashProvider(32));
        assertEquals(12, bcrypt.maxCost());
        assertEquals(31, BcryptPasswordHashProvider.costOf("$2y$31$" + "A".repeat(53)));
    }
}
