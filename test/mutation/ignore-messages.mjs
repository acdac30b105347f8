// A Stryker ignorer: mutants inside the text of an error or a log line cannot change a result, so
// they are left out of the score (Stryker reports them as "Ignored"). The check that leads to the
// error is still mutated: only the message's construction is skipped.
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

/** Functions of src/errors.ts that build an error or a message from its parts. */
const MESSAGE_BUILDERS = new Set([
  'describe', 'invalidArgument', 'unknownName', 'rankMismatch', 'shapeMismatch', 'sampleCountMismatch', 'pythonTuple', 'workerFailed',
]);

function calleeName(node) {
  const callee = node.callee;
  if (callee?.type === 'Identifier') return callee.name;
  if (callee?.type === 'MemberExpression' && callee.object?.type === 'Identifier') return `${callee.object.name}.${callee.property?.name}`;
  return '';
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'messages', {
    shouldIgnore(path) {
      const node = path.node;
      if (node.type === 'NewExpression' && /Error$/.test(calleeName(node))) return 'the message of an error';
      if (node.type === 'CallExpression') {
        const name = calleeName(node);
        if (MESSAGE_BUILDERS.has(name)) return 'an error message builder';
        if (name.startsWith('console.')) return 'logging';
      }
      return undefined;
    },
  }),
];
