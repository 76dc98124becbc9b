package dev.sluice.security.acl;

import static dev.sluice.security.acl.AclOperation.ALL;
import static dev.sluice.security.acl.AclOperation.ALTER;
import static dev.sluice.security.acl.AclOperation.ALTER_CONFIGS;
import static dev.sluice.security.acl.AclOperation.CREATE;
import static dev.sluice.security.acl.AclOperation.DELETE;
import static dev.sluice.security.acl.AclOperation.DESCRIBE;
import static dev.sluice.security.acl.AclOperation.DESCRIBE_CONFIGS;
import static dev.sluice.security.acl.AclOperation.READ;
import static dev.sluice.security.acl.AclOperation.WRITE;
import static dev.sluice.security.acl.AclPermission.ALLOW;
import static dev.sluice.security.acl.AclPermission.DENY;
import static dev.sluice.security.acl.ResourceType.CLUSTER;
import static dev.sluice.security.acl.ResourceType.GROUP;
import static dev.sluice.security.acl.ResourceType.TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthorizerTest {
    private static final String ALICE = "User:alice";
    private static final String BOB = "User:bob";
    private static final String HOST = "10.0.0.1";
    private final Authorizer strict = new Authorizer(Set.of("User:admin"), false);

    private static AclBinding acl(ResourcePattern pattern, String principal, AclOperation operation,
                                  AclPermission permission) {
        return new AclBinding(pattern, new AclEntry(principal, AclEntry.ANY_HOST, operation, permission));
    }

    private boolean may(Authorizer authorizer, List<AclBinding> acls, String principal, AclOperation operation,
                        ResourceType type, String name) {
        return authorizer.authorize(Acls.of(acls), principal, HOST, operation, type, name);
    }

    @Test
    void noAclMeansNoAccessUnlessAllowEveryoneIfNoAclFound() {
        assertFalse(may(strict, List.of(), ALICE, READ, TOPIC, "orders"));
        Authorizer open = new Authorizer(Set.of(), true);
        assertTrue(may(open, List.of(), ALICE, READ, TOPIC, "orders"));
        // Once any ACL covers the resource, allow.everyone.if.no.acl.found no longer applies to it.
        List<AclBinding> bobOnly = List.of(acl(ResourcePattern.literal(TOPIC, "orders"), BOB, READ, ALLOW));
        assertFalse(may(open, bobOnly, ALICE, READ, TOPIC, "orders"));
        assertTrue(may(open, bobOnly, ALICE, READ, TOPIC, "payments"));
    }

    @Test
    void literalAclCoversOnlyItsName() {
        List<AclBinding> acls = List.of(acl(ResourcePattern.literal(TOPIC, "orders"), ALICE, WRITE, ALLOW));
        assertTrue(may(strict, acls, ALICE, WRITE, TOPIC, "orders"));
        assertFalse(may(strict, acls, ALICE, WRITE, TOPIC, "orders2"));
        assertFalse(may(strict, acls, ALICE, WRITE, GROUP, "orders"));
        assertFalse(may(strict, acls, ALICE, READ, TOPIC, "orders"));
        assertFalse(may(strict, acls, BOB, WRITE, TOPIC, "orders"));
    }

    @Test
    void wildcardAndPrefixedPatterns() {
        List<AclBinding> acls = List.of(
                acl(ResourcePattern.prefixed(TOPIC, "pay."), ALICE, READ, ALLOW),
                acl(ResourcePattern.literal(GROUP, ResourcePattern.WILDCARD), ALICE, READ, ALLOW));
        assertTrue(may(strict, acls, ALICE, READ, TOPIC, "pay.in"));
        assertTrue(may(strict, acls, ALICE, READ, TOPIC, "pay."));
        assertFalse(may(strict, acls, ALICE, READ, TOPIC, "pay"));
        assertFalse(may(strict, acls, ALICE, READ, TOPIC, "xpay.in"));
        assertTrue(may(strict, acls, ALICE, READ, GROUP, "anything"));
        // A prefixed '*' is a prefix like any other, not a wildcard.
        List<AclBinding> star = List.of(acl(ResourcePattern.prefixed(TOPIC, "*"), ALICE, READ, ALLOW));
        assertFalse(may(strict, star, ALICE, READ, TOPIC, "orders"));
        assertTrue(may(strict, star, ALICE, READ, TOPIC, "*x"));
    }

    @Test
    void denyWinsOverAllowWhicheverPatternCarriesIt() {
        List<AclBinding> acls = List.of(
                acl(ResourcePattern.literal(TOPIC, "pay.in"), ALICE, ALL, ALLOW),
                acl(ResourcePattern.prefixed(TOPIC, "pay."), ALICE, WRITE, DENY));
        assertFalse(may(strict, acls, ALICE, WRITE, TOPIC, "pay.in"));
        assertTrue(may(strict, acls, ALICE, READ, TOPIC, "pay.in"));
        List<AclBinding> denyEveryone = List.of(
                acl(ResourcePattern.literal(TOPIC, "orders"), ALICE, READ, ALLOW),
                acl(ResourcePattern.literal(TOPIC, ResourcePattern.WILDCARD), AclEntry.ANY_PRINCIPAL, ALL, DENY));
        assertFalse(may(strict, denyEveryone, ALICE, READ, TOPIC, "orders"));
        assertFalse(may(strict, denyEveryone, ALICE, DESCRIBE, TOPIC, "orders"));
    }

    @Test
    void denyOfOneOperationDoesNotDenyWhatItWouldImply() {
        List<AclBinding> acls = List.of(
                acl(ResourcePattern.literal(TOPIC, "orders"), ALICE, DESCRIBE, ALLOW),
                acl(ResourcePattern.literal(TOPIC, "orders"), ALICE, READ, DENY));
        assertTrue(may(strict, acls, ALICE, DESCRIBE, TOPIC, "orders"));
        assertFalse(may(strict, acls, ALICE, READ, TOPIC, "orders"));
    }

    @Test
    void describeImpliedByReadWriteDeleteAlterAndDescribeConfigsByAlterConfigs() {
        for (AclOperation implying : List.of(READ, WRITE, DELETE, ALTER, ALL)) {
            List<AclBinding> acls = List.of(acl(ResourcePattern.literal(TOPIC, "t"), ALICE, implying, ALLOW));
            assertTrue(may(strict, acls, ALICE, DESCRIBE, TOPIC, "t"), implying.name());
        }
        for (AclOperation notImplying : List.of(CREATE, DESCRIBE_CONFIGS, ALTER_CONFIGS)) {
            List<AclBinding> acls = List.of(acl(ResourcePattern.literal(TOPIC, "t"), ALICE, notImplying, ALLOW));
            assertFalse(may(strict, acls, ALICE, DESCRIBE, TOPIC, "t"), notImplying.name());
        }
        List<AclBinding> alterConfigs = List.of(acl(ResourcePattern.literal(TOPIC, "t"), ALICE, ALTER_CONFIGS, ALLOW));
        assertTrue(may(strict, alterConfigs, ALICE, DESCRIBE_CONFIGS, TOPIC, "t"));
        List<AclBinding> describe = List.of(acl(ResourcePattern.literal(TOPIC, "t"), ALICE, DESCRIBE, ALLOW));
        assertFalse(may(strict, describe, ALICE, READ, TOPIC, "t"));
    }

    @Test
    void superUserBypassesEvenDenials() {
        List<AclBinding> acls = List.of(acl(ResourcePattern.cluster(), AclEntry.ANY_PRINCIPAL, ALL, DENY));
        assertTrue(may(strict, acls, "User:admin", ALTER, CLUSTER, ResourcePattern.CLUSTER_NAME));
        assertFalse(may(strict, acls, ALICE, ALTER, CLUSTER, ResourcePattern.CLUSTER_NAME));
    }

    @Test
    void wildcardPrincipalAndHosts() {
        ResourcePattern orders = ResourcePattern.literal(TOPIC, "orders");
        List<AclBinding> acls = List.of(
                acl(orders, AclEntry.ANY_PRINCIPAL, READ, ALLOW),
                new AclBinding(orders, new AclEntry(ALICE, "10.9.9.9", WRITE, ALLOW)),
                new AclBinding(orders, new AclEntry(BOB, HOST, WRITE, ALLOW)));
        assertTrue(may(strict, acls, "User:anyone", READ, TOPIC, "orders"));
        assertFalse(may(strict, acls, ALICE, WRITE, TOPIC, "orders"));
        assertTrue(may(strict, acls, BOB, WRITE, TOPIC, "orders"));
    }

    @Test
    void malformedAclsAreTypedErrors() {
        assertThrows(InvalidAclException.class, () -> new AclEntry("alice", "*", READ, ALLOW));
        assertThrows(InvalidAclException.class, () -> new AclEntry("User:", "*", READ, ALLOW));
        assertThrows(InvalidAclException.class, () -> new AclEntry(ALICE, "", READ, ALLOW));
        assertThrows(InvalidAclException.class, () -> ResourcePattern.literal(TOPIC, ""));
        assertThrows(InvalidAclException.class, () -> ResourcePattern.literal(CLUSTER, "other"));
        assertThrows(InvalidAclException.class, () -> ResourcePattern.prefixed(CLUSTER, "kafka"));
        InvalidAclException unknown = assertThrows(InvalidAclException.class, () -> AclOperation.parse("reed"));
        assertTrue(unknown.getMessage().contains("describe-configs"), unknown.getMessage());
        assertEquals(DESCRIBE_CONFIGS, AclOperation.parse("Describe-Configs"));
    }

    @Test
    void filterSelectsByEveryGivenField() {
        AclBinding binding = acl(ResourcePattern.prefixed(TOPIC, "pay."), ALICE, READ, ALLOW);
        assertTrue(AclBindingFilter.ANY.matches(binding));
        assertTrue(AclBindingFilter.exactly(binding).matches(binding));
        assertTrue(new AclBindingFilter(TOPIC, null, null, ALICE, null, null, null).matches(binding));
        assertFalse(new AclBindingFilter(TOPIC, "pay.", PatternType.LITERAL, null, null, null, null)
                .matches(binding));
        assertFalse(new AclBindingFilter(null, null, null, BOB, null, null, null).matches(binding));
        assertFalse(new AclBindingFilter(null, null, null, null, null, null, DENY).matches(binding));
    }
}
