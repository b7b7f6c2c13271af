package dev.multimodal.usermanagement.bench;

/** Tenant creation and listing at one tenant count (ms; NaN when a side was not measured there). */
public record TenantPoint(
        int tenants, double oursCreateMs, double stockCreateMs, double oursListMs, double stockListMs) {}
