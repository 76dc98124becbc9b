package dev.sluice.examples.kafkajs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventIdsTest {
    @Test
    void findsTheIdOfTheEventTheProducerSentAndTheServicesReceived() {
        assertThat(EventIds.find("Message sent: {\"id\":\"3\",\"name\":\"Carol\",\"relation\":\"daughter\"}"))
                .contains("3");
        assertThat(EventIds.find("Email service received: {\"id\":\"12\",\"name\":\"X\"}")).contains("12");
        assertThat(EventIds.find("DB service received: { \"id\" : \"a-b\" }")).contains("a-b");
    }

    @Test
    void skipsKafkajsLogLinesAndLinesWithoutAnEvent() {
        String joined = "{\"level\":\"INFO\",\"timestamp\":\"2026-12-06T01:00:00.000Z\",\"logger\":\"kafkajs\","
                + "\"message\":\"[ConsumerGroup] Consumer has joined the group\",\"groupId\":\"email-service\","
                + "\"memberId\":\"email-service-1\",\"id\":\"x\"}";
        assertThat(EventIds.find(joined)).isEmpty();
        assertThat(EventIds.isKafkajsLog(joined)).isTrue();
        assertThat(EventIds.find("Sending welcome email to Carol <carol@example.com>")).isEmpty();
        assertThat(EventIds.find("Producer connected")).isEmpty();
        assertThat(EventIds.isKafkajsLog("KafkaJSNumberOfRetriesExceeded: Connection error")).isFalse();
    }
}
