package dev.multimodal.usermanagement.mail;

import java.util.Map;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailSenderProvider;

/**
 * Sends with Keycloak's own sender, choosing the settings: the realm's SMTP when it has a host, else the server's
 * ({@code SMTP_*}); with neither, the development mailbox when one is configured (never when the server has SMTP),
 * else Keycloak's sender as it would without us (which then reports the missing settings).
 */
final class PlatformEmailSender implements EmailSenderProvider {

    private final EmailSenderProvider keycloak;
    private final ServerSmtp server;
    private final DevelopmentMailbox mailbox;

    /** @param mailbox null unless the development mailbox is on */
    PlatformEmailSender(EmailSenderProvider keycloak, ServerSmtp server, DevelopmentMailbox mailbox) {
        this.keycloak = keycloak;
        this.server = server;
        this.mailbox = mailbox;
    }

    @Override
    public void send(Map<String, String> realmSmtp, String address, String subject, String textBody, String htmlBody)
            throws EmailException {
        if (hasHost(realmSmtp)) {
            keycloak.send(realmSmtp, address, subject, textBody, htmlBody);
        } else if (server.configured()) {
            keycloak.send(server.realmConfig(), address, subject, textBody, htmlBody);
        } else if (mailbox != null) {
            mailbox.deliver(realmSmtp == null ? null : realmSmtp.get("from"), address, subject, textBody, htmlBody);
        } else {
            keycloak.send(realmSmtp, address, subject, textBody, htmlBody);
        }
    }

    @Override
    public void validate(Map<String, String> realmSmtp) throws EmailException {
        keycloak.validate(realmSmtp);
    }

    static boolean hasHost(Map<String, String> smtp) {
        return smtp != null && smtp.get("host") != null && !smtp.get("host").isBlank();
    }

    @Override
    public void close() {
        // the session closes Keycloak's sender itself
    }
}
