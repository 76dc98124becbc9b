package dev.sluice.broker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code authorizer.enabled}, {@code super.users}, {@code allow.everyone.if.no.acl.found}. */
class AuthorizationConfigTest {
    private static Properties properties(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    @Test
    void offByDefault() {
        AuthorizationConfig config = NodeConfig.parse(new Properties()).authorization();
        assertThat(config).isEqualTo(AuthorizationConfig.DISABLED);
        assertThat(config.authorizer()).isNull();
    }

    @Test
    void superUsersAreSemicolonSeparatedAndMayContainCommas() {
        AuthorizationConfig config = NodeConfig.parse(properties(AuthorizationConfig.ENABLED, "true",
                AuthorizationConfig.SUPER_USERS, " User:admin ; User:CN=ops,O=Example;",
                AuthorizationConfig.ALLOW_EVERYONE_IF_NO_ACL_FOUND, "TRUE")).authorization();
        assertThat(config.enabled()).isTrue();
        assertThat(config.allowEveryoneIfNoAclFound()).isTrue();
        assertThat(config.superUsers()).containsExactlyInAnyOrder("User:admin", "User:CN=ops,O=Example");
        assertThat(config.authorizer().superUsers()).isEqualTo(config.superUsers());
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> NodeConfig.parse(properties(AuthorizationConfig.ENABLED, "yes")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(AuthorizationConfig.ENABLED);
        assertThatThrownBy(() -> NodeConfig.parse(properties(AuthorizationConfig.SUPER_USERS, "admin")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(AuthorizationConfig.SUPER_USERS)
                .hasMessageContaining("'admin'");
        assertThatThrownBy(() -> NodeConfig.parse(properties(AuthorizationConfig.SUPER_USERS, "User:")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(AuthorizationConfig.SUPER_USERS);
        assertThatThrownBy(() -> NodeConfig.parse(properties(AuthorizationConfig.ALLOW_EVERYONE_IF_NO_ACL_FOUND,
                "1"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(AuthorizationConfig.ALLOW_EVERYONE_IF_NO_ACL_FOUND);
    }
}
