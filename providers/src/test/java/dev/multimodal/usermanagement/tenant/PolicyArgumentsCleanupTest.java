package dev.multimodal.usermanagement.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PolicyArgumentsCleanupTest {

    @Test
    void undefinedArgumentsAreDroppedAndEverythingElseKept() {
        assertEquals(
                "length(8) and notUsername and notEmail and passwordHistory(5)",
                PolicyArgumentsCleanup.withoutUndefinedArguments(
                        "length(8) and notUsername(undefined) and notEmail(undefined) and passwordHistory(5)"));
    }

    @Test
    void aCleanPolicyIsUnchanged() {
        String policy = "length(12) and notUsername and hashAlgorithm(argon2)";
        assertEquals(policy, PolicyArgumentsCleanup.withoutUndefinedArguments(policy));
        assertEquals("", PolicyArgumentsCleanup.withoutUndefinedArguments(null));
    }
}
