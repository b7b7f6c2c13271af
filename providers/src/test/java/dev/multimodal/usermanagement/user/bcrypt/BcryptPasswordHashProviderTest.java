package dev.multimodal.usermanagement.user.bcrypt;

import org.junit.jupiter.api.Test;
import org.keycloak.models.PasswordPolicy;
import org.keycloak.models.credential.PasswordCredentialModel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertFalse(BcryptPasswordHashProvider.isBcryptHash("$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW"));
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
}
