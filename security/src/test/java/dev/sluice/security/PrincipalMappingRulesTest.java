package dev.sluice.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrincipalMappingRulesTest {
    private static final String DN = "CN=Orders-Service,OU=Payments,O=Example,C=DE";

    @Test
    void defaultGivesTheDistinguishedName() {
        assertThat(PrincipalMappingRules.DEFAULT.map(DN)).contains(DN);
    }

    @Test
    void firstMatchingRuleDecidesWithCaseChanges() {
        PrincipalMappingRules rules = PrincipalMappingRules.parse(
                "RULE:^CN=(.*?),OU=Admins,.*$/admin-$1/, RULE:^CN=(.*?),OU=(.*?),O=.*$/$1@$2/L,DEFAULT");
        assertThat(rules.map(DN)).contains("orders-service@payments");
        assertThat(rules.map("CN=ann,OU=Admins,O=Example")).contains("admin-ann");
        assertThat(rules.map("CN=plain")).contains("CN=plain");
    }

    @Test
    void upperCaseAndEscapedSlashesAsInKafka() {
        PrincipalMappingRules rules = PrincipalMappingRules.parse("RULE:^CN=([^,]*)\\/x,.*$/$1\\/y/U");
        assertThat(rules.map("CN=a/x,O=b")).contains("A/Y");
    }

    @Test
    void noMatchingRuleOrAnEmptyResultGivesNoPrincipal() {
        PrincipalMappingRules rules = PrincipalMappingRules.parse("RULE:^CN=(.*?),OU=Admins.*$/$1/");
        assertThat(rules.map(DN)).isEmpty();
        assertThat(PrincipalMappingRules.parse("RULE:.*//").map(DN)).isEmpty();
    }

    @Test
    void rulesSeparatedByNewLinesAndSpaces() {
        PrincipalMappingRules rules = PrincipalMappingRules.parse("  RULE:^CN=([^,]*),.*$/$1/L \n DEFAULT ");
        assertThat(rules.map(DN)).contains("orders-service");
    }

    @Test
    void malformedRulesAreRefusedWithThePlace() {
        assertThatThrownBy(() -> PrincipalMappingRules.parse("RULE:abc/def")).isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("RULE:pattern/replacement/");
        assertThatThrownBy(() -> PrincipalMappingRules.parse("DEFAULT,OTHER")).isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("at character 8");
        assertThatThrownBy(() -> PrincipalMappingRules.parse("RULE:(/x/")).isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("not a regular expression");
        assertThatThrownBy(() -> PrincipalMappingRules.parse("RULE:a/b/X")).isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("expected a comma");
        assertThatThrownBy(() -> PrincipalMappingRules.parse(" , ")).isInstanceOf(TlsConfigException.class)
                .hasMessageContaining("empty");
    }
}
