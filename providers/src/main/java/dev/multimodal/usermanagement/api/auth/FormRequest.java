package dev.multimodal.usermanagement.api.auth;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.UriInfo;
import java.security.cert.X509Certificate;
import org.keycloak.http.FormPartValue;
import org.keycloak.http.HttpRequest;

/**
 * The caller's request, with the JSON body's credentials as form parameters: Keycloak's authenticators read
 * credentials from the form, and our API takes JSON. Everything else (IP, headers, TLS) is the real request's.
 */
final class FormRequest implements HttpRequest {

    private final HttpRequest delegate;
    private final MultivaluedMap<String, String> form;

    FormRequest(HttpRequest delegate, MultivaluedMap<String, String> form) {
        this.delegate = delegate;
        this.form = form;
    }

    @Override
    public String getHttpMethod() {
        return delegate.getHttpMethod();
    }

    @Override
    public MultivaluedMap<String, String> getDecodedFormParameters() {
        return form;
    }

    @Override
    public MultivaluedMap<String, FormPartValue> getMultiPartFormParameters() {
        return delegate.getMultiPartFormParameters();
    }

    @Override
    public HttpHeaders getHttpHeaders() {
        return delegate.getHttpHeaders();
    }

    @Override
    public X509Certificate[] getClientCertificateChain() {
        return delegate.getClientCertificateChain();
    }

    @Override
    public UriInfo getUri() {
        return delegate.getUri();
    }

    @Override
    public boolean isProxyTrusted() {
        return delegate.isProxyTrusted();
    }
}
