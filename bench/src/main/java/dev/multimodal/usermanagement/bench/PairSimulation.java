package dev.multimodal.usermanagement.bench;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpRequestActionBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Gatling simulation {@link Load} runs: its phases one after the other (andThen), each N users that loop one
 * {@link Endpoint}'s request for the phase's duration (a closed model), timed request by request.
 */
public class PairSimulation extends Simulation {

    public PairSimulation() {
        List<Load.Phase> phases = Load.current();
        List<PopulationBuilder> populations = new ArrayList<>();
        for (Load.Phase phase : phases) {
            populations.add(scenario(phase.name())
                    .during(Duration.ofSeconds(phase.seconds()), "i", false)
                    .on(exec(session -> start(phase, session))
                            .exec(request(phase))
                            .exec(session -> finish(phase, session)))
                    .injectOpen(atOnceUsers(phase.users())));
        }
        PopulationBuilder chain = populations.get(populations.size() - 1);
        for (int i = populations.size() - 2; i >= 0; i--) {
            chain = populations.get(i).andThen(chain);
        }
        setUp(chain)
                .protocols(http.disableWarmUp()
                        .shareConnections()
                        .disableCaching()
                        .disableFollowRedirect()
                        .userAgentHeader("user-management-bench"));
    }

    private static Session start(Load.Phase phase, Session session) {
        Endpoint.Request r = phase.endpoint().next();
        Session s = session.set("url", r.url()).set("request", r);
        if (r.body() != null) {
            s = s.set("body", r.body()).set("contentType", r.contentType());
        }
        if (r.bearer() != null) {
            s = s.set("auth", "Bearer " + r.bearer());
        }
        return s.set("t0", System.nanoTime());
    }

    private static Session finish(Load.Phase phase, Session session) {
        long latency = System.nanoTime() - session.getLong("t0");
        int status = session.contains("status") ? session.getInt("status") : 0;
        String body = session.contains("answer") ? session.getString("answer") : null;
        Endpoint e = phase.endpoint();
        boolean served = e.served.test(status);
        phase.recorder().record(latency, served, served ? null : status + " " + body);
        if (e.answered != null) {
            e.answered.answered(session.get("request"), status, body);
        }
        return session.remove("status").remove("answer");
    }

    private static HttpRequestActionBuilder request(Load.Phase phase) {
        Endpoint e = phase.endpoint();
        HttpRequestActionBuilder b = http(phase.name()).httpRequest(e.method, "#{url}");
        if (e.sendsBody) {
            b = b.header("Content-Type", "#{contentType}").body(StringBody("#{body}"));
        }
        if (e.sendsBearer) {
            b = b.header("Authorization", "#{auth}");
        }
        List<CheckBuilder> checks = new ArrayList<>();
        checks.add(status().saveAs("status"));
        checks.add(bodyString().saveAs("answer"));
        return b.check(checks);
    }
}
