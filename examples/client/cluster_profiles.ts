/**
 * Multi-key scripts in cluster mode: every key a script touches must be declared in KEYS and hash
 * to one slot, so a user's keys share the hash tag `{user:<id>}`. The cluster client routes each
 * script to the primary owning that slot; keys of two users (two slots) get the server's CROSSSLOT
 * error, and the cross-user step is done per user instead.
 *
 * ```sh
 * deno run -A examples/client/cluster_profiles.ts redis://127.0.0.1:7000
 * ```
 *
 * @module
 */

import process from "node:process";
import {
  type ClusterClient,
  createClusterClient,
  keySlot,
  RequestError,
  Script,
} from "../../src/client/mod.ts";

/** Creates a profile once: name and email, and a zero follower count, all under one tag. */
export const CREATE_PROFILE = new Script(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return redis.error_reply('EXISTS profile already created')
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('SET', KEYS[3], 0)
return redis.call('MGET', KEYS[1], KEYS[2], KEYS[3])
`);

/** Adds a follower to one user's set and keeps the count in step. */
export const ADD_FOLLOWER = new Script(`
local added = redis.call('SADD', KEYS[1], ARGV[1])
return redis.call('INCRBY', KEYS[2], added)
`);

/** The keys of one user, all hashing to the slot of `{user:<id>}`. */
export function userKeys(id: string): {
  name: string;
  email: string;
  followers: string;
  count: string;
} {
  const tag = `{user:${id}}`;
  return {
    name: `${tag}:name`,
    email: `${tag}:email`,
    followers: `${tag}:followers`,
    count: `${tag}:followers:count`,
  };
}

/**
 * Creates two profiles, makes one follow the other, and shows the CROSSSLOT error of a script
 * declaring both users' keys.
 *
 * @param client A cluster client.
 * @returns What happened, line by line.
 */
export async function run(client: ClusterClient): Promise<string[]> {
  const log: string[] = [];
  for (const [id, name] of [["1000", "Ada"], ["2000", "Grace"]]) {
    const k = userKeys(id);
    await client.del([k.name, k.email, k.followers, k.count]);
    const profile = await client.invokeScript(CREATE_PROFILE, {
      keys: [k.name, k.email, k.count],
      args: [name, `${name.toLowerCase()}@example.com`],
    });
    log.push(
      `user ${id}: slot ${keySlot(k.name)} on ${client.primaryFor(k.name)}: ` +
        JSON.stringify(profile),
    );
  }
  const ada = userKeys("1000");
  const grace = userKeys("2000");
  log.push(
    `1000 follows 2000: count ${await client.invokeScript(ADD_FOLLOWER, {
      keys: [grace.followers, grace.count],
      args: ["1000"],
    })}`,
  );
  try {
    // Both users' keys in one script: two slots.
    await client.invokeScript(ADD_FOLLOWER, { keys: [grace.followers, ada.count], args: ["x"] });
  } catch (e) {
    if (!(e instanceof RequestError)) throw e;
    log.push(`mixed users: ${e.message}`);
  }
  return log;
}

if (import.meta.main) {
  const client = await createClusterClient(process.argv.slice(2));
  try {
    for (const line of await run(client)) console.log(line);
  } finally {
    await client.close();
  }
}
