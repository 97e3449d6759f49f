// The console examples of a Markdown page, so that a test can run each command and compare
// what it prints with what the page shows. A ```console block preceded by the comment
// `<!-- checked: <context> -->` holds `$ command` lines, each followed by its output; the
// context names what must be running for the commands to answer (an open `npm start`, a
// locked one), and the test that provides it runs that context's examples.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../harness/project-root.ts';

export interface ConsoleExample {
  /** Where it is: the page and the line of its `$`. */
  where: string;
  command: string;
  /** The lines the page shows after it, up to the next `$` or the block's end. */
  output: string[];
}

const MARK = /^<!-- checked: ([a-z-]+) -->$/;

/** Every example of `context` in `page` (a path from the project root). */
export function consoleExamples(page: string, context: string): ConsoleExample[] {
  const lines = readFileSync(join(projectRoot, page), 'utf8').split('\n');
  const examples: ConsoleExample[] = [];
  let marked: string | undefined;
  let inBlock = false;
  lines.forEach((line, index) => {
    const mark = MARK.exec(line);
    if (mark) {
      marked = mark[1];
    } else if (!inBlock && line === '```console') {
      inBlock = marked === context;
      marked = undefined;
    } else if (inBlock && line === '```') {
      inBlock = false;
    } else if (inBlock && line.startsWith('$ ')) {
      examples.push({ where: `${page}:${index + 1}`, command: line.slice(2), output: [] });
    } else if (inBlock) {
      examples.at(-1)?.output.push(line);
    } else if (line.trim() !== '') {
      // A mark applies to the block right after it, and to nothing further down.
      marked = undefined;
    }
  });
  return examples;
}

/**
 * What `command` prints through `sh` in `cwd`, stdout then stderr, as lines without the last
 * newline; a command that builds is given a project copy as `cwd`.
 */
export function runExample(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd = projectRoot,
): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('sh', ['-c', command], { cwd, env, timeout: 30_000 }, (error, out, err) => {
      if (error?.killed) reject(new Error(`${command}: timed out`));
      else resolve(`${out}${err}`.replace(/\n$/, '').split('\n'));
    });
  });
}

/**
 * A console transcript with what differs from run to run (the version and the length it
 * gives a body, the Node that runs it, dates, ports) replaced by names, and HTTP's line ends
 * by the page's, so that the rest compares byte for byte.
 */
export function withoutRunDetails(lines: string[]): string[] {
  return lines.map((line) =>
    line
      .replace(/\r$/, '')
      .replace(/^content-length: \d+$/i, 'content-length: <length>')
      .replace(/"server_version":"[^"]*"/g, '"server_version":"<version>"')
      .replace(/"python_version":"[^"]*"/g, '"python_version":"<node>"')
      .replace(/Synapse\/[^\r\n]*/g, 'Synapse/<version>')
      .replace(
        /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT\b/g,
        '<date>',
      )
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>'),
  );
}
