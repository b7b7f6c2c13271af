package dev.multimodal.usermanagement.it;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Stops the shared Keycloak when the test run ends. */
public class KeycloakSessionListener implements LauncherSessionListener {

    @Override
    public void launcherSessionClosed(LauncherSession session) {
        KeycloakServer.stopIfStarted();
    }
}
