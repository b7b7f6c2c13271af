package dev.multimodal.usermanagement.api.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads request bodies ourselves rather than through JAX-RS, so a wrong content type, malformed JSON, an
 * unknown field or an oversized body each get a precise problem+json answer.
 */
public final class JsonBodies {

    /** Bodies above this are refused with 413 (bulk import has its own, larger limit). */
    public static final int MAX_BYTES = 64 * 1024;

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private JsonBodies() {
    }

    public static <T> T read(HttpHeaders headers, InputStream body, Class<T> type) {
        return read(headers, body, type, MAX_BYTES);
    }

    public static <T> T read(HttpHeaders headers, InputStream body, Class<T> type, int maxBytes) {
        MediaType mediaType = headers.getMediaType();
        if (mediaType == null || !mediaType.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
            throw ApiProblem.unsupportedMediaType("Send the body as application/json.");
        }
        byte[] bytes;
        try {
            bytes = body.readNBytes(maxBytes + 1);
        } catch (IOException e) {
            throw ApiProblem.badRequest("The body could not be read.");
        }
        if (bytes.length > maxBytes) {
            throw ApiProblem.tooLarge("The body exceeds " + maxBytes + " bytes.");
        }
        if (bytes.length == 0) {
            throw ApiProblem.badRequest("A JSON body is required.");
        }
        try {
            T value = MAPPER.readValue(bytes, type);
            if (value == null) {
                throw ApiProblem.badRequest("A JSON object is required.");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiProblem.invalid(path(e), "is not a known field");
        } catch (MismatchedInputException e) {
            String field = path(e);
            if (field.isEmpty()) {
                throw ApiProblem.badRequest("A JSON object is required.");
            }
            throw ApiProblem.invalid(field, "has the wrong type");
        } catch (JsonProcessingException e) {
            throw ApiProblem.badRequest("The body is not valid JSON.");
        } catch (IOException e) {
            throw ApiProblem.badRequest("The body could not be read.");
        }
    }

    private static String path(MismatchedInputException e) {
        List<String> names = e.getPath().stream()
                .map(reference -> reference.getFieldName() != null ? reference.getFieldName() : "[" + reference.getIndex() + "]")
                .toList();
        return names.stream().collect(Collectors.joining(".")).replace(".[", "[");
    }
}
