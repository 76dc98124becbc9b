const { Kafka } = require("kafkajs");

const kafka = new Kafka({
  clientId: "family-producer",
  brokers: (process.env.KAFKA_BROKERS || "localhost:9092").split(","),
});

const producer = kafka.producer();

async function sendMessage() {
  await producer.connect();
  console.log("Producer connected");

  const familyMembers = [
    { id: "1", name: "Alice", relation: "mother", email: "alice@example.com" },
    { id: "2", name: "Bob", relation: "father", email: "bob@example.com" },
    { id: "3", name: "Carol", relation: "daughter", email: "carol@example.com" },
    { id: "4", name: "Dave", relation: "son", email: "dave@example.com" },
    { id: "5", name: "Eve", relation: "grandmother", email: "eve@example.com" },
  ];

  for (const member of familyMembers) {
    await producer.send({
      topic: "family",
      messages: [{ key: member.id, value: JSON.stringify(member) }],
    });
    console.log(`Message sent: ${JSON.stringify(member)}`);
  }

  await producer.disconnect();
}

sendMessage().catch(console.error);
