<#ftl output_format="plainText">
${msg("umLockoutBody", link, lockMinutes, realmName)}
