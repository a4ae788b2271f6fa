// Encoder tests: bodies byte-for-byte as influxd 1.6.7 wrote them for the same results (JSON, pretty, epochs,
// chunks, CSV), and Go's number and string formatting.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { encodeInfluxQLChunks, encodeInfluxQLCsv, encodeInfluxQLResponse } from "./encode-response.ts";
import { fastRfc3339, goFixedFloat, goJsonFloat, goJsonString } from "./go-format.ts";
import { formatRfc3339 } from "../../base/index.ts";
import type { StatementOutput } from "./statement-output.ts";

const T0 = 1_500_000_000_000_000_000n;
const usage: StatementOutput = {
  statementId: 0,
  series: [
    {
      name: "cpu",
      columns: ["time", "usage"],
      values: [
        [T0, 1.5],
        [T0 + 5_000_000_000n, 3],
      ],
    },
  ],
};
const grouped: StatementOutput = {
  statementId: 0,
  series: [
    {
      name: "cpu",
      tags: { host: "a" },
      columns: ["time", "usage", "idle"],
      values: [
        [T0, 1.5, 90],
        [T0 + 10_000_000_000n, 2.5, 80],
        [T0 + 30_000_000_000n, 10, 50],
      ],
    },
    {
      name: "cpu",
      tags: { host: "b" },
      columns: ["time", "usage", "idle"],
      values: [
        [T0 + 5_000_000_000n, 3, 70],
        [T0 + 20_000_000_000n, 4.25, 60],
      ],
    },
  ],
};

describe("encodeInfluxQLResponse", () => {
  const cases: Array<{
    name: string;
    input: { results: StatementOutput[]; epoch?: string; pretty?: boolean };
    want: string;
  }> = [
    {
      name: "RFC3339 times and Go numbers",
      input: { results: [usage] },
      want: '{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","usage"],"values":[["2017-07-14T02:40:00Z",1.5],["2017-07-14T02:40:05Z",3]]}]}]}',
    },
    {
      name: "epoch in milliseconds",
      input: { results: [usage], epoch: "ms" },
      want: '{"results":[{"statement_id":0,"series":[{"name":"cpu","columns":["time","usage"],"values":[[1500000000000,1.5],[1500000005000,3]]}]}]}',
    },
    {
      name: "a statement error and an empty statement",
      input: {
        results: [
          { statementId: 0, series: [], error: "database not found: x" },
          { statementId: 1, series: [] },
        ],
      },
      want: '{"results":[{"statement_id":0,"error":"database not found: x"},{"statement_id":1}]}',
    },
    {
      name: "series without name or values (SHOW SERIES, SHOW USERS)",
      input: { results: [{ statementId: 0, series: [{ columns: ["user", "admin"], values: [] }] }] },
      want: '{"results":[{"statement_id":0,"series":[{"columns":["user","admin"]}]}]}',
    },
    {
      name: "messages",
      input: { results: [{ statementId: 0, series: [], messages: [{ level: "warning", text: "w" }] }] },
      want: '{"results":[{"statement_id":0,"messages":[{"level":"warning","text":"w"}]}]}',
    },
    {
      name: "escaped strings, tiny, huge and negative-zero floats, big integers (influxd output)",
      input: {
        results: [
          {
            statementId: 0,
            series: [
              {
                name: "esc",
                columns: ["time", "f", "g", "h", "i", "j", "k", "l", "m", "n", "t"],
                values: [
                  [
                    1_000_000_001n,
                    '<a&b>\u2028 " x\u0001',
                    1e-7,
                    1e21,
                    -0,
                    123456789012345678n,
                    0.1,
                    1e300,
                    -1.5e-10,
                    1e20,
                    "a",
                  ],
                ],
              },
            ],
          },
        ],
      },
      want: '{"results":[{"statement_id":0,"series":[{"name":"esc","columns":["time","f","g","h","i","j","k","l","m","n","t"],"values":[["1970-01-01T00:00:01.000000001Z","\\u003ca\\u0026b\\u003e\\u2028 \\" x\\u0001",1e-7,1e+21,-0,123456789012345678,0.1,1e+300,-1.5e-10,100000000000000000000,"a"]]}]}]}',
    },
    {
      name: "pretty with four-space indentation",
      input: {
        results: [
          { statementId: 0, series: [{ name: "m", tags: { h: "a" }, columns: ["time", "v"], values: [[0n, 1]] }] },
        ],
        pretty: true,
      },
      want: [
        "{",
        '    "results": [',
        "        {",
        '            "statement_id": 0,',
        '            "series": [',
        "                {",
        '                    "name": "m",',
        '                    "tags": {',
        '                        "h": "a"',
        "                    },",
        '                    "columns": [',
        '                        "time",',
        '                        "v"',
        "                    ],",
        '                    "values": [',
        "                        [",
        '                            "1970-01-01T00:00:00Z",',
        "                            1",
        "                        ]",
        "                    ]",
        "                }",
        "            ]",
        "        }",
        "    ]",
        "}",
      ].join("\n"),
    },
  ];
  for (const { name, input, want } of cases) {
    it(`encodes ${name}`, () => {
      assert.equal(
        encodeInfluxQLResponse(input.results, {
          ...(input.epoch === undefined ? {} : { epoch: input.epoch }),
          pretty: input.pretty === true,
        }),
        want,
      );
    });
  }

  it("truncates epoch conversions toward zero as Go does", () => {
    const out = encodeInfluxQLResponse(
      [
        {
          statementId: 0,
          series: [
            {
              columns: ["time", "v"],
              values: [
                [-1_500_000_000n, 1],
                [1_999_999_999n, 2],
              ],
            },
          ],
        },
      ],
      { epoch: "s" },
    );
    assert.equal(out, '{"results":[{"statement_id":0,"series":[{"columns":["time","v"],"values":[[-1,1],[1,2]]}]}]}');
  });

  it("writes every float so that it parses back to the same double", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        assert.ok(Object.is(Number(goJsonFloat(v)), v === 0 && Object.is(v, -0) ? -0 : v));
        assert.ok(Object.is(Number(goFixedFloat(v)), v === 0 && Object.is(v, -0) ? -0 : v));
        assert.ok(!goFixedFloat(v).includes("e"));
      }),
      { seed: 42, numRuns: 2000 },
    );
  });

  it("writes strings that JSON.parse reads back", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        const wellFormed = s.replace(
          /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
          "\ufffd",
        );
        assert.equal(JSON.parse(goJsonString(s)), wellFormed);
      }),
      { seed: 42, numRuns: 2000 },
    );
  });
});

describe("encodeInfluxQLChunks", () => {
  it("splits series into partial chunks as influxd does (chunk_size=2)", () => {
    const chunks = encodeInfluxQLChunks(
      [grouped, { statementId: 1, series: [{ name: "cpu", columns: ["time", "mean"], values: [[0n, 4.25]] }] }],
      { chunkSize: 2 },
    );
    assert.deepEqual(chunks, [
      '{"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","usage","idle"],"values":[["2017-07-14T02:40:00Z",1.5,90],["2017-07-14T02:40:10Z",2.5,80]],"partial":true}],"partial":true}]}\n',
      '{"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"host":"a"},"columns":["time","usage","idle"],"values":[["2017-07-14T02:40:30Z",10,50]]}],"partial":true}]}\n',
      '{"results":[{"statement_id":0,"series":[{"name":"cpu","tags":{"host":"b"},"columns":["time","usage","idle"],"values":[["2017-07-14T02:40:05Z",3,70],["2017-07-14T02:40:20Z",4.25,60]]}]}]}\n',
      '{"results":[{"statement_id":1,"series":[{"name":"cpu","columns":["time","mean"],"values":[["1970-01-01T00:00:00Z",4.25]]}]}]}\n',
    ]);
  });

  it("sends a statement without series as one document", () => {
    assert.deepEqual(encodeInfluxQLChunks([{ statementId: 2, series: [] }], { chunkSize: 10 }), [
      '{"results":[{"statement_id":2}]}\n',
    ]);
  });
});

describe("encodeInfluxQLCsv", () => {
  it("writes influxd's CSV (tags, epoch, blank line between statements, skipped empty statements)", () => {
    const csv = encodeInfluxQLCsv(
      [
        { statementId: 0, series: [], error: "x" },
        grouped,
        { statementId: 2, series: [{ name: "cpu", columns: ["time", "mean"], values: [[0n, 4.25]] }] },
      ],
      { epoch: "s" },
    );
    assert.equal(
      csv,
      [
        "name,tags,time,usage,idle",
        "cpu,host=a,1500000000,1.5,90",
        "cpu,host=a,1500000010,2.5,80",
        "cpu,host=a,1500000030,10,50",
        "cpu,host=b,1500000005,3,70",
        "cpu,host=b,1500000020,4.25,60",
        "",
        "name,tags,time,mean",
        "cpu,,0,4.25",
        "",
      ].join("\n"),
    );
  });

  it("quotes fields and prints floats without exponents (influxd output)", () => {
    const csv = encodeInfluxQLCsv(
      [
        {
          statementId: 0,
          series: [
            {
              name: "esc",
              columns: ["time", "f", "g", "h", "i", "t"],
              values: [[1_000_000_001n, '<a&b> " x', 1e-7, 1e21, -0, null]],
            },
          ],
        },
      ],
      {},
    );
    assert.equal(csv, 'name,tags,time,f,g,h,i,t\nesc,,1000000001,"<a&b> "" x",0.0000001,1000000000000000000000,-0,\n');
  });
});

describe("fastRfc3339", () => {
  it("formats like formatRfc3339 for any int64 time", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (ns) => {
        assert.equal(fastRfc3339(ns), formatRfc3339(ns));
      }),
      { seed: 42, numRuns: 3000 },
    );
    for (const ns of [0n, -1n, 1n, 999_999_999n, -1_000_000_000n, 1_500_000_000_000_000_000n]) {
      assert.equal(fastRfc3339(ns), formatRfc3339(ns));
    }
  });
});
