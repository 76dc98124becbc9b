const { Kafka } = require("kafkajs");

const kafka = new Kafka({
  clientId: "db-service",
  brokers: (process.env.KAFKA_BROKERS || "localhost:9092").split(","),
});

const consumer = kafka.consumer({ groupId: "db-service" });

async function runConsumer() {
  await consumer.connect();
  await consumer.subscribe({ topic: "family", fromBeginning: true });

  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const member = JSON.parse(message.value.toString());
      console.log(`DB service received: ${message.value.toString()}`);
      console.log(`Saving ${member.name} (${member.relation}) to the database`);
    },
  });
}

runConsumer().catch(console.error);
