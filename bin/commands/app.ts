/**
 * `beanstack app`: the CDK app of a project that `beanstack init` set up (`"app": "npx beanstack
 * app"` in cdk.json). The CDK CLI runs it with the context of cdk.json, cdk.context.json and `-c`
 * (through CDK_CONTEXT_JSON) and the output directory (CDK_OUTDIR); it synthesizes one
 * `BeanstackStack` (bin/app.ts documents the context keys). Nothing to compile, so it does not
 * depend on a TypeScript toolchain.
 *
 * Exit codes: 0 synthesized; 1 validation findings; 2 bad compose file, context or prop; 3 a bug.
 */
import type { RegisterCommand } from './index';

export const registerApp: RegisterCommand = (program, ctx, run) => {
  program
    .command('app')
    .description('the CDK app of a project set up by beanstack init (cdk.json: "app": "npx beanstack app"); run by cdk synth/deploy')
    .action(
      run(async () => {
        const { main } = await import('../app');
        return main(ctx.cwd, ctx.env, ctx.stderr);
      }),
    );
};
