package dev.multimodal.usermanagement.mail;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevelopmentMailboxTest {

    @Test
    void writesOneMessagePerMailWithBothParts(@TempDir Path folder) throws Exception {
        DevelopmentMailbox mailbox = new DevelopmentMailbox(folder.resolve("mail"));
        mailbox.deliver(
                "noreply@demo.example",
                "ann@demo.example",
                "Réinitialiser",
                "Go to https://id.example/reset?a=1&b=2 now",
                "<a href=\"https://id.example/reset?a=1&amp;b=2\">reset</a>");
        mailbox.deliver(null, "bob@demo.example", "Second", "text only", null);

        List<Path> files;
        try (var listing = Files.list(folder.resolve("mail"))) {
            files = listing.sorted().toList();
        }
        assertEquals(2, files.size());
        String first = Files.readString(files.stream()
                .filter(f -> read(f).contains("To: ann@"))
                .findFirst()
                .orElseThrow());
        assertTrue(first.contains("From: noreply@demo.example\r\n"), first);
        assertTrue(first.contains("X-Development-Mail:"), first);
        assertTrue(
                first.contains("Subject: =?UTF-8?B?"
                        + Base64.getEncoder().encodeToString("Réinitialiser".getBytes(StandardCharsets.UTF_8))),
                first);
        Matcher text = Pattern.compile("text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n([^-]+)")
                .matcher(first);
        assertTrue(text.find(), first);
        assertEquals(
                "Go to https://id.example/reset?a=1&b=2 now",
                new String(Base64.getMimeDecoder().decode(text.group(1).trim()), StandardCharsets.UTF_8));
        assertTrue(first.contains("text/html"), first);
    }

    @Test
    void findsEachLinkOnceInTextAndHtml() {
        assertEquals(
                List.of("https://id.example/reset?a=1&b=2", "http://other.example/x"),
                List.copyOf(
                        DevelopmentMailbox.links(
                                "see https://id.example/reset?a=1&b=2",
                                "<a href=\"https://id.example/reset?a=1&amp;b=2\">x</a> <a href=\"http://other.example/x\">y</a>")));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
