/**
 * Checks the documentation rules of the public API (`deno task check` runs
 * it): every export of `mod.ts` and `testing.ts` has JSDoc, and every
 * exported function, class and constant an `@example` (types and
 * interfaces need JSDoc only); every public method and property of an
 * exported class has JSDoc (on one of its overloads); every property of an
 * options interface (a name ending in `Options`) has a `@default`. Prints
 * each problem and exits with 1 when there is any.
 *
 * Usage: `deno run -A scripts/check_docs.ts [entry points…]`
 *
 * @module
 */

interface Tag {
  kind: string;
}
interface JsDoc {
  doc?: string;
  tags?: Tag[];
}
interface Member {
  name: string;
  jsDoc?: JsDoc;
  accessibility?: string;
  isStatic?: boolean;
  kind?: string;
  optional?: boolean;
}
interface Declaration {
  kind: string;
  jsDoc?: JsDoc;
  location: { filename: string; line: number };
  def?: {
    properties?: Member[];
    methods?: Member[];
    constructors?: Member[];
  };
}
interface DocSymbol {
  name: string;
  declarations: Declaration[];
}

const entries = Deno.args.length ? Deno.args : ["mod.ts", "testing.ts"];

const out = await new Deno.Command(Deno.execPath(), {
  args: ["doc", "--json", ...entries],
  stdout: "piped",
  stderr: "null",
}).output();
if (!out.success) {
  console.error(`check_docs: deno doc --json ${entries.join(" ")} failed`);
  Deno.exit(2);
}
const json = JSON.parse(new TextDecoder().decode(out.stdout)) as {
  nodes: Record<string, { symbols: DocSymbol[] }>;
};

const problems: string[] = [];
const hasDoc = (d?: JsDoc) => (d?.doc ?? "").trim() !== "";
const hasTag = (d: JsDoc | undefined, kind: string) => d?.tags?.some((t) => t.kind === kind);
const where = (d: Declaration) => {
  const file = d.location.filename.replace(/^file:\/\//, "").replace(Deno.cwd() + "/", "");
  return `${file}:${d.location.line}`;
};

/** Declarations whose value a user calls or constructs: they need an example. */
const NEEDS_EXAMPLE = new Set(["function", "class", "variable", "enum"]);

const seen = new Set<string>();
for (const { symbols } of Object.values(json.nodes)) {
  for (const symbol of symbols) {
    const own = symbol.declarations.filter((d) => d.kind !== "reference");
    // a re-export is checked where it is declared; overloads share one doc
    const documented = own.find((d) => hasDoc(d.jsDoc));
    if (own.length > 0) {
      const d = documented ?? own[0];
      const key = `${where(d)} ${symbol.name}`;
      if (!seen.has(key)) {
        seen.add(key);
        if (!documented) problems.push(`${where(d)}: export ${symbol.name} has no JSDoc`);
        else if (
          NEEDS_EXAMPLE.has(d.kind) && !own.some((o) => hasTag(o.jsDoc, "example"))
        ) problems.push(`${where(d)}: export ${symbol.name} has no @example`);
      }
    }
    for (const d of own) {
      if (d.kind === "class") {
        const members = new Map<string, Member[]>();
        for (const m of [...(d.def?.methods ?? []), ...(d.def?.properties ?? [])]) {
          if (m.accessibility === "private" || m.name.startsWith("#")) continue;
          members.set(m.name, [...(members.get(m.name) ?? []), m]);
        }
        for (const [name, overloads] of members) {
          if (!overloads.some((m) => hasDoc(m.jsDoc))) {
            problems.push(`${where(d)}: ${symbol.name}.${name} has no JSDoc`);
          }
        }
      }
      if (d.kind === "interface" && symbol.name.endsWith("Options")) {
        for (const p of d.def?.properties ?? []) {
          if (!hasTag(p.jsDoc, "default")) {
            problems.push(`${where(d)}: option ${symbol.name}.${p.name} has no @default`);
          }
        }
      }
    }
  }
}

if (problems.length) {
  for (const p of problems) console.error(p);
  console.error(`check_docs: ${problems.length} problem(s)`);
  Deno.exit(1);
}
console.log(`check_docs: ${seen.size} exports documented`);
