<#-- The layout of every HTML e-mail (Keycloak's and ours). The tenant's name is text here: Keycloak's mails pass
     realmName through kcSanitize, which decodes entities and keeps links and images, so the bodies see a placeholder
     instead (a global hides the data model's realmName) and the layout puts the escaped name in its place. The header
     shows our product name and the tenant's name (escaped: the template's output format is HTML). -->
<#assign tenantName = realmName!''>
<#global realmName = "UmTenantNamePlaceholder">
<#macro emailLayout>
<#assign body><#nested></#assign>
<html lang="${locale.language}" dir="${(ltr)?then('ltr','rtl')}">
<body style="margin:0;padding:0;background:#eef0fb;">
<div style="max-width:600px;margin:0 auto;padding:24px;background:#ffffff;border-top:4px solid #3b4cca;font-family:Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5;color:#1d2560;">
    <p style="margin:0 0 16px;font-size:13px;letter-spacing:0.08em;text-transform:uppercase;color:#3b4cca;">${msg("productName")}<#if tenantName?has_content> · <span style="text-transform:none;letter-spacing:normal;color:#1d2560;">${tenantName}</span></#if></p>
    ${body?markup_string?replace("UmTenantNamePlaceholder", tenantName?esc?markup_string)?no_esc}
</div>
</body>
</html>
</#macro>
