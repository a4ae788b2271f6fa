// SafeRegex: RE2-syntax regex matching in time linear in pattern × input, for the tag matchers `=~` / `!~` of
// PromQL and InfluxQL. Parses, compiles and owns a lazy DFA; knows nothing of series or indexes.
import { LazyDfa } from "./lazy-dfa.ts";
import { findLiterals } from "./regex-literals.ts";
import { parseRegex } from "./regex-parser.ts";
import { compileProgram } from "./regex-program.ts";

/** How a {@link SafeRegex} applies to its input. */
export interface SafeRegexOptions {
  /** True: must match the whole input (PromQL's `^(?:re)$`). False: may match anywhere (InfluxQL). */
  anchored: boolean;
}

/**
 * A compiled RE2-syntax regex with no backtracking: `test` runs in O(program size × input length) time and bounded
 * memory, so user-supplied patterns such as `(a+)+$` cannot stall the process. Not re-entrant, but every method is
 * synchronous, so sharing one instance on the JavaScript thread is safe. Syntax and limits: docs/rfc/0001-safe-regex.md.
 */
export class SafeRegex {
  /** The pattern as given to {@link compile}; immutable. */
  readonly source: string;
  /** The options given to {@link compile}; immutable. */
  readonly anchored: boolean;
  /** The matcher, or null when the regex is a finite set of strings, matched by `literalSet`. Immutable. */
  private readonly dfa: LazyDfa | null;
  private readonly literalList: readonly string[] | undefined;
  private readonly literalSet: ReadonlySet<string> | null;

  private constructor(
    source: string,
    anchored: boolean,
    dfa: LazyDfa | null,
    literalList: readonly string[] | undefined,
  ) {
    this.source = source;
    this.anchored = anchored;
    this.dfa = dfa;
    this.literalList = literalList;
    this.literalSet = dfa === null ? new Set(literalList) : null;
  }

  /**
   * Parses and compiles `pattern` (RE2 syntax). Cost is linear in the pattern, except that the first use of each
   * Unicode class name (`\p{Greek}`) scans the code space once per process (tens of milliseconds).
   * @throws InvalidError `BASE_BAD_REGEX` for bad syntax, unsupported constructs (backreferences, lookarounds),
   *   repeat counts above 1000, nesting deeper than 1000 or programs above 10,000 instructions; the message names
   *   the position (UTF-16 offset) and the reason.
   */
  static compile(pattern: string, options: SafeRegexOptions): SafeRegex {
    const node = parseRegex(pattern);
    const literals = findLiterals(node, options.anchored);
    // A finite language (a literal alternation of thousands of tag values, say) is matched by set lookup, which is
    // exact, faster, and not subject to the program size limit.
    if (literals !== undefined) return new SafeRegex(pattern, options.anchored, null, literals);
    const dfa = new LazyDfa(compileProgram(node, pattern), options.anchored);
    return new SafeRegex(pattern, options.anchored, dfa, undefined);
  }

  /**
   * True when the regex matches `input` (all of it when anchored, anywhere otherwise). Matches UTF-16 code units,
   * with a surrogate pair read as one character. Never throws; never allocates once its DFA cache is warm.
   */
  test(input: string): boolean {
    return this.dfa === null ? this.literalSet!.has(input) : this.dfa.test(input);
  }

  /**
   * When the regex matches exactly a small finite set of strings (a literal, an alternation of literals, small
   * classes such as `[ab]`; at most 10,000), returns them sorted and distinct, so callers can use exact lookups
   * instead: `test(s)` is true exactly when `s` is in the list. Otherwise undefined. Unanchored regexes qualify
   * only when written `^…$`. The caller owns the returned array.
   */
  literals(): string[] | undefined {
    return this.literalList === undefined ? undefined : this.literalList.slice();
  }
}
