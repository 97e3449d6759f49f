// The commands the README and docs show an operator, read as a shell would (continued
// lines joined): every one that reaches AWS names the same stage and region, so that an
// operator who copies them deploys the function and its policy to one place.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../harness/project-root.ts';

const PAGES = [
  'README.md',
  'monitoring/README.md',
  ...readdirSync(join(projectRoot, 'docs')).map((name) => `docs/${name}`),
];
const REGION = 'eu-west-1';
const STAGE = 'prod';

/** Each command line of the page's sh and console blocks, continuations joined. */
function shownCommands(page: string): { where: string; command: string }[] {
  const lines = readFileSync(join(projectRoot, page), 'utf8').split('\n');
  const commands: { where: string; command: string }[] = [];
  let inBlock = false;
  let pending: { where: string; command: string } | undefined;
  lines.forEach((line, index) => {
    if (/^```(sh|console|bash)$/.test(line)) inBlock = true;
    else if (line === '```') inBlock = false;
    else if (inBlock) {
      const text = line.replace(/^\$ /, '');
      if (pending) pending.command += ` ${text.trim()}`;
      else pending = { where: `${page}:${index + 1}`, command: text };
      if (!/\\\s*(#.*)?$/.test(text)) {
        commands.push(pending);
        pending = undefined;
      } else {
        pending.command = pending.command.replace(/\\\s*$/, '');
      }
    }
  });
  return commands;
}

// What reaches an account: deploys, their clean-up and reading, and the policy's parameter.
// Local runs (`offline`, `invoke local`, `package`, `sam local`) reach none.
const REACHES_AWS =
  /\b(?:serverless (?:deploy|remove|info|logs)|sam (?:deploy|delete|logs|list)|aws ssm|npm run policy)\b/;
const NEEDS_STAGE = /\bserverless (?:deploy|remove|info|logs)\b/;

const every = PAGES.flatMap(shownCommands);

describe('every command the docs show that reaches AWS names one stage and one region', () => {
  const reaching = every.filter(({ command }) => REACHES_AWS.test(command.replace(/#.*$/, '')));

  it('finds the deploy, policy and clean-up commands', () => {
    expect(reaching.length).toBeGreaterThanOrEqual(10);
  });

  it.each(reaching.map((shown) => [shown.where, shown] as const))('%s', (_, shown) => {
    const command = shown.command.replace(/#.*$/, '');
    const regions = [...command.matchAll(/--region[= ]([\w-]+)/g)].map((match) => match[1]);
    expect(regions, command).toEqual([REGION]);
    if (NEEDS_STAGE.test(command)) {
      expect(
        [...command.matchAll(/--stage[= ]([\w-]+)/g)].map((m) => m[1]),
        command,
      ).toEqual([STAGE]);
    }
  });
});
