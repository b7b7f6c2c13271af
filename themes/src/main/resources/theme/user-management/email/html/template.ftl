<#-- The layout of every HTML e-mail (Keycloak's and ours). The tenant's name is text here: Keycloak's mails pass
     realmName through kcSanitize, which decodes entities and keeps links and images, so the bodies see a placeholder
     instead (a global hides the data model's realmName) and the layout puts the escaped name in its place. -->
<#assign tenantName = realmName!''>
<#global realmName = "UmTenantNamePlaceholder">
<#macro emailLayout>
<#assign body><#nested></#assign>
<html lang="${locale.language}" dir="${(ltr)?then('ltr','rtl')}">
<body>
    ${body?markup_string?replace("UmTenantNamePlaceholder", tenantName?esc?markup_string)?no_esc}
</body>
</html>
</#macro>
