package dev.multimodal.usermanagement.mail;

import java.nio.file.Path;
import java.util.List;
import org.jboss.logging.Logger;
import org.keycloak.Config;
import org.keycloak.email.EmailSenderProvider;
import org.keycloak.email.EmailSenderProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;
import org.keycloak.provider.ProviderConfigurationBuilder;

/**
 * {@code emailSender} provider {@code platform}, the server's default (highest order): the server's SMTP settings
 * reach every realm (see {@link RealmSmtp}) and {@link PlatformEmailSender} sends; with no SMTP, the development
 * mailbox ({@code dev-mail-dir}) when the run command turns it on.
 */
public class PlatformEmailSenderFactory implements EmailSenderProviderFactory {

    public static final String PROVIDER_ID = "platform";
    private static final String KEYCLOAK_SENDER = "default";
    private static final Logger LOG = Logger.getLogger(PlatformEmailSenderFactory.class);

    private ServerSmtp server = ServerSmtp.NONE;
    private DevelopmentMailbox mailbox;

    @Override
    public EmailSenderProvider create(KeycloakSession session) {
        return new PlatformEmailSender(
                session.getProvider(EmailSenderProvider.class, KEYCLOAK_SENDER), server, mailbox);
    }

    @Override
    public void init(Config.Scope config) {
        server = ServerSmtp.from(config);
        String folder = config.get("dev-mail-dir");
        mailbox = server.configured() || folder == null || folder.isBlank()
                ? null
                : new DevelopmentMailbox(Path.of(folder.trim()));
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {
        if (server.configured()) {
            LOG.infof("Server SMTP: %s (applied to realms without SMTP settings of their own)", server);
        } else if (mailbox != null) {
            LOG.warnf(
                    "DEVELOPMENT MAILBOX ON: no SMTP configured, e-mails are written to %s and their links logged, "
                            + "not sent. Set SMTP_HOST (--spi-email-sender--platform--host) for real mail.",
                    mailbox.folder());
        }
        RealmSmtp.applyOnChange(factory, server);
    }

    @Override
    public void close() {
        // nothing held
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    /** Above Keycloak's (0), so that it is the default without any option. */
    @Override
    public int order() {
        return 100;
    }

    @Override
    public List<ProviderConfigProperty> getConfigMetadata() {
        return ProviderConfigurationBuilder.create()
                .property()
                .name("host")
                .type(ProviderConfigProperty.STRING_TYPE)
                .helpText("SMTP host for every realm without SMTP settings of its own; empty: no server SMTP.")
                .add()
                .property()
                .name("port")
                .type(ProviderConfigProperty.STRING_TYPE)
                .defaultValue("25")
                .helpText("SMTP port.")
                .add()
                .property()
                .name("from")
                .type(ProviderConfigProperty.STRING_TYPE)
                .defaultValue(ServerSmtp.DEFAULT_FROM)
                .helpText("Sender address.")
                .add()
                .property()
                .name("user")
                .type(ProviderConfigProperty.STRING_TYPE)
                .helpText("SMTP user; empty: no authentication.")
                .add()
                .property()
                .name("password")
                .type(ProviderConfigProperty.PASSWORD)
                .secret(true)
                .helpText("SMTP password.")
                .add()
                .property()
                .name("starttls")
                .type(ProviderConfigProperty.BOOLEAN_TYPE)
                .defaultValue("false")
                .helpText("Use STARTTLS.")
                .add()
                .property()
                .name("ssl")
                .type(ProviderConfigProperty.BOOLEAN_TYPE)
                .defaultValue("false")
                .helpText("Use SSL/TLS.")
                .add()
                .property()
                .name("dev-mail-dir")
                .type(ProviderConfigProperty.STRING_TYPE)
                .helpText(
                        "DEVELOPMENT ONLY, ignored when a host is set: write e-mails into this folder and log their links "
                                + "instead of sending them.")
                .add()
                .build();
    }
}
