package dev.multimodal.usermanagement.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TenantSlugsTest {

    @Test
    void nameBecomesLowercaseHyphenatedSlug() {
        assertEquals("acme-corp-eu", TenantSlugs.fromName("  Acme Corp. (EU) "));
        assertEquals("cafe-munchen", TenantSlugs.fromName("Café München"));
        assertEquals("", TenantSlugs.fromName("!!!"));
    }

    @Test
    void longNamesAreCutTo63WithoutTrailingHyphen() {
        String slug = TenantSlugs.fromName("a".repeat(62) + " b c");
        assertTrue(slug.length() <= 63, slug);
        assertTrue(TenantSlugs.problem(slug, "master").isEmpty());
    }

    @Test
    void validIdsPass() {
        assertTrue(TenantSlugs.problem("acme", "master").isEmpty());
        assertTrue(TenantSlugs.problem("a1-b2", "master").isEmpty());
        assertTrue(TenantSlugs.problem("x".repeat(63), "master").isEmpty());
    }

    @Test
    void badIdsAreRefusedWithAReason() {
        assertEquals(
                "must be 3 to 63 characters",
                TenantSlugs.problem("ab", "master").orElseThrow());
        assertEquals(
                "must be 3 to 63 characters",
                TenantSlugs.problem("x".repeat(64), "master").orElseThrow());
        assertTrue(TenantSlugs.problem("Acme", "master").orElseThrow().startsWith("may hold only"));
        assertTrue(TenantSlugs.problem("-acme", "master").isPresent());
        assertTrue(TenantSlugs.problem("acme-", "master").isPresent());
        assertTrue(TenantSlugs.problem("ac_me", "master").isPresent());
        assertTrue(TenantSlugs.problem(null, "master").isPresent());
    }

    @Test
    void platformRealmAndReservedNamesAreRefused() {
        assertEquals("is reserved", TenantSlugs.problem("master", "master").orElseThrow());
        assertEquals(
                "is reserved", TenantSlugs.problem("platform-x", "platform-x").orElseThrow());
        assertEquals("is reserved", TenantSlugs.problem("admin", "master").orElseThrow());
    }
}
