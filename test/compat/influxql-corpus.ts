// The InfluxQL compatibility corpus: data and queries whose response bodies must match influxd 1.6.7 byte for
// byte (test/compat/influxql-compat.test.ts). Add queries here; keep them deterministic (no sample(), no now()).

/** Line protocol written to both influxd and Strata (database "compat"). */
export const COMPAT_DATA = [
  'cpu,host=a,region=us usage=1.5,idle=90i,ok=true,msg="hi" 1500000000000000000',
  'cpu,host=a,region=us usage=2.5,idle=80i,ok=false,msg="yo" 1500000010000000000',
  'cpu,host=b,region=eu usage=3,idle=70i,ok=true,msg="hey" 1500000005000000000',
  'cpu,host=b,region=eu usage=4.25,idle=60i,ok=true,msg="x" 1500000020000000000',
  "cpu,host=a,region=us usage=10,idle=50i 1500000030000000000",
  "cpu,host=c,region=eu usage=0.1,idle=99i 1500000045000000000",
  "mem,host=a free=100i,used=3.5 1500000000000000000",
  "mem,host=b free=200i 1500000010000000000",
  'esc,t=a f="<a&b> \\" x",g=1e-7,h=1e21,i=-0.0,j=123456789012345678i,k=0.1 1000000001',
].join("\n");

/** One query of the corpus; `epoch` is sent as the epoch parameter when set. */
export interface CompatQuery {
  q: string;
  epoch?: string;
}

export const INFLUXQL_CORPUS: CompatQuery[] = [
  { q: "SHOW DATABASES" },
  { q: "SHOW MEASUREMENTS" },
  { q: "SHOW MEASUREMENTS WITH MEASUREMENT =~ /c.*/" },
  { q: "SHOW TAG KEYS" },
  { q: "SHOW TAG KEYS FROM cpu WHERE host = 'a'" },
  { q: "SHOW TAG VALUES WITH KEY = host" },
  { q: "SHOW TAG VALUES FROM cpu WITH KEY IN (host, region) WHERE region = 'eu'" },
  { q: "SHOW FIELD KEYS" },
  { q: "SHOW SERIES" },
  { q: "SHOW SERIES FROM cpu WHERE host = 'a' OR host = 'c'" },
  { q: "SHOW RETENTION POLICIES" },
  { q: "SELECT * FROM cpu" },
  { q: "SELECT * FROM cpu", epoch: "ms" },
  { q: "SELECT * FROM cpu GROUP BY host" },
  { q: "SELECT * FROM cpu, mem" },
  { q: "SELECT * FROM /.*/ LIMIT 1" },
  { q: "SELECT * FROM esc" },
  { q: "SELECT usage, host FROM cpu WHERE usage > 2 ORDER BY time DESC" },
  { q: "SELECT usage FROM cpu WHERE host =~ /a|c/ AND region != 'us' OR msg = 'x'" },
  { q: "SELECT usage FROM cpu LIMIT 2 OFFSET 1" },
  { q: "SELECT usage FROM cpu GROUP BY host SLIMIT 2 SOFFSET 1" },
  { q: "SELECT mean(usage) FROM cpu" },
  { q: "SELECT mean(usage), mean(idle), count(usage) FROM cpu" },
  { q: "SELECT count(*) FROM cpu" },
  { q: "SELECT mean(*) FROM cpu GROUP BY region" },
  { q: "SELECT max(usage), host FROM cpu" },
  { q: "SELECT min(usage) FROM cpu GROUP BY host" },
  { q: "SELECT first(usage), last(usage) FROM cpu WHERE time >= '2017-07-14T02:40:05Z'" },
  { q: "SELECT spread(idle), stddev(idle), median(idle), percentile(idle, 50) FROM cpu" },
  { q: "SELECT mode(idle), sum(idle) FROM cpu GROUP BY region" },
  { q: "SELECT mean(usage) FROM cpu WHERE time >= 1500000000s AND time < 1500000060s GROUP BY time(10s)" },
  { q: "SELECT count(usage) FROM cpu WHERE time >= 1500000000s AND time < 1500000060s GROUP BY time(20s), host" },
  { q: "SELECT mean(usage) FROM cpu WHERE time >= 1500000000s AND time < 1500000060s GROUP BY time(10s) fill(none)" },
  {
    q: "SELECT mean(usage) FROM cpu WHERE time >= 1500000000s AND time < 1500000060s GROUP BY time(10s) fill(previous)",
  },
  { q: "SELECT mean(usage) FROM cpu WHERE time >= 1500000000s AND time < 1500000060s GROUP BY time(5s) fill(linear)" },
  { q: "SELECT mean(usage) FROM cpu WHERE time >= 1500000000s AND time < 1500000060s GROUP BY time(5s) fill(-1)" },
  { q: "SELECT mean(usage) FROM cpu WHERE time >= 1500000000s AND time < 1500000060s GROUP BY time(10s, 5s)" },
  {
    q: "SELECT max(usage) FROM cpu WHERE time >= 1500000000s AND time < 1500000060s GROUP BY time(10s) ORDER BY time DESC LIMIT 3",
  },
  {
    q: "SELECT derivative(mean(usage), 10s) FROM cpu WHERE time >= 1500000000s AND time < 1500000060s GROUP BY time(10s)",
  },
  { q: "SELECT derivative(usage, 1s), difference(usage) FROM cpu" },
  { q: "SELECT cumulative_sum(usage), moving_average(usage, 2) FROM cpu" },
  { q: "SELECT top(usage, 2), bottom(usage, 1) FROM cpu" },
  { q: "SELECT top(usage, host, 2) FROM cpu" },
  { q: "SELECT distinct(msg) FROM cpu" },
  { q: "SELECT count(distinct(host)) FROM cpu" },
  { q: "SELECT usage * 2 + idle, idle / 3 FROM cpu" },
  { q: "SELECT mean(usage) * 2 AS double, max(usage) - min(usage) FROM cpu GROUP BY host" },
  { q: "SELECT mean(usage) FROM (SELECT usage FROM cpu WHERE host = 'a')" },
  { q: "SELECT max(m) FROM (SELECT mean(usage) AS m FROM cpu GROUP BY host)" },
  { q: "SELECT usage FROM cpu WHERE time > '2017-07-14T02:40:00Z' AND time <= 1500000020000ms" },
  {
    q: "SELECT sum(idle) FROM cpu WHERE time >= 1500000000000ms AND time <= 1500000060000ms GROUP BY time(20s), region fill(previous) ORDER BY time DESC",
  },
  { q: "SELECT usage FROM cpu GROUP BY host ORDER BY time DESC LIMIT 1" },
  {
    q: 'SELECT mean("usage") FROM "cpu" WHERE ("host" =~ /^a$/) AND time >= 1500000000000ms and time <= 1500000060000ms GROUP BY time(20s), "host" fill(null)',
  },
  { q: "SELECT usage FROM cpu; SELECT idle FROM cpu LIMIT 1", epoch: "s" },
  { q: "SELECT * FROM nope" },
  { q: "SELECT nonexistent(usage) FROM cpu" },
  { q: "SELECT mean(usage), host FROM cpu" },
  { q: "SELECT mean(msg) FROM cpu" },
  { q: "SELECT * FRO cpu" },
  { q: "SELECT * FROM cpu WHERE host = 'a" },
  { q: "SHOW FOO" },
];
