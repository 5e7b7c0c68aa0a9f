import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { ENV } from '../functions/adapters/env-keys.ts';
import { type LowtouchConfig, loadConfig } from './config.ts';
import { assertValidProgram, type ProgramValidator, type TemplatePrecompiler } from './program.ts';
import { StatefulStack } from './stateful-stack.ts';
import { StatelessStack } from './stateless-stack.ts';

export interface BuildAppOptions {
  /** repository root: functions/, package-lock.json */
  projectRoot: string;
  /** directory relative paths (config file, programDir) resolve against; defaults to process.cwd() */
  cwd?: string;
  /** App props, e.g. context in tests */
  appProps?: AppProps;
  validateProgram: ProgramValidator;
  /** when given, templates are compiled at synth and shipped as program/templates.json */
  precompileTemplates?: TemplatePrecompiler;
}

export interface LowtouchApp {
  app: App;
  config: LowtouchConfig;
  stateful: StatefulStack;
  stateless: StatelessStack;
}

/** Builds the whole CDK app: config, campaign validation, both stacks and the cdk-nag packs. */
export async function buildApp(options: BuildAppOptions): Promise<LowtouchApp> {
  const app = new App(options.appProps);
  const cwd = options.cwd ?? process.cwd();
  const config = loadConfig((key) => app.node.tryGetContext(key), cwd);
  const programDir = resolve(cwd, config.programDir);
  await assertValidProgram(programDir, options.validateProgram);
  let templatesBundle: string | undefined;
  if (options.precompileTemplates) {
    templatesBundle = join(mkdtempSync(join(tmpdir(), 'lowtouch-templates-')), 'templates.json');
    await options.precompileTemplates(programDir, templatesBundle);
  }

  const env = { account: config.account, region: config.region };
  const stateful = new StatefulStack(app, `${config.stackPrefix}-Stateful`, {
    env,
    config,
    description: 'lowtouch: tables, KPI bucket and catalog, SES configuration set, signing key (retained)',
    terminationProtection: false,
  });
  const stateless = new StatelessStack(app, `${config.stackPrefix}-Stateless`, {
    env,
    config,
    stateful,
    projectRoot: options.projectRoot,
    programDir,
    programDirEnvKey: ENV.programDir,
    templatesBundle,
    description: 'lowtouch: functions, queues, schedules, event rules, unsubscribe URL, alarms',
  });

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, config, stateful, stateless };
}
