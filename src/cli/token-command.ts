// `strata token create|list|revoke`: manages API tokens in <dataDir>/auth, also while a server runs on the
// directory (the token store is a separate LMDB environment, safe to share between processes).
import { InvalidError } from "../base/index.ts";
import { loadServerConfig } from "../server/index.ts";
import { TOKEN_SCOPES, TokenStore } from "../storage/index.ts";
import type { TokenRecord, TokenScope } from "../storage/index.ts";
import { choiceFlag, requiredFlag } from "./cli-flags.ts";
import type { CliCommand, CliIo } from "./cli-command.ts";

const HELP = `usage: strata token create --db NAME --scope read|write|admin [--description TEXT] [--data-dir DIR]
       strata token list [--json] [--data-dir DIR]
       strata token revoke ID [--data-dir DIR]

Manages the tokens a server checks when auth is on (the default when it listens beyond loopback). A token
grants its scope on one database (--db NAME) or on all (--db '*'); scopes nest: admin > write > read.
Tokens are stored as SHA-256 hashes: create prints the token once, on stdout; keep it.
Works while a server runs on the same directory; changes apply within a second.

Send a token as "Authorization: Token <token>" (or Bearer), as the Basic auth password, or as the p parameter.

flags:
  --data-dir DIR       data directory (default: as strata serve resolves it: STRATA_DATA_DIR, --config, ./strata-data)
  --config FILE        server config file to read the data directory from
  --db NAME            database the token applies to, or '*' for all
  --scope SCOPE        read (queries), write (writes, DELETE, DROP SERIES; and reads), admin (everything)
  --description TEXT   a note shown by list
  --json               list as JSON
  -h, --help           show this help
`;

/** The `token` command. */
export const tokenCommand: CliCommand = {
  summary: "create, list or revoke API tokens",
  help: HELP,
  positionals: true,
  options: {
    "data-dir": { type: "string" },
    config: { type: "string" },
    db: { type: "string" },
    scope: { type: "string" },
    description: { type: "string" },
    json: { type: "boolean" },
  },
  async run(values, positionals, io) {
    const [action, ...rest] = positionals;
    if (action !== "create" && action !== "list" && action !== "revoke") {
      throw new InvalidError("CLI_BAD_ARGS", `strata token needs create, list or revoke (see strata token --help)`);
    }
    const expected = action === "revoke" ? 1 : 0;
    if (rest.length !== expected) {
      const what = action === "revoke" ? "one token id" : "no arguments";
      throw new InvalidError("CLI_BAD_ARGS", `strata token ${action} takes ${what} (see strata token --help)`);
    }
    const dataDir = loadServerConfig({
      flags: { "data-dir": values["data-dir"], config: values.config },
      env: process.env,
    }).dataDir;
    const store = TokenStore.open(dataDir);
    try {
      if (action === "create") await create(store, values, io);
      else if (action === "list") list(store, values.json === true, io);
      else await revoke(store, rest[0]!, io);
    } finally {
      await store.close();
    }
    return 0;
  },
};

async function create(
  store: TokenStore,
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
): Promise<void> {
  const db = requiredFlag(values, "db", "token create");
  if (values.scope === undefined) requiredFlag(values, "scope", "token create");
  const scope = choiceFlag<TokenScope>(values, "scope", TOKEN_SCOPES, "read");
  const description = typeof values.description === "string" ? values.description : "";
  const { token, record } = await store.create(db, scope, description);
  io.stderr.write(`created token ${record.id}: ${scope} on ${db === "*" ? "all databases" : `database "${db}"`}\n`);
  io.stderr.write("store it now: it is shown only once\n");
  io.stdout.write(`${token}\n`);
}

function list(store: TokenStore, json: boolean, io: CliIo): void {
  const records = store.list();
  if (json) {
    io.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    return;
  }
  if (records.length === 0) {
    io.stdout.write("no tokens\n");
    return;
  }
  const rows = records.map((r: TokenRecord) => [
    r.id,
    r.db,
    r.scope,
    new Date(r.createdMs).toISOString(),
    r.description,
  ]);
  const header = ["id", "db", "scope", "created", "description"];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]!))
      .join("  ")
      .trimEnd() + "\n";
  io.stdout.write(line(header) + rows.map(line).join(""));
}

async function revoke(store: TokenStore, id: string, io: CliIo): Promise<void> {
  const record = await store.revoke(id);
  io.stdout.write(`revoked token ${record.id} (${record.scope} on ${record.db})\n`);
}
