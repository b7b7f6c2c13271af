package dev.multimodal.usermanagement.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class UserManagementEntityProviderFactoryTest {

    private static final Pattern CHANGE_SET_ID = Pattern.compile("<changeSet id=\"([^\"]+)\"");

    /** The start-up skip trusts this list: a change set added to the file but not here would never run. */
    @Test
    void changeSetListMatchesTheChangelog() throws IOException {
        String changelog =
                Files.readString(Path.of("src/main/resources", UserManagementEntityProviderFactory.CHANGELOG));
        List<String> ids =
                CHANGE_SET_ID.matcher(changelog).results().map(m -> m.group(1)).toList();
        assertEquals(ids, UserManagementEntityProviderFactory.CHANGE_SETS);
    }
}
