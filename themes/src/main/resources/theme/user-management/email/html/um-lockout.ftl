<#import "template.ftl" as layout>
<@layout.emailLayout>
${kcSanitize(msg("umLockoutBodyHtml", link, lockMinutes, realmName))?no_esc}
</@layout.emailLayout>
