import { type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Where the campaigns and templates land inside every function bundle. */
export const BUNDLED_PROGRAM_DIR = 'program';
/** The absolute path the bundle's program directory has on Lambda (code is unpacked under /var/task). */
export const DEPLOYED_PROGRAM_DIR = `/var/task/${BUNDLED_PROGRAM_DIR}`;

export interface LowtouchFunctionProps {
  /** absolute path of the handler module (exports `handler`) */
  entry: string;
  /** repository root, for esbuild's module resolution and the lock file */
  projectRoot: string;
  /** absolute directory holding `campaigns/` and `templates/`, copied into the bundle */
  programDir: string;
  /** env var that tells the function where the bundled program lives */
  programDirEnvKey: string;
  /** precompiled templates, copied to program/templates.json when given */
  templatesBundle?: string;
  description: string;
  memorySize: number;
  timeout: Duration;
  logRetention: logs.RetentionDays;
  environment: Record<string, string>;
  /** async-invocation dead-letter queue, for functions that a schedule invokes */
  deadLetterQueue?: sqs.IQueue;
  /** X-Ray mode; ACTIVE (every invocation traced) unless a high-volume consumer opts out */
  tracing?: lambda.Tracing;
}

/**
 * The one place that owns the defaults every lowtouch function shares: Node.js 22 on arm64, ESM
 * bundles with source maps, the campaigns shipped inside the bundle, JSON logs with a retention
 * period, X-Ray tracing, and a role that may write only to the function's own log group.
 */
export class LowtouchFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: LowtouchFunctionProps) {
    super(scope, id);
    // Logs are operational, not customer data: they go with the stateless stack.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of AWSLambdaBasicExecutionRole: that managed policy lets the function
    // write to every log group in the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `lowtouch ${id}: ${props.description}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    const { programDir, templatesBundle } = props;
    this.fn = new NodejsFunction(this, 'Fn', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: props.tracing ?? lambda.Tracing.ACTIVE,
      deadLetterQueue: props.deadLetterQueue,
      environment: {
        ...props.environment,
        [props.programDirEnvKey]: DEPLOYED_PROGRAM_DIR,
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'lowtouch',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        // Some dependencies are CommonJS and call require(); give the ESM bundle one.
        banner:
          "import { createRequire as __lowtouchCreateRequire } from 'node:module'; const require = __lowtouchCreateRequire(import.meta.url);",
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Ship the pinned SDK rather than the runtime's, so deployed code runs what the tests ran.
        bundleAwsSDK: true,
        forceDockerBundling: false,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (_inputDir: string, outputDir: string) => [
            `mkdir -p "${outputDir}/${BUNDLED_PROGRAM_DIR}"`,
            `cp -R "${programDir}/campaigns" "${outputDir}/${BUNDLED_PROGRAM_DIR}/campaigns"`,
            `cp -R "${programDir}/templates" "${outputDir}/${BUNDLED_PROGRAM_DIR}/templates"`,
            ...(templatesBundle
              ? [`cp "${templatesBundle}" "${outputDir}/${BUNDLED_PROGRAM_DIR}/templates.json"`]
              : []),
          ],
        },
      },
    });
    if (!props.deadLetterQueue) {
      Validations.of(this.fn).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously only (SQS event source or Function URL), so a dead-letter config would never receive anything; failed SQS messages go to the source queue DLQ.',
      });
    }
    acknowledgeShared(this.fn, this.role);
  }

  /** Adds one least-privilege statement to the function's role. */
  allow(actions: string[], resources: string[]): void {
    this.role.addToPolicy(new iam.PolicyStatement({ actions, resources }));
  }
}

function acknowledgeShared(fn: NodejsFunction, role: iam.Role): void {
  const runtimeReason =
    'nodejs22.x is pinned on purpose: the code and its middleware (middy 6) are tested on Node 20/22 and nodejs22.x is a supported Lambda runtime; moving to a newer runtime is a deliberate, tested upgrade.';
  Validations.of(fn).acknowledge({ id: 'AwsSolutions-L1', reason: runtimeReason });
  Validations.of(fn).acknowledge({ id: 'Serverless-LambdaLatestVersion', reason: runtimeReason });
  const xrayReason =
    'Resource "*" comes only from the X-Ray statement added by Tracing.ACTIVE (xray:PutTraceSegments, xray:PutTelemetryRecords); X-Ray does not support resource-level permissions. Every other statement names its resources.';
  Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: xrayReason });
}
