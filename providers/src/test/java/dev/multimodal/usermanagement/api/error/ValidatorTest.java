package dev.multimodal.usermanagement.api.error;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValidatorTest {

    @Test
    void lineSplittingAndHiddenCharactersAreRefused() {
        for (String bad : List.of(
                "\n", "\r", "\t", "\u0000", "\u007f", "\u0085", "\u009b", "\u2028", "\u2029", "\u200e", "\u202e",
                "\u2066", "\ufeff", "\ud800", "\udc00")) {
            assertTrue(Validator.hasControlCharacter("a" + bad + "b"), Integer.toHexString(bad.charAt(0)));
            assertTrue(
                    new Validator().optional("name", "a" + bad + "b", 255).hasErrors(),
                    Integer.toHexString(bad.charAt(0)));
        }
    }

    @Test
    void textOfAnyScriptPasses() {
        for (String good : List.of(
                "Zoë", "Ωμέγα", "名前", "José María", "a\u200db", "\u0645\u200c\u06cc", "👩\u200d💻", "O'Brien")) {
            assertFalse(Validator.hasControlCharacter(good), good);
        }
    }
}
