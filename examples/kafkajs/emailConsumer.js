const { Kafka } = require("kafkajs");

const kafka = new Kafka({
  clientId: "email-service",
  brokers: (process.env.KAFKA_BROKERS || "localhost:9092").split(","),
});

const consumer = kafka.consumer({ groupId: "email-service" });

async function runConsumer() {
  await consumer.connect();
  await consumer.subscribe({ topic: "family", fromBeginning: true });

  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const member = JSON.parse(message.value.toString());
      console.log(`Email service received: ${message.value.toString()}`);
      console.log(`Sending welcome email to ${member.name} <${member.email}>`);
    },
  });
}

runConsumer().catch(console.error);
