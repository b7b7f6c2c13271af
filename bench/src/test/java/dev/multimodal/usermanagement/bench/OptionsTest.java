package dev.multimodal.usermanagement.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void modeSetsTheDefaultsAndOptionsOverrideThem() {
        Options smoke = Options.parse(new String[] {"--mode", "smoke"});
        assertTrue(smoke.smoke());
        assertEquals(List.of(0, 2, 4), smoke.tenantSteps());
        Options full =
                Options.parse(new String[] {"--rounds", "6", "--tenant-steps", "0,10,500", "--only", "login,tenants"});
        assertEquals(6, full.rounds());
        assertEquals(List.of(0, 10, 500), full.tenantSteps());
        assertTrue(full.runs("login") && !full.runs("audit"));
    }

    @Test
    void refusesUnknownOptionsScenariosAndRemoteServers() {
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--roundz", "3"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--only", "everything"}));
        assertThrows(
                IllegalArgumentException.class, () -> Options.parse(new String[] {"--base", "http://example.com"}));
        assertThrows(IllegalArgumentException.class, () -> Options.parse(new String[] {"--mode", "long"}));
    }

    @Test
    void aMachineIsBusyWhenItsLoadExceedsItsCores() {
        assertTrue(Machine.busy(2.5, 2));
        assertTrue(!Machine.busy(2.0, 2));
    }
}
