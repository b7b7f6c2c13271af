package dev.multimodal.usermanagement.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A minimal SMTP server on loopback that accepts every message (no auth, no TLS) and keeps it, so tests can read the
 * e-mails Keycloak sends through a realm's SMTP settings. A test class holds one as
 * {@code @RegisterExtension static final SmtpSink smtp = SmtpSink.start();}: it closes after the class.
 */
final class SmtpSink implements AutoCloseable, AfterAllCallback {

    /** One accepted message: its envelope recipients and its raw DATA (headers and MIME body). */
    record Mail(List<String> recipients, String data) {

        /** The message with quoted-printable soft line breaks and {@code =3D} undone: enough to find links. */
        String decoded() {
            return data.replace("=\r\n", "").replace("=\n", "").replace("=3D", "=");
        }
    }

    private final ServerSocket server;
    private final List<Mail> mails = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    private SmtpSink() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "smtp-sink");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static SmtpSink start() {
        try {
            return new SmtpSink();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
    }

    /** Makes the realm send its e-mails here (Realm settings → Email), through Keycloak's admin API. */
    void serve(KeycloakServer keycloak, String realm) {
        Http.Reply reply = Http.put(
                keycloak.baseUrl() + "/admin/realms/" + realm,
                Tokens.platformAdmin(keycloak),
                Map.of(
                        "realm",
                        realm,
                        "smtpServer",
                        Map.of(
                                "host",
                                "127.0.0.1",
                                "port",
                                Integer.toString(port()),
                                "from",
                                "noreply@" + realm + ".example")));
        assertEquals(204, reply.status(), reply.raw().body());
    }

    int port() {
        return server.getLocalPort();
    }

    List<Mail> mails() {
        return List.copyOf(mails);
    }

    List<Mail> mailsTo(String address) {
        return mails.stream()
                .filter(m -> m.recipients().contains(address.toLowerCase(Locale.ROOT)))
                .toList();
    }

    Mail awaitMailTo(String address, Duration timeout) {
        Wait.until("an e-mail to " + address, timeout, () -> !mailsTo(address).isEmpty());
        return mailsTo(address).get(0);
    }

    /** The first link in the mail that contains {@code fragment}. */
    static String link(Mail mail, String fragment) {
        Matcher matcher = Pattern.compile("https?://[^\\s\"<>]+").matcher(mail.decoded());
        while (matcher.find()) {
            if (matcher.group().contains(fragment)) {
                return matcher.group().replace("&amp;", "&");
            }
        }
        throw new AssertionError("no link with " + fragment + " in: " + mail.decoded());
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread conversation = new Thread(() -> converse(socket), "smtp-sink-conversation");
                conversation.setDaemon(true);
                conversation.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void converse(Socket socket) {
        try (socket;
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII)) {
            reply(out, "220 localhost smtp-sink");
            List<String> recipients = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.toUpperCase(Locale.ROOT);
                if (command.startsWith("EHLO") || command.startsWith("HELO")) {
                    reply(out, "250 localhost");
                } else if (command.startsWith("MAIL FROM")) {
                    recipients = new ArrayList<>();
                    reply(out, "250 OK");
                } else if (command.startsWith("RCPT TO")) {
                    recipients.add(line.replaceAll("(?i)^RCPT TO:\\s*<?([^>]*)>?.*$", "$1")
                            .toLowerCase(Locale.ROOT));
                    reply(out, "250 OK");
                } else if (command.startsWith("DATA")) {
                    reply(out, "354 end with <CRLF>.<CRLF>");
                    StringBuilder data = new StringBuilder();
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        data.append(line.startsWith("..") ? line.substring(1) : line)
                                .append("\r\n");
                    }
                    mails.add(new Mail(List.copyOf(recipients), data.toString()));
                    reply(out, "250 OK queued");
                } else if (command.startsWith("QUIT")) {
                    reply(out, "221 bye");
                    return;
                } else {
                    reply(out, "250 OK"); // RSET, NOOP and the like
                }
            }
        } catch (IOException e) {
            // the client hung up
        }
    }

    private static void reply(Writer out, String line) throws IOException {
        out.write(line + "\r\n");
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
