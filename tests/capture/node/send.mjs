// Sends N events with posthog-node to a Needle server: node send.mjs URL TOKEN N
import { PostHog } from "posthog-node";

const [url, token, count] = process.argv.slice(2);
const errors = [];
const client = new PostHog(token, { host: url, flushAt: 10, flushInterval: 0, fetchRetryCount: 0 });
client.on("error", (error) => errors.push(error));
for (let n = 0; n < Number(count); n++) {
  client.capture({ distinctId: `user-${n % 5}`, event: "task_created", properties: { n, plan: "pro" } });
}
await client.shutdown();
if (errors.length) {
  console.error(errors.map(String).join("\n"));
  process.exit(1);
}
