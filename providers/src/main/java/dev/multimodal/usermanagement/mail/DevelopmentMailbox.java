package dev.multimodal.usermanagement.mail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;

/**
 * DEVELOPMENT ONLY: instead of sending, writes each e-mail as an {@code .eml} file into a folder and logs the links
 * it contains, so that a developer without a mail server can finish "forgot password" or the lockout e-mail's
 * unlock. The links are secrets (whoever has one resets the password): never use this where others read the logs.
 */
final class DevelopmentMailbox {

    private static final Logger LOG = Logger.getLogger(DevelopmentMailbox.class);
    private static final Pattern LINK = Pattern.compile("https?://[^\\s\"<>]+");
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path folder;

    DevelopmentMailbox(Path folder) {
        this.folder = folder;
    }

    Path folder() {
        return folder;
    }

    void deliver(String from, String to, String subject, String textBody, String htmlBody) throws EmailException {
        ZonedDateTime now = ZonedDateTime.now();
        Path file = folder.resolve(
                FILE_TIME.format(now) + "-" + UUID.randomUUID().toString().substring(0, 8) + ".eml");
        try {
            Files.createDirectories(folder);
            Files.writeString(
                    file,
                    message(from, to, subject, textBody, htmlBody, now),
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE_NEW);
        } catch (IOException e) {
            throw new EmailException("Development mailbox: cannot write " + file, e);
        }
        LOG.infof(
                "DEVELOPMENT MAIL (no SMTP configured) to %s, \"%s\", written to %s%s",
                to,
                subject,
                file,
                links(textBody, htmlBody).stream()
                        .map(link -> "\n    link: " + link)
                        .reduce("", String::concat));
    }

    static Set<String> links(String textBody, String htmlBody) {
        Set<String> links = new LinkedHashSet<>();
        for (String body : new String[] {textBody, htmlBody}) {
            if (body != null) {
                Matcher matcher = LINK.matcher(body);
                while (matcher.find()) {
                    links.add(matcher.group().replace("&amp;", "&"));
                }
            }
        }
        return links;
    }

    /** A MIME message with the text and HTML parts, base64 so that no line is too long and links stay whole. */
    private static String message(
            String from, String to, String subject, String textBody, String htmlBody, ZonedDateTime date) {
        String boundary = "=_" + UUID.randomUUID();
        StringBuilder mail = new StringBuilder()
                .append("Date: ")
                .append(DateTimeFormatter.RFC_1123_DATE_TIME.format(date))
                .append("\r\n")
                .append("From: ")
                .append(from == null ? ServerSmtp.DEFAULT_FROM : from)
                .append("\r\n")
                .append("To: ")
                .append(to)
                .append("\r\n")
                .append("Subject: =?UTF-8?B?")
                .append(base64(subject))
                .append("?=\r\n")
                .append("X-Development-Mail: written by the user-management development mailbox, not sent\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: multipart/alternative; boundary=\"")
                .append(boundary)
                .append("\"\r\n\r\n");
        part(mail, boundary, "text/plain", textBody);
        part(mail, boundary, "text/html", htmlBody);
        return mail.append("--").append(boundary).append("--\r\n").toString();
    }

    private static void part(StringBuilder mail, String boundary, String type, String body) {
        if (body == null) {
            return;
        }
        mail.append("--")
                .append(boundary)
                .append("\r\n")
                .append("Content-Type: ")
                .append(type)
                .append("; charset=UTF-8\r\n")
                .append("Content-Transfer-Encoding: base64\r\n\r\n")
                .append(Base64.getMimeEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8)))
                .append("\r\n");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString((text == null ? "" : text).getBytes(StandardCharsets.UTF_8));
    }
}
