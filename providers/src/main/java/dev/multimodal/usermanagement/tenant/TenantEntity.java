package dev.multimodal.usermanagement.tenant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/**
 * The tenant registry: one row per tenant realm, so domain lookups and paged tenant lists are indexed
 * queries whatever the number of realms (realm attributes are unindexed CLOBs).
 */
@Entity
@Table(name = "UM_TENANT")
@NamedQueries({
    @NamedQuery(name = "umTenantByName", query = "select t from TenantEntity t where t.name = :name"),
    @NamedQuery(name = "umTenantByDomain", query = "select t from TenantEntity t where t.domain = :domain"),
    @NamedQuery(
            name = "umTenantPage",
            query =
                    "select t from TenantEntity t where lower(t.name) like :search or lower(t.displayName) like :search order by t.name"),
    @NamedQuery(
            name = "umTenantsBelowLevel",
            query = "select t.realmId from TenantEntity t where t.upgradeLevel < :level order by t.name"),
    @NamedQuery(
            name = "umTenantCount",
            query =
                    "select count(t) from TenantEntity t where lower(t.name) like :search or lower(t.displayName) like :search"),
})
public class TenantEntity {

    @Id
    @Column(name = "REALM_ID", length = 36)
    private String realmId;

    /** The realm name, which is the tenant id. */
    @Column(name = "NAME", nullable = false, unique = true)
    private String name;

    @Column(name = "DISPLAY_NAME")
    private String displayName;

    @Column(name = "DESCRIPTION", length = 1000)
    private String description;

    /** Lowercase e-mail domain, unique across tenants; set by platform admins only, hence trusted. */
    @Column(name = "DOMAIN", unique = true)
    private String domain;

    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;

    /** How many of {@link TenantUpgrades}' steps the tenant has had. */
    @Column(name = "UPGRADE_LEVEL", nullable = false)
    private int upgradeLevel;

    public String getRealmId() {
        return realmId;
    }

    public void setRealmId(String realmId) {
        this.realmId = realmId;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public String getDisplayName() {
        return displayName;
    }

    public void setDisplayName(String displayName) {
        this.displayName = displayName;
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
    }

    public String getDomain() {
        return domain;
    }

    public void setDomain(String domain) {
        this.domain = domain;
    }

    public long getCreatedAt() {
        return createdAt;
    }

    public void setCreatedAt(long createdAt) {
        this.createdAt = createdAt;
    }

    public int getUpgradeLevel() {
        return upgradeLevel;
    }

    public void setUpgradeLevel(int upgradeLevel) {
        this.upgradeLevel = upgradeLevel;
    }
}
