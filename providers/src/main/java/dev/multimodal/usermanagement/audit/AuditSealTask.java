package dev.multimodal.usermanagement.audit;

import org.keycloak.models.KeycloakSession;
import org.keycloak.timer.ScheduledTask;

/** The sealer's schedule: Keycloak's cluster-aware scheduler runs it on one node per interval. */
public class AuditSealTask implements ScheduledTask {

    private final AuditSealer sealer;

    public AuditSealTask(AuditSealer sealer) {
        this.sealer = sealer;
    }

    @Override
    public void run(KeycloakSession session) {
        sealer.run();
    }

    @Override
    public String getTaskName() {
        return "um-audit-seal";
    }
}
