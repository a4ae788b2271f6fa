// Layers bottom-up; a module may import its own layer or lower ones (STYLE.md §1).
// `embedded` (the Strata facade) and `cli` sit in the interface layer beside `server`.
const order = ["base|wire", "storage", "cluster", "query|ingest", "server|cli|embedded"];
const rule = (name, from, to) => ({ name, severity: "error", from, to });
const upward = order.slice(0, -1).map((layer, i) =>
  rule(
    `no-upward-from-${layer.split("|")[0]}`,
    { path: `^src/(${layer})/` },
    { path: `^src/(${order.slice(i + 1).join("|")}|client)/` },
  ),
);
module.exports = {
  forbidden: [
    ...upward,
    rule("service-not-on-cluster", { path: "^src/(query|ingest)/" }, { path: "^src/cluster/" }),
    rule(
      "enter-through-index",
      { path: "^src/([^/]+)/" },
      { path: "^src/[^/]+/.+", pathNot: ["^src/$1/", "^src/[^/]+/index\\.ts$"] },
    ),
    rule("client-only-wire", { path: "^src/client/" }, { path: "^src/", pathNot: "^src/(client|wire)/" }),
    rule("browser-safe", { path: "^src/(client|wire)/" }, { dependencyTypes: ["core"] }),
    rule("no-cycles", { path: "^src/" }, { circular: true }),
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
  },
};
