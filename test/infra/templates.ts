import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, type Tags, type YAMLSeq } from 'yaml';
import { projectRoot } from '../../harness/project-root.ts';

export { projectRoot };

// CloudFormation's short forms (!Ref, !Sub, …) read as their long forms, in both the
// scalar and the sequence spelling, so the tests see the template as CloudFormation does.
const FUNCTIONS = [
  'Ref',
  'Condition',
  'Sub',
  'GetAtt',
  'Equals',
  'Not',
  'If',
  'And',
  'Or',
  'Join',
  'Select',
];
const CLOUDFORMATION_TAGS: Tags = FUNCTIONS.flatMap((fn) => {
  const name = fn === 'Ref' || fn === 'Condition' ? fn : `Fn::${fn}`;
  return [
    { tag: `!${fn}`, resolve: (value: string) => ({ [name]: value }) },
    {
      tag: `!${fn}`,
      collection: 'seq' as const,
      resolve: (value: YAMLSeq.Parsed) => ({ [name]: value.toJSON() }),
    },
  ];
}) as Tags;

// biome-ignore lint/suspicious/noExplicitAny: the tests check templates field by field
export type Template = Record<string, any>;

export const readServerlessYml = (): Template =>
  parse(readFileSync(join(projectRoot, 'serverless.yml'), 'utf8')) as Template;

export const readSamTemplate = (): Template =>
  parse(readFileSync(join(projectRoot, 'infra/template.yaml'), 'utf8'), {
    customTags: CLOUDFORMATION_TAGS,
  }) as Template;

/** A fragment both deployments take, infra/shared/`name`. */
export const readShared = (name: string): Template =>
  parse(readFileSync(join(projectRoot, 'infra/shared', name), 'utf8'), {
    customTags: CLOUDFORMATION_TAGS,
  }) as Template;
