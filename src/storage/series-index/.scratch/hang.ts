import { open } from "lmdb";
import fs from "node:fs";
const ov = process.argv[2] === "ov";
const root = fs.mkdtempSync("/tmp/strata-hang-");
const gc = (globalThis as { gc?: () => void }).gc!;
for (let iter = 0; iter < 8; iter++) {
  const dir = root + "/d" + iter;
  let env = open({ path: dir, maxDbs: 8, overlappingSync: ov });
  let db = env.openDB<string, number>({ name: "s", keyEncoding: "uint32", encoding: "string" });
  const meta = env.openDB<Buffer, string>({ name: "meta", encoding: "binary" });
  meta.putSync("v", Buffer.from([1, 0, 0, 0]));
  for (let i = 1; i <= 50000; i++) db.put(i, "cpu,host=host_" + i + ",region=eu-west-1,rack=" + (i % 100));
  await env.flushed;
  gc();
  process.stdout.write(`${iter}: flushed `);
  await env.flushed;
  await env.close();
  process.stdout.write(`closed `);
  env = open({ path: dir, maxDbs: 8, overlappingSync: ov });
  db = env.openDB<string, number>({ name: "s", keyEncoding: "uint32", encoding: "string" });
  let n = 0;
  for (const { value } of db.getRange()) n += value.length;
  await env.flushed;
  await env.close();
  console.log(`reopened ${n}`);
}
fs.rmSync(root, { recursive: true, force: true });
