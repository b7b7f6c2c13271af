package dev.multimodal.usermanagement.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** One token per user (a refresh token that rotates, or an access token), handed out round robin. */
final class Tokens {

    private final AtomicReferenceArray<String> tokens;
    private final AtomicInteger next = new AtomicInteger();

    Tokens(List<String> tokens) {
        this.tokens = new AtomicReferenceArray<>(tokens.toArray(String[]::new));
    }

    int nextSlot() {
        return Math.floorMod(next.getAndIncrement(), tokens.length());
    }

    String get(int slot) {
        return tokens.get(slot);
    }

    /** Keeps the rotated refresh token of a 200 answer. */
    void keepRefreshToken(Endpoint.Request request, int status, String body) {
        if (status != 200 || body == null) {
            return;
        }
        try {
            JsonNode token = Http.JSON.readTree(body).get("refresh_token");
            if (token != null) {
                tokens.set(request.slot(), token.asText());
            }
        } catch (IOException e) {
            // not JSON: the next refresh with the old token fails and is counted as an error
        }
    }
}
