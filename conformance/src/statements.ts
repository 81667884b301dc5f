// The normative statements of runtime-spec v1.3.0, extracted mechanically
// from the markdown in conformance/spec-v1.3.0/: every sentence holding MUST,
// MUST NOT, REQUIRED or SHALL (upper case, RFC 2119) is one statement.
//
// Ids are stable for a given spec text: `<file>#<anchor>.<n>`, where <anchor>
// is the `<a name>` of the nearest heading above (or its slug when it has
// none) and <n> counts statements from 1 within that section. A table row
// that begins with a code cell (the mount options table) is named by that
// cell instead: `config#configLinuxMountOptions:async`.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SPEC_DIR = path.resolve(__dirname, "..", "..", "spec-v1.3.0");
export const SPEC_FILES = ['config.md', 'config-linux.md', 'runtime.md', 'runtime-linux.md', 'bundle.md', 'features.md', 'features-linux.md'];

export interface Statement {
  id: string;
  file: string;
  line: number;
  section: string;
  text: string;
}

const KEYWORD = /\b(MUST NOT|MUST|REQUIRED|SHALL NOT|SHALL)\b/;

function slug(s: string): string {
  return s
    .toLowerCase()
    .replace(/<[^>]*>/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

interface Block {
  line: number;
  text: string;
  table?: boolean;
}

/** paragraphs, list items and table rows, with wrapped lines joined */
function blocks(md: string): { heading: string; block: Block }[] {
  const out: { heading: string; block: Block }[] = [];
  let heading = 'top';
  let anchor = 'top';
  let cur: Block | undefined;
  let fence = false;
  const flush = () => {
    if (cur) out.push({ heading, block: cur });
    cur = undefined;
  };
  md.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\s+$/, '');
    if (/^\s*```/.test(line)) {
      fence = !fence;
      flush();
      return;
    }
    if (fence) return;
    const h = /^#+\s+(.*)$/.exec(line);
    if (h) {
      flush();
      const a = /<a name="([^"]+)"/.exec(h[1]);
      // a heading without an anchor ("Example") is named under the last one that had one
      if (a) anchor = heading = a[1];
      else heading = `${anchor}/${slug(h[1])}`;
      return;
    }
    if (line.trim() === '') {
      flush();
      return;
    }
    const table = /^\s*\|/.test(line) || /^\s*`[^`]+`\s*\|/.test(line);
    const item = /^\s*([*-]|\d+\.)\s/.test(line);
    if (table || item || !cur || cur.table) {
      flush();
      cur = { line: i + 1, text: line.trim(), table };
    } else {
      cur.text += ' ' + line.trim();
    }
  });
  flush();
  return out;
}

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+(?=[A-Z*`[])/);
}

export function extract(file: string, md: string): Statement[] {
  const stem = file.replace(/\.md$/, '');
  const counters = new Map<string, number>();
  const out: Statement[] = [];
  for (const { heading, block } of blocks(md)) {
    if (block.table) {
      if (!KEYWORD.test(block.text)) continue;
      const cell = /^\s*\|?\s*`([^`]+)`\s*\|/.exec(block.text);
      if (cell) {
        out.push({ id: `${stem}#${heading}:${cell[1]}`, file, line: block.line, section: heading, text: block.text.replace(/\s+/g, ' ') });
        continue;
      }
    }
    for (const s of sentences(block.text)) {
      if (!KEYWORD.test(s)) continue;
      const n = (counters.get(heading) ?? 0) + 1;
      counters.set(heading, n);
      out.push({ id: `${stem}#${heading}.${n}`, file, line: block.line, section: heading, text: s.replace(/\s+/g, ' ') });
    }
  }
  return out;
}

export function allStatements(dir = SPEC_DIR): Statement[] {
  return SPEC_FILES.flatMap((f) => extract(f, fs.readFileSync(path.join(dir, f), 'utf8')));
}
