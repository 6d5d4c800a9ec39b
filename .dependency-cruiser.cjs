// Import boundaries of src/, checked by `npm test` (npm run check → depcruise). docs/architecture.md draws the same
// layers; docs/decisions/0008-module-layout-and-import-boundaries.md says why. Imports go only downward:
//
//   cli ─► commands' bodies: deploy, failover/runbooks, drill, report, validate, plan
//   failover/runbooks, drill ─► operator ─► aws ─► errors, clock, io
//   deploy, failover/runbooks, drill ─► session (identity, environment lock) ─► aws
//   failover/controller (Lambda) ─► operator (dns, http-probe), failover/steps ─► aws
//   service/gateway, rotation (workloads running in AWS) ─► postgres, errors; their own SDK clients
//   plan, report, validate, config, templates: offline, no AWS
//
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two modules are one module, or a layer imports upward.',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'drill-not-from-runbooks',
      severity: 'error',
      comment: 'The drill shares machinery with the runbooks through src/operator, never by importing them.',
      from: { path: '^src/drill/' },
      to: { path: '^src/failover/' },
    },
    {
      name: 'aws-sdk-only-in-src-aws',
      severity: 'error',
      comment:
        'Commands reach AWS only through the service modules in src/aws/services (one home per operation, one error ' +
        'mapper). Exempt: the gateway and the rotation Lambda, workloads that run inside AWS as their own bundles ' +
        "with their own region's clients.",
      from: { path: '^src/', pathNot: '^src/(aws|service/gateway|rotation)/' },
      to: { path: '^node_modules/@aws-sdk/(client-|credential-providers|lib-)' },
    },
    {
      name: 'aws-is-a-lower-layer',
      severity: 'error',
      comment:
        'src/aws knows only errors, the clock, the message types and codes; nothing of commands, config or operators.',
      from: { path: '^src/aws/' },
      to: { path: '^src/', pathNot: '^src/(aws/|errors\\.ts$|clock\\.ts$|io/messages\\.ts$|io/message-codes\\.ts$)' },
    },
    {
      name: 'operator-home-below-commands',
      severity: 'error',
      comment:
        'src/operator is shared by the controller, the runbooks and the drill: it imports none of them (nor the CLI).',
      from: { path: '^src/operator/' },
      to: { path: '^src/(failover|drill|deploy|cli|session|report|validate|plan)/' },
    },
    {
      name: 'session-below-commands',
      severity: 'error',
      comment: 'The environment session (identity, lock) serves every command that changes an environment.',
      from: { path: '^src/session/' },
      to: { path: '^src/(failover|drill|deploy|cli|operator|report|validate|plan)/' },
    },
    {
      name: 'controller-stays-lean',
      severity: 'error',
      comment:
        "The controller's Lambda bundle: no runbooks, no CLI, no deploy machinery, and not the CLI's client factory " +
        '(src/aws/lambda-clients.ts builds its six clients).',
      from: { path: '^src/failover/(controller/|steps\\.ts$)' },
      to: {
        path: '^src/(failover/runbooks|drill|deploy|cli|session|report|validate|plan|config)/|^src/aws/clients\\.ts$',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'workloads-stand-alone',
      severity: 'error',
      comment:
        'The gateway, the rotation Lambda and the order canary are deployed on their own: they import no drctl command code.',
      from: { path: '^src/(service|rotation|canary)/' },
      to: { path: '^src/(aws|cli|deploy|drill|failover|operator|session|report|validate|plan|config)/' },
    },
    {
      name: 'offline-planning-has-no-aws',
      severity: 'error',
      comment: 'Planning, reporting, validation, config and templates work offline: they import no AWS code at all.',
      from: { path: '^src/(plan|report|validate|config|templates)/' },
      to: { path: '^src/(aws|session|operator|failover|drill)/|^node_modules/@aws-sdk/' },
    },
    {
      name: 'plan-below-execution',
      severity: 'error',
      comment:
        'Offline planning (graph, parameter resolution, estimates) is read by deploy, report and the runbooks; it ' +
        'knows nothing of how the plan is executed.',
      from: { path: '^src/plan/' },
      to: { path: '^src/(deploy|cli|report)/' },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      comment:
        'The CLI is the top layer: only src/cli knows commander and the process. Command bodies may name its ' +
        'CommandContext type.',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'src-not-from-test',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
