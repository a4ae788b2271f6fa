import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  ConflictError,
  CorruptError,
  InternalError,
  InvalidError,
  LimitError,
  NotFoundError,
  UnavailableError,
} from "../base/index.ts";
import { ForbiddenError, UnauthorizedError, bodyTooLargeError, errorResponse, httpStatus } from "./errors.ts";

describe("server errors", () => {
  it("maps categories and codes to statuses per dialect", () => {
    const cases = [
      { name: "invalid", input: new InvalidError("X", "m"), want: [400, 400, 400] },
      { name: "not found", input: new NotFoundError("X", "m"), want: [404, 404, 404] },
      { name: "conflict", input: new ConflictError("X", "m"), want: [400, 422, 422] },
      { name: "limit", input: new LimitError("X", "m"), want: [400, 422, 422] },
      { name: "unavailable", input: new UnavailableError("X", "m"), want: [503, 503, 503] },
      { name: "corrupt", input: new CorruptError("X", "m", "f", 0), want: [500, 500, 500] },
      { name: "internal", input: new InternalError("X", "m"), want: [500, 500, 500] },
      { name: "plain Error", input: new Error("boom"), want: [500, 500, 500] },
      { name: "401", input: new UnauthorizedError(), want: [401, 401, 401] },
      { name: "403", input: new ForbiddenError("m"), want: [403, 403, 403] },
      { name: "413", input: bodyTooLargeError(), want: [413, 413, 413] },
      { name: "429", input: new LimitError("SERVER_TOO_MANY_QUERIES", "m"), want: [429, 429, 429] },
      { name: "timeout", input: new LimitError("PROMQL_TIMEOUT", "m"), want: [503, 503, 503] },
      { name: "exec", input: new InvalidError("PROMQL_EXEC_BAD_REGEX", "m"), want: [422, 422, 422] },
    ];
    for (const c of cases) {
      const got = (["influx", "prometheus", "strata"] as const).map((d) => httpStatus(c.input, d));
      assert.deepEqual(got, c.want, c.name);
    }
  });

  it("shapes bodies for InfluxDB 1.x, 2.x, Prometheus and Strata clients", () => {
    const e = new ConflictError("STORAGE_FIELD_TYPE_CONFLICT", "field type conflict");
    assert.deepEqual(JSON.parse(errorResponse(e, "influx").body), { error: "field type conflict" });
    assert.equal(errorResponse(e, "influx").headers["X-Influxdb-Error"], "field type conflict");
    assert.deepEqual(JSON.parse(errorResponse(e, "influx2").body), {
      code: "invalid",
      message: "field type conflict",
      error: "field type conflict",
    });
    assert.deepEqual(JSON.parse(errorResponse(e, "prometheus").body), {
      status: "error",
      errorType: "execution",
      error: "field type conflict",
    });
    assert.deepEqual(JSON.parse(errorResponse(e, "strata").body), {
      error: "field type conflict",
      code: "STORAGE_FIELD_TYPE_CONFLICT",
      category: "conflict",
    });
  });

  it("hides the message of a non-Strata error", () => {
    const r = errorResponse(new TypeError("secret detail"), "strata");
    assert.equal(r.status, 500);
    assert.deepEqual(JSON.parse(r.body), { error: "internal error", code: "SERVER_INTERNAL", category: "internal" });
  });
});
