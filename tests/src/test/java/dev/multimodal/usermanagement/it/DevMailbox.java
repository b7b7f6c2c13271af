package dev.multimodal.usermanagement.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The mails the development mailbox wrote ({@code .eml} files in {@link KeycloakServer#devMailDir()}). */
final class DevMailbox {

    private static final Pattern TEXT_PART = Pattern.compile(
            "Content-Type: text/plain; charset=UTF-8\\r\\nContent-Transfer-Encoding: base64\\r\\n\\r\\n([A-Za-z0-9+/=\\r\\n]+)");

    /** One written mail: its file and its text part, decoded. */
    record Mail(Path file, String raw, String text) {}

    private DevMailbox() {}

    static List<Mail> mailsTo(KeycloakServer server, String address) {
        Path folder = server.devMailDir();
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.toString().endsWith(".eml"))
                    .sorted()
                    .map(DevMailbox::read)
                    .filter(mail -> mail.raw().contains("\r\nTo: " + address + "\r\n"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Mail awaitMailTo(KeycloakServer server, String address) {
        Wait.until(
                "a development mail to " + address,
                Duration.ofSeconds(20),
                () -> !mailsTo(server, address).isEmpty());
        return mailsTo(server, address).get(0);
    }

    /** The first link in the mail's text that contains {@code fragment}. */
    static String link(Mail mail, String fragment) {
        Matcher matcher = Pattern.compile("https?://[^\\s\"<>]+").matcher(mail.text());
        while (matcher.find()) {
            if (matcher.group().contains(fragment)) {
                return matcher.group();
            }
        }
        throw new AssertionError("no link with " + fragment + " in: " + mail.text());
    }

    private static Mail read(Path file) {
        try {
            String raw = Files.readString(file, StandardCharsets.UTF_8);
            Matcher text = TEXT_PART.matcher(raw);
            return new Mail(
                    file,
                    raw,
                    text.find()
                            ? new String(Base64.getMimeDecoder().decode(text.group(1)), StandardCharsets.UTF_8)
                            : "");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
